"""Shared fixtures: small seeded image datasets made on the fly (no network, no downloads)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw


def draw_shape(kind: str, rng: np.random.Generator, size: int = 48) -> Image.Image:
    """A random-coloured disc, square or triangle on a noisy background."""
    bg = rng.integers(0, 256, 3)
    arr = np.clip(bg + rng.normal(0, 12, (size, size, 3)), 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    d = ImageDraw.Draw(img)
    r = int(rng.integers(size // 5, size // 3))
    cx, cy = rng.integers(r, size - r, 2)
    fg = tuple(int(v) for v in (255 - bg + rng.integers(-40, 40, 3)) % 256)
    if kind == "disc":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fg)
    elif kind == "square":
        d.rectangle([cx - r, cy - r, cx + r, cy + r], fill=fg)
    else:
        d.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=fg)
    return img


def make_shapes_dataset(root: Path, classes=("disc", "square"), n_per_class: int = 20, seed: int = 0, size: int = 48) -> Path:
    """Write ``root/<class>/<i>.png``; returns ``root``."""
    rng = np.random.default_rng(seed)
    for c in classes:
        (root / c).mkdir(parents=True, exist_ok=True)
        for i in range(n_per_class):
            draw_shape(c, rng, size).save(root / c / f"{i:03d}.png")
    return root


@pytest.fixture
def shapes_dir(tmp_path: Path) -> Path:
    return make_shapes_dataset(tmp_path / "shapes")


def make_blob_dataset(root: Path, n_per_class: int = 24, seed: int = 0, size: int = 32, classes=("red", "blue", "green")) -> Path:
    """An easy task for random tiny CNNs: the class is the colour of a blob at a random place."""
    rng = np.random.default_rng(seed)
    colours = {"red": (220, 40, 40), "blue": (40, 60, 220), "green": (40, 200, 60)}
    for c in classes:
        (root / c).mkdir(parents=True, exist_ok=True)
        for i in range(n_per_class):
            arr = np.clip(rng.normal(128, 30, (size, size, 3)), 0, 255).astype(np.uint8)
            img = Image.fromarray(arr)
            r = int(rng.integers(size // 4, size // 2))
            x, y = rng.integers(0, size - r, 2)
            ImageDraw.Draw(img).ellipse([x, y, x + r, y + r], fill=colours[c])
            img.save(root / c / f"{i:03d}.png")
    return root


@pytest.fixture
def blobs_dir(tmp_path: Path) -> Path:
    return make_blob_dataset(tmp_path / "blobs", classes=("red", "blue"))
