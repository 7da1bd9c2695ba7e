"""Classical unsupervised segmentation baselines: Otsu, multi-Otsu and k-means colour clustering.

Each baseline maps an RGB image to cluster ids, not class ids; :func:`match_clusters` turns
clusters into classes with the ground truth of the same image (oracle matching), which is how
these baselines are scored against learned segmenters.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from visionlab.errors import ConfigError, UnknownNameError

MAX_FIT_PIXELS = 20000
DEFAULT_K = {"otsu": 2, "multi_otsu": 3, "kmeans": 4}


def _gray(image: np.ndarray) -> np.ndarray:
    from skimage.color import rgb2gray
    from skimage.util import img_as_ubyte

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return img_as_ubyte(rgb2gray(image) if image.ndim == 3 else image)


def _rank_levels(gray: np.ndarray, k: int) -> np.ndarray:
    _, inverse = np.unique(gray, return_inverse=True)
    return np.minimum(inverse.reshape(gray.shape), k - 1).astype(np.uint8)


def otsu(image: np.ndarray, k: int = 2, seed: int = 0) -> np.ndarray:
    """Two clusters by Otsu's threshold on 8-bit grayscale: 0 darker, 1 brighter; a flat image is all 0."""
    from skimage.filters import threshold_otsu

    if k != 2:
        raise ConfigError(f"otsu makes exactly 2 clusters; got k={k} (use multi_otsu or kmeans for more)")
    gray = _gray(image)
    if gray.min() == gray.max():
        return np.zeros(gray.shape, dtype=np.uint8)
    return (gray > threshold_otsu(gray)).astype(np.uint8)


def multi_otsu(image: np.ndarray, k: int = 3, seed: int = 0) -> np.ndarray:
    """``k`` classes by multi-level Otsu thresholds on 8-bit grayscale, ordered dark to bright.

    An image with too few grey levels for ``k`` classes gets one cluster per level instead.
    """
    from skimage.filters import threshold_multiotsu

    gray = _gray(image)
    try:
        thresholds = threshold_multiotsu(gray, classes=k)
    except ValueError:
        return _rank_levels(gray, k)
    return np.digitize(gray, thresholds, right=True).astype(np.uint8)


def kmeans(image: np.ndarray, k: int = 4, seed: int = 0) -> np.ndarray:
    """``k`` k-means clusters of pixel colours, numbered by ascending brightness of their centres.

    The model is fitted on a seeded sample of at most ``MAX_FIT_PIXELS`` pixels, then predicts
    every pixel, so the same image and seed always give the same ids.
    """
    from skimage.util import img_as_float
    from sklearn.cluster import KMeans

    pixels = img_as_float(image).reshape(-1, image.shape[2] if image.ndim == 3 else 1)
    if len(pixels) < k:
        raise ConfigError(f"kmeans needs at least k={k} pixels; the image has {len(pixels)}")
    rng = np.random.default_rng(seed)
    sample = pixels if len(pixels) <= MAX_FIT_PIXELS else pixels[rng.choice(len(pixels), MAX_FIT_PIXELS, replace=False)]
    model = KMeans(n_clusters=k, n_init=4, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(sample)
    rank = np.empty(k, dtype=np.uint8)
    rank[np.argsort(model.cluster_centers_.mean(1), kind="stable")] = np.arange(k, dtype=np.uint8)
    return rank[model.predict(pixels)].reshape(image.shape[:2])


CLASSICAL: dict[str, Callable[..., np.ndarray]] = {"otsu": otsu, "multi_otsu": multi_otsu, "kmeans": kmeans}


def classical_segment(name: str, image: np.ndarray, k: int | None = None, seed: int = 0) -> np.ndarray:
    """Cluster an image with a classical baseline.

    Args:
        name: One of ``CLASSICAL``: ``otsu``, ``multi_otsu``, ``kmeans``.
        image: RGB image ``(H, W, 3)`` uint8 (a ``(H, W)`` grayscale image also works).
        k: Number of clusters; defaults to 2, 3 and 4 respectively.
        seed: Random seed of the k-means sampling and initialisation.

    Returns:
        Cluster ids ``(H, W)`` uint8 in ``0..k-1``; not class ids (see :func:`match_clusters`).

    Raises:
        UnknownNameError: ``name`` is not a baseline; the message lists them.
        ConfigError: ``k`` below 2, or not 2 for ``otsu``.
        ValueError: ``image`` is not ``(H, W)`` or ``(H, W, 3)``.

    Example:
        >>> img = np.zeros((4, 4, 3), np.uint8); img[:, 2:] = 200
        >>> classical_segment("otsu", img)[0].tolist()
        [0, 0, 1, 1]
    """
    if name not in CLASSICAL:
        raise UnknownNameError(f"unknown classical segmenter {name!r}; choose one of: {', '.join(CLASSICAL)}")
    k = DEFAULT_K[name] if k is None else int(k)
    if k < 2:
        raise ConfigError(f"k must be at least 2 clusters; got {k}")
    image = np.asarray(image)
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)) or image.size == 0:
        raise ValueError(f"image must be a non-empty (H, W, 3) RGB or (H, W) grayscale array; got shape {image.shape}")
    return CLASSICAL[name](image, k=k, seed=seed)


def match_clusters(cluster_ids: np.ndarray, target: np.ndarray, num_classes: int, ignore_index: int = 255) -> np.ndarray:
    """Map clusters to classes with this image's ground truth (oracle matching per image).

    Unsupervised baselines do not know class names, so each image's clusters are assigned to
    classes by the Hungarian algorithm maximising overlapping labelled pixels (ignored pixels
    excluded). Clusters left over when there are more clusters than classes go to their
    majority class. Because it looks at the truth, scores after matching are an upper bound for
    the baseline, not a fair test-time prediction.

    Args:
        cluster_ids: Cluster ids ``(H, W)``, non-negative integers.
        target: True class ids ``(H, W)``; ``ignore_index`` marks unlabelled pixels.
        num_classes: Number of classes ``K``.
        ignore_index: Target value of unlabelled pixels.

    Returns:
        Class ids ``(H, W)`` int64 in ``[0, K)``.

    Raises:
        ValueError: Shapes differ, a cluster id is negative, or a target id is outside ``[0, K)``.
    """
    from scipy.optimize import linear_sum_assignment

    clusters = np.asarray(cluster_ids).astype(np.int64)
    target = np.asarray(target).astype(np.int64)
    if clusters.shape != target.shape:
        raise ValueError(f"cluster_ids and target must have the same shape; got {clusters.shape} and {target.shape}")
    if clusters.size and clusters.min() < 0:
        raise ValueError(f"cluster ids must be non-negative; got {int(clusters.min())}")
    keep = target != ignore_index
    t, c = target[keep], clusters[keep]
    if ((t < 0) | (t >= num_classes)).any():
        bad = np.unique(t[(t < 0) | (t >= num_classes)])[:5].tolist()
        raise ValueError(f"target holds class ids outside [0, {num_classes}) (ignore_index={ignore_index}): {bad}")
    n_clusters = int(clusters.max()) + 1 if clusters.size else 1
    overlap = np.bincount(c * num_classes + t, minlength=n_clusters * num_classes).reshape(n_clusters, num_classes)
    mapping = overlap.argmax(1)
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    mapping[rows] = cols
    return mapping[clusters]
