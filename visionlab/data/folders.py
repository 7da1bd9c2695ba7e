"""Classification datasets on disk: the lab's class-folder layout, pre-split layouts, splits.

Layouts:
    ``DATA/<class>/*``                        split by the tool (stratified, seeded)
    ``DATA/train/<class>/*`` + ``DATA/val/<class>/*`` and/or ``DATA/test/<class>/*``
"""

from __future__ import annotations

import json
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from visionlab.data.images import is_image_path, load_rgb
from visionlab.errors import DatasetError, UnreadableImageError

SPLIT_NAMES = ("train", "val", "test")
# Above this share of unreadable files the folder is probably not an image dataset at all.
MAX_BAD_FRACTION = 0.5
# Smaller images carry no usable signal after resizing to 224 px; they are skipped with a warning.
MIN_IMAGE_SIDE = 8


@dataclass
class ImageList:
    """Images with integer labels, paths relative to ``root``."""

    root: Path
    classes: list[str]
    paths: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.paths)

    def abs_paths(self) -> list[Path]:
        """The images' absolute paths."""
        return [self.root / p for p in self.paths]

    def subset(self, indices: list[int] | np.ndarray) -> ImageList:
        """The images at ``indices``, with their labels (classes unchanged)."""
        return ImageList(self.root, self.classes, [self.paths[i] for i in indices], [self.labels[i] for i in indices])

    def class_counts(self) -> dict[str, int]:
        """Images per class name."""
        counts = np.bincount(np.asarray(self.labels, dtype=np.int64), minlength=len(self.classes))
        return {c: int(n) for c, n in zip(self.classes, counts)}


def _visible(entries: list[Path]) -> list[Path]:
    return sorted(p for p in entries if not p.name.startswith("."))


def is_presplit(root: Path) -> bool:
    """True when ``root`` holds a ``train/`` folder (the pre-split layout)."""
    return (root / "train").is_dir()


def _check_root(root: Path) -> None:
    if not root.exists():
        raise DatasetError(f"dataset folder {root} does not exist; pass a folder laid out as DATA/<class>/*")
    if not root.is_dir():
        raise DatasetError(f"{root} is a file; pass the dataset folder that holds one sub-folder per class")


def scan_class_folders(root: str | Path, classes: list[str] | None = None) -> tuple[ImageList, list[Path]]:
    """List images in ``root/<class>/`` (recursively) without decoding them.

    Args:
        root: Folder with one sub-folder per class.
        classes: Expected class names (e.g. from the training split); ``None`` takes the folders.

    Returns:
        The image list and the files that were skipped because they are not images.

    Raises:
        DatasetError: Missing or empty folder, fewer than two classes, or a class without images.
    """
    root = Path(root)
    _check_root(root)
    found = [p.name for p in _visible(list(root.iterdir())) if p.is_dir()]
    if classes is None:
        classes = found
        if not classes:
            raise DatasetError(
                f"{root} has no class sub-folders; put each class's images in its own folder, "
                f"e.g. {root}/cats/*.jpg and {root}/dogs/*.jpg"
            )
        if len(classes) < 2:
            raise DatasetError(
                f"{root} has a single class folder ({classes[0]!r}); a classifier needs at least two "
                "classes: add a folder of images for another class"
            )
    items = ImageList(root, list(classes))
    skipped: list[Path] = []
    empty: list[str] = []
    for idx, name in enumerate(classes):
        folder = root / name
        files = [p for p in _visible(list(folder.rglob("*"))) if p.is_file()] if folder.is_dir() else []
        images = [p for p in files if is_image_path(p)]
        skipped += [p for p in files if not is_image_path(p)]
        if not images:
            empty.append(name)
        items.paths += [p.relative_to(root).as_posix() for p in images]
        items.labels += [idx] * len(images)
    if empty:
        raise DatasetError(
            f"class folder(s) without images in {root}: {', '.join(empty)}; add images "
            "(JPEG, PNG, BMP, WebP, GIF, TIFF) or remove the folder"
        )
    return items, skipped


def _check_one(path: Path) -> str | None:
    try:
        img = load_rgb(path)
    except UnreadableImageError as exc:
        return str(exc).split(": ", 1)[-1]
    if min(img.size) < MIN_IMAGE_SIDE:
        return f"too small ({img.width}x{img.height}; at least {MIN_IMAGE_SIDE} px per side needed)"
    return None


