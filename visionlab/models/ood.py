"""Out-of-distribution flags from a classifier's own features: is an image unlike the training images?

A classifier answers with one of its classes whatever it is shown: a photo of bees given to the
dragon-or-robot classifier comes back "robot 82%". The softmax cannot say "neither" (with two
classes its confidence and energy barely move off the training images), but the pooled backbone
features can: images like the training images lie close to some of them.

Score: the cosine distance of an image's L2-normalised pooled features to its ``k``-th nearest
training image (``1 - cos``; 0 for an identical direction, up to 2). Threshold: the
``pass_rate`` quantile of the validation split's scores, so that that share of validation images
(never used as references) pass; an image scoring above it is flagged out of distribution.

Measured on the README's main-job classifier (EfficientNet-Lite0 frozen on 400 game-world
scenes of 256 px, three seeds): threshold 0.27-0.28 for a 95% pass rate, validation scores up to
0.29-0.33, every scikit-image/scikit-learn sample photo and crop from 0.64 (14 of 14 flagged, 93-97
of 100 unseen game-world scenes pass). The classifier's maximum softmax probability and energy
score, thresholded the same way, flagged only 14-44% of the photos and crops.

Example:
    >>> detector = fit_ood(train_features, val_features, pass_rate=0.95)  # doctest: +SKIP
    >>> detector.flags(detector.scores(features))  # doctest: +SKIP
    tensor([False,  True])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from visionlab.errors import CheckpointMismatchError, ParamError
from visionlab.runs import RunFolder
from visionlab.utils.files import atomic_write, read_json, write_json

METHOD = "knn-cosine"
DEFAULT_K = 5  # k = 1...20 separated photos from validation scenes alike (the k-th distance of photos >= 2.1x the threshold)
MAX_REFERENCE = 2000  # training images kept as references (a random subset of larger splits): 5 MB at 1280 fp16 features
SCORE_CHUNK = 1024  # query rows scored at once: a (1024, 2000) distance matrix is 8 MB
FLAG_TEXT = "unlike the training images"


def normalise(features: torch.Tensor) -> torch.Tensor:
    """Rows of ``features`` ``(N, F)`` scaled to unit length (fp32); all-zero rows stay zero."""
    return torch.nn.functional.normalize(features.float(), dim=1)


def knn_distance(features: torch.Tensor, reference: torch.Tensor, k: int) -> torch.Tensor:
    """Cosine distance of each row of ``features`` ``(B, F)`` to its ``k``-th nearest row of ``reference``.

    Args:
        features: Pooled features, any scale (normalised here).
        reference: ``(N, F)`` unit-length reference rows.
        k: Which neighbour; capped at ``N``.

    Returns:
        ``(B,)`` fp32 distances in ``[0, 2]``.
    """
    k = min(k, reference.shape[0])
    ref = reference.float()
    out = []
    for start in range(0, features.shape[0], SCORE_CHUNK):
        sim = normalise(features[start:start + SCORE_CHUNK]) @ ref.T  # (b, N)
        out.append(1.0 - sim.topk(k, dim=1).values[:, -1])
    return torch.cat(out) if out else torch.zeros(0)


@dataclass
class OodDetector:
    """A fitted out-of-distribution flag: reference features and the validation threshold.

    Attributes:
        reference: ``(N, F)`` unit-length pooled features of training images (fp16 on disk).
        k: The score is the distance to the ``k``-th nearest reference.
        threshold: Scores above it are flagged.
        pass_rate: The share of validation images the threshold was set to pass.
        val_pass_share: The share of validation images that do pass (at least ``pass_rate``).
        n_val: Validation images the threshold was set on.
        n_train: Training images the references were drawn from.
    """

    reference: torch.Tensor
    k: int
    threshold: float
    pass_rate: float
    val_pass_share: float
    n_val: int
    n_train: int

    @property
    def feature_dim(self) -> int:
        """``F``: the classifier's pooled feature size."""
        return int(self.reference.shape[1])

    def scores(self, features: torch.Tensor) -> torch.Tensor:
        """``(B,)`` scores of pooled features ``(B, F)``; higher is less like the training images.

        Raises:
            CheckpointMismatchError: ``F`` differs from the references' (features of another model).
        """
        if features.shape[1] != self.feature_dim:
            raise CheckpointMismatchError(f"out-of-distribution reference has {self.feature_dim} features per image, the classifier "
                                          f"{features.shape[1]}; the run's ood files belong to another model: retrain the run")
        return knn_distance(features.detach().float().cpu(), self.reference, self.k)

    def flags(self, scores: torch.Tensor) -> torch.Tensor:
        """``(B,)`` booleans: True where a score is above the threshold (out of distribution)."""
        return scores > self.threshold

    def describe(self) -> dict[str, Any]:
        """What ``ood.json`` holds: method, k, threshold, pass rate, measured validation share, sizes."""
        return {"method": METHOD, "k": self.k, "threshold": self.threshold, "pass_rate": self.pass_rate,
                "val_pass_share": self.val_pass_share, "n_val": self.n_val, "n_reference": int(self.reference.shape[0]),
                "n_train": self.n_train, "feature_dim": self.feature_dim,
                "score": f"cosine distance of the pooled backbone features to the k-th nearest training image (k = {self.k})"}


