"""The classes of a segmentation dataset: names, display colours, ignore index, and ``classes.json``.

``classes.json`` looks like :data:`CLASSES_JSON_EXAMPLE`; ``colors`` is optional (VOC colours are
used for display) and ``ignore_index`` defaults to 255.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from visionlab.errors import DatasetError, UnknownNameError
from visionlab.utils.files import read_json

Color = tuple[int, int, int]

VOC_CLASSES: tuple[str, ...] = (
    "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
    "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
)

IGNORE_COLOR: Color = (255, 255, 255)
"""Colour :meth:`SegClasses.colorize` gives ignored pixels; read back as ``ignore_index`` from colour masks."""

MAX_LISTED = 5
CLASSES_JSON_EXAMPLE = '{"classes": ["background", "road", "car"], "colors": [[0, 0, 0], [128, 64, 128], [0, 0, 142]], "ignore_index": 255}'


def voc_palette(n: int = 256) -> np.ndarray:
    """The Pascal VOC colour map: the bits of each index spread over the high bits of R, G and B.

    Args:
        n: Number of colours.

    Returns:
        An (n, 3) uint8 array; row 0 is black, 1 is (128, 0, 0), 255 is (224, 224, 192).
    """
    if n < 0:
        raise ValueError(f"voc_palette needs n >= 0, got {n}")
    idx = np.arange(n, dtype=np.int64)
    pal = np.zeros((n, 3), dtype=np.int64)
    for bit in range(8):
        for ch in range(3):
            pal[:, ch] |= ((idx >> (3 * bit + ch)) & 1) << (7 - bit)
    return pal.astype(np.uint8)


def colors_of(pal: np.ndarray) -> tuple[Color, ...]:
    """The rows of an (n, 3) palette as ``(r, g, b)`` tuples of Python ints."""
    return tuple((int(r), int(g), int(b)) for r, g, b in pal)


def short_list(values: Sequence, limit: int) -> str:
    """The first ``limit`` values, comma-separated, with the total when some are left out (for messages)."""
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def class_ids_by_name(names: Iterable[str], classes: Sequence[str], param: str) -> list[int]:
    """Ids of class ``names`` in ``classes``, in the given order, duplicates dropped: the one way names become ids.

    Args:
        names: Class names (surrounding spaces ignored).
        classes: The segmenter's class names, in id order.
        param: The parameter ``names`` came from (``classes``, ``walkable``, ``concept_classes``...), named first in
            the error so that the command line can show its flag.

    Returns:
        The class ids.

    Raises:
        UnknownNameError: Names not in ``classes``; the message lists the segmenter's classes.
    """
    classes = tuple(classes)
    wanted = list(dict.fromkeys(str(n).strip() for n in names))
    unknown = [n for n in wanted if n not in classes]
    if unknown:
        raise UnknownNameError(f"{param}: unknown segmentation class {', '.join(map(repr, unknown))}; "
                               f"the segmenter predicts: {', '.join(classes)}")
    return [classes.index(n) for n in wanted]


@dataclass(frozen=True)
class SegClasses:
    """Class names, display colours and the ignore index of a segmentation dataset.

    Attributes:
        names: Class names in id order.
        colors: One (r, g, b) per class.
        ignore_index: Mask value of unlabelled pixels (never a class id).
        has_colors: False when the colours are VOC defaults for display, not the dataset's own;
            then colour (RGB) masks cannot be read.
    """

    names: tuple[str, ...]
    colors: tuple[Color, ...]
    ignore_index: int = 255
    has_colors: bool = True

    @property
    def num_classes(self) -> int:
        """How many classes (ids ``0..num_classes - 1``)."""
        return len(self.names)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form, the same as ``classes.json``; ``has_colors`` is stored only when False."""
        d: dict[str, Any] = {"classes": list(self.names), "colors": [list(c) for c in self.colors], "ignore_index": self.ignore_index}
        if not self.has_colors:
            d["has_colors"] = False
        return d

    @classmethod
    def from_dict(cls, d: dict) -> SegClasses:
        """Inverse of :meth:`to_dict`; also reads the ``classes.json`` form.

        Raises:
            DatasetError: The dict does not describe a valid class list.
        """
        return _parse_classes(d, "class list")

    def colorize(self, ids: np.ndarray) -> np.ndarray:
        """Map (H, W) class ids to an (H, W, 3) uint8 image; ignored and unknown ids become white."""
        ids = np.asarray(ids)
        lut = np.asarray(self.colors + (IGNORE_COLOR,), dtype=np.uint8)
        n = self.num_classes
        valid = (ids >= 0) & (ids < n)
        return lut[np.where(valid, ids, n).astype(np.intp)]


