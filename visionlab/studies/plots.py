"""The studies' figures (matplotlib, Agg backend, written atomically like the run plots)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from visionlab.utils.files import atomic_write  # noqa: E402


def save(fig: plt.Figure, path: Path) -> str:
    """Write ``fig`` to ``path`` as PNG and close it; returns the file's name."""
    atomic_write(path, lambda p: fig.savefig(p, dpi=100, bbox_inches="tight", format="png"))
    plt.close(fig)
    return path.name


RIGHT_PANELS = {"gap": "train minus validation accuracy", "train_loss": "training loss", "lr": "learning rate"}


def plot_arm_curves(arms: dict[str, list[dict]], path: Path, title: str, right: str = "gap") -> str:
    """Validation accuracy per epoch for each arm, and beside it ``right`` per epoch (a key of :data:`RIGHT_PANELS`)."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4), squeeze=False)
    fig.subplots_adjust(wspace=0.3)
    for name, history in arms.items():
        epochs = [r["epoch"] for r in history]
        axes[0][0].plot(epochs, [r["val_acc"] for r in history], "o-", ms=3, label=name)
        values = [r["train_acc"] - r["val_acc"] if right == "gap" else r[right] for r in history]
        axes[0][1].plot(epochs, values, "o-", ms=3, label=name)
    axes[0][0].set_ylabel("validation accuracy")
    axes[0][1].set_ylabel(RIGHT_PANELS[right])
    if right == "gap":
        axes[0][1].axhline(0, color="grey", lw=0.8)
    if right == "lr":
        axes[0][1].set_yscale("log")
    for ax in axes[0]:
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    return save(fig, path)


def plot_learning_curve(curves: dict[str, tuple[list[int], list[float]]], path: Path, title: str) -> str:
    """Validation accuracy against training images per class, one line per arm (log-scaled x)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, (sizes, accs) in curves.items():
        ax.plot(sizes, accs, "o-", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("training images per class")
    ax.set_ylabel("validation accuracy")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title)
    return save(fig, path)


def plot_bars(names: list[str], values: list[float], path: Path, ylabel: str, title: str, seconds: list[float] | None = None) -> str:
    """One bar per arm (accuracy), with the arm's seconds written above it when given."""
    fig, ax = plt.subplots(figsize=(max(5, 1.3 * len(names)), 4))
    bars = ax.bar(names, values, color="#4c72b0")
    for i, bar in enumerate(bars):
        label = f"{values[i]:.3f}" + (f"\n{seconds[i]:.0f} s" if seconds else "")
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.01, label, ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, axis="y")
    return save(fig, path)
