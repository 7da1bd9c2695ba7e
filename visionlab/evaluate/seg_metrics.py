"""Semantic-segmentation metrics from a pixel confusion matrix.

A :class:`ConfusionAccumulator` counts ``(true, predicted)`` pixel pairs batch by batch
(``torch.bincount`` on the tensors' own device); the metric functions read that ``(K, K)``
matrix. Undefined values (a class absent from truth and prediction) are NaN in arrays and
None in the JSON-friendly dict, and are left out of the means.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from visionlab.errors import ConfigError


def _as_long_tensor(x, name: str) -> torch.Tensor:
    t = x.detach() if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))
    if t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
        raise ValueError(f"{name} must hold integer class ids; got dtype {t.dtype} (take argmax of the logits first)")
    return t.long()


def _check_ids(ids: torch.Tensor, num_classes: int, name: str, ignore_index: int) -> None:
    bad = (ids < 0) | (ids >= num_classes)
    if bool(bad.any()):
        values = torch.unique(ids[bad])[:5].tolist()
        raise ValueError(
            f"{name} holds class ids outside [0, {num_classes}) (ignore_index={ignore_index}): {values}; "
            "check num_classes and the label encoding"
        )


class ConfusionAccumulator:
    """Running ``(K, K)`` pixel confusion matrix: rows are true classes, columns predicted ones.

    Args:
        num_classes: Number of classes ``K``.
        ignore_index: Target value of unlabelled pixels; they are not counted.

    Example:
        >>> acc = ConfusionAccumulator(2)
        >>> acc.update(np.array([[0, 1]]), np.array([[0, 255]])).tolist()
        [[1, 0], [0, 0]]
    """

    def __init__(self, num_classes: int, ignore_index: int = 255) -> None:
        if num_classes < 1:
            raise ConfigError(f"num_classes must be at least 1; got {num_classes}")
        self.num_classes = int(num_classes)
        self.ignore_index = int(ignore_index)
        self.matrix = np.zeros((self.num_classes, self.num_classes), dtype=np.int64)

    def reset(self) -> None:
        """Set every count back to zero."""
        self.matrix[:] = 0

    def update(self, pred, target) -> np.ndarray:
        """Count one batch and return that batch's own ``(K, K)`` matrix.

        Args:
            pred: Predicted class ids ``(H, W)`` or ``(B, H, W)``; numpy array or tensor on any device.
            target: True class ids of the same shape; ``ignore_index`` marks unlabelled pixels,
                whose predictions are neither counted nor checked.

        Returns:
            This update's confusion matrix (int64), already added to :attr:`matrix`.

        Raises:
            ValueError: Shapes differ, ids are not integers, or a counted pixel has a true or
                predicted id outside ``[0, K)``.
        """
        p = _as_long_tensor(pred, "pred")
        t = _as_long_tensor(target, "target")
        if p.shape != t.shape:
            raise ValueError(f"pred and target must have the same shape; got {tuple(p.shape)} and {tuple(t.shape)}")
        p = p.to(t.device)
        keep = t != self.ignore_index
        t, p = t[keep], p[keep]
        k = self.num_classes
        _check_ids(t, k, "target", self.ignore_index)
        _check_ids(p, k, "pred", self.ignore_index)
        cm = torch.bincount(t * k + p, minlength=k * k).reshape(k, k).cpu().numpy().astype(np.int64)
        self.matrix += cm
        return cm


def _counts(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cm = np.asarray(cm, dtype=np.int64)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"confusion matrix must be square (K, K); got shape {cm.shape}")
    return np.diag(cm).astype(np.float64), cm.sum(1).astype(np.float64), cm.sum(0).astype(np.float64)


def _nan_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.full_like(a, np.nan, dtype=np.float64), where=b > 0)


def _nanmean(x: np.ndarray) -> float | None:
    return float(np.nanmean(x)) if np.isfinite(x).any() else None


def _named(values: np.ndarray, classes: Sequence[str]) -> dict[str, float | None]:
    return {name: (None if np.isnan(v) else float(v)) for name, v in zip(classes, values)}


def iou_per_class(cm: np.ndarray) -> np.ndarray:
    """Intersection over union per class, ``tp / (tp + fp + fn)``.

    Returns:
        Float array ``(K,)``; NaN where the class is absent from both truth and prediction.
    """
    tp, true, predicted = _counts(cm)
    return _nan_div(tp, true + predicted - tp)


def dice_per_class(cm: np.ndarray) -> np.ndarray:
    """Dice (F1) per class, ``2 tp / (2 tp + fp + fn)``; NaN where the union is empty."""
    tp, true, predicted = _counts(cm)
    return _nan_div(2 * tp, true + predicted)


def class_accuracy(cm: np.ndarray) -> np.ndarray:
    """Recall per class, ``tp / true pixels``; NaN for classes absent from the truth."""
    tp, true, _ = _counts(cm)
    return _nan_div(tp, true)


def image_iou(cm: np.ndarray) -> float | None:
    """Mean IoU of one image over the classes in its truth or prediction; None if no labelled pixels."""
    if np.asarray(cm).sum() == 0:
        return None
    return _nanmean(iou_per_class(cm))


def segmentation_metrics(cm: np.ndarray, classes: Sequence[str]) -> dict:
    """All scalar metrics of a segmenter from its accumulated confusion matrix.

    Args:
        cm: Pixel counts ``(K, K)``, rows true classes, columns predicted classes.
        classes: Class names, ``K`` of them.

    Returns:
        ``pixel_accuracy``; ``miou`` (mean over classes in truth or prediction);
        ``mean_class_accuracy`` (mean recall over classes in the truth); ``fw_iou`` (IoU weighted
        by each class's share of true pixels); ``dice_macro``; ``per_class_iou``,
        ``per_class_accuracy`` and ``per_class_dice`` (None where undefined);
        ``confusion_matrix``, ``n_pixels`` and ``classes``.

    Raises:
        ValueError: The matrix does not match ``classes`` or counts no labelled pixels.

    Example:
        >>> segmentation_metrics(np.array([[3, 1], [0, 4]]), ["bg", "fg"])["pixel_accuracy"]
        0.875
    """
    cm = np.asarray(cm, dtype=np.int64)
    k = len(classes)
    if cm.shape != (k, k):
        raise ValueError(f"confusion matrix must have shape ({k}, {k}) for {k} classes; got {cm.shape}")
    n = int(cm.sum())
    if n == 0:
        raise ValueError("no labelled pixels in the confusion matrix: every pixel was ignore_index, or nothing was updated")
    iou = iou_per_class(cm)
    acc = class_accuracy(cm)
    dice = dice_per_class(cm)
    freq = cm.sum(1) / n
    return {
        "pixel_accuracy": float(np.trace(cm) / n),
        "miou": _nanmean(iou),
        "mean_class_accuracy": _nanmean(acc),
        "fw_iou": float((freq * np.nan_to_num(iou)).sum()),
        "dice_macro": _nanmean(dice),
        "per_class_iou": _named(iou, classes),
        "per_class_accuracy": _named(acc, classes),
        "per_class_dice": _named(dice, classes),
        "confusion_matrix": cm.tolist(),
        "n_pixels": n,
        "classes": list(classes),
    }