def drop_unreadable(items: ImageList, skipped: list[Path] | None = None, workers: int = 4) -> ImageList:
    """Decode every image once and drop the ones that fail, warning with the list of files.

    Nothing is deleted or moved on disk.

    Raises:
        DatasetError: More than ``MAX_BAD_FRACTION`` of the files are unreadable, or a class
            loses all its images.
    """
    with ThreadPoolExecutor(max_workers=workers) as pool:  # Pillow releases the GIL while decoding
        reasons = list(pool.map(_check_one, items.abs_paths()))
    bad = [(p, r) for p, r in zip(items.paths, reasons) if r is not None]
    bad += [(str(p), "not an image file (unsupported extension)") for p in (skipped or [])]
    total = len(items) + len(skipped or [])
    if bad:
        listing = "\n".join(f"  {p}: {r}" for p, r in bad[:50])
        more = f"\n  ... and {len(bad) - 50} more" if len(bad) > 50 else ""
        if len(bad) > MAX_BAD_FRACTION * total:
            raise DatasetError(
                f"{len(bad)} of {total} files in {items.root} cannot be used as images:\n{listing}{more}\n"
                "check that this is the right folder; fix or remove these files"
            )
        warnings.warn(f"skipping {len(bad)} unusable file(s) in {items.root} (left on disk):\n{listing}{more}", stacklevel=2)
    keep = [i for i, r in enumerate(reasons) if r is None]
    kept = items.subset(keep)
    lost = [c for c, n in kept.class_counts().items() if n == 0]
    if lost:
        raise DatasetError(f"no readable images left for class(es) {', '.join(lost)} in {items.root}")
    return kept


def stratified_split(labels: list[int], val_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Split indices into train/val keeping class proportions; the same seed gives the same split.

    Raises:
        DatasetError: ``val_fraction`` outside (0, 1) or a class too small to appear on both sides.
    """
    from sklearn.model_selection import train_test_split

    if not 0.0 < val_fraction < 1.0:
        raise DatasetError(f"val fraction must be between 0 and 1 (exclusive), got {val_fraction}")
    counts = np.bincount(np.asarray(labels))
    if counts[counts > 0].min() < 2:
        raise DatasetError(
            "a class has a single image, so it cannot appear in both train and validation; "
            "add images or use the pre-split layout DATA/train and DATA/val"
        )
    idx = np.arange(len(labels))
    try:
        train_idx, val_idx = train_test_split(idx, test_size=val_fraction, random_state=seed, stratify=labels)
    except ValueError as exc:
        raise DatasetError(f"cannot split {len(labels)} images with val fraction {val_fraction}: {exc}") from exc
    return sorted(train_idx.tolist()), sorted(val_idx.tolist())


def save_split(path: Path, splits: dict[str, ImageList]) -> None:
    """Write the split (relative paths and labels per split) as JSON."""
    first = next(iter(splits.values()))
    payload = {
        "root": str(first.root.resolve()),
        "classes": first.classes,
        "splits": {name: [[p, lab] for p, lab in zip(s.paths, s.labels)] for name, s in splits.items()},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def load_split(path: Path, root: Path | None = None) -> dict[str, ImageList]:
    """Read a split saved by :func:`save_split`; ``root`` overrides the stored dataset folder."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    base = Path(root) if root is not None else Path(payload["root"])
    return {
        name: ImageList(base, payload["classes"], [p for p, _ in rows], [int(lab) for _, lab in rows])
        for name, rows in payload["splits"].items()
    }


def load_classification_splits(root: str | Path, val_fraction: float = 0.2, seed: int = 0) -> dict[str, ImageList]:
    """Discover a classification dataset and return its splits (``train``, ``val``, maybe ``test``).

    A flat layout is split by the tool; a pre-split one keeps its folders. Unreadable files are
    skipped with a warning.

    Example:
        >>> splits = load_classification_splits("data/classify")  # doctest: +SKIP
        >>> sorted(splits)
        ['train', 'val']
    """
    root = Path(root)
    _check_root(root)
    if not is_presplit(root):
        items, skipped = scan_class_folders(root)
        items = drop_unreadable(items, skipped)
        train_idx, val_idx = stratified_split(items.labels, val_fraction, seed)
        return {"train": items.subset(train_idx), "val": items.subset(val_idx)}
    train, skipped = scan_class_folders(root / "train")
    splits = {"train": drop_unreadable(train, skipped)}
    for name in ("val", "test"):
        if (root / name).is_dir():
            part, skipped = scan_class_folders(root / name, classes=train.classes)
            splits[name] = drop_unreadable(part, skipped)
    if "val" not in splits:
        train_idx, val_idx = stratified_split(splits["train"].labels, val_fraction, seed)
        splits["train"], splits["val"] = splits["train"].subset(train_idx), splits["train"].subset(val_idx)
    # Pre-split parts live in different folders; store paths relative to the dataset root.
    for part in splits.values():
        prefix = part.root.relative_to(root).as_posix()
        part.paths = [p if prefix == "." else f"{prefix}/{p}" for p in part.paths]
        part.root = root
    return splits
