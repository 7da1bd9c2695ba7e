"""Landscape props of fantasy and science-fiction worlds (variant 2), as drawing ops.

A prop kind is a builder ``(rng, x, y, size, glow, theme) -> list[Op]`` with the mask class it is drawn with and
where it goes: ``sky`` props float above the ground line (``x, y`` their centre), ``ground`` props stand on it
(``x`` their middle, ``y`` the ground). Both worlds glow in one colour a scene, drawn from one pool of many hues
(:data:`GLOWS`), in the same three tones (:func:`glow_tones`), and build from the biome's rock: a crystal and a neon
pylon, a floating island and a planet differ in shape, not in colour (a colour histogram told variant 2's worlds
apart from 5 glow colours and props in colours of their own; see the README's variant table).

Example:
    >>> PROPS["planet"].where, PROPS["pylon"].label
    ('sky', 'building')
    >>> len(GLOWS)
    72
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .canvas import Op
from .palette import Color, Theme, hsv, mix, shade

GLOWS: tuple[Color, ...] = tuple(hsv(hue / 24, sat, 1.0) for hue in range(24) for sat in (0.5, 0.65, 0.8))
"""Glow colours: 24 hues at 3 saturations, so that no few colour bins mark the world that glows (5 colours did)."""
PropBuilder = Callable[[np.random.Generator, float, float, float, Color, Theme], list[Op]]


def glow_tones(glow: Color) -> tuple[Color, Color, Color]:
    """A glow colour, its lit tone and its dark tone: every glowing prop is drawn in these three."""
    return glow, mix(glow, (255, 255, 255), 0.35), shade(glow, 0.55)


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


@register_prop("floating_island", "platform", "sky", (0.16, 0.26))
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
    """A rocky planet in the sky, two glowing bands across it, often ringed."""
    g, lit, dark = glow_tones(glow)
    rock, r = theme.colors["platform"], d / 2
    ops = [Op("ellipse", (x - r, y - r, x + r, y + r), rock, dark, max(1.0, 0.03 * d))]
    ops += [Op("rect", (x - 0.8 * r, y + k * 0.3 * r, x + 0.8 * r, y + k * 0.3 * r + 0.16 * r), g if k < 0 else lit) for k in (-1, 1)]
    if rng.random() < 0.6:
        ops.append(Op("line", np.array([(x - 1.7 * r, y + 0.35 * r), (x + 1.7 * r, y - 0.35 * r)]), g, width=max(1.0, 0.12 * r)))
    return ops


@register_prop("crystal", "terrain", "ground", (0.12, 0.22))
def crystal(rng: np.random.Generator, x: float, ground: float, h: float, glow: Color, theme: Theme) -> list[Op]:
    """A cluster of three to five glowing crystal shards, each with a lit face, growing out of a rock."""
    g, lit, dark = glow_tones(glow)
    ops = []
    for _ in range(int(rng.integers(3, 6))):
        dx, hh, lean = rng.uniform(-0.3, 0.3) * h, rng.uniform(0.45, 1.0) * h, rng.uniform(-0.25, 0.25) * h
        w, tip = 0.12 * h, (x + dx + lean, ground - hh)
        ops += [Op("poly", np.array([(x + dx - w, ground + 1), tip, (x + dx + w, ground + 1)]), g, dark, max(1.0, 0.02 * h)),
                Op("poly", np.array([(x + dx - w + 1, ground), tip, (x + dx, ground)]), lit)]
    rock = theme.colors["platform"]
    ops.append(Op("ellipse", (x - 0.45 * h, ground - 0.18 * h, x + 0.45 * h, ground + 0.12 * h), rock, shade(rock, 0.5), max(1.0, 0.02 * h)))
    return ops


@register_prop("pylon", "building", "ground", (0.2, 0.34))
def pylon(rng: np.random.Generator, x: float, ground: float, h: float, glow: Color, theme: Theme) -> list[Op]:
    """An antenna pylon: a tapering lattice in the biome's rock colour with neon bands and a beacon on top."""
    g, lit, dark = glow_tones(glow)
    steel, w = theme.colors["platform"], 0.22 * h
    ops = [Op("poly", np.array([(x - w / 2, ground + 1), (x - 0.06 * w, ground - h), (x + 0.06 * w, ground - h), (x + w / 2, ground + 1)]),
              steel, shade(steel, 0.5), max(1.0, 0.02 * h))]
    for k in range(1, 4):
        y = ground - k * h / 4
        half = w / 2 * (1 - k / 4 * 0.88)
        ops.append(Op("rect", (x - half, y - 0.02 * h, x + half, y + 0.02 * h), g if k % 2 else lit))
    ops.append(Op("ellipse", (x - 0.06 * h, ground - h - 0.06 * h, x + 0.06 * h, ground - h + 0.06 * h), lit, dark, 1.0))
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
