"""Semantic segmentation data: class lists, mask files, dataset layouts, splits and statistics.

A mask is an (H, W) array of class ids, one per pixel; ``ignore_index`` marks unlabelled pixels.

Layouts understood by :func:`scan_mask_dataset`:
    ``DATA/JPEGImages`` + ``DATA/SegmentationClass`` (+ ``ImageSets/Segmentation``)   Pascal VOC
    ``DATA/{train,val,test}/{images,masks}`` + ``DATA/classes.json``                 pre-split
    ``DATA/images`` + ``DATA/masks`` + ``DATA/classes.json``                          flat
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from visionlab.data.images import MAX_PIXELS, is_image_path
from visionlab.errors import ConfigError, DatasetError
from visionlab.utils.files import atomic_write, read_json

Color = tuple[int, int, int]

VOC_CLASSES: tuple[str, ...] = (
    "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
    "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
)

IGNORE_COLOR: Color = (255, 255, 255)
"""Colour :meth:`SegClasses.colorize` gives ignored pixels; read back as ``ignore_index`` from colour masks."""

SPLIT_NAMES = ("train", "val", "test")
MAX_LISTED = 5
CLASSES_JSON_EXAMPLE = '{"classes": ["background", "road", "car"], "colors": [[0, 0, 0], [128, 64, 128], [0, 0, 142]], "ignore_index": 255}'
_ID_MODES = ("P", "L", "1")
_WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I")
_COLOR_MODES = ("RGB", "RGBA")


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


def _colors_of(pal: np.ndarray) -> tuple[Color, ...]:
    return tuple((int(r), int(g), int(b)) for r, g, b in pal)


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


VOC = SegClasses(VOC_CLASSES, _colors_of(voc_palette(len(VOC_CLASSES))), 255)


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
    colors = _parse_colors(d["colors"], len(names), source) if has_colors else _colors_of(voc_palette(len(names)))
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


def _list(values: Sequence, limit: int) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def _present(arr: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array."""
    if arr.dtype == np.uint8 or arr.dtype == np.uint16:
        return np.flatnonzero(np.bincount(arr.ravel(), minlength=1))
    return np.unique(arr)


def _check_ids(arr: np.ndarray, classes: SegClasses, path: Path) -> np.ndarray:
    values = _present(arr)
    bad = [int(v) for v in values if not (0 <= v < classes.num_classes or v == classes.ignore_index)]
    if bad:
        raise DatasetError(
            f"{path}: mask holds id(s) {_list(bad, 10)} outside the valid class ids 0..{classes.num_classes - 1} "
            f"(plus ignore index {classes.ignore_index}); list every class in classes.json, or save the mask as class ids "
            "(not colours or 0-255 grey levels)"
        )
    return arr.astype(np.uint8)


def _ignore_colors(ignore_index: int) -> tuple[Color, ...]:
    """Colours read as ``ignore_index`` in colour masks: :meth:`SegClasses.colorize`'s and the VOC palette's."""
    return (IGNORE_COLOR, _colors_of(voc_palette(256)[ignore_index:ignore_index + 1])[0])


def _map_colors(rgb: np.ndarray, classes: SegClasses, path: Path) -> np.ndarray:
    if not classes.has_colors:
        raise DatasetError(
            f"{path}: colour (RGB) mask, but classes.json gives no colours; add \"colors\": [[r, g, b], ...] "
            "(one per class) to classes.json, or save the masks as class ids (palette or grayscale PNG)"
        )
    rgb = rgb.astype(np.int32)
    codes = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    table = {(r << 16) | (g << 8) | b: i for i, (r, g, b) in enumerate(classes.colors)}
    for r, g, b in _ignore_colors(classes.ignore_index):
        table.setdefault((r << 16) | (g << 8) | b, classes.ignore_index)
    keys = np.array(sorted(table), dtype=np.int32)
    ids = np.array([table[k] for k in keys], dtype=np.uint8)
    pos = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
    known = keys[pos] == codes
    if not known.all():
        unknown = [((c >> 16) & 255, (c >> 8) & 255, c & 255) for c in np.unique(codes[~known]).tolist()]
        raise DatasetError(
            f"{path}: colour(s) {_list(unknown, MAX_LISTED)} are not class colours in classes.json; add them to "
            "\"colors\" or repaint those pixels (anti-aliased or JPEG-compressed masks do not work: save masks as PNG "
            "without smoothing)"
        )
    return ids[pos]


