"""The report's languages: every English template of the report code has a Ukrainian translation with the same fields.

The templates are read from the source (the calls ``t("...")``, ``t.plural(n, "...", "...")`` and
``plural(n, "noun", t)``) and from the tables whose entries are passed to ``t`` one by one; the
tiny lab's Ukrainian report (tests/test_report.py) checks the same from the other side, on a real lab.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from visionlab.errors import ParamError
from visionlab.report import SECTIONS, plural
from visionlab.report.i18n import PLURAL_SEP, Translator, catalogue, uk_form
from visionlab.report.sections import classify, common, compare, distill, explain, header, overview, provenance, segment

REPORT = Path(__file__).resolve().parents[1] / "visionlab" / "report"
OTHERS = {"studies.py"}  # the Control questions section's templates come from its studies' records; its author's tests cover them

# Words that reach ``t`` from the lab's files rather than from a literal: split keys, distillation roles, walkmap tile kinds,
# ROC AUC kinds (visionlab.evaluate.metrics), the pipeline's booleans.
DATA_WORDS = ("train", "val", "test", "teacher", "student", "free", "stand", "solid", "hazard", "binary", "macro one-vs-rest", "True", "False")


def source_templates(path: Path) -> set[str]:
    """The literal templates of one module: first arguments of ``t(...)`` and the forms of plural calls."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f, args = node.func, node.args
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        literal = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in args]
        if name == "t" and literal and literal[0]:
            found.add(literal[0])
        elif name == "plural" and isinstance(f, ast.Attribute) and len(literal) >= 3 and literal[1] and literal[2]:
            found.add(literal[1] + PLURAL_SEP + literal[2])
        elif name == "plural" and isinstance(f, ast.Name) and len(literal) >= 2 and literal[1]:
            found.add(f"{{n}} {literal[1]}{PLURAL_SEP}{{n}} {literal[1]}s")
    return found


def table_templates() -> set[str]:
    """The templates the code passes to ``t`` from its tables (section titles, column names, phrases chosen by a value)."""
    words = [title for _, title, _ in SECTIONS]
    words += [*common.SPLIT_NAMES.values(), *classify.MODE_TEXT.values(), *explain.DELETION, *explain.INSERTION, *header.MACHINE_KEYS]
    words += [w for w in (*compare.COMPARE_COLUMNS, *explain.CURVE_COLUMNS) if w]
    words += [*overview.AIMS.values(), *provenance.SEGMENTERS.values(), *provenance.SEGMENTATION_TRUTH.values()]
    words += ["{model}" + suffix for suffix in (" pretrained", " scratch", segment.CLASSICAL_NOTE)]
    return {*words, *DATA_WORDS}


def all_templates() -> set[str]:
    modules = [p for p in REPORT.rglob("*.py") if "locale" not in p.parts and p.name not in OTHERS]
    return set().union(*(source_templates(p) for p in modules)) | table_templates()


def is_plural(key: str) -> bool:
    """A plural key: the singular and plural templates of a count, ``{n} ...|{n} ...``."""
    forms = key.split(PLURAL_SEP)
    return len(forms) == 2 and all(form.startswith("{n} ") for form in forms)


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_the_scan_finds_the_templates():
    found = all_templates()
    assert len(found) > 300
    assert "Best validation accuracy {acc} at epoch {epoch} of {epochs}." in found
    assert "{n} image|{n} images" in found and "{n} class|{n} classes" in found
    assert "Topic and aim" in found and "Control questions" in found
    assert distill.TIMING.pattern and "Speed-up of the student, each model in its faster runtime: {best}" in found


def test_every_template_has_a_ukrainian_translation_with_the_same_fields():
    uk = catalogue("uk")
    missing = sorted(all_templates() - set(uk))
    assert missing == [], missing
    for key in all_templates():
        if is_plural(key):
            forms = uk[key].split(PLURAL_SEP)
            assert len(forms) == 3, (key, uk[key])
            assert all(fields(form) == fields(key.split(PLURAL_SEP)[0]) for form in forms), key
        else:
            assert fields(uk[key]) == fields(key) and uk[key].count("|") == key.count("|"), (key, uk[key])


def test_a_translation_is_ukrainian_where_the_template_has_words():
    """A translation copied from English would pass the field check; every template with an English word has Cyrillic."""
    uk = catalogue("uk")
    kept = {"Grad-CAM", "ROC AUC", "ROC AUC ({kind})", "IoU", "IoU (CAM > {threshold})", "torch", "autocast", "{method}: {measure}",
            "{name} from {source}", "{classes} ({names}), {images}: {splits}.", "{split} {count}", "{n}th", "; top: {top}"}
    english = [k for k in all_templates() - kept if any(c.isalpha() for c in string.Formatter().vformat(k, (), _Blank()))]
    assert english and [k for k in english if not any("\u0400" <= c <= "\u04ff" for c in uk[k])] == []


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def test_ukrainian_plural_forms():
    assert [uk_form(n) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1000)] == [2, 0, 1, 1, 2, 2, 2, 2, 0, 1, 2, 0, 2, 2]
    uk = Translator("uk")
    assert [plural(n, "image", uk) for n in (1, 3, 5, 21)] == ["1 зображення", "3 зображення", "5 зображень", "21 зображення"]
    assert [uk.plural(n, "{n} class", "{n} classes", n=n) for n in (1, 2, 5)] == ["1 клас", "2 класи", "5 класів"]
    assert uk.missing == set()


def test_english_is_the_template_and_a_gap_is_recorded():
    en, uk = Translator(), Translator("uk")
    assert en("{n} of {total} images", n=2, total=5) == "2 of 5 images" and en.missing == set()
    assert uk("no such template {x}", x=1) == "no such template 1" and uk.missing == {"no such template {x}"}
    assert uk.plural(2, "{n} widget", "{n} widgets", n=2) == "2 widgets" and "{n} widget|{n} widgets" in uk.missing


def test_an_unknown_language_names_the_valid_ones():
    with pytest.raises(ParamError, match=r"en, uk"):
        Translator("xx")