VOC = SegClasses(VOC_CLASSES, colors_of(voc_palette(len(VOC_CLASSES))), 255)


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _parse_names(raw: Any, source: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise DatasetError(f'{source}: "classes" must be a non-empty list of class names, e.g. {CLASSES_JSON_EXAMPLE}')
    if not all(isinstance(c, str) and c.strip() for c in raw):
        raise DatasetError(f'{source}: every entry of "classes" must be a non-empty string; got {raw!r}')
    dups = sorted({c for c in raw if raw.count(c) > 1})
    if dups:
        raise DatasetError(f"{source}: duplicate class names {dups}; each class must be listed once")
    if len(raw) > 255:
        raise DatasetError(
            f"{source}: {len(raw)} classes, but 8-bit PNG masks hold at most 255 classes plus the ignore index; "
            "merge classes or split the task"
        )
    return tuple(raw)


def _parse_colors(raw: Any, n: int, source: str) -> tuple[Color, ...]:
    if not isinstance(raw, list) or len(raw) != n:
        got = len(raw) if isinstance(raw, list) else type(raw).__name__
        raise DatasetError(f'{source}: "colors" must list one [r, g, b] per class ({n}), got {got}; fix the list or remove "colors"')
    bad = [c for c in raw if not (isinstance(c, list) and len(c) == 3 and all(_is_int(v) and 0 <= v <= 255 for v in c))]
    if bad:
        raise DatasetError(f'{source}: colours must be [r, g, b] with integers 0..255; bad entries: {bad[:MAX_LISTED]}')
    colors = tuple((int(r), int(g), int(b)) for r, g, b in raw)
    dups = sorted({c for c in colors if colors.count(c) > 1})
    if dups:
        raise DatasetError(f"{source}: several classes share the colour(s) {dups}, so colour masks would be ambiguous; give each class its own colour")
    return colors


def _parse_ignore(raw: Any, n: int, source: str) -> int:
    if not _is_int(raw):
        raise DatasetError(f'{source}: "ignore_index" must be an integer, got {raw!r}')
    if raw < n:
        raise DatasetError(
            f"{source}: ignore_index {raw} collides with class id {raw} ({n} classes use ids 0..{n - 1}); "
            f"use a value from {n} to 255 (usually 255)"
        )
    if raw > 255:
        raise DatasetError(f"{source}: ignore_index {raw} does not fit an 8-bit PNG mask; use a value from {n} to 255 (usually 255)")
    return int(raw)


def _parse_classes(d: Any, source: str) -> SegClasses:
    if not isinstance(d, dict):
        raise DatasetError(f"{source}: expected a JSON object like {CLASSES_JSON_EXAMPLE}, got {type(d).__name__}")
    names = _parse_names(d.get("classes"), source)
    has_colors = d.get("colors") is not None and d.get("has_colors", True) is not False
    colors = _parse_colors(d["colors"], len(names), source) if has_colors else colors_of(voc_palette(len(names)))
    return SegClasses(names, colors, _parse_ignore(d.get("ignore_index", 255), len(names), source), has_colors)


def read_classes_json(path: str | Path) -> SegClasses:
    """Read a ``classes.json``: ``{"classes": [...], "colors": [[r, g, b], ...], "ignore_index": 255}``.

    ``colors`` is optional (VOC colours are used for display) and ``ignore_index`` defaults to 255.

    Raises:
        DatasetError: Missing or invalid file, no classes, duplicate names, colours that do not
            match the classes, more than 255 classes, or an ignore index that is a class id or
            above 255.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path} does not exist; create it with the class names in mask-value order, e.g. {CLASSES_JSON_EXAMPLE}")
    try:
        data = read_json(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path} is not valid JSON ({exc}); it should look like {CLASSES_JSON_EXAMPLE}") from exc
    return _parse_classes(data, str(path))