def _open_mask(path: Path) -> Image.Image:
    if not path.is_file():
        raise DatasetError(f"{path}: mask file not found")
    if path.stat().st_size == 0:
        raise DatasetError(f"{path}: empty mask file (0 bytes); re-export it or remove the image/mask pair")
    img = Image.open(path)
    if img.width * img.height > MAX_PIXELS:
        img.close()
        raise DatasetError(f"{path}: {img.width}x{img.height} mask exceeds the {MAX_PIXELS} pixel limit; downscale it with nearest-neighbour")
    return img


def load_mask(path: str | Path, classes: SegClasses, image_size: tuple[int, int] | None = None) -> np.ndarray:
    """Read a mask file as (H, W) uint8 class ids.

    Palette ("P") masks store the class id as palette index (like VOC); grayscale ("L", "1") and
    16-bit ("I;16", "I") masks store it as value; colour ("RGB", "RGBA") masks are mapped through
    ``classes.colors`` by exact match; white and the VOC palette colour of the ignore index
    (e.g. VOC's (224, 224, 192) border) read as ``ignore_index`` unless a class uses them.

    Args:
        path: Mask file (PNG recommended).
        classes: The dataset's classes.
        image_size: (width, height) of the matching image; checked when given.

    Returns:
        Class ids, with ``classes.ignore_index`` kept as is.

    Raises:
        DatasetError: Unreadable file, unsupported mode, size mismatch, ids that are neither a
            class nor the ignore index, or colours that are not class colours.
    """
    path = Path(path)
    try:
        with _open_mask(path) as img:
            if image_size is not None and tuple(image_size) != img.size:
                raise DatasetError(
                    f"{path}: mask is {img.width}x{img.height} but its image is {image_size[0]}x{image_size[1]}; "
                    "masks must have exactly the image's size (resize with nearest-neighbour or re-export)"
                )
            img.load()
            mode, arr = img.mode, np.asarray(img)
    except DatasetError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise DatasetError(f"{path}: not a readable image ({exc}); re-export the mask as PNG or remove the pair") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise DatasetError(f"{path}: corrupt or truncated mask ({exc}); re-export it or remove the pair") from exc
    if mode in _ID_MODES or mode in _WIDE_MODES:
        return _check_ids(arr.astype(np.uint8) if mode == "1" else arr, classes, path)
    if mode in _COLOR_MODES:
        return _map_colors(arr[..., :3], classes, path)
    raise DatasetError(f"{path}: unsupported mask mode {mode!r}; save masks as palette (P) or 8-bit grayscale (L) PNGs of class ids")


def save_mask_png(ids: np.ndarray, path: str | Path, colors: Sequence[Sequence[int]]) -> Path:
    """Write class ids as a palette PNG, atomically; :func:`load_mask` reads back the same ids.

    Args:
        ids: (H, W) integer class ids in 0..255.
        path: Output file.
        colors: Palette colours of ids ``0..len(colors)-1``; the rest of the palette is VOC's.

    Returns:
        ``path``.

    Raises:
        ValueError: ``ids`` is not 2-D or holds values outside 0..255.
    """
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"mask ids must be a 2-D (H, W) array, got shape {ids.shape}")
    if ids.size and (ids.min() < 0 or ids.max() > 255):
        raise ValueError(f"mask ids must lie in 0..255 for a palette PNG, got {ids.min()}..{ids.max()}")
    palette = voc_palette(256)
    given = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)[:256]
    palette[: len(given)] = given
    img = Image.frombytes("P", (ids.shape[1], ids.shape[0]), np.ascontiguousarray(ids, dtype=np.uint8).tobytes())
    img.putpalette(palette.ravel().tolist())
    return atomic_write(path, lambda tmp: img.save(tmp, format="PNG"))


