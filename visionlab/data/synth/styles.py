"""Whole-image styles of a finished scene: pixel art, a smooth "realistic" look, a retro and a modern screenshot.

A style turns the renderer's finished image and label map (same size, aligned) into the styled pair, so
the masks stay true to what is drawn: pixel styles take each block's colour and label from the same pixel,
a HUD is drawn on the image and the label map alike (label :data:`~.canvas.ROLE_LABELS` ``"hud"``).
Styles are a registry, like sprite kinds: a variant's class names the style its scenes take
(variants 19 and 20; variant 4's 3D characters and variant 5's metal weapons light only part of the scene, :mod:`.shading`).

Example:
    >>> {"pixel", "realistic", "retro", "modern"} <= set(STYLES)
    True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from .canvas import ROLE_LABELS, Op, overlay

StyleFn = Callable[[np.random.Generator, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
STYLES: dict[str, StyleFn] = {}

RETRO_PALETTE = (
    (0, 0, 0), (29, 43, 83), (126, 37, 83), (0, 135, 81), (171, 82, 54), (95, 87, 79), (194, 195, 199), (255, 241, 232),
    (255, 0, 77), (255, 163, 0), (255, 236, 39), (0, 228, 54), (41, 173, 255), (131, 118, 156), (255, 119, 168), (255, 204, 170),
)
"""A fixed 16-colour palette of the fantasy consoles' kind (PICO-8's): every retro screenshot uses only these."""
HUD = ROLE_LABELS["hud"]


def register_style(name: str) -> Callable[[StyleFn], StyleFn]:
    """Add a style under ``name`` (a decorator)."""
    def add(fn: StyleFn) -> StyleFn:
        STYLES[name] = fn
        return fn
    return add


def apply_style(name: str, rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The styled (image, label map) of a finished scene.

    Raises:
        ValueError: An unknown style; the message lists the known ones.
    """
    if name not in STYLES:
        raise ValueError(f"unknown style {name!r}; known: {', '.join(sorted(STYLES))}")
    return STYLES[name](rng, image, label)


def block_size(height: int, per_image: float) -> int:
    """Side in pixels of one "big pixel" when the image shows about ``per_image`` of them across (at least 2)."""
    return max(2, round(height / per_image))