def check_pass_rate(pass_rate: float) -> None:
    """Refuse a pass rate outside ``(0, 1]``.

    Raises:
        ParamError: Naming ``ood_pass_rate`` and its range.
    """
    if not 0.0 < pass_rate <= 1.0:
        raise ParamError("ood_pass_rate", f"ood_pass_rate must be in (0, 1] (the share of validation images that pass); got {pass_rate}")


def reference_indices(n: int, max_reference: int = MAX_REFERENCE, seed: int = 0) -> torch.Tensor:
    """Sorted indices of the training images kept as references: all ``n``, or ``max_reference`` drawn with ``seed``."""
    if n <= max_reference:
        return torch.arange(n)
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed))[:max_reference].sort().values


def fit_ood(train_features: torch.Tensor, val_features: torch.Tensor, pass_rate: float = 0.95, k: int = DEFAULT_K,
            max_reference: int = MAX_REFERENCE, seed: int = 0, n_train: int | None = None) -> OodDetector:
    """Keep (a random subset of) the training features as references and set the threshold on validation.

    Args:
        train_features: ``(N, F)`` pooled features of the training images (unaugmented, eval preprocessing).
        val_features: ``(M, F)`` pooled features of the validation images.
        pass_rate: Share of validation images whose score must be at or under the threshold.
        k: The score's neighbour.
        max_reference: At most this many training images are kept (see :func:`reference_indices`).
        seed: Seeds the subset.
        n_train: The size of the training split when ``train_features`` is already a subset of it
            (recorded only); default ``N``.

    Returns:
        The detector; its ``val_pass_share`` is measured with the fp16-rounded references it saves.

    Raises:
        ParamError: ``pass_rate`` outside ``(0, 1]``, ``k`` under 1, or an empty split.
    """
    check_pass_rate(pass_rate)
    if k < 1:
        raise ParamError("k", f"k must be at least 1; got {k}")
    if len(train_features) == 0 or len(val_features) == 0:
        raise ParamError("data", "out-of-distribution flags need training and validation images; the split has "
                                 f"{len(train_features)} training and {len(val_features)} validation images")
    n_train = n_train or int(train_features.shape[0])
    train_features = train_features[reference_indices(int(train_features.shape[0]), max_reference, seed)]
    reference = normalise(train_features).half().float()  # as saved: the threshold is set on what predict will use
    val_scores = knn_distance(val_features, reference, k)
    threshold = float(torch.quantile(val_scores, pass_rate, interpolation="higher"))
    share = float((val_scores <= threshold).float().mean())
    return OodDetector(reference, k, threshold, pass_rate, share, int(val_features.shape[0]), n_train)


def save_ood(detector: OodDetector, run: RunFolder) -> None:
    """Write ``RUN/ood.safetensors`` (fp16 references) and ``RUN/ood.json`` (the rest), each atomically."""
    tensors = {"reference": detector.reference.half().contiguous()}
    atomic_write(run.ood_features_path, lambda p: save_file(tensors, str(p), metadata={"method": METHOD}))
    write_json(run.ood_path, detector.describe())


def load_ood(run: RunFolder) -> OodDetector | None:
    """The run's detector, or ``None`` when the run has none (trained before the flag existed).

    Raises:
        CheckpointMismatchError: The files are there but damaged or of another method; the message says how to fix it.
    """
    if not run.ood_path.is_file() or not run.ood_features_path.is_file():
        return None
    try:
        info = read_json(run.ood_path)
        reference = load_file(str(run.ood_features_path))["reference"].float()
        if info.get("method") != METHOD:
            raise ValueError(f"method {info.get('method')!r}, expected {METHOD!r}")
        return OodDetector(reference, int(info["k"]), float(info["threshold"]), float(info["pass_rate"]), float(info["val_pass_share"]),
                           int(info["n_val"]), int(info["n_train"]))
    except Exception as exc:  # OSError, JSON and key errors, and safetensors' own types
        raise CheckpointMismatchError(f"{run.ood_path.parent}: unreadable out-of-distribution files {run.ood_path.name}/"
                                      f"{run.ood_features_path.name} ({exc}); delete both to predict without the flag") from exc