@dataclass
class MaskList:
    """Image/mask pairs, paths relative to ``root`` (POSIX form)."""

    root: Path
    images: list[str]
    masks: list[str]
    classes: SegClasses

    def __len__(self) -> int:
        return len(self.images)

    def image_path(self, i: int) -> Path:
        return self.root / self.images[i]

    def mask_path(self, i: int) -> Path:
        return self.root / self.masks[i]

    def subset(self, indices: Sequence[int] | np.ndarray) -> MaskList:
        return MaskList(self.root, [self.images[i] for i in indices], [self.masks[i] for i in indices], self.classes)

    def to_dict(self) -> dict[str, Any]:
        return {"root": str(self.root), "images": list(self.images), "masks": list(self.masks), "classes": self.classes.to_dict()}

    @classmethod
    def from_dict(cls, d: dict, root: str | Path | None = None) -> MaskList:
        """Inverse of :meth:`to_dict`; ``root`` overrides the stored dataset folder."""
        return cls(Path(root if root is not None else d["root"]), list(d["images"]), list(d["masks"]), SegClasses.from_dict(d["classes"]))


def _hidden(path: Path, base: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(base).parts)


def _images_by_key(folder: Path, kind: str) -> dict[str, list[Path]]:
    """Image files under ``folder`` keyed by relative path without extension."""
    found: dict[str, list[Path]] = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and is_image_path(p) and not _hidden(p, folder):
            found.setdefault(p.relative_to(folder).with_suffix("").as_posix(), []).append(p)
    dups = [files for files in found.values() if len(files) > 1 and not (kind == "mask" and any(f.suffix.lower() == ".png" for f in files))]
    if dups:
        listing = "; ".join(", ".join(f.name for f in files) for files in dups[:MAX_LISTED])
        raise DatasetError(f"{folder}: several {kind} files share a name ({listing}); keep one file per name")
    return found


def _pick(files: list[Path]) -> Path:
    pngs = [f for f in files if f.suffix.lower() == ".png"]
    return pngs[0] if pngs else files[0]


def _warn_unpaired(keys: list[str], files: dict[str, list[Path]], what: str, fix: str, warn: bool = True) -> None:
    if keys and warn:
        names = [_pick(files[k]).name for k in keys]
        warnings.warn(f"skipping {len(keys)} {what}: {_list(names, MAX_LISTED)}; {fix}", stacklevel=3)


def _pair_folders(root: Path, images_dir: Path, masks_dir: Path, classes: SegClasses, warn_images: bool = True) -> MaskList:
    images = _images_by_key(images_dir, "image")
    masks = _images_by_key(masks_dir, "mask")
    _warn_unpaired(sorted(set(images) - set(masks)), images, f"image(s) in {images_dir} without a mask in {masks_dir}",
                   f"add {masks_dir}/<name>.png for each, or remove the images", warn_images)
    _warn_unpaired(sorted(set(masks) - set(images)), masks, f"mask(s) in {masks_dir} without an image in {images_dir}",
                   "add the images or remove the masks")
    keys = sorted(set(images) & set(masks))
    if not keys:
        raise DatasetError(
            f"no image/mask pairs in {images_dir} and {masks_dir}; a mask is matched to an image by name "
            "(images/<name>.jpg <-> masks/<name>.png)"
        )
    return MaskList(root, [_pick(images[k]).relative_to(root).as_posix() for k in keys],
                    [_pick(masks[k]).relative_to(root).as_posix() for k in keys], classes)


def _find_voc(root: Path) -> Path | None:
    def is_voc(d: Path) -> bool:
        return (d / "JPEGImages").is_dir() and (d / "SegmentationClass").is_dir()

    if is_voc(root):
        return root
    years = [d for d in sorted(root.iterdir()) if d.is_dir() and d.name.upper().startswith("VOC") and is_voc(d)]
    if len(years) > 1:
        raise DatasetError(f"{root} holds several VOC folders ({', '.join(d.name for d in years)}); pass one of them")
    return years[0] if years else None


