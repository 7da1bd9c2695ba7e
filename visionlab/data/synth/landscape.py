"""Landscape props of fantasy and science-fiction worlds (variant 2), as drawing ops.

A prop kind is a builder ``(rng, x, y, size, glow, theme) -> list[Op]`` with the mask class it is drawn with and
where it goes: ``sky`` props float above the ground line (``x, y`` their centre), ``ground`` props stand on it
(``x`` their middle, ``y`` the ground). Both worlds glow in colours from one pool (:data:`GLOWS`), so a
crystal and a neon pylon differ in shape, not in colour.

Example:
    >>> PROPS["planet"].where, PROPS["pylon"].label
    ('sky', 'building')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .canvas import Op
from .palette import Color, Theme, mix, shade

GLOWS: tuple[Color, ...] = ((80, 230, 255), (236, 90, 255), (120, 255, 160), (255, 120, 200), (255, 214, 90))
PropBuilder = Callable[[np.random.Generator, float, float, float, Color, Theme], list[Op]]


@dataclass(frozen=True)
class PropKind:
    """A registered landscape prop: how to draw it, its mask class and where it goes."""

    build: PropBuilder
    label: str  # mask class name ("platform", "terrain", "sky", "building")
    where: str  # "sky" | "ground"
    size: tuple[float, float]  # its size (width or height) as a fraction of the image side


PROPS: dict[str, PropKind] = {}


def register_prop(name: str, label: str, where: str, size: tuple[float, float]) -> Callable[[PropBuilder], PropBuilder]:
    """Add a prop kind (a decorator)."""
    def add(fn: PropBuilder) -> PropBuilder:
        PROPS[name] = PropKind(fn, label, where, size)
        return fn
    return add


@register_prop("floating_island", "platform", "sky", (0.22, 0.34))
def floating_island(rng: np.random.Generator, x: float, y: float, w: float, glow: Color, theme: Theme) -> list[Op]:
    """A rock floating in the sky: a grassy top, a jagged underside hanging below, a glowing rune stone."""
    rock, grass = theme.colors["platform"], theme.pick(rng, "leaves")
    n = 7
    xs = np.linspace(x - w / 2, x + w / 2, n)
    under = [(px, y + rng.uniform(0.15, 0.6) * w * (1 - abs(px - x) / (0.6 * w))) for px in xs]
    ops = [Op("poly", np.array([(x - w / 2, y), *under, (x + w / 2, y)]), rock, shade(rock, 0.5), max(1.0, 0.02 * w)),
           Op("rect", (x - w / 2, y - 0.06 * w, x + w / 2, y + 0.02 * w), grass)]
    ops.append(Op("poly", np.array([(x - 0.05 * w, y - 0.06 * w), (x, y - 0.22 * w), (x + 0.05 * w, y - 0.06 * w)]), glow))
    return ops


@register_prop("planet", "sky", "sky", (0.1, 0.2))
def planet(rng: np.random.Generator, x: float, y: float, d: float, glow: Color, theme: Theme) -> list[Op]:
    """A planet in the sky, banded, often ringed."""
    r = d / 2
    body = mix(glow, theme.sky_top, 0.35)
    ops = [Op("ellipse", (x - r, y - r, x + r, y + r), body)]
    ops += [Op("rect", (x - 0.8 * r, y + k * 0.3 * r, x + 0.8 * r, y + k * 0.3 * r + 0.12 * r), shade(body, 0.8)) for k in (-1, 1)]
    if rng.random() < 0.6:
        ops.append(Op("line", np.array([(x - 1.7 * r, y + 0.35 * r), (x + 1.7 * r, y - 0.35 * r)]), shade(glow, 0.9), width=max(1.0, 0.15 * r)))
    return ops


@register_prop("crystal", "terrain", "ground", (0.12, 0.22))
def crystal(rng: np.random.Generator, x: float, ground: float, h: float, glow: Color, theme: Theme) -> list[Op]:
    """A cluster of three to five glowing crystal shards growing out of the ground."""
    ops = []
    for _ in range(int(rng.integers(3, 6))):
        dx, hh, lean = rng.uniform(-0.3, 0.3) * h, rng.uniform(0.45, 1.0) * h, rng.uniform(-0.25, 0.25) * h
        w = 0.12 * h
        ops.append(Op("poly", np.array([(x + dx - w, ground + 1), (x + dx + lean, ground - hh), (x + dx + w, ground + 1)]),
                      mix(glow, (255, 255, 255), 0.2), shade(glow, 0.55), max(1.0, 0.02 * h)))
    return ops


@register_prop("pylon", "building", "ground", (0.2, 0.34))
def pylon(rng: np.random.Generator, x: float, ground: float, h: float, glow: Color, theme: Theme) -> list[Op]:
    """An antenna pylon: a tapering steel lattice with neon bands and a beacon on top."""
    steel = (140, 146, 156)
    w = 0.22 * h
    ops = [Op("poly", np.array([(x - w / 2, ground + 1), (x - 0.06 * w, ground - h), (x + 0.06 * w, ground - h), (x + w / 2, ground + 1)]),
              shade(steel, 0.7), shade(steel, 0.45), max(1.0, 0.02 * h))]
    for k in range(1, 4):
        y = ground - k * h / 4
        half = w / 2 * (1 - k / 4 * 0.88)
        ops.append(Op("rect", (x - half, y - 0.02 * h, x + half, y + 0.02 * h), glow))
    ops.append(Op("ellipse", (x - 0.06 * h, ground - h - 0.06 * h, x + 0.06 * h, ground - h + 0.06 * h), glow))
    return ops


@register_prop("rock", "terrain", "ground", (0.08, 0.16))
def rock(rng: np.random.Generator, x: float, ground: float, h: float, glow: Color, theme: Theme) -> list[Op]:
    """A boulder half sunk in the ground, in the ground's colour, with a lit top."""
    base = shade(theme.colors["ground"], 0.85)
    pts = [(x + 0.9 * h * np.cos(a) * rng.uniform(0.8, 1.1), ground - 0.7 * h * np.sin(a) * rng.uniform(0.8, 1.1)) for a in np.linspace(0, np.pi, 8)]
    return [Op("poly", np.array([*pts, (x - 0.9 * h, ground + 1), (x + 0.9 * h, ground + 1)]), base, shade(base, 0.6), max(1.0, 0.04 * h)),
            Op("poly", np.array([pts[3], pts[4], pts[5], (x - 0.1 * h, ground - 0.45 * h)]), mix(base, (255, 255, 255), 0.25))]


@register_prop("iceberg", "terrain", "ground", (0.14, 0.26))
def iceberg(rng: np.random.Generator, x: float, ground: float, h: float, glow: Color, theme: Theme) -> list[Op]:
    """A jagged block of ice on the shore: white faces, a blue shaded side."""
    ice, side = (236, 244, 252), (150, 190, 226)
    peaks = [(x - 0.5 * h, ground + 1), (x - 0.35 * h, ground - rng.uniform(0.4, 0.7) * h), (x - 0.1 * h, ground - rng.uniform(0.7, 1.0) * h),
             (x + 0.15 * h, ground - rng.uniform(0.5, 0.8) * h), (x + 0.5 * h, ground + 1)]
    return [Op("poly", np.array(peaks), ice, side, max(1.0, 0.03 * h)),
            Op("poly", np.array([peaks[2], peaks[3], peaks[4], (x, ground + 1)]), side)]
