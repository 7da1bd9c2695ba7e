"""The report's document model: its blocks, the lab state the sections fill, and their small helpers.

The sections build lists of blocks (:class:`Para`, :class:`Table`, :class:`Gallery`...) and never
write HTML or Markdown themselves; :mod:`visionlab.report.html` and :mod:`visionlab.report.markdown`
render the same blocks. Pictures are collected on the :class:`Lab` as PNG bytes under a unique
``report_files/`` name, so both renderers point at the same file.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from visionlab.errors import RunFolderError
from visionlab.report.i18n import Translator
from visionlab.runs import LabFolder, RunFolder
from visionlab.utils.files import read_json

GALLERY_MAX = 8  # images per gallery
EXAMPLES_MAX = 4  # example figures per section (segmentation, comparison, pipeline, walkmap)
FIGURE_WIDTH = 1400  # px; wider figures are downscaled
THUMB = 128  # px; side of dataset and augmentation thumbnails


# --- the document: blocks that render to HTML and Markdown ---------------------------------------

@dataclass
class Picture:
    """A PNG for ``report_files/NAME`` (and a data URI in the HTML)."""

    name: str
    data: bytes
    width: int
    height: int
    caption: str = ""


@dataclass
class Para:
    """A paragraph of plain text."""

    text: str


@dataclass
class Note:
    """A highlighted remark: a stage that did not run, or a caveat about a measurement."""

    text: str


@dataclass
class Heading:
    """A sub-heading inside a section."""

    text: str


@dataclass
class Table:
    """A table of text cells; an all-empty ``header`` draws no header row (in HTML)."""

    header: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Gallery:
    """Pictures side by side, each with its caption."""

    pictures: list[Picture]
    columns: int = 0  # pictures per line; 0: as many as fit at about 250 px each


@dataclass
class Pre:
    """Preformatted text (the lab configuration)."""

    text: str


@dataclass
class Bullets:
    """An unordered list of sentences."""

    items: list[str]


@dataclass
class Details:
    """Blocks folded under a summary line (expandable in HTML, a bold line in Markdown)."""

    summary: str
    blocks: list[Block]


Block = Para | Note | Heading | Table | Gallery | Pre | Bullets | Details


@dataclass
class Section:
    """One numbered section of the report; ``ran`` is false for a stage the lab did not run."""

    id: str
    title: str
    blocks: list[Block]
    ran: bool = True


# --- the lab folder and what the report collects ---------------------------------------------------

@dataclass
class Lab:
    """The lab folder, its manifest, and what the report has collected so far."""

    root: Path
    manifest: dict
    pictures: dict[str, Picture] = field(default_factory=dict)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (section id, sentence) for the conclusions
    results: list[tuple[str, str, str]] = field(default_factory=list)  # (section id, measure, value) for the results table
    t: Translator = field(default_factory=Translator)  # the report's language: lab.t("{n} images", n=3)

    @property
    def folder(self) -> LabFolder:
        """The lab folder's layout (manifest and report paths)."""
        return LabFolder(self.root)

    def stage(self, name: str) -> dict | None:
        """The manifest's entry for stage ``name``, or ``None`` when the stage did not run."""
        return (self.manifest.get("stages") or {}).get(name)

    def stage_path(self, stage: str, key: str) -> Path:
        """The path the manifest gives under ``key`` for ``stage``, resolved against the lab folder.

        Raises:
            RunFolderError: The stage's entry has no such key.
        """
        entry = self.stage(stage) or {}
        if not entry.get(key):
            raise RunFolderError(f"{self.folder.manifest_path}: stage {stage!r} has no {key!r} entry; rerun `visionlab lab`")
        return self.root / entry[key]

    def run(self, stage: str) -> RunFolder:
        """The run folder of ``stage`` (its ``run`` entry in the manifest)."""
        return RunFolder(self.stage_path(stage, "run"))

    def need(self, path: Path, stage: str) -> Path:
        """``path``, or an error naming it and the stage that should have written it.

        Raises:
            RunFolderError: ``path`` does not exist.
        """
        if not path.exists():
            raise RunFolderError(f"report: {path} is missing, although {self.folder.manifest_path} lists the {stage!r} stage; "
                                 f"rerun the lab (visionlab lab CONFIG) or restore the file")
        return path

    def json(self, path: Path, stage: str) -> Any:
        """The JSON file ``path`` that ``stage`` wrote (see :meth:`need` for a missing one)."""
        return read_json(self.need(path, stage))

    def fact(self, section: str, sentence: str) -> None:
        """Keep ``sentence`` for the conclusions, under section ``section``."""
        self.facts.append((section, sentence))

    def result(self, section: str, measure: str, value: str) -> None:
        """Keep a headline number for the results table: ``measure`` (translated already) and ``value`` (formatted).

        A missing value (``n/a``) is not kept: the results table lists only numbers the lab's files hold.
        """
        if value != NA:
            self.results.append((section, measure, value))


# --- numbers and text ----------------------------------------------------------------------------

NA = "n/a"  # what num() and times() write for a missing value; table cells get the report's word for it (missing_word)