def _read_ids(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return sorted({line.split()[0] for line in lines if line.strip()})


def _voc_split(voc: Path, name: str, ids: list[str], images: dict[str, list[Path]], masks: dict[str, list[Path]]) -> MaskList | None:
    list_file = voc / "ImageSets" / "Segmentation" / f"{name}.txt"
    no_image = [i for i in ids if i not in images]
    no_mask = [i for i in ids if i not in masks]
    if name == "test" and ids and len(no_mask) == len(ids) and not no_image:
        warnings.warn(f"{list_file}: no listed id has a mask in {voc / 'SegmentationClass'} (an unlabelled test set); "
                      "the test split is skipped", stacklevel=3)
        return None
    if no_image or no_mask:
        parts = [f"no image in {voc / 'JPEGImages'} for {_list(no_image, MAX_LISTED)}"] if no_image else []
        parts += [f"no mask in {voc / 'SegmentationClass'} for {_list(no_mask, MAX_LISTED)}"] if no_mask else []
        raise DatasetError(f"{list_file} lists ids without files: {'; '.join(parts)}; add the files or remove the ids from the list")
    if not ids:
        return None
    return MaskList(voc, [_pick(images[i]).relative_to(voc).as_posix() for i in ids],
                    [_pick(masks[i]).relative_to(voc).as_posix() for i in ids], VOC)


def _scan_voc(voc: Path) -> dict[str, MaskList]:
    sets = voc / "ImageSets" / "Segmentation"
    listed = {n: sets / f"{n}.txt" for n in SPLIT_NAMES if (sets / f"{n}.txt").is_file()}
    if not listed:
        # Most VOC photos have no segmentation mask (detection only): that is no reason to warn.
        return {"all": _pair_folders(voc, voc / "JPEGImages", voc / "SegmentationClass", VOC, warn_images=False)}
    images = _images_by_key(voc / "JPEGImages", "image")
    masks = _images_by_key(voc / "SegmentationClass", "mask")
    splits = {n: _voc_split(voc, n, _read_ids(f), images, masks) for n, f in listed.items()}
    kept = {n: s for n, s in splits.items() if s is not None}
    if not kept:
        raise DatasetError(f"no image/mask pairs in {voc}: the lists in {sets} are empty; list image ids one per line")
    return kept


def _classes_for(root: Path, *candidates: Path) -> SegClasses:
    for c in candidates:
        if c.is_file():
            return read_classes_json(c)
    raise DatasetError(
        f"{root} has no classes.json (looked for {', '.join(str(c) for c in candidates)}); create {candidates[0]} "
        f"naming the class of each mask value in order, e.g. {CLASSES_JSON_EXAMPLE} (\"colors\" and \"ignore_index\" are optional)"
    )


def _scan_presplit(root: Path) -> dict[str, MaskList]:
    classes = _classes_for(root, root / "classes.json", root / "train" / "classes.json")
    splits = {}
    for name in SPLIT_NAMES:
        images_dir, masks_dir = root / name / "images", root / name / "masks"
        if images_dir.is_dir() and masks_dir.is_dir():
            splits[name] = _pair_folders(root, images_dir, masks_dir, classes)
        elif images_dir.is_dir() and name != "train":
            warnings.warn(f"{root / name} has images/ but no masks/; the {name} split is skipped", stacklevel=3)
    return splits


def scan_mask_dataset(root: str | Path) -> dict[str, MaskList]:
    """Find the image/mask pairs of a segmentation dataset without decoding any file.

    Args:
        root: A Pascal VOC folder (or a VOCdevkit holding one), a pre-split folder
            ``train|val|test/{images,masks}``, or a flat folder ``images/`` + ``masks/``.

    Returns:
        Pairs per split: ``train``/``val``/``test`` as found on disk, or ``all`` when the dataset
        is not split.

    Raises:
        DatasetError: Missing folder, unknown layout, missing or invalid ``classes.json``, ids
            listed without files, or no pairs at all.

    Example:
        >>> scan_mask_dataset("data/world/segment")["all"].classes.names[:2]  # doctest: +SKIP
        ('sky', 'terrain')
    """
    root = Path(root)
    if not root.exists():
        raise DatasetError(f"dataset folder {root} does not exist; pass a folder with images/ and masks/ (or a Pascal VOC folder)")
    if not root.is_dir():
        raise DatasetError(f"{root} is a file; pass the dataset folder that holds images/ and masks/")
    voc = _find_voc(root)
    if voc is not None:
        return _scan_voc(voc)
    if (root / "train" / "images").is_dir() and (root / "train" / "masks").is_dir():
        return _scan_presplit(root)
    if (root / "images").is_dir() and (root / "masks").is_dir():
        classes = _classes_for(root, root / "classes.json")
        return {"all": _pair_folders(root, root / "images", root / "masks", classes)}
    hint = f"; the game world's segmentation data is in {root / 'segment'}" if (root / "segment" / "masks").is_dir() else ""
    raise DatasetError(
        f"{root} is not a segmentation dataset: expected images/ + masks/ + classes.json, train/{{images,masks}} "
        f"(+ val/, test/), or Pascal VOC's JPEGImages/ + SegmentationClass/{hint}"
    )


def split_mask_list(items: MaskList, val_fraction: float, test_fraction: float, seed: int) -> dict[str, MaskList]:
    """Shuffle with ``seed`` and cut into ``train``, ``val`` and (if ``test_fraction`` > 0) ``test``.

    Every requested split gets at least one pair; the same seed gives the same split.

    Raises:
        ConfigError: Fractions outside [0, 1) or leaving nothing for training.
        DatasetError: Too few pairs for one in each split.
    """
    if not 0.0 < val_fraction < 1.0 or not 0.0 <= test_fraction < 1.0 or val_fraction + test_fraction >= 1.0:
        raise ConfigError(
            f"val fraction {val_fraction} and test fraction {test_fraction} must satisfy 0 < val < 1, "
            "0 <= test < 1 and val + test < 1"
        )
    n = len(items)
    n_val = max(1, int(round(n * val_fraction)))
    n_test = max(1, int(round(n * test_fraction))) if test_fraction > 0 else 0
    needed = 2 + (test_fraction > 0)
    if n < needed:
        raise DatasetError(f"{items.root}: {n} image/mask pair(s) cannot be split into {needed} non-empty parts; add images")
    while n - n_val - n_test < 1:
        if n_val >= n_test and n_val > 1:
            n_val -= 1
        else:
            n_test -= 1
    perm = np.random.default_rng(seed).permutation(n)
    parts = {"train": perm[n_val + n_test:], "val": perm[:n_val]}
    if n_test:
        parts["test"] = perm[n_val:n_val + n_test]
    return {name: items.subset(sorted(idx.tolist())) for name, idx in parts.items()}


def image_size(path: str | Path) -> tuple[int, int]:
    """(width, height) of an image as :func:`~visionlab.data.images.load_rgb` returns it, from the header only.

    Raises:
        DatasetError: The file cannot be opened as an image.
    """
    path = Path(path)
    try:
        with Image.open(path) as img:
            size = img.size
            orientation = img.getexif().get(0x0112, 1)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise DatasetError(f"{path}: cannot open the image ({exc}); fix or remove the file and its mask") from exc
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _mask_counts(args: tuple[Path, Path, SegClasses]) -> np.ndarray:
    image, mask, classes = args
    return np.bincount(load_mask(mask, classes, image_size(image)).ravel(), minlength=256)


def mask_statistics(items: MaskList, workers: int = 4) -> dict[str, Any]:
    """Load every mask once (checking it against its image's size) and count pixels per class.

    This is the up-front check of a segmentation dataset: the first bad file raises.

    Returns:
        ``pixel_counts`` (per class), ``ignored_pixels`` and ``images_with_class`` (per class).

    Raises:
        DatasetError: An image cannot be opened or a mask is invalid (see :func:`load_mask`).
    """
    n = items.classes.num_classes
    jobs = [(items.image_path(i), items.mask_path(i), items.classes) for i in range(len(items))]
    pixels = np.zeros(256, dtype=np.int64)
    present = np.zeros(n, dtype=np.int64)
    with ThreadPoolExecutor(max_workers=workers) as pool:  # Pillow releases the GIL while decoding
        for counts in pool.map(_mask_counts, jobs):
            pixels += counts
            present += counts[:n] > 0
    return {"pixel_counts": pixels[:n].tolist(), "ignored_pixels": int(pixels[items.classes.ignore_index]),
            "images_with_class": present.tolist()}
