"""The report's languages: English templates, translated through a catalogue per language.

Every sentence, heading, caption and table label of the report is an English template with
``{name}`` fields, passed through :meth:`Translator.__call__` (``lab.t(...)`` in the sections). In
English the template is used as written; in another language the catalogue's translation of the
same template is, with the same fields. Numbers are formatted before they are put in, so a
translation changes words, never a measured value. A template without a translation falls back
to English and is recorded (``Translator.missing``), which the tests require to stay empty.

A count with a noun (``3 images``) goes through :meth:`Translator.plural`: its key is the English
singular and plural templates joined by ``|``, and a translation gives as many forms as its
language has, also joined by ``|`` (Ukrainian: three, chosen by :func:`uk_form`).

Catalogues: ``visionlab/report/locale/<lang>*.py``, each a dict named ``CATALOGUE``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from visionlab.errors import ParamError

LANGS = ("en", "uk")  # English (the default) and Ukrainian (the language of the lab manual and its students)
PLURAL_SEP = "|"  # between the forms of a plural template and its translation


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every translation of ``lang``: the ``CATALOGUE`` dicts of ``visionlab.report.locale.<lang>*`` merged.

    Raises:
        ParamError: ``lang`` is not one of :data:`LANGS`; or two catalogue modules translate one template differently.
    """
    check_lang(lang)
    from visionlab.report import locale

    merged: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(locale.__path__), key=lambda i: i.name):
        if info.name == lang or info.name.startswith(lang + "_"):
            module = importlib.import_module(f"visionlab.report.locale.{info.name}")
            for key, text in module.CATALOGUE.items():
                if merged.get(key, text) != text:
                    raise ParamError("lang", f"locale {info.name}: two translations of {key!r}")
                merged[key] = text
    return merged


def check_lang(lang: str) -> None:
    """Raise unless ``lang`` is a report language.

    Raises:
        ParamError: Naming the valid languages.
    """
    if lang not in LANGS:
        raise ParamError("lang", f"lang must be one of {', '.join(LANGS)} (en: English, uk: Ukrainian); got {lang!r}")


def uk_form(n: int) -> int:
    """The Ukrainian plural form of a count: 0 for 1, 21, 31...; 1 for 2-4, 22-24...; 2 for 0, 5-20, 25-30...

    Example:
        >>> [uk_form(n) for n in (1, 2, 5, 11, 12, 21, 22, 25, 111)]
        [0, 1, 2, 2, 2, 0, 1, 2, 2]
    """
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def plural_form(lang: str, n: int) -> int:
    """Which of a translation's plural forms a count takes in ``lang`` (English: 0 for one, 1 otherwise)."""
    return uk_form(n) if lang == "uk" else int(n != 1)


class Translator:
    """Fills English templates in the report's language.

    Args:
        lang: One of :data:`LANGS`.

    Example:
        >>> Translator("en")("{n} images", n=3)
        '3 images'
    """

    def __init__(self, lang: str = "en") -> None:
        check_lang(lang)
        self.lang = lang
        self.table = {} if lang == "en" else catalogue(lang)
        self.missing: set[str] = set()

    def __call__(self, template: str, **values: object) -> str:
        """``template`` in the report's language with ``values`` filled in."""
        text = template
        if self.lang != "en":
            text = self.table.get(template, template)
            if template not in self.table:
                self.missing.add(template)
        return text.format(**values) if values else text

    def plural(self, count: int, one: str, other: str, **values: object) -> str:
        """The form of ``one`` / ``other`` (English templates) that ``count`` takes, in the report's language.

        Args:
            count: The number the noun agrees with.
            one: The English template for a count of 1 (``"{n} image"``).
            other: The English template for any other count (``"{n} images"``).
            **values: The fields, formatted already (the count too, usually as ``n``).

        Example:
            >>> Translator("en").plural(3, "{n} image", "{n} images", n=3)
            '3 images'
        """
        key = one + PLURAL_SEP + other
        forms = [one, other]
        if self.lang != "en":
            if key in self.table:
                forms = self.table[key].split(PLURAL_SEP)
            else:
                self.missing.add(key)
        form = plural_form(self.lang, count) if len(forms) > 2 else int(count != 1)
        return forms[min(form, len(forms) - 1)].format(**values)
