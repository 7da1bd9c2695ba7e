"""Environment pieces as drawing ops.

Sky decorations, terrain, water, platforms, buildings, vegetation, collectible items and distractor props.

All coordinates are final-image pixels. Each builder returns ops only; the caller decides the
label (class id) they are drawn with.
"""

from __future__ import annotations

import numpy as np

from .canvas import Op
from .palette import BODY_COLORS, Color, Theme, jitter, mix, outline_of, shade

OUTLINE_MIN_PX = 12  # smaller props get no outline: at that size it would be all outline


def _outline(c: Color, size_px: float) -> Color | None:
    return outline_of(c) if size_px >= OUTLINE_MIN_PX else None


# --------------------------------------------------------------------------- sky


def sun_ops(cx: float, cy: float, r: float, sky: Color, time_of_day: str) -> list[Op]:
    """Sun with two glow rings (dusk suns are larger and redder)."""
    core = (255, 244, 160) if time_of_day == "day" else (255, 186, 104)
    ops = [Op("ellipse", (cx - k * r, cy - k * r, cx + k * r, cy + k * r), mix(sky, core, a))
           for k, a in ((1.9, 0.2), (1.4, 0.45))]
    return ops + [Op("ellipse", (cx - r, cy - r, cx + r, cy + r), core)]


def moon_ops(cx: float, cy: float, r: float) -> list[Op]:
    """Full moon with craters."""
    ops = [Op("ellipse", (cx - r, cy - r, cx + r, cy + r), (236, 236, 214))]
    for dx, dy, k in ((-0.3, -0.2, 0.25), (0.35, 0.1, 0.18), (-0.05, 0.4, 0.15)):
        x, y, cr = cx + dx * r, cy + dy * r, k * r
        ops.append(Op("ellipse", (x - cr, y - cr, x + cr, y + cr), (206, 206, 188)))
    return ops


def star_ops(rng: np.random.Generator, n: int, width: int, bottom: float) -> list[Op]:
    """``n`` star dots above ``bottom``."""
    xs, ys = rng.uniform(0, width, n), rng.uniform(0, bottom, n)
    sizes = rng.choice([0.5, 0.5, 1.0], n)
    return [Op("rect", (x, y, x + s, y + s), (255, 255, 236) if s > 0.5 else (200, 206, 226))
            for x, y, s in zip(xs, ys, sizes)]


def cloud_ops(rng: np.random.Generator, cx: float, cy: float, w: float, color: Color) -> list[Op]:
    """A cloud of overlapping ellipses, ``w`` px wide."""
    ops = [Op("ellipse", (cx - w / 2, cy - w * 0.1, cx + w / 2, cy + w * 0.14), color)]
    for _ in range(int(rng.integers(2, 5))):
        x, r = cx + rng.uniform(-0.3, 0.3) * w, rng.uniform(0.12, 0.22) * w
        ops.append(Op("ellipse", (x - r, cy - r * 1.2, x + r, cy + r * 0.6), color))
    return ops


# --------------------------------------------------------------------------- ground level


