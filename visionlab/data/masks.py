"""Semantic segmentation data: class lists, mask files, dataset layouts, splits and statistics.

A mask is an (H, W) array of class ids, one per pixel; ``ignore_index`` marks unlabelled pixels.
This module is where the rest of the package imports them from; they live in:

    :mod:`visionlab.data.mask_classes`   :class:`SegClasses`, the VOC palette and classes, ``classes.json``
    :mod:`visionlab.data.mask_io`        reading and writing mask files (palette, id and colour PNGs)
    :mod:`visionlab.data.mask_layouts`   :class:`MaskList` and the dataset layouts (:func:`scan_mask_dataset`)
    :mod:`visionlab.data.mask_splits`    seeded splits and ``split.json``

Layouts understood by :func:`scan_mask_dataset`:
    ``DATA/JPEGImages`` + ``DATA/SegmentationClass`` (+ ``ImageSets/Segmentation``)   Pascal VOC
    ``DATA/{train,val,test}/{images,masks}`` + ``DATA/classes.json``                 pre-split
    ``DATA/images`` + ``DATA/masks`` + ``DATA/classes.json``                          flat
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from visionlab.data.mask_classes import (
    CLASSES_JSON_EXAMPLE,
    IGNORE_COLOR,
    MAX_LISTED,
    VOC,
    VOC_CLASSES,
    Color,
    SegClasses,
    class_ids_by_name,
    read_classes_json,
    voc_palette,
)
from visionlab.data.mask_io import image_size, load_mask, save_mask_png
from visionlab.data.mask_layouts import SPLIT_NAMES, MaskList, scan_mask_dataset
from visionlab.data.mask_splits import split_mask_list

__all__ = [
    "CLASSES_JSON_EXAMPLE", "IGNORE_COLOR", "MAX_LISTED", "SPLIT_NAMES", "VOC", "VOC_CLASSES", "Color", "MaskList", "SegClasses",
    "class_ids_by_name",    "image_size", "load_mask", "mask_statistics", "read_classes_json", "save_mask_png", "scan_mask_dataset", "split_mask_list",
    "voc_palette",
]


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