def pixelate(image: np.ndarray, label: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Low-resolution (image, label) pair: each k x k block takes the colour and the label of its centre pixel."""
    H, W = label.shape
    ys, xs = np.minimum(np.arange(0, H, k) + k // 2, H - 1), np.minimum(np.arange(0, W, k) + k // 2, W - 1)
    return image[ys][:, xs], label[ys][:, xs]


def upscale(a: np.ndarray, k: int, height: int, width: int) -> np.ndarray:
    """Nearest-neighbour upscaling by ``k``, cropped to ``height`` x ``width``."""
    return np.repeat(np.repeat(a, k, axis=0), k, axis=1)[:height, :width]


def quantize(image: np.ndarray, colors: int | None = None, palette: tuple = ()) -> np.ndarray:
    """The image in ``colors`` colours of its own (median cut) or in the fixed ``palette``, without dithering."""
    im = Image.fromarray(image)
    if palette:
        pal = Image.new("P", (1, 1))
        pal.putpalette([v for c in palette for v in c] + [0] * 3 * (256 - len(palette)))
        out = im.quantize(palette=pal, dither=Image.Dither.NONE)
    else:
        out = im.quantize(colors=int(colors or 16), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    return np.asarray(out.convert("RGB"))


def _light_and_grain(rng: np.random.Generator, image: np.ndarray, grain: float) -> np.ndarray:
    """A soft light from one side (smooth shading across the scene), a vignette, fine texture noise and anti-aliasing."""
    H, W = image.shape[:2]
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * (xx / W - 0.5) + np.sin(angle) * (yy / H - 0.5))
    r2 = ((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2) / 0.5
    light = (1.0 + 0.18 * ramp) * (1.0 - 0.22 * r2)
    noise = rng.normal(0.0, grain, size=(H, W, 1)).astype(np.float32)
    out = image.astype(np.float32) * light[..., None] + noise
    smooth = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
    return np.asarray(smooth)


@register_style("pixel")
def pixel_art(rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixel art: 50 to 80 big pixels across, 12 to 24 colours of the scene's own, upscaled nearest-neighbour."""
    H, W = label.shape
    k = block_size(H, rng.uniform(50, 80))
    small, small_label = pixelate(image, label, k)
    small = quantize(small, colors=int(rng.integers(12, 25)))
    return upscale(small, k, H, W), upscale(small_label, k, H, W)


@register_style("realistic")
def realistic(rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Full resolution, smoothly lit and textured, anti-aliased; the label map is the scene's own."""
    return _light_and_grain(rng, image, grain=float(rng.uniform(3.0, 7.0))), label


_HEART = ("01010", "11111", "11111", "01110", "00100")
DIGIT_FONT = {  # a 3x5 font of blocky digits (HUD scores and counters)
    "0": ("111", "101", "101", "101", "111"), "1": ("010", "110", "010", "010", "111"), "2": ("111", "001", "111", "100", "111"),
    "3": ("111", "001", "111", "001", "111"), "4": ("101", "101", "111", "001", "001"), "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"), "7": ("111", "001", "001", "001", "001"), "8": ("111", "101", "111", "101", "111"),
    "9": ("111", "101", "111", "001", "111"),
}


def _stamp(small: np.ndarray, glyph: tuple[str, ...], y: int, x: int, color: tuple[int, int, int]) -> None:
    """Draw a bitmap glyph (rows of "0"/"1") at (y, x), one big pixel per bit, clipped to the screen."""
    bits = np.array([[c == "1" for c in row] for row in glyph])
    h, w = min(bits.shape[0], small.shape[0] - y), min(bits.shape[1], small.shape[1] - x)
    if h > 0 and w > 0:
        small[y:y + h, x:x + w][bits[:h, :w]] = color


def _retro_hud(rng: np.random.Generator, small: np.ndarray, small_label: np.ndarray) -> None:
    """A chunky status bar across the top of a low-resolution screen: hearts and a score (HUD label)."""
    w = small_label.shape[1]
    small[:7], small_label[:7] = RETRO_PALETTE[0], HUD
    for i in range(int(rng.integers(2, 6))):
        if 1 + 6 * i + 5 <= w // 2:
            _stamp(small, _HEART, 1, 1 + 6 * i, RETRO_PALETTE[8])
    score = str(int(rng.integers(0, 10 ** int(rng.integers(3, 7))))).rjust(4, "0")
    for i, ch in enumerate(reversed(score)):
        x = w - 1 - 4 * (i + 1)
        if x > w // 2:
            _stamp(small, DIGIT_FONT[ch], 1, x, RETRO_PALETTE[7])


@register_style("retro")
def retro(rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A retro screenshot: 56 to 72 big pixels across, the fixed 16-colour palette, a chunky HUD, dark scanlines."""
    H, W = label.shape
    k = block_size(H, rng.uniform(56, 72))
    small, small_label = pixelate(image, label, k)
    small = quantize(np.asarray(ImageOps.autocontrast(Image.fromarray(small), cutoff=1)), palette=RETRO_PALETTE)
    small, small_label = small.copy(), small_label.copy()
    _retro_hud(rng, small, small_label)
    out = upscale(small, k, H, W).astype(np.float32)
    out[k - 1::k] *= rng.uniform(0.55, 0.75)  # the last row of every big pixel is a dark scanline
    return out.astype(np.uint8), upscale(small_label, k, H, W)


def _modern_hud(rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A slim HUD at full resolution: a gradient health bar in a thin frame and a round minimap (HUD label)."""
    H, W = label.shape
    x0, y0 = 0.04 * W, 0.04 * H
    bw, bh = rng.uniform(0.25, 0.35) * W, max(3.0, 0.025 * H)
    ops = [Op("rect", (x0, y0, x0 + bw, y0 + bh), (30, 30, 36), (230, 230, 235))]
    filled = int((bw - 2) * rng.uniform(0.3, 1.0))
    ops += [Op("line", np.array([(x0 + 1 + i, y0 + 1), (x0 + 1 + i, y0 + bh - 1)]), (int(200 + 40 * i / bw), int(40 + 120 * i / bw), 50))
            for i in range(filled)]  # the bar's fill: a red-to-orange gradient
    r = rng.uniform(0.07, 0.1) * min(W, H)
    cx, cy = W - 0.04 * W - r, H - 0.04 * H - r
    ops += [Op("ellipse", (cx - r, cy - r, cx + r, cy + r), (24, 40, 36), (220, 220, 220)),
            Op("poly", np.array([(cx, cy - 0.4 * r), (cx - 0.25 * r, cy + 0.3 * r), (cx + 0.25 * r, cy + 0.3 * r)]), (250, 250, 250))]
    return overlay(image, label, ops, HUD)


@register_style("modern")
def modern(rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A modern screenshot: full resolution, lit, graded and anti-aliased, with a slim HUD."""
    lit = _light_and_grain(rng, image, grain=float(rng.uniform(1.5, 4.0)))
    return _modern_hud(rng, lit, label)
