"""Landmark buildings: the large building a scene is about (variants 9 and 15), as drawing ops.

Each kind is a builder ``(rng, box, wall, trim, window) -> list[Op]`` in a registry, like sprite kinds;
``box`` is ``(x0, y0, x1, y1)`` in final-image pixels, its bottom sunk into the ground. Every kind of both
classes takes its colours from the same pools (the biome's walls and roofs, the windows of the time of
day), so the class is in the shape: battlements, towers and a gate against a tall grid of windows; steps,
columns and pediments against glass bands, domes and sky bridges.

Example:
    >>> "castle" in LANDMARKS and "skyscraper" in LANDMARKS
    True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .canvas import Op
from .palette import Color, shade

Box = tuple[float, float, float, float]
LandmarkBuilder = Callable[[np.random.Generator, Box, Color, Color, Color], list[Op]]
LANDMARKS: dict[str, LandmarkBuilder] = {}
SHAPES: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}
"""Per kind: (width, height) ranges as fractions of the image side."""


def register_landmark(name: str, width: tuple[float, float], height: tuple[float, float]) -> Callable[[LandmarkBuilder], LandmarkBuilder]:
    """Add a landmark kind drawn ``width`` x ``height`` (fractions of the image side, ranges)."""
    def add(fn: LandmarkBuilder) -> LandmarkBuilder:
        LANDMARKS[name], SHAPES[name] = fn, (width, height)
        return fn
    return add


def _frame(box: Box, wall: Color) -> tuple[float, float, float, float, float, float, float, Color]:
    """x0, y0, x1, y1, width, height, outline width and outline colour of a building drawn in ``box``."""
    x0, y0, x1, y1 = box
    return x0, y0, x1, y1, x1 - x0, y1 - y0, max(0.5, (x1 - x0) * 0.015), shade(wall, 0.55)


def _merlons(x0: float, x1: float, top: float, size: float, color: Color) -> list[Op]:
    """Battlements: square teeth along ``top`` between x0 and x1."""
    n = max(3, int((x1 - x0) / size) | 1)
    step = (x1 - x0) / n
    return [Op("rect", (x0 + k * step, top - step, x0 + (k + 1) * step, top + 1), color) for k in range(0, n, 2)]


def _mast(x: float, bottom: float, top: float, w: float, color: Color, light: Color) -> list[Op]:
    """An antenna from ``bottom`` up to ``top`` at column ``x`` with a light on its tip (``w``: the building's width)."""
    r = 0.03 * w
    return [Op("line", np.array([(x, bottom), (x, top)]), color, width=max(1.0, 0.02 * w)), Op("ellipse", (x - r, top - r, x + r, top + r), light)]


def _windows(rng: np.random.Generator, box: Box, cols: int, rows: int, fill: float, color: Color, dark: Color, lit: float = 0.75) -> list[Op]:
    """A grid of ``cols`` x ``rows`` windows filling ``fill`` of each cell, a share ``lit`` of them lit.

    The others are dark: unlit at night, reflections by day.
    """
    x0, y0, x1, y1 = box
    cw, ch = (x1 - x0) / cols, (y1 - y0) / rows
    mx, my = cw * (1 - fill) / 2, ch * (1 - fill) / 2
    return [Op("rect", (x0 + c * cw + mx, y0 + r * ch + my, x0 + (c + 1) * cw - mx, y0 + (r + 1) * ch - my),
               color if rng.random() < lit else dark) for r in range(rows) for c in range(cols)]


# --------------------------------------------------------------------------- castles, ancient buildings


@register_landmark("castle", width=(0.38, 0.55), height=(0.4, 0.55))
def castle(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A keep between two round-roofed or crenellated towers, a curtain wall with a gate, flags."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    tw = rng.uniform(0.16, 0.22) * w
    ops = [Op("rect", (x0 + 0.1 * w, y0 + 0.5 * h, x1 - 0.1 * w, y1), wall, edge, lw)]  # curtain wall
    ops += _merlons(x0 + 0.1 * w, x1 - 0.1 * w, y0 + 0.5 * h, 0.06 * w, wall)
    kx0, kx1 = x0 + rng.uniform(0.3, 0.36) * w, x1 - rng.uniform(0.3, 0.36) * w
    ops += [Op("rect", (kx0, y0 + 0.2 * h, kx1, y1), wall, edge, lw)] + _merlons(kx0, kx1, y0 + 0.2 * h, 0.06 * w, wall)
    cone = rng.random() < 0.6
    for tx0 in (x0, x1 - tw):
        top = y0 + rng.uniform(0.25, 0.35) * h
        ops.append(Op("rect", (tx0, top, tx0 + tw, y1), wall, edge, lw))
        if cone:
            ops.append(Op("poly", np.array([(tx0 - 0.1 * tw, top), (tx0 + 1.1 * tw, top), (tx0 + tw / 2, top - 1.3 * tw)]), trim, shade(trim, 0.6), lw))
        else:
            ops += _merlons(tx0, tx0 + tw, top, 0.3 * tw, wall)
        for k in range(2):  # arrow slits
            sy = top + (0.2 + 0.3 * k) * (y1 - top)
            ops.append(Op("rect", (tx0 + 0.42 * tw, sy, tx0 + 0.58 * tw, sy + 0.12 * (y1 - top)), window))
    gw = 0.14 * w
    gx = (x0 + x1) / 2 - gw / 2
    ops += [Op("rect", (gx, y1 - 0.28 * h, gx + gw, y1), shade(wall, 0.3)),
            Op("ellipse", (gx, y1 - 0.28 * h - gw / 2, gx + gw, y1 - 0.28 * h + gw / 2), shade(wall, 0.3))]
    ops += _windows(rng, (kx0 + 0.1 * (kx1 - kx0), y0 + 0.26 * h, kx1 - 0.1 * (kx1 - kx0), y0 + 0.62 * h), 3, 2, 0.5, window, shade(wall, 0.35))
    fx = (kx0 + kx1) / 2
    ops += [Op("line", np.array([(fx, y0 + 0.2 * h - 0.06 * w), (fx, y0 + 0.02 * h)]), shade(trim, 0.5), width=max(1.0, 0.01 * w)),
            Op("poly", np.array([(fx, y0 + 0.02 * h), (fx + 0.1 * w, y0 + 0.06 * h), (fx, y0 + 0.1 * h)]), trim)]
    return ops


@register_landmark("fortress", width=(0.4, 0.6), height=(0.3, 0.42))
def fortress(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A low, wide castle: a long crenellated wall with three to five square towers and a gatehouse."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    ops = [Op("rect", (x0, y0 + 0.4 * h, x1, y1), wall, edge, lw)] + _merlons(x0, x1, y0 + 0.4 * h, 0.045 * w, wall)
    n = int(rng.integers(3, 6))
    tw = 0.12 * w
    for k in range(n):
        tx = x0 + k * (w - tw) / (n - 1)
        top = y0 + (0.0 if k == n // 2 else rng.uniform(0.12, 0.22)) * h
        ops += [Op("rect", (tx, top, tx + tw, y1), wall, edge, lw)] + _merlons(tx, tx + tw, top, 0.35 * tw, wall)
        ops.append(Op("rect", (tx + 0.3 * tw, top + 0.25 * (y1 - top), tx + 0.7 * tw, top + 0.45 * (y1 - top)), window))
    gw, gx = 0.1 * w, (x0 + x1) / 2 - 0.05 * w
    ops += [Op("rect", (gx, y1 - 0.35 * h, gx + gw, y1), shade(wall, 0.3)),
            Op("ellipse", (gx, y1 - 0.35 * h - gw / 2, gx + gw, y1 - 0.35 * h + gw / 2), shade(wall, 0.3))]
    ops.append(Op("poly", np.array([(gx + 0.5 * gw, y0 - 0.02 * h), (gx + 0.5 * gw + 0.08 * w, y0 + 0.03 * h), (gx + 0.5 * gw, y0 + 0.08 * h)]), trim))
    return ops


@register_landmark("wizard_tower", width=(0.16, 0.24), height=(0.6, 0.8))
def wizard_tower(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A slim stone tower under a tall pointed roof, lit windows up its height, a balcony and a glowing orb on the spire."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    roof = y0 + 0.3 * h
    ops = [Op("rect", (x0 + 0.1 * w, roof, x1 - 0.1 * w, y1), wall, edge, lw),
           Op("poly", np.array([(x0 - 0.05 * w, roof), ((x0 + x1) / 2, y0 + 0.04 * h), (x1 + 0.05 * w, roof)]), trim, shade(trim, 0.55), lw),
           Op("rect", (x0, roof + 0.28 * h, x1, roof + 0.31 * h), shade(wall, 0.7))]  # the balcony
    ops += _windows(rng, (x0 + 0.3 * w, roof + 0.05 * h, x1 - 0.3 * w, y1 - 0.08 * h), 1, int(rng.integers(4, 7)), 0.55, window, shade(wall, 0.35))
    ops.append(Op("ellipse", (x0 + 0.4 * w, y0, x1 - 0.4 * w, y0 + 0.2 * w), window))
    return ops


@register_landmark("temple", width=(0.4, 0.55), height=(0.3, 0.42))
def temple(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A columned temple: three steps, five to eight columns, an entablature and a triangular pediment."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    ops = [Op("rect", (x0 + k * 0.03 * w, y1 - (k + 1) * 0.06 * h, x1 - k * 0.03 * w, y1 - k * 0.06 * h + 1), wall, edge, lw) for k in range(3)]
    base, beam = y1 - 0.18 * h, y0 + 0.38 * h
    ops.append(Op("rect", (x0 + 0.1 * w, beam, x1 - 0.1 * w, base), window))  # the lit cella behind the columns
    n = int(rng.integers(5, 9))
    cw = 0.8 * w / (2 * n - 1)
    for k in range(n):
        cx = x0 + 0.1 * w + 2 * k * cw
        ops.append(Op("rect", (cx, beam, cx + cw, base), wall, edge, lw))
    ops.append(Op("rect", (x0 + 0.06 * w, y0 + 0.28 * h, x1 - 0.06 * w, beam), wall, edge, lw))
    ops.append(Op("poly", np.array([(x0 + 0.04 * w, y0 + 0.28 * h), (x1 - 0.04 * w, y0 + 0.28 * h), ((x0 + x1) / 2, y0)]), trim, edge, lw))
    return ops


@register_landmark("pyramid", width=(0.45, 0.6), height=(0.32, 0.45))
def pyramid(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A stepped pyramid: a triangle of courses with a lit and a shaded face and a dark entrance."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    apex = x0 + rng.uniform(0.42, 0.58) * w
    ops = [Op("poly", np.array([(x0, y1), (apex, y0), (x1, y1)]), wall, shade(wall, 0.55), lw),
           Op("poly", np.array([(apex, y0), (x1, y1), (apex + 0.15 * (x1 - apex), y1)]), shade(wall, 0.75))]
    for k in range(1, int(rng.integers(6, 10))):
        y = y0 + h * k / 9
        half = (y - y0) / h
        ops.append(Op("line", np.array([(apex - half * (apex - x0), y), (apex + half * (x1 - apex), y)]), shade(wall, 0.6)))
    ops.append(Op("rect", (apex - 0.06 * w, y1 - 0.2 * h, apex + 0.06 * w, y1), window))  # a torch-lit entrance
    return ops


@register_landmark("ziggurat", width=(0.4, 0.55), height=(0.35, 0.48))
def ziggurat(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """Three or four stacked terraces, a central stair and a shrine on top."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    n = int(rng.integers(3, 5))
    th = 0.82 * h / n
    ops = []
    for k in range(n):
        inset = k * 0.13 * w
        ops.append(Op("rect", (x0 + inset, y1 - (k + 1) * th, x1 - inset, y1 - k * th + 1), wall if k % 2 == 0 else shade(wall, 0.85), edge, lw))
    cx = (x0 + x1) / 2
    ops.append(Op("poly", np.array([(cx - 0.07 * w, y1), (cx + 0.07 * w, y1), (cx + 0.04 * w, y1 - n * th), (cx - 0.04 * w, y1 - n * th)]), trim))
    ops.append(Op("rect", (cx - 0.08 * w, y0, cx + 0.08 * w, y1 - n * th + 1), wall, edge, lw))
    ops.append(Op("rect", (cx - 0.05 * w, y0 + 0.05 * h, cx + 0.05 * w, y1 - n * th), window))  # the shrine's lit door
    return ops


@register_landmark("wooden_house", width=(0.3, 0.42), height=(0.35, 0.5))
def wooden_house(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A timber-framed house: dark beams across a pale wall, a steep roof with a chimney, a door, small windows."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    eaves = y0 + 0.42 * h
    beam, bw = shade(trim, 0.45), max(1.0, 0.02 * w)
    ops = [Op("rect", (x0 + 0.5 * w + 0.12 * w, y0 + 0.06 * h, x0 + 0.5 * w + 0.22 * w, eaves), shade(wall, 0.6)),  # chimney
           Op("rect", (x0, eaves, x1, y1), wall, edge, lw),
           Op("poly", np.array([(x0 - 0.06 * w, eaves), ((x0 + x1) / 2, y0), (x1 + 0.06 * w, eaves)]), trim, shade(trim, 0.55), lw)]
    mid = eaves + 0.45 * (y1 - eaves)
    ops += [Op("line", np.array([(x0, mid), (x1, mid)]), beam, width=bw)]
    ops += [Op("line", np.array([(x0 + k * w / 4, eaves), (x0 + k * w / 4, y1)]), beam, width=bw) for k in range(1, 4)]
    ops += [Op("line", np.array([(x0 + k * w / 4, mid), (x0 + (k + 1) * w / 4, eaves)]), beam, width=bw) for k in (0, 3)]
    ops += [Op("rect", (x0 + (k + 0.3) * w / 4, eaves + 0.12 * (y1 - eaves), x0 + (k + 0.7) * w / 4, mid - 0.08 * (y1 - eaves)), window) for k in (0, 1, 2, 3)]
    ops.append(Op("rect", (x0 + 0.42 * w, y1 - 0.32 * (y1 - eaves), x0 + 0.58 * w, y1), shade(trim, 0.6)))
    return ops


# --------------------------------------------------------------------------- skyscrapers, futuristic buildings


@register_landmark("skyscraper", width=(0.2, 0.3), height=(0.6, 0.8))
def skyscraper(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A tall tower in one to three setbacks with a dense grid of windows and an antenna."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    dark = shade(wall, 0.35)
    tiers, step = int(rng.integers(1, 4)), 0.12 * h
    roof = y0 + 0.12 * h  # the top tier's roof
    body_top = roof + (tiers - 1) * step  # the widest, lowest tier's top
    ops = [Op("rect", (x0 + k * 0.14 * w, body_top - k * step, x1 - k * 0.14 * w, body_top + 1), wall, edge, lw) for k in range(tiers - 1, 0, -1)]
    ops.append(Op("rect", (x0, body_top, x1, y1), wall, edge, lw))
    cols = int(rng.integers(3, 6))
    rows = max(4, int((y1 - body_top) / (w / cols)))
    ops += _windows(rng, (x0 + 0.08 * w, body_top + 0.03 * h, x1 - 0.08 * w, y1 - 0.05 * h), cols, rows, 0.5, window, dark, lit=0.45)
    return ops + _mast((x0 + x1) / 2, roof, y0, w, shade(trim, 0.6), (230, 60, 50))


@register_landmark("office_tower", width=(0.26, 0.36), height=(0.5, 0.7))
def office_tower(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A slab of a tower: a flat roof with machinery, long horizontal window bands, a lobby at street level."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    dark = shade(wall, 0.35)
    ops = [Op("rect", (x0, y0 + 0.06 * h, x1, y1), wall, edge, lw),
           Op("rect", (x0 + 0.2 * w, y0, x0 + 0.45 * w, y0 + 0.06 * h + 1), trim),
           Op("rect", (x0 + 0.6 * w, y0 + 0.02 * h, x0 + 0.75 * w, y0 + 0.06 * h + 1), trim)]
    bands = max(5, int(0.85 * h / (0.09 * w + 2)))
    bh = 0.8 * h / bands
    for k in range(bands):
        y = y0 + 0.1 * h + k * bh
        ops.append(Op("rect", (x0 + 0.06 * w, y + 0.35 * bh, x1 - 0.06 * w, y + 0.75 * bh), window if rng.random() < 0.5 else dark))
    ops.append(Op("rect", (x0 + 0.3 * w, y1 - 0.07 * h, x1 - 0.3 * w, y1), shade(trim, 0.5)))
    return ops


@register_landmark("glass_tower", width=(0.2, 0.3), height=(0.6, 0.8))
def glass_tower(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A curved-top tower of vertical glass bands between thin frames, a light on its tip."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    lean = rng.uniform(-0.25, 0.25) * w
    top = [(x0 + lean * 0.3, y0 + 0.15 * h), (x0 + 0.5 * w + lean, y0), (x1 + lean * 0.3, y0 + 0.1 * h)]
    ops = [Op("poly", np.array([(x0, y1), *top, (x1, y1)]), wall, shade(wall, 0.55), lw)]
    n = int(rng.integers(3, 6))
    for k in range(n):
        bx0 = x0 + (k + 0.2) * w / n
        ops.append(Op("poly", np.array([(bx0, y1 - 0.02 * h), (bx0 + 0.6 * w / n, y1 - 0.02 * h), (bx0 + 0.6 * w / n + lean * 0.3, y0 + 0.2 * h),
                                        (bx0 + lean * 0.3, y0 + 0.22 * h)]), window if k % 2 == 0 else shade(wall, 0.35)))  # lit and dark glass
    tip = top[1]
    ops.append(Op("ellipse", (tip[0] - 0.04 * w, tip[1] - 0.04 * w, tip[0] + 0.04 * w, tip[1] + 0.04 * w), (230, 60, 50)))
    return ops


@register_landmark("dome", width=(0.38, 0.52), height=(0.3, 0.42))
def dome(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A ribbed dome on a ringed base: a window band and a mast with a light."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    base = y1 - 0.3 * h
    r = 0.5 * w
    cx = (x0 + x1) / 2
    dome_top = max(y0 + 0.1 * h, base - 0.8 * r)
    ops = [Op("ellipse", (x0, dome_top, x1, base + (base - dome_top)), trim, edge, lw),
           Op("rect", (x0 - 0.04 * w, base, x1 + 0.04 * w, y1), wall, edge, lw)]
    rib = shade(trim, 0.6)
    for k in (-0.5, 0.0, 0.5):
        ops.append(Op("line", np.array([(cx + k * 0.9 * r, base), (cx + k * 0.3 * r, dome_top + 0.1 * (base - dome_top))]), rib, width=max(1.0, 0.015 * w)))
    ops.append(Op("rect", (x0 + 0.05 * w, base + 0.35 * (y1 - base), x1 - 0.05 * w, base + 0.6 * (y1 - base)), window))
    return ops + _mast(cx, dome_top, y0, w, rib, (230, 60, 50))


@register_landmark("sky_bridge", width=(0.45, 0.6), height=(0.55, 0.75))
def sky_bridge(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """Two slim towers joined high up by a glazed bridge."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    dark = shade(wall, 0.35)
    tw = rng.uniform(0.26, 0.32) * w
    ops: list[Op] = []
    for tx0, top in ((x0, y0), (x1 - tw, y0 + rng.uniform(0.05, 0.2) * h)):
        ops.append(Op("rect", (tx0, top, tx0 + tw, y1), wall, edge, lw))
        ops += _windows(rng, (tx0 + 0.12 * tw, top + 0.04 * h, tx0 + 0.88 * tw, y1 - 0.04 * h), 2, max(4, int((y1 - top) / (0.4 * tw))), 0.5, window, dark,
                        lit=0.45)
    by = y0 + rng.uniform(0.3, 0.45) * h
    ops += [Op("rect", (x0 + tw, by, x1 - tw, by + 0.07 * h), trim, edge, lw),
            Op("rect", (x0 + tw, by + 0.015 * h, x1 - tw, by + 0.055 * h), window)]
    return ops


@register_landmark("apartment_block", width=(0.32, 0.45), height=(0.45, 0.62))
def apartment_block(rng: np.random.Generator, box: Box, wall: Color, trim: Color, window: Color) -> list[Op]:
    """A flat-roofed block of flats: floors of windows, each with a balcony rail, a rooftop water tank."""
    x0, y0, x1, y1, w, h, lw, edge = _frame(box, wall)
    dark = shade(wall, 0.35)
    ops = [Op("rect", (x0 + 0.6 * w, y0, x0 + 0.8 * w, y0 + 0.07 * h + 1), trim),
           Op("rect", (x0, y0 + 0.07 * h, x1, y1), wall, edge, lw)]
    floors = max(4, int(rng.integers(5, 9)))
    fh = 0.88 * h / floors
    for k in range(floors):
        y = y0 + 0.1 * h + k * fh
        ops += _windows(rng, (x0 + 0.06 * w, y, x1 - 0.06 * w, y + 0.7 * fh), 4, 1, 0.5, window, dark, lit=0.45)
        ops.append(Op("rect", (x0 + 0.04 * w, y + 0.68 * fh, x1 - 0.04 * w, y + 0.8 * fh), trim))  # the balconies' rail
    return ops