def terrain_line(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Hilly top edge of the ground as (n, 2) polyline points spanning the full width."""
    xs = np.linspace(0.0, width, 25)
    base = rng.uniform(0.64, 0.8) * height
    ys = np.full_like(xs, base)
    for _ in range(2):
        amp, freq, phase = rng.uniform(0.0, 0.045) * height, rng.uniform(0.5, 2.5), rng.uniform(0, 2 * np.pi)
        ys += amp * np.sin(2 * np.pi * freq * xs / width + phase)
    return np.stack([xs, ys], axis=1)


def terrain_ops(rng: np.random.Generator, line: np.ndarray, theme: Theme, width: int, height: int) -> list[Op]:
    """Ground body, a surface strip (grass, snow, sand) and scattered stones."""
    body = np.concatenate([line, [(width, height + 1), (0, height + 1)]])
    cap_h = 0.035 * height
    cap = np.concatenate([line, (line + (0, cap_h))[::-1]])
    ops = [Op("poly", body, theme.colors["ground"]), Op("poly", cap, theme.colors["cap"])]
    n = int(rng.integers(4, 12))
    xs, fy, rs = rng.uniform(0, width, n), rng.random(n), rng.uniform(0.006, 0.018, n) * height
    tops = np.interp(xs, line[:, 0], line[:, 1]) + 2 * cap_h
    ys = tops + fy * (height - tops)
    for x, y, r, top in zip(xs, ys, rs, tops):
        if top < height - 2:
            ops.append(Op("ellipse", (x - 1.6 * r, y - r, x + 1.6 * r, y + r), theme.colors["speck"]))
    return ops


def water_ops(box: tuple[float, float, float, float], theme: Theme) -> list[Op]:
    """A pool: flat surface at y0, rounded bed reaching y1, with ripple highlights."""
    x0, y0, x1, y1 = box
    t = np.linspace(0.0, np.pi, 12)
    bed = np.stack([(x0 + x1) / 2 + np.cos(t) * (x1 - x0) / 2, y0 + np.sin(t) * (y1 - y0)], axis=1)
    ops = [Op("poly", bed, theme.colors["water"])]
    hi = theme.colors["water_hi"]
    for k, frac in enumerate((0.25, 0.55)):
        y = y0 + frac * (y1 - y0) * 0.6 + 1
        xa = x0 + (x1 - x0) * (0.2 + 0.15 * k)
        ops.append(Op("rect", (xa, y, xa + (x1 - x0) * 0.3, y + max(0.5, 0.012 * (y1 - y0) * 4)), hi))
    return ops


def platform_ops(box: tuple[float, float, float, float], theme: Theme) -> list[Op]:
    """Floating block: body, surface strip and brick joints."""
    x0, y0, x1, y1 = box
    body = theme.colors["platform"]
    h = y1 - y0
    ops = [Op("rect", box, body, _outline(body, h * 3), max(0.5, h * 0.06)),
           Op("rect", (x0, y0, x1, y0 + h * 0.35), theme.colors["platform_top"])]
    if h >= 6:
        n = max(2, int((x1 - x0) / (h * 1.5)))
        for k in range(1, n):
            x = x0 + (x1 - x0) * k / n
            # Lines draw 1 px wide: these calls once passed a width where Op takes an outline (which lines
            # ignore); the default width keeps every seed's pixels as they were.
            ops.append(Op("line", np.array([(x, y0 + h * 0.35), (x, y1)]), shade(body, 0.6)))
    return ops


# --------------------------------------------------------------------------- buildings, plants


def building_ops(rng: np.random.Generator, box: tuple[float, float, float, float], style: str,
                 theme: Theme) -> list[Op]:
    """A house (pitched roof, door) or a tower (battlements) with a grid of windows."""
    x0, y0, x1, y1 = box
    w = x1 - x0
    wall, roof, window = theme.pick(rng, "walls"), theme.pick(rng, "roofs"), theme.colors["window"]
    line_w = max(0.5, w * 0.02)
    if style == "house":
        body_top = y0 + 0.35 * w
        ops = [Op("rect", (x0, body_top, x1, y1), wall, _outline(wall, w), line_w),
               Op("poly", np.array([(x0 - 0.08 * w, body_top), (x1 + 0.08 * w, body_top), ((x0 + x1) / 2, y0)]),
                  roof, _outline(roof, w), line_w)]
        ops.append(Op("rect", (x0 + 0.4 * w, y1 - 0.35 * w, x0 + 0.6 * w, y1), shade(roof, 0.7)))
    else:
        merlon = w / 5
        body_top = y0 + merlon
        ops = [Op("rect", (x0, body_top, x1, y1), wall, _outline(wall, w), line_w)]
        ops += [Op("rect", (x0 + k * merlon, y0, x0 + (k + 1) * merlon, body_top + 1), wall)
                for k in range(0, 5, 2)]
    cols = 2 if w < 40 else 3
    rows = max(1, int((y1 - body_top) / (0.45 * w)))
    ww, wh = w / (2 * cols + 1), min(0.2 * w, (y1 - body_top) / (2 * rows + 1))
    for r in range(rows):
        for c in range(cols):
            wx, wy = x0 + (2 * c + 1) * ww, body_top + (2 * r + 1) * wh
            lit = window if theme.time_of_day == "day" or rng.random() < 0.7 else shade(wall, 0.4)
            ops.append(Op("rect", (wx, wy, wx + ww, wy + wh), lit))
    return ops


def tree_ops(rng: np.random.Generator, x: float, ground: float, h: float, theme: Theme) -> list[Op]:
    """A tree ``h`` px tall standing on ``ground``, in the theme's style."""
    leaf, trunk = theme.pick(rng, "leaves"), theme.colors["trunk"]
    tw = 0.07 * h
    if theme.tree in ("cactus", "saguaro"):
        r = tw * 1.5
        arc = np.linspace(np.pi, 2 * np.pi, 9)
        top = ground - h + r
        trunk_pts = np.concatenate([np.stack([x + r * np.cos(arc), top + r * np.sin(arc)], axis=1),
                                    [(x + r, ground + 1), (x - r, ground + 1)]])
        ops = [Op("poly", trunk_pts, leaf, _outline(leaf, h), 0.5)]
        for side in (-1, 1):
            ax, ay = x + side * tw * 3.2, ground - h * rng.uniform(0.45, 0.7)
            ops.append(Op("rect", (min(x, ax), ay + 0.12 * h, max(x, ax), ay + 0.12 * h + tw * 1.6), leaf))
            ops.append(Op("rect", (ax - tw * 0.8, ay, ax + tw * 0.8, ay + 0.15 * h), leaf))
        if theme.tree == "saguaro":  # ribs down the trunk, in the pale tint of a toadstool's spots
            rib = mix(leaf, (255, 255, 220), 0.3)
            ops += [Op("line", np.array([(x + dx * r, top + 0.3 * r), (x + dx * r, ground - 1)]), rib, width=max(1.0, 0.04 * h))
                    for dx in (-0.45, 0.45)]
        return ops
    if theme.tree in ("palm", "mushroom"):
        return (_palm if theme.tree == "palm" else _mushroom)(rng, x, ground, h, leaf, trunk)
    ops = [Op("rect", (x - tw, ground - 0.55 * h, x + tw, ground + 1), trunk)]
    if theme.tree == "dead":
        for side, yy in ((-1, 0.75), (1, 0.6), (-1, 0.45)):
            ops.append(Op("line", np.array([(x, ground - yy * h + 0.1 * h), (x + side * 0.3 * h, ground - yy * h)]), trunk))
        ops[0] = Op("rect", (x - tw, ground - 0.85 * h, x + tw, ground + 1), trunk)
        return ops
    if theme.tree == "pine":
        for k in range(3):
            yb, half = ground - (0.25 + 0.22 * k) * h, (0.32 - 0.07 * k) * h
            ops.append(Op("poly", np.array([(x - half, yb), (x + half, yb), (x, yb - 0.4 * h)]),
                          leaf, _outline(leaf, h), 0.5))
        return ops
    for dx, dy, r in ((-0.18, -0.62, 0.24), (0.18, -0.64, 0.24), (0.0, -0.78, 0.26)):
        cx, cy, rr = x + dx * h, ground + dy * h, r * h
        ops.append(Op("ellipse", (cx - rr, cy - rr, cx + rr, cy + rr), leaf, _outline(leaf, h), 0.5))
    return ops


def _palm(rng: np.random.Generator, x: float, ground: float, h: float, leaf: Color, trunk: Color) -> list[Op]:
    """A palm: a leaning ringed trunk and five to seven drooping fronds, coconuts under them."""
    lean = rng.uniform(-0.25, 0.25) * h
    top = (x + lean, ground - h * 0.85)
    tw = 0.05 * h
    ops = [Op("poly", np.array([(x - tw, ground + 1), (top[0] - 0.6 * tw, top[1]), (top[0] + 0.6 * tw, top[1]), (x + tw, ground + 1)]),
              trunk, _outline(trunk, h), 0.5)]
    ops += [Op("line", np.array([(x + lean * k / 5 - tw, ground - h * 0.85 * k / 5), (x + lean * k / 5 + tw, ground - h * 0.85 * k / 5)]),
               shade(trunk, 0.6)) for k in range(1, 5)]
    for a in np.linspace(-2.8, -0.35, int(rng.integers(5, 8))):
        tip = (top[0] + 0.45 * h * np.cos(a), top[1] + 0.45 * h * np.sin(a) + 0.18 * h)
        mid = (top[0] + 0.28 * h * np.cos(a), top[1] + 0.28 * h * np.sin(a) - 0.02 * h)
        ops.append(Op("poly", np.array([top, (mid[0], mid[1] - 0.05 * h), tip, (mid[0], mid[1] + 0.04 * h)]), leaf, _outline(leaf, h), 0.5))
    ops += [Op("ellipse", (top[0] + dx - 0.04 * h, top[1], top[0] + dx + 0.04 * h, top[1] + 0.08 * h), (110, 72, 40)) for dx in (-0.05 * h, 0.04 * h)]
    return ops


def _mushroom(rng: np.random.Generator, x: float, ground: float, h: float, leaf: Color, trunk: Color) -> list[Op]:
    """A giant toadstool of a magical forest: a stem in the trunk's colour, a wide cap in the leaves' colour, pale spots."""
    stem = trunk
    cap_w, cap_h = rng.uniform(0.5, 0.75) * h, rng.uniform(0.3, 0.42) * h
    top = ground - h
    arc = np.linspace(np.pi, 2 * np.pi, 13)
    dome = np.stack([x + cap_w / 2 * np.cos(arc), top + cap_h + cap_h * np.sin(arc)], axis=1)
    ops = [Op("rect", (x - 0.08 * h, top + 0.8 * cap_h, x + 0.08 * h, ground + 1), stem, _outline(stem, h), 0.5),
           Op("poly", dome, leaf, _outline(leaf, h), 0.5)]
    for _ in range(int(rng.integers(3, 6))):
        sx, sy, r = x + rng.uniform(-0.3, 0.3) * cap_w, top + rng.uniform(0.25, 0.75) * cap_h, rng.uniform(0.03, 0.06) * h
        ops.append(Op("ellipse", (sx - r, sy - r, sx + r, sy + r), mix(leaf, (255, 255, 220), 0.3)))
    return ops


def bush_ops(rng: np.random.Generator, cx: float, ground: float, r: float, color: Color) -> list[Op]:
    """A bush: overlapping round clumps resting on ``ground``, about 2.6 ``r`` wide."""
    ops = []
    for dx in (-0.8, 0.8, 0.0):
        rr = r * rng.uniform(0.75, 1.0) * (1.15 if dx == 0 else 1.0)
        x, y = cx + dx * r, ground - rr * 0.9
        ops.append(Op("ellipse", (x - rr, y - rr, x + rr, y + rr), color, _outline(color, 2 * r), 0.6))
    return ops


# --------------------------------------------------------------------------- items, distractors

ITEM_KINDS = ("coin", "gem", "heart")


def item_ops(rng: np.random.Generator, kind: str, cx: float, cy: float, r: float) -> list[Op]:
    """A collectible of radius ``r``: gold coin, faceted gem or heart."""
    if kind == "coin":
        gold = jitter(rng, (246, 196, 38), 6.0)
        return [Op("ellipse", (cx - r * 0.8, cy - r, cx + r * 0.8, cy + r), gold, _outline(gold, 2 * r), 0.5),
                Op("ellipse", (cx - r * 0.3, cy - r * 0.55, cx + r * 0.3, cy + r * 0.55), shade(gold, 0.8))]
    if kind == "gem":
        color = jitter(rng, BODY_COLORS[int(rng.integers(len(BODY_COLORS)))], 10.0)
        pts = np.array([(cx - r, cy - 0.3 * r), (cx - 0.5 * r, cy - r), (cx + 0.5 * r, cy - r),
                        (cx + r, cy - 0.3 * r), (cx, cy + r)])
        facet = np.array([(cx - 0.5 * r, cy - r), (cx, cy - 0.3 * r), (cx + 0.5 * r, cy - r)])
        return [Op("poly", pts, color, _outline(color, 2 * r), 0.5),
                Op("poly", facet, mix(color, (255, 255, 255), 0.45))]
    red = jitter(rng, (226, 40, 70), 10.0)
    lobe = r * 0.55
    return [Op("ellipse", (cx - r, cy - r * 0.8, cx - r + 2 * lobe, cy - r * 0.8 + 2 * lobe), red),
            Op("ellipse", (cx + r - 2 * lobe, cy - r * 0.8, cx + r, cy - r * 0.8 + 2 * lobe), red),
            Op("poly", np.array([(cx - r * 0.98, cy - r * 0.2), (cx + r * 0.98, cy - r * 0.2), (cx, cy + r)]), red)]


def crate_ops(rng: np.random.Generator, box: tuple[float, float, float, float]) -> list[Op]:
    """A box in a character-like colour (grey, gold, red...): boxy but not a robot."""
    x0, y0, x1, y1 = box
    color = jitter(rng, BODY_COLORS[int(rng.integers(len(BODY_COLORS)))], 12.0)
    size = x1 - x0
    ops = [Op("rect", box, color, _outline(color, size), max(0.5, size * 0.05))]
    if rng.random() < 0.5:
        dark = shade(color, 0.6)
        ops += [Op("line", np.array([(x0, y0), (x1, y1)]), dark), Op("line", np.array([(x0, y1), (x1, y0)]), dark)]
    else:
        m = size * 0.2
        ops.append(Op("rect", (x0 + m, y0 + m, x1 - m, y1 - m), shade(color, 0.8)))
    return ops


def blob_ops(rng: np.random.Generator, cx: float, ground: float, rx: float, ry: float) -> list[Op]:
    """A rounded boulder in a character-like colour (orange, green...): organic but not a dragon."""
    color = jitter(rng, BODY_COLORS[int(rng.integers(len(BODY_COLORS)))], 12.0)
    cy = ground - ry * 0.85
    return [Op("ellipse", (cx - rx, cy - ry, cx + rx, cy + ry), color, _outline(color, 2 * ry), max(0.5, ry * 0.06)),
            Op("ellipse", (cx - rx * 0.5, cy - ry * 0.6, cx - rx * 0.1, cy - ry * 0.25), mix(color, (255, 255, 255), 0.35))]
