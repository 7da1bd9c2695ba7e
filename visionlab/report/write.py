"""Writing the report: build everything in memory, then swap the files in without a half-written state."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from visionlab.report.document import Lab, Picture
from visionlab.report.html import render_html
from visionlab.report.i18n import Translator
from visionlab.report.markdown import render_markdown
from visionlab.report.sections import build_sections, header_blocks
from visionlab.runs import LabFolder
from visionlab.utils.files import atomic_write


def write_files(final: Path, pictures: dict[str, Picture]) -> Path:
    """Write the pictures into a new folder beside ``final``, then swap it in by renames.

    Args:
        final: The pictures' folder (``LAB/report_files``); a previous one is replaced whole.
        pictures: The pictures, by file name.

    Returns:
        ``final``.
    """
    root = final.parent
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=root))
    tmp.chmod(0o755)  # mkdtemp makes it private; the report's files are as readable as the report
    try:
        for pic in pictures.values():
            (tmp / pic.name).write_bytes(pic.data)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old.", dir=root))
        old.rmdir()
        final.rename(old)
    tmp.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final


def write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8, readable by everyone (as the files beside it)."""
    path.write_text(text, encoding="utf-8")
    path.chmod(0o644)  # the temporary file is private; a report is for reading, like the files beside it


def write_report(lab: str | Path, lang: str = "en") -> dict:
    """Write ``LAB/report.html`` (self-contained) and ``LAB/report.md`` (+ ``LAB/report_files/``).

    Args:
        lab: The lab folder.
        lang: The report's language: ``en`` (English) or ``uk`` (Ukrainian, the lab manual's).

    Returns:
        Paths, sizes, the sections with their state (``done`` / ``not run``), the conclusions, the language and
        ``untranslated``: the English templates the language's catalogue lacks (written in English).

    Raises:
        RunFolderError: ``LAB`` has no valid ``lab.json``, or a listed stage's file is missing (named).
        ParamError: ``lang`` is not a report language.

    Example:
        >>> write_report("labs/dragons")["html"]  # doctest: +SKIP
        'labs/dragons/report.html'
    """
    folder = LabFolder(lab)
    translator = Translator(lang)  # an unknown language fails before anything is read
    state = Lab(folder.path, folder.read_manifest(), t=translator)
    header = header_blocks(state)
    sections = build_sections(state)
    page = render_html(state, sections, header)
    text = render_markdown(state, sections, header)
    files = write_files(folder.files_dir, state.pictures)
    md_path = atomic_write(folder.markdown_path, lambda p: write_text(p, text))
    html_path = atomic_write(folder.html_path, lambda p: write_text(p, page))
    return {"lab": str(folder.path), "html": str(html_path), "markdown": str(md_path), "files": str(files),
            "images": len(state.pictures), "html_bytes": html_path.stat().st_size,
            "sections": {s.id: "done" if s.ran else "not run" for s in sections},
            "conclusions": [text for _, text in state.facts], "lang": lang, "untranslated": sorted(translator.missing)}


def format_summary(result: dict) -> str:
    """Where the report is, its size, and the sections that were not run (for the command line)."""
    skipped = [k for k, v in result["sections"].items() if v != "done"]
    lines = [f"report: {result['html']} ({result['html_bytes'] / 2**20:.1f} MB, {result['images']} images embedded; opens offline)",
             f"Markdown: {result['markdown']} with images in {result['files']}"]
    if skipped:
        lines.append(f"sections not run: {', '.join(skipped)}")
    if result.get("untranslated"):
        lines.append(f"language {result['lang']}: {len(result['untranslated'])} sentence template(s) have no translation and are in English")
    return "\n".join(lines)
