"""Backdrops that replace a scene's open air (under water, in space) or fill its distance (dunes, mesas).

``underwater`` floods the scene from a wavy surface (``surface``: its height as a fraction of the image; 0: no
surface in view) down to the ground, in the water class, with light rays, bubbles and seaweed; the characters
drawn after it swim in it. ``space`` turns the sky black with many stars, a planet or two, and rocks that
float (terrain class), over a grey, cratered ground (the ``lunar`` biome the class asks for). ``dunes`` rolls two or
three ridges of the ground's two tones behind the ground line, the farthest ``surface`` of the image above its highest
point; ``mesas`` stands two or three flat-topped buttes in the soils' tones behind such dunes (terrain class, both).

Example:
    >>> sorted(BACKDROPS)
    ['dunes', 'mesas', 'space', 'underwater']
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .canvas import Canvas, Op
from .landscape import GLOWS, planet
from .layout import Layout
from .palette import SKY, TERRAIN, VEGETATION, WATER, Theme, mix, outline_of, shade
from .props import OUTLINE_MIN_PX, star_ops

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


@register_backdrop("dunes")
def dunes(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout, surface: float) -> list[dict]:
    """Two or three ridges of dunes behind the ground line, the farthest the highest, in the ground's two tones."""
    W, H = layout.width, layout.height
    base = float(layout.line[:, 1].min())
    xs = np.linspace(0, W, 33)
    n = int(rng.integers(2, 4))
    drawn = []
    for k in range(n):
        rise = surface * H * (n - k) / n
        ridge = base - rise * (0.6 + 0.4 * np.sin(xs / W * rng.uniform(3, 7) + rng.uniform(0, 6))) + 0.02 * H * k
        tone = theme.colors["cap"] if k % 2 == n % 2 else theme.colors["ground"]
        canvas.draw([Op("poly", np.concatenate([np.stack([xs, ridge], axis=1), [(W, H), (0, H)]]), tone)], TERRAIN)
        drawn.append(_entry("dune", "terrain", (0, float(ridge.min()), W, H)))
    return drawn


@register_backdrop("mesas")
def mesas(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout, surface: float) -> list[dict]:
    """Two or three buttes (a flat top over scree slopes, one face in shade) in the soils' tones, dunes in front."""
    W, H = layout.width, layout.height
    base = float(layout.line[:, 1].min())
    drawn = []
    for _ in range(int(rng.integers(2, 4))):
        w, h, x = rng.uniform(0.1, 0.25) * W, rng.uniform(0.2, 0.4) * H, rng.uniform(-0.05, 1.0) * W
        rock, top = theme.pick(rng, "rocks"), base - h
        outline = outline_of(rock) if h >= OUTLINE_MIN_PX else None
        canvas.draw([Op("poly", np.array([(x - 0.25 * w, base + 2), (x, top + 0.4 * h), (x + 0.05 * w, top), (x + 0.95 * w, top),
                                          (x + w, top + 0.4 * h), (x + 1.25 * w, base + 2)]), rock, outline, 0.5),
                     Op("poly", np.array([(x + 0.65 * w, top), (x + 0.95 * w, top), (x + w, top + 0.4 * h), (x + 1.25 * w, base + 2),
                                          (x + 0.7 * w, base + 2)]), shade(rock, 0.8))], TERRAIN)
        drawn.append(_entry("mesa", "terrain", (x - 0.25 * w, top, x + 1.25 * w, base)))
    return drawn + dunes(rng, canvas, theme, layout, surface)
