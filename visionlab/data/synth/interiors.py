"""A room around the characters (variant 7's interiors): back wall, floor, windows, a door and furniture.

Drawn over the outdoor scene once its ground and plants are down (they are cleared from the layout), before
the items and the characters, so the characters stand in the room. New mask classes ``wall``, ``floor`` and
``furniture`` (labels :data:`~.canvas.ROLE_LABELS`); a window's panes show the sky outside and keep the sky
class. Wall and floor colours come from pools as wide as the outdoor scenes' (blues and greens included),
so what makes a room is its shape: a wall with a skirting board, a floor in perspective, furniture.

Example:
    >>> len(FURNITURE) >= 4
    True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .canvas import ROLE_LABELS, Canvas, Op
from .layout import Layout
from .palette import SKY, Color, Theme, jitter, mix, shade

WALLS: tuple[Color, ...] = ((214, 196, 160), (150, 176, 206), (176, 206, 170), (204, 150, 130), (120, 110, 140), (226, 226, 214),
                            (110, 140, 170), (170, 120, 90))
FLOORS: tuple[Color, ...] = ((150, 104, 66), (120, 84, 56), (176, 140, 100), (130, 130, 136), (90, 110, 90), (160, 80, 70))
FurnitureBuilder = Callable[[np.random.Generator, float, float, float, Color], list[Op]]
FURNITURE: dict[str, FurnitureBuilder] = {}


def register_furniture(name: str) -> Callable[[FurnitureBuilder], FurnitureBuilder]:
    """Add a piece of furniture (a decorator): ``(rng, x, floor, size, color) -> ops``, ``x`` its left edge."""
    def add(fn: FurnitureBuilder) -> FurnitureBuilder:
        FURNITURE[name] = fn
        return fn
    return add


@register_furniture("table")
def table(rng: np.random.Generator, x: float, floor: float, s: float, c: Color) -> list[Op]:
    """A table with a cloth-less top and two legs, a jug on it."""
    top = floor - 0.5 * s
    return [Op("rect", (x, top, x + s, top + 0.07 * s), c, shade(c, 0.5)),
            Op("rect", (x + 0.06 * s, top, x + 0.13 * s, floor), shade(c, 0.8)), Op("rect", (x + 0.87 * s, top, x + 0.94 * s, floor), shade(c, 0.8)),
            Op("ellipse", (x + 0.4 * s, top - 0.18 * s, x + 0.55 * s, top), mix(c, (240, 240, 240), 0.6))]


@register_furniture("chair")
def chair(rng: np.random.Generator, x: float, floor: float, s: float, c: Color) -> list[Op]:
    """A chair in profile: a seat, a tall back, two legs."""
    w = 0.45 * s
    seat = floor - 0.35 * s
    return [Op("rect", (x, seat - 0.5 * s, x + 0.07 * s, floor), c, shade(c, 0.5)), Op("rect", (x, seat, x + w, seat + 0.06 * s), c, shade(c, 0.5)),
            Op("rect", (x + w - 0.07 * s, seat, x + w, floor), shade(c, 0.8))]


@register_furniture("shelf")
def shelf(rng: np.random.Generator, x: float, floor: float, s: float, c: Color) -> list[Op]:
    """A bookshelf: a tall frame, three boards, rows of coloured book spines."""
    w, h = 0.55 * s, 1.1 * s
    ops = [Op("rect", (x, floor - h, x + w, floor), shade(c, 0.7), shade(c, 0.45))]
    for k in range(3):
        y = floor - h + (k + 1) * h / 3.3
        ops.append(Op("rect", (x, y, x + w, y + 0.04 * s), c))
        bx = x + 0.05 * w
        while bx < x + 0.9 * w:
            bw = rng.uniform(0.05, 0.1) * w
            ops.append(Op("rect", (bx, y - rng.uniform(0.15, 0.25) * s, bx + bw, y), jitter(rng, WALLS[int(rng.integers(len(WALLS)))], 30)))
            bx += bw + 0.01 * w
    return ops


@register_furniture("bed")
def bed(rng: np.random.Generator, x: float, floor: float, s: float, c: Color) -> list[Op]:
    """A bed: a headboard, a mattress under a blanket, a pillow."""
    w = 1.3 * s
    blanket = jitter(rng, WALLS[int(rng.integers(len(WALLS)))], 30)
    return [Op("rect", (x, floor - 0.6 * s, x + 0.08 * w, floor), c, shade(c, 0.5)),
            Op("rect", (x + 0.05 * w, floor - 0.32 * s, x + w, floor - 0.08 * s), blanket, shade(blanket, 0.6)),
            Op("ellipse", (x + 0.08 * w, floor - 0.42 * s, x + 0.3 * w, floor - 0.28 * s), (236, 236, 240)),
            Op("rect", (x + 0.05 * w, floor - 0.08 * s, x + 0.1 * w, floor), shade(c, 0.7)),
            Op("rect", (x + 0.93 * w, floor - 0.08 * s, x + w, floor), shade(c, 0.7))]


def _window(x: float, y: float, w: float, h: float, frame: Color, sky: Color) -> tuple[list[Op], list[Op]]:
    """A window: its frame and cross bars (wall class), its four panes showing the sky (sky class)."""
    panes = [Op("rect", (x + 0.08 * w + i * 0.44 * w, y + 0.08 * h + j * 0.44 * h, x + 0.48 * w + i * 0.44 * w, y + 0.48 * h + j * 0.44 * h), sky)
             for i in (0, 1) for j in (0, 1)]
    return [Op("rect", (x, y, x + w, y + h), frame, shade(frame, 0.5))], panes


def draw_room(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout) -> list[dict]:
    """Wall down to the floor line, the floor below it, one or two windows, maybe a door, two to four pieces of furniture."""
    W, H = layout.width, layout.height
    floor_y = float(np.median(layout.line[:, 1]))
    layout.line[:, 1] = floor_y  # the characters stood on the ground: now on a flat floor
    wall, floor = jitter(rng, WALLS[int(rng.integers(len(WALLS)))], 12), jitter(rng, FLOORS[int(rng.integers(len(FLOORS)))], 12)
    ops = [Op("rect", (0, 0, W, floor_y), wall)]
    ops += [Op("line", np.array([(x, 0), (x, floor_y)]), shade(wall, 0.92), width=max(1.0, 0.01 * W)) for x in np.arange(0.1, 1, 0.1) * W]
    ops.append(Op("rect", (0, floor_y - 0.03 * H, W, floor_y), shade(wall, 0.6)))  # skirting board
    canvas.draw(ops, ROLE_LABELS["wall"])
    planks = [Op("rect", (0, floor_y, W, H), floor)]
    planks += [Op("line", np.array([(W / 2 + (x - W / 2) * 0.6, floor_y), (x, H)]), shade(floor, 0.7)) for x in np.linspace(-0.5 * W, 1.5 * W, 9)]
    canvas.draw(planks, ROLE_LABELS["floor"])
    sky = mix(theme.sky_top, theme.sky_bottom, 0.5)
    drawn = [{"type": "room", "class": "wall", "box": [0.0, 0.0, float(W), round(floor_y, 1)]}]
    for _ in range(int(rng.integers(1, 3))):
        w, h = rng.uniform(0.14, 0.22) * W, rng.uniform(0.18, 0.28) * H
        x, y = rng.uniform(0.02, 0.98) * W - w / 2, rng.uniform(0.1, 0.3) * H
        frame, panes = _window(x, y, w, h, shade(wall, 0.55), sky)
        canvas.draw(frame, ROLE_LABELS["wall"])
        canvas.draw(panes, SKY)
    if rng.random() < 0.6:
        dw = 0.14 * W
        dx = rng.uniform(0.02, 0.84) * W
        canvas.draw([Op("rect", (dx, floor_y - 0.4 * H, dx + dw, floor_y), shade(floor, 0.8), shade(floor, 0.5)),
                     Op("ellipse", (dx + 0.75 * dw, floor_y - 0.22 * H, dx + 0.87 * dw, floor_y - 0.19 * H), (230, 200, 80))], ROLE_LABELS["wall"])
    wood = jitter(rng, FLOORS[int(rng.integers(len(FLOORS)))], 20)
    for _ in range(int(rng.integers(2, 5))):
        kind = list(FURNITURE)[int(rng.integers(len(FURNITURE)))]
        s = rng.uniform(0.18, 0.3) * H
        x = rng.uniform(0.0, 0.85) * W
        canvas.draw(FURNITURE[kind](rng, x, floor_y + 0.02 * H, s, wood), ROLE_LABELS["furniture"])
        drawn.append({"type": kind, "class": "furniture", "box": [round(x, 1), round(floor_y - 1.1 * s, 1), round(x + 1.3 * s, 1), round(floor_y, 1)]})
    layout.platforms.clear()
    layout.water.clear()
    layout.vegetation.clear()
    layout.buildings.clear()
    return drawn