def num(value: Any, digits: int = 4) -> str:
    """A number with ``digits`` decimals; ``n/a`` for missing values."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return NA
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value):.{digits}f}"


def plural(n: int, noun: str, t: Translator | None = None) -> str:
    """``n`` and ``noun`` in the language of ``t`` (English when None): ``3 images``, ``3 зображення``, ``5 зображень``.

    Args:
        n: The count.
        noun: The English noun in the singular; its plural adds ``s``. The catalogue translates the pair
            ``"{n} NOUN|{n} NOUNs"`` (see :meth:`Translator.plural`).
        t: The report's translator.
    """
    return (t or Translator()).plural(n, f"{{n}} {noun}", f"{{n}} {noun}s", n=n)


def times(value: Any) -> str:
    """A ratio as ``1.6×``; ``n/a`` for ``None``."""
    return NA if value is None else f"{float(value):.1f}×"


def missing_word(blocks: list[Block], word: str) -> list[Block]:
    """``blocks`` with every :data:`NA` in their text (cells, captions, sentences; nested blocks too) written as ``word``.

    :func:`num` does not know the report's language, and the sections put its output into tables and
    sentences; the report's word for a missing value is put in here, once, for every section.
    """
    if word == NA:
        return blocks
    pattern = re.compile(rf"(?<![\w/]){re.escape(NA)}(?![\w/])")

    def fix(text: str) -> str:
        return pattern.sub(word, text)

    for block in blocks:
        if isinstance(block, (Para, Note, Heading)):  # not Pre: the configuration stays as written
            block.text = fix(block.text)
        elif isinstance(block, Table):
            block.rows = [[fix(cell) for cell in row] for row in block.rows]
            block.caption = fix(block.caption)
        elif isinstance(block, Bullets):
            block.items = [fix(item) for item in block.items]
        elif isinstance(block, Gallery):
            for pic in block.pictures:
                pic.caption = fix(pic.caption)
        elif isinstance(block, Details):
            missing_word(block.blocks, word)
    return blocks


def safe_name(text: str) -> str:
    """``text`` reduced to letters, digits, ``_``, ``.`` and ``-``, for a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "image"


def evenly(items: list, k: int) -> list:
    """Up to ``k`` items spread over the list (first and last included), in order."""
    if len(items) <= k:
        return list(items)
    step = (len(items) - 1) / (k - 1) if k > 1 else 0
    return [items[round(i * step)] for i in range(k)]


def short_name(lab: Lab, model: Any) -> str:
    """A run folder relative to the lab (``segment/``), or a model name as it is."""
    text = str(model)
    path = Path(text)
    if not path.is_absolute():
        return text
    try:
        return path.resolve().relative_to(lab.root.resolve()).as_posix() + "/"
    except ValueError:
        return path.name + "/"


def read_csv(path: Path) -> list[dict]:
    """The rows of a CSV file with a header line, as dicts of strings."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_float(v: Any) -> float | None:
    """``v`` as a float; ``None`` for empty, non-numeric or NaN values."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


# --- pictures ------------------------------------------------------------------------------------

def to_rgb(im: Image.Image) -> Image.Image:
    """RGB, transparency composited over white."""
    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        bg = Image.new("RGB", im.size, (255, 255, 255))
        bg.paste(im, mask=im.getchannel("A"))
        return bg
    return im.convert("RGB")


def png_bytes(im: Image.Image) -> bytes:
    """``im`` encoded as an optimized PNG."""
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def add_picture(lab: Lab, name: str, im: Image.Image, caption: str, max_width: int = FIGURE_WIDTH) -> Picture:
    """Keep ``im`` (as RGB, at most ``max_width`` px wide) as a report picture.

    Args:
        lab: Where the picture is kept, under a name no other picture has.
        name: The file name's stem; made safe, and given ``_2``, ``_3``... when taken.
        im: The image.
        caption: Shown below the picture.
        max_width: Wider images are downscaled to this width.

    Returns:
        The picture, already added to ``lab.pictures``.
    """
    im = to_rgb(im)
    if im.width > max_width:
        im = im.resize((max_width, max(1, round(im.height * max_width / im.width))), Image.Resampling.LANCZOS)
    base, k = safe_name(name), 1
    key = f"{base}.png"
    while key in lab.pictures:
        k += 1
        key = f"{base}_{k}.png"
    pic = Picture(key, png_bytes(im), im.width, im.height, caption)
    lab.pictures[key] = pic
    return pic


def file_picture(lab: Lab, path: Path, stage: str, name: str, caption: str, max_width: int = FIGURE_WIDTH) -> Picture:
    """Keep the image file ``path``, written by ``stage``, as a report picture (see :func:`add_picture`).

    Raises:
        RunFolderError: ``path`` is missing.
    """
    lab.need(path, stage)
    with Image.open(path) as im:
        im.load()
        return add_picture(lab, name, im, caption, max_width)


def strip(tiles: list[Image.Image], labels: list[str], side: int = THUMB) -> Image.Image:
    """Square thumbnails in one row, each with a label above it."""
    band = 14
    out = Image.new("RGB", (len(tiles) * (side + 4) - 4, side + band), (255, 255, 255))
    draw = ImageDraw.Draw(out)
    for i, (tile, label) in enumerate(zip(tiles, labels)):
        t = to_rgb(tile)
        t.thumbnail((side, side), Image.Resampling.LANCZOS)
        x = i * (side + 4)
        out.paste(t, (x + (side - t.width) // 2, band + (side - t.height) // 2))
        draw.text((x + 2, 1), label[:22], fill=(40, 40, 40))
    return out
