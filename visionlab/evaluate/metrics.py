"""Classification metrics from labels and probabilities.

Precision, recall and F1 come from the confusion matrix (one pass, any class count);
ROC curves and AUC come from scikit-learn, one-vs-rest for more than two classes.
"""

from __future__ import annotations

import warnings

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts ``(K, K)``: rows are true classes, columns predicted classes."""
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    return np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # 0/0 is 0 (scikit-learn's zero_division=0), so an absent class does not produce NaN.
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float64), where=b > 0)


def per_class_scores(cm: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, F1 and support per class from a confusion matrix."""
    tp = np.diag(cm).astype(np.float64)
    precision = _safe_div(tp, cm.sum(0).astype(np.float64))
    recall = _safe_div(tp, cm.sum(1).astype(np.float64))
    f1 = _safe_div(2 * precision * recall, precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1, "support": cm.sum(1)}


def roc_auc(y_true: np.ndarray, probs: np.ndarray) -> tuple[float | None, dict[int, float]]:
    """Macro one-vs-rest AUC (binary: AUC of the positive class) and per-class AUCs.

    Classes absent from ``y_true`` have no ROC curve; they are left out of the macro mean.
    Returns ``(None, {})`` when fewer than two classes are present.
    """
    from sklearn.metrics import roc_auc_score

    y_true = np.asarray(y_true)
    present = np.unique(y_true)
    if len(present) < 2:
        return None, {}
    k = probs.shape[1]
    if k == 2:
        auc = float(roc_auc_score(y_true, probs[:, 1]))
        return auc, {0: auc, 1: auc}
    per = {int(c): float(roc_auc_score(y_true == c, probs[:, c])) for c in present}
    return float(np.mean(list(per.values()))), per


def roc_curves(y_true: np.ndarray, probs: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """``{class: (fpr, tpr)}`` one-vs-rest, for classes present with both outcomes."""
    from sklearn.metrics import roc_curve

    curves = {}
    classes = [1] if probs.shape[1] == 2 else range(probs.shape[1])
    for c in classes:
        positives = np.asarray(y_true) == c
        if positives.all() or not positives.any():
            continue
        fpr, tpr, _ = roc_curve(positives, probs[:, c])
        curves[int(c)] = (fpr, tpr)
    return curves


def classification_metrics(y_true: np.ndarray, probs: np.ndarray, classes: list[str]) -> dict:
    """All scalar metrics of a classifier on one split.

    Args:
        y_true: True labels ``(N,)``.
        probs: Class probabilities ``(N, K)``.
        classes: Class names, ``K`` of them.

    Returns:
        ``accuracy``, ``precision_macro``, ``recall_macro``, ``f1_macro``, their ``*_weighted``
        versions, ``roc_auc`` (None if undefined), ``per_class`` and ``confusion_matrix``
        (counts and row-normalized), ``n_images``.

    Example:
        >>> classification_metrics(np.array([0, 1]), np.array([[0.9, 0.1], [0.2, 0.8]]), ["a", "b"])["accuracy"]
        1.0
    """
    y_true = np.asarray(y_true, dtype=np.int64)
    probs = np.asarray(probs, dtype=np.float64)
    k = len(classes)
    if probs.ndim != 2 or probs.shape != (len(y_true), k):
        raise ValueError(f"probs must have shape ({len(y_true)}, {k}); got {probs.shape}")
    y_pred = probs.argmax(1)
    cm = confusion_matrix(y_true, y_pred, k)
    s = per_class_scores(cm)
    support = s["support"].astype(np.float64)
    weights = support / max(support.sum(), 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auc, per_auc = roc_auc(y_true, probs)
    per_class = {
        name: {
            "precision": float(s["precision"][i]),
            "recall": float(s["recall"][i]),
            "f1": float(s["f1"][i]),
            "support": int(s["support"][i]),
            "roc_auc": per_auc.get(i),
        }
        for i, name in enumerate(classes)
    }
    return {
        "n_images": int(len(y_true)),
        "accuracy": float((y_pred == y_true).mean()) if len(y_true) else 0.0,
        "precision_macro": float(s["precision"].mean()),
        "recall_macro": float(s["recall"].mean()),
        "f1_macro": float(s["f1"].mean()),
        "precision_weighted": float((s["precision"] * weights).sum()),
        "recall_weighted": float((s["recall"] * weights).sum()),
        "f1_weighted": float((s["f1"] * weights).sum()),
        "roc_auc": auc,
        "roc_auc_kind": "binary" if k == 2 else "macro one-vs-rest",
        "per_class": per_class,
        "classes": list(classes),
        "confusion_matrix": cm.tolist(),
        "confusion_matrix_normalized": _safe_div(cm.astype(np.float64), cm.sum(1, keepdims=True).astype(np.float64)).tolist(),
    }
