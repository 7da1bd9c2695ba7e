"""Backdrops that replace a scene's open air: under water (variants 8 and 13) or in space (variant 13).

``underwater`` floods the scene from a wavy surface (``surface``: its height as a fraction of the image; 0: no
surface in view) down to the ground, in the water class, with light rays, bubbles and seaweed; the characters
drawn after it swim in it. ``space`` turns the sky black with many stars, a planet or two, and rocks that
float (terrain class), over a grey, cratered ground (the ``lunar`` biome the class asks for).

Example:
    >>> sorted(BACKDROPS)
    ['space', 'underwater']
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .canvas import Canvas, Op
from .landscape import GLOWS, planet
from .layout import Layout
from .palette import SKY, TERRAIN, VEGETATION, WATER, Theme, mix, shade
from .props import star_ops

Backdrop = Callable[[np.random.Generator, Canvas, Theme, Layout, float], list[dict]]
BACKDROPS: dict[str, Backdrop] = {}
DEEP = (18, 70, 130)


def register_backdrop(name: str) -> Callable[[Backdrop], Backdrop]:
    """Add a backdrop under ``name`` (a decorator)."""
    def add(fn: Backdrop) -> Backdrop:
        BACKDROPS[name] = fn
        return fn
    return add


def _entry(kind: str, cls: str, box: tuple[float, float, float, float]) -> dict:
    return {"type": kind, "class": cls, "box": [round(float(v), 1) for v in box]}


@register_backdrop("underwater")
def underwater(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout, surface: float) -> list[dict]:
    """Water from a wavy surface to the ground: its body, light rays from above, bubbles, seaweed on the floor."""
    W, H = layout.width, layout.height
    top = surface * H if surface > 0 else -0.03 * H  # no surface in view: the waves above the top edge
    water = mix(theme.colors["water"] if theme.biome != "lava" else DEEP, DEEP, 0.45)
    xs = np.linspace(0, W, 33)
    wave = np.stack([xs, top + 0.012 * H * np.sin(xs / W * rng.uniform(8, 14) + rng.uniform(0, 6))], axis=1)
    floor = layout.line[::-1] + [0.0, 2.0]
    ops = [Op("poly", np.concatenate([wave, floor]), water)]
    light = mix(water, (220, 240, 255), 0.18)
    for _ in range(int(rng.integers(2, 5))):  # rays of light slanting down from the surface
        x, w, lean = rng.uniform(0, W), rng.uniform(0.04, 0.1) * W, rng.uniform(-0.15, 0.15) * W
        ops.append(Op("poly", np.array([(x, top), (x + w, top), (x + w * 2.2 + lean, 0.85 * H), (x + lean, 0.85 * H)]), light))
    if top > 0:
        ops.append(Op("line", wave, mix(water, (255, 255, 255), 0.5), width=max(1.0, 0.008 * H)))
    for _ in range(int(rng.integers(6, 14))):  # bubbles
        bx, by, r = rng.uniform(0, W), rng.uniform(top + 0.05 * H, 0.8 * H), rng.uniform(0.006, 0.015) * H
        ops.append(Op("ellipse", (bx - r, by - r, bx + r, by + r), mix(water, (255, 255, 255), 0.35), mix(water, (255, 255, 255), 0.7), 0.8))
    canvas.draw(ops, WATER)
    weed = []
    for _ in range(int(rng.integers(3, 7))):  # seaweed swaying up from the floor
        x, h = rng.uniform(0, W), rng.uniform(0.12, 0.3) * H
        ground = layout.ground(x)
        pts = [(x + 0.03 * H * np.sin(k * 1.3 + x), ground - h * k / 6) for k in range(7)]
        weed.append(Op("line", np.array(pts), mix(theme.pick(rng, "leaves"), (40, 160, 90), 0.5), width=max(1.0, 0.012 * H)))
    canvas.draw(weed, VEGETATION)
    return [_entry("water_body", "water", (0, top, W, float(layout.line[:, 1].max())))]


@register_backdrop("space")
def space(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout, surface: float) -> list[dict]:
    """A black sky with stars and a planet or two, and rocks floating in it."""
    W, H = layout.width, layout.height
    horizon = float(layout.line[:, 1].min())
    canvas.draw([Op("rect", (0, 0, W, H), (8, 8, 20))], SKY)
    canvas.draw(star_ops(rng, min(260, W * H // 300), W, horizon), SKY)
    drawn = []
    for _ in range(int(rng.integers(1, 3))):
        d, x, y = rng.uniform(0.1, 0.22) * W, rng.uniform(0.1, 0.9) * W, rng.uniform(0.1, 0.6) * horizon
        canvas.draw(planet(rng, x, y, d, GLOWS[int(rng.integers(len(GLOWS)))], theme), SKY)
        drawn.append(_entry("planet", "sky", (x - d / 2, y - d / 2, x + d / 2, y + d / 2)))
    rock = theme.colors["ground"]
    for _ in range(int(rng.integers(2, 5))):  # asteroids
        x, y, r = rng.uniform(0, W), rng.uniform(0.05, 0.85) * horizon, rng.uniform(0.02, 0.05) * W
        pts = [(x + r * np.cos(a) * rng.uniform(0.7, 1.1), y + r * np.sin(a) * rng.uniform(0.7, 1.1)) for a in np.linspace(0, 2 * np.pi, 9)[:-1]]
        canvas.draw([Op("poly", np.array(pts), rock, shade(rock, 0.5), max(1.0, 0.1 * r)),
                     Op("ellipse", (x - 0.3 * r, y - 0.3 * r, x + 0.1 * r, y + 0.1 * r), shade(rock, 0.7))], TERRAIN)
        drawn.append(_entry("asteroid", "terrain", (x - r, y - r, x + r, y + r)))
    return drawn
