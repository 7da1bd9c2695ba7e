"""Pictures of explanations: the manual's three panels per image, and per-class galleries (Pillow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import colormaps
from PIL import Image, ImageDraw

from visionlab.explain.measures import curve_auc
from visionlab.utils.files import atomic_write

_JET = colormaps["jet"]


def heatmap_rgb(cam: np.ndarray) -> np.ndarray:
    """``(H, W)`` in [0, 1] -> ``(H, W, 3)`` uint8 jet colours."""
    return (_JET(np.clip(cam, 0, 1))[..., :3] * 255).astype(np.uint8)


def overlay(image: np.ndarray, cam: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """Blend the jet heatmap over an RGB image of the same size."""
    return (image.astype(np.float32) * (1 - alpha) + heatmap_rgb(cam).astype(np.float32) * alpha).astype(np.uint8)


def _caption(panel: Image.Image, text: str, color: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    out = Image.new("RGB", (panel.width, panel.height + 18), (30, 30, 30))
    out.paste(panel, (0, 18))
    ImageDraw.Draw(out).text((4, 3), text, fill=color)
    return out


def three_panels(image: np.ndarray, cam: np.ndarray, title: str, correct: bool | None) -> Image.Image:
    """Original | heatmap | overlay with the prediction, as one image."""
    colour = (255, 255, 255) if correct is None else ((120, 230, 120) if correct else (255, 110, 110))
    panels = [
        _caption(Image.fromarray(image), "image"),
        _caption(Image.fromarray(heatmap_rgb(cam)), "heatmap"),
        _caption(Image.fromarray(overlay(image, cam)), title, colour),
    ]
    out = Image.new("RGB", (sum(p.width for p in panels), panels[0].height))
    x = 0
    for p in panels:
        out.paste(p, (x, 0))
        x += p.width
    return out


def gallery(tiles: list[Image.Image], cols: int = 4) -> Image.Image:
    """Tiles of equal size on a grid."""
    w, h = tiles[0].size
    rows = (len(tiles) + cols - 1) // cols
    out = Image.new("RGB", (w * min(cols, len(tiles)), h * rows), (30, 30, 30))
    for i, t in enumerate(tiles):
        out.paste(t, ((i % cols) * w, (i // cols) * h))
    return out


def save_png(img: Image.Image, path: Path) -> Path:
    """Write ``img`` as a PNG at ``path`` atomically (parent folders are created); returns ``path``."""
    return atomic_write(path, lambda p: img.save(p, format="PNG"))


def plot_deletion_insertion(curves: dict, path: Path, method: str) -> Path:
    """Mean deletion and insertion curves side by side: per class a colour, CAM order solid, random order dashed.

    Args:
        curves: The ``deletion_insertion`` entry of ``cam_metrics.json`` (fractions, overall and
            per-class mean curves with ``n_images``).
        path: The PNG to write.
        method: The CAM method's name, for the legend.

    Returns:
        ``path``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = dict(curves["per_class"])
    if len(groups) != 1:  # unlabelled images, or several classes: the mean over all of them too
        groups = {"all images": curves["overall"], **groups}
    x = np.asarray(curves["fractions"])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, curve, xlabel in ((axes[0], "deletion", "share of pixels deleted (highest first)"),
                              (axes[1], "insertion", "share of pixels inserted into the mean colour (highest first)")):
        for k, (name, m) in enumerate(groups.items(), start=-1 if "all images" in groups else 0):
            colour = "black" if name == "all images" else colormaps["tab10"](k % 10)
            for suffix, style, label in (("", "o-", method), ("_random", "s--", "random")):
                y = np.asarray(m[f"{curve}{suffix}"])
                ax.plot(x, y, style, color=colour, markersize=3.5, linewidth=1.6 if suffix == "" else 1.1,
                        label=f"{name} ({m['n_images']}), {label}: AUC {curve_auc(y, x):.3f}")
        ax.set_xlabel(xlabel)
        ax.set_title(f"{curve}: {'lower AUC = faster drop' if curve == 'deletion' else 'higher AUC = faster rise'}")
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    axes[0].set_ylabel("probability of the explained class")
    fig.suptitle(f"Deletion and insertion curves on {curves['n_images']} images: {method} order (solid) vs random order (dashed)")
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format="png"))
    plt.close(fig)
    return path
