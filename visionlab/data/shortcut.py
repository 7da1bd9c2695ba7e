"""Can the classes be told apart without looking at the object? A colour and brightness shortcut check.

A logistic regression on a global colour histogram (and one on plain image statistics: mean brightness,
mean and spread of each channel) is trained on one split and scored on another. On a set made to test
whether a network looks at the object, these should score near chance: a high score means colour or
light alone separates the classes, and a high Grad-CAM score could then come from that.

Example:
    >>> colour_shortcut(train_paths, train_labels, val_paths, val_labels)  # doctest: +SKIP
    {'histogram': 0.55, 'image_stats': 0.52, 'chance': 0.5, 'n_train': 320, 'n_val': 80}

Every classifier run writes the check on its own split (:func:`check_split`, ``RUN/shortcut.json``), so a lab on
your own photos says when colour alone separates your classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from visionlab.data.folders import ImageList
from visionlab.data.images import load_rgb

BINS = 8  # per channel: an 8x8x8 joint colour histogram
SIDE = 64  # images are shrunk to this side first: colour statistics barely change, reading gets cheaper
STRONG = 0.85
"""A histogram accuracy from which colour alone tells the classes apart: the report says so, and that the classifier may rest on it."""
MAX_IMAGES = {"train": 2000, "val": 1000}
"""The most images per split the check reads (a random sample of larger splits): its cost stays a few seconds to a minute."""


def image_features(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """The image's normalised joint colour histogram (``BINS**3``) and its statistics (brightness, channel means and spreads)."""
    rgb = np.asarray(load_rgb(path).resize((SIDE, SIDE)), dtype=np.float32).reshape(-1, 3)
    q = np.minimum((rgb * BINS / 256.0).astype(np.int64), BINS - 1)
    hist = np.bincount(q[:, 0] * BINS * BINS + q[:, 1] * BINS + q[:, 2], minlength=BINS**3).astype(np.float32)
    stats = np.concatenate([[rgb.mean() / 255.0], rgb.mean(axis=0) / 255.0, rgb.std(axis=0) / 255.0])
    return hist / hist.sum(), stats.astype(np.float32)


def _fit_score(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0))
    model.fit(x_train, y_train)
    return float(model.score(x_val, y_val))


def colour_shortcut(train_paths: Sequence[str | Path], train_labels: Sequence[int], val_paths: Sequence[str | Path],
                    val_labels: Sequence[int]) -> dict:
    """Validation accuracy of logistic regressions on colour histograms and on image statistics.

    Args:
        train_paths: Images of the split the regressions are fitted on.
        train_labels: Their class indices.
        val_paths: Images of the split they are scored on.
        val_labels: Their class indices.

    Returns:
        ``histogram`` and ``image_stats`` accuracies, ``chance`` (the majority class share of the
        validation split) and the split sizes.

    Raises:
        ValueError: A split is empty or the training split holds a single class.
    """
    if not len(train_paths) or not len(val_paths):
        raise ValueError("colour_shortcut needs images in both splits")
    y_train, y_val = np.asarray(train_labels), np.asarray(val_labels)
    if len(np.unique(y_train)) < 2:
        raise ValueError("colour_shortcut needs both classes in the training split")
    train = [image_features(p) for p in train_paths]
    val = [image_features(p) for p in val_paths]
    out = {}
    for i, name in enumerate(("histogram", "image_stats")):
        out[name] = _fit_score(np.stack([f[i] for f in train]), y_train, np.stack([f[i] for f in val]), y_val)
    out["chance"] = float(np.bincount(y_val).max() / len(y_val))
    return {**out, "n_train": len(train_paths), "n_val": len(val_paths)}


def _sample(images: ImageList, n: int, rng: np.random.Generator) -> ImageList:
    return images if len(images) <= n else images.subset(np.sort(rng.choice(len(images), n, replace=False)))


def check_split(train: ImageList, val: ImageList, seed: int = 0) -> dict | None:
    """:func:`colour_shortcut` on a run's split (at most :data:`MAX_IMAGES` per split), with ``strong`` set from :data:`STRONG`.

    Returns None where the check cannot run: an empty validation split, or a training split of one class.
    """
    if not len(val) or len(set(train.labels)) < 2:
        return None
    rng = np.random.default_rng(seed)
    train, val = _sample(train, MAX_IMAGES["train"], rng), _sample(val, MAX_IMAGES["val"], rng)
    out = colour_shortcut(train.abs_paths(), train.labels, val.abs_paths(), val.labels)
    return {**out, "strong": out["histogram"] >= STRONG, "strong_from": STRONG}


def format_check(result: dict) -> str:
    """One line on :func:`check_split`'s result, and what to do when colour alone separates the classes."""
    line = (f"colour shortcut check: a logistic regression on colour histograms scores {result['histogram']:.3f} on the "
            f"{result['n_val']} validation images (on brightness and channel statistics {result['image_stats']:.3f}; chance "
            f"{result['chance']:.3f})")
    if result["strong"]:
        line += (": colour alone tells these classes apart, so unless colour is what defines them the classifier's accuracy "
                 "may rest on it; check where Grad-CAM looks, and add images whose colours cross the classes")
    return line
