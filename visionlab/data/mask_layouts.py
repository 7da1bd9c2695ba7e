"""Segmentation dataset layouts: finding image/mask pairs on disk without decoding any file.

Layouts understood by :func:`scan_mask_dataset`:
    ``DATA/JPEGImages`` + ``DATA/SegmentationClass`` (+ ``ImageSets/Segmentation``)   Pascal VOC
    ``DATA/{train,val,test}/{images,masks}`` + ``DATA/classes.json``                 pre-split
    ``DATA/images`` + ``DATA/masks`` + ``DATA/classes.json``                          flat
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from visionlab.data.images import is_image_path
from visionlab.data.mask_classes import CLASSES_JSON_EXAMPLE, MAX_LISTED, VOC, SegClasses, read_classes_json, short_list
from visionlab.errors import DatasetError

SPLIT_NAMES = ("train", "val", "test")


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
        """The ``i``-th image file."""
        return self.root / self.images[i]

    def mask_path(self, i: int) -> Path:
        """The ``i``-th mask file."""
        return self.root / self.masks[i]

    def subset(self, indices: Sequence[int] | np.ndarray) -> MaskList:
        """The pairs at ``indices``, in that order, with the same root and classes."""
        return MaskList(self.root, [self.images[i] for i in indices], [self.masks[i] for i in indices], self.classes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form, as a run's ``split.json`` stores each split."""
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
        warnings.warn(f"skipping {len(keys)} {what}: {short_list(names, MAX_LISTED)}; {fix}", stacklevel=3)


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
        parts = [f"no image in {voc / 'JPEGImages'} for {short_list(no_image, MAX_LISTED)}"] if no_image else []
        parts += [f"no mask in {voc / 'SegmentationClass'} for {short_list(no_mask, MAX_LISTED)}"] if no_mask else []
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
