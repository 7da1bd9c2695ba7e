"""Splits of a mask dataset: the dataset's own, or a seeded one; saved in a run's ``split.json``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from visionlab.data.mask_layouts import MaskList, scan_mask_dataset
from visionlab.errors import ConfigError, DatasetError
from visionlab.utils.files import read_json, write_json


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
