"""Turn predictions on a split into ``metrics.json``, per-image predictions and plots."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from visionlab.evaluate.metrics import classification_metrics, roc_curves
from visionlab.evaluate.plots import plot_confusion, plot_gallery, plot_roc
from visionlab.runs import RunFolder
from visionlab.utils.files import atomic_write, write_json


def worst_mistakes(probs: np.ndarray, labels: np.ndarray, paths: list[str], classes: list[str], k: int = 12) -> list[dict]:
    """The ``k`` misclassified images with the highest confidence in the wrong class."""
    pred = probs.argmax(1)
    wrong = np.flatnonzero(pred != labels)
    order = wrong[np.argsort(-probs[wrong, pred[wrong]])][:k]
    return [
        {"path": paths[i], "true": classes[labels[i]], "pred": classes[pred[i]], "confidence": float(probs[i, pred[i]])}
        for i in order
    ]


def _write_predictions(path: Path, probs: np.ndarray, labels: np.ndarray, paths: list[str], classes: list[str]) -> None:
    def write(p: Path) -> None:
        with open(p, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["path", "true", "pred", "confidence", *[f"p_{c}" for c in classes]])
            for i, rel in enumerate(paths):
                j = int(probs[i].argmax())
                w.writerow([rel, classes[labels[i]], classes[j], f"{probs[i, j]:.6f}", *[f"{v:.6f}" for v in probs[i]]])

    atomic_write(path, write)


def write_evaluation(run: Path, split: str, probs: np.ndarray, labels: np.ndarray, paths: list[str], root: Path, classes: list[str]) -> dict:
    """Compute metrics and write ``RUN/metrics.json`` (latest), ``RUN/eval/<split>/`` and plots.

    Args:
        run: The run folder.
        split: The split's name (``val``, ``test``...).
        probs: Class probabilities ``(N, K)``.
        labels: True labels ``(N,)``.
        paths: The images' paths, relative to ``root``.
        root: The dataset folder.
        classes: Class names, ``K`` of them.

    Returns:
        The metrics dict (with ``split``).
    """
    metrics = classification_metrics(labels, probs, classes)
    metrics["split"] = split
    folder = RunFolder(run)
    plots = folder.plots
    mistakes = worst_mistakes(probs, labels, paths, classes)
    metrics["worst_mistakes"] = mistakes
    _write_predictions(folder.eval_dir(split) / "predictions.csv", probs, labels, paths, classes)
    cm = np.asarray(metrics["confusion_matrix"])
    plot_confusion(cm, classes, plots / f"confusion_{split}.png", normalized=False)
    plot_confusion(np.asarray(metrics["confusion_matrix_normalized"]), classes, plots / f"confusion_{split}_normalized.png", normalized=True)
    curves = roc_curves(labels, probs)
    if curves:
        plot_roc(curves, metrics["per_class"], classes, plots / f"roc_{split}.png")
    if mistakes:
        gallery = [dict(m, path=root / m["path"]) for m in mistakes]
        plot_gallery(gallery, plots / f"worst_{split}.png", f"Most confident mistakes ({split})")
    write_json(folder.eval_metrics_path(split), metrics)
    write_json(folder.metrics_path, metrics)
    return metrics
