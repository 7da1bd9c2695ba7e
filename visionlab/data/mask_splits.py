"""Splits of a mask dataset: the dataset's own, or a seeded one; saved in a run's ``split.json``."""

from __future__ import annotations

from pathlib import Path

from visionlab.data.masks import MaskList, scan_mask_dataset, split_mask_list
from visionlab.errors import DatasetError
from visionlab.utils.files import read_json, write_json


def load_mask_splits(root: str | Path, val_fraction: float, test_fraction: float, seed: int) -> dict[str, MaskList]:
    """The dataset's own splits, or a seeded split of an unsplit dataset (``train``/``val``/``test``).

    Raises:
        DatasetError: No training pairs.
    """
    found = scan_mask_dataset(root)
    if "all" in found:
        return split_mask_list(found["all"], val_fraction, test_fraction, seed)
    if "train" not in found:
        raise DatasetError(f"{root} has no train split (found: {', '.join(found)}); add train/images and train/masks")
    if "val" not in found:  # carve validation out of train, keep a given test split
        cut = split_mask_list(found["train"], val_fraction, 0.0, seed)
        found = {**found, "train": cut["train"], "val": cut["val"]}
    return found


def save_mask_splits(path: Path, splits: dict[str, MaskList]) -> None:
    """Write a segmentation run's ``split.json``."""
    write_json(path, {"task": "segment", "splits": {k: v.to_dict() for k, v in splits.items()}})


def load_mask_splits_file(path: Path) -> dict[str, MaskList]:
    """Read a segmentation run's ``split.json``."""
    return {k: MaskList.from_dict(v) for k, v in read_json(path)["splits"].items()}
