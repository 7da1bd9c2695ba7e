"""Figures written to a run's ``plots/`` folder (matplotlib, Agg backend, atomic writes)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from visionlab.data.images import load_rgb  # noqa: E402
from visionlab.utils.files import atomic_write  # noqa: E402


def _save(fig: plt.Figure, path: Path) -> Path:
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format="png"))
    plt.close(fig)
    return path


def plot_history(history: list[dict], path: Path) -> Path:
    """Loss and accuracy per epoch, train and validation side by side (and mIoU when recorded)."""
    epochs = [int(r["epoch"]) for r in history]
    keys = ["loss", "acc"] + (["miou"] if "val_miou" in history[0] else [])
    labels = {"loss": "loss", "acc": "accuracy (pixels for segmentation)", "miou": "mean IoU"}
    fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 4))
    for ax, key in zip(axes, keys):
        for split, marker in (("train", "o-"), ("val", "s-")):
            if f"{split}_{key}" in history[0]:
                ax.plot(epochs, [float(r[f"{split}_{key}"]) for r in history], marker, label=split)
        ax.set_xlabel("epoch")
        ax.set_ylabel(labels[key])
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("Training curves")
    return _save(fig, path)


def plot_miou_curves(series: dict[str, tuple[list[float], list[float]]], path: Path, title: str) -> Path:
    """Validation mIoU per epoch and per cumulative training second; ``series[name] = (seconds, miou)``."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name, (seconds, miou) in series.items():
        axes[0].plot(range(1, len(miou) + 1), miou, "o-", label=name)
        axes[1].plot(seconds, miou, "o-", label=name)
    axes[0].set_xlabel("epoch")
    axes[1].set_xlabel("training time (s)")
    for ax in axes:
        ax.set_ylabel("validation mIoU")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    return _save(fig, path)


def plot_confusion(cm: np.ndarray, classes: Sequence[str], path: Path, normalized: bool) -> Path:
    """Confusion matrix heatmap with the value in every cell."""
    cm = np.asarray(cm, dtype=np.float64)
    size = max(4.0, 0.6 * len(classes) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(cm, cmap="Blues", vmin=0, vmax=1 if normalized else max(cm.max(), 1))
    ax.set_xticks(range(len(classes)), classes, rotation=45, ha="right")
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    top = cm.max() if cm.size else 0
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            text = f"{cm[i, j]:.2f}" if normalized else f"{int(cm[i, j])}"
            ax.text(j, i, text, ha="center", va="center", color="white" if cm[i, j] > 0.5 * (1 if normalized else top) else "black")
    ax.set_title("Confusion matrix" + (" (row-normalized)" if normalized else " (counts)"))
    return _save(fig, path)


def plot_roc(curves: dict[int, tuple[np.ndarray, np.ndarray]], aucs: dict, classes: Sequence[str], path: Path) -> Path:
    """ROC curves (one-vs-rest for multiclass) with each class's AUC in the legend."""
    fig, ax = plt.subplots(figsize=(5, 5))
    for c, (fpr, tpr) in curves.items():
        auc = aucs.get(classes[c], {}).get("roc_auc")
        ax.plot(fpr, tpr, label=f"{classes[c]} (AUC {auc:.3f})" if auc is not None else classes[c])
    ax.plot([0, 1], [0, 1], "k--", alpha=0.4, label="chance")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title("ROC" + (" (one-vs-rest)" if len(classes) > 2 else ""))
    ax.legend(loc="lower right", fontsize=8)
    return _save(fig, path)


def plot_gallery(items: list[dict], path: Path, title: str, cols: int = 4) -> Path:
    """Thumbnails with "true -> predicted (confidence)" captions."""
    rows = max(1, int(np.ceil(len(items) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 3.2 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, item in zip(axes.ravel(), items):
        img = load_rgb(item["path"])
        img.thumbnail((256, 256))
        ax.imshow(img)
        ax.set_title(f"{item['true']} -> {item['pred']} ({item['confidence']:.2f})", fontsize=8, color="crimson")
    fig.suptitle(title)
    return _save(fig, path)
