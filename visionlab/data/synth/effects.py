"""Magic and tech effects as drawing ops, and the registry, placement and bounds of every effect.

An effect is emitted from an ``origin`` (a character's hand or mouth, final-image pixels), is about
``size`` px across and extends towards ``direction`` (+1 right, -1 left). Builders draw in a local
frame (origin at (0, 0), forward = +x, y down) that :func:`effect_ops` mirrors and moves into place, so
the same seed gives mirror-image effects for both directions.

Every fill is the glow colour mixed with white (hotter) or black (darker), see :func:`tone`: magic and
tech effects take their colour from the same :data:`GLOW_COLORS` pool, so only shape tells them apart.
Magic is built from curves (rings, concave stars, spheres, wavy ribbons); tech from straight pieces
(beams, zigzags, needles, rectangles). Glows are nested shapes, outer saturated to inner white-hot.
All ops are opaque; the caller draws them with the ``effect`` label.

The battle effects live in :mod:`.effects_battle` (it registers them into :data:`EFFECTS` when
:mod:`.variants` imports it); the shared shapes and :func:`tone` (re-exported here) in :mod:`.effects_shapes`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .canvas import Op
from .effects_shapes import _disc, _flash, _oval, _stroke
from .effects_shapes import tone as tone
from .palette import Color, jitter
from .registry import registrar
from .sprites import rotate, tapered

MAGIC = ("runes", "sparkles", "orb", "spell_trail")
"""Variant 10's magic effects: circles, curves and stars."""

TECH = ("laser", "electric_arc", "sparks", "hologram")
"""Variant 10's tech effects: straight lines, zigzags and rectangles."""

BATTLE = ("fire", "explosion", "fireball", "arrow", "bullet_streak")
"""Variant 14's battle effects."""

GLOW_COLORS: tuple[Color, ...] = (
    (40, 226, 255),  # cyan
    (255, 64, 220),  # magenta
    (150, 84, 255),  # violet
    (255, 228, 40),  # yellow
    (72, 238, 96),  # green
    (255, 142, 32),  # orange
    (56, 112, 255),  # blue
    (255, 52, 52),  # red
)
"""Saturated glow colours shared by every effect kind (see module docstring)."""

Local = list[Op]  # ops in the local frame (origin (0, 0), forward +x)


def glow_color(rng: np.random.Generator) -> Color:
    """One slightly jittered colour of :data:`GLOW_COLORS`; the caller uses it for every effect class."""
    return jitter(rng, GLOW_COLORS[int(rng.integers(len(GLOW_COLORS)))], 8.0)


# --------------------------------------------------------------------------- registry

EffectBuilder = Callable[[np.random.Generator, tuple[float, float], float, int, Color], list[Op]]
EFFECTS: dict[str, EffectBuilder] = {}
"""Effect kinds by name: a builder ``(rng, origin, size, direction, color) -> ops`` each."""


register_effect = registrar(EFFECTS, "effect kind")
"""``@register_effect(name)`` adds an effect builder; a name used twice raises ValueError."""


def _place(ops: Local, origin: tuple[float, float], direction: int) -> list[Op]:
    """Mirror local ops to ``direction`` and move them to ``origin`` (boxes stay ordered)."""
    ox, oy = origin
    out = []
    for op in ops:
        if op.kind in ("poly", "line"):
            pts = np.asarray(op.geom, dtype=float) * (direction, 1.0) + (ox, oy)
            out.append(op._replace(geom=pts))
        else:
            x0, y0, x1, y1 = op.geom
            xa, xb = sorted((ox + direction * x0, ox + direction * x1))
            out.append(op._replace(geom=(xa, oy + min(y0, y1), xb, oy + max(y0, y1))))
    return out


def _local_effect(name: str, build: Callable[[np.random.Generator, float, Color], Local]) -> None:
    """Register a builder written in the local frame (forward = +x)."""
    def builder(rng: np.random.Generator, origin: tuple[float, float], size: float, direction: int,
                color: Color) -> list[Op]:
        return _place(build(rng, size, color), origin, direction)
    register_effect(name)(builder)


def effect_ops(rng: np.random.Generator, kind: str, origin: tuple[float, float], size: float, direction: int,
               color: Color) -> list[Op]:
    """Ops of a ``kind`` effect emitted from ``origin``, about ``size`` px across, towards ``direction``.

    Raises:
        ValueError: unknown kind, a direction other than +1 / -1, or a size that is not positive.
    """
    if kind not in EFFECTS:
        raise ValueError(f"unknown effect kind {kind!r}; valid kinds: {', '.join(sorted(EFFECTS))}")
    if direction not in (-1, 1):
        raise ValueError(f"direction must be +1 or -1, not {direction!r}")
    if not size > 0:
        raise ValueError(f"size must be positive, not {size!r}")
    return EFFECTS[kind](rng, origin, float(size), int(direction), color)


def effect_box(ops: list[Op]) -> tuple[float, float, float, float]:
    """Bounding box ``(x0, y0, x1, y1)`` of ops in pixels (line widths and outlines included).

    Raises:
        ValueError: ``ops`` is empty.
    """
    if not ops:
        raise ValueError("effect_box needs at least one op")
    lo, hi = np.full(2, np.inf), np.full(2, -np.inf)
    for op in ops:
        if op.kind in ("poly", "line"):
            pts = np.asarray(op.geom, dtype=float).reshape(-1, 2)
            pad = op.width / 2 if op.kind == "line" or op.outline is not None else 0.0
            a, b = pts.min(axis=0) - pad, pts.max(axis=0) + pad
        else:
            x0, y0, x1, y1 = op.geom
            pad = op.width / 2 if op.outline is not None else 0.0
            a = np.array([min(x0, x1), min(y0, y1)]) - pad
            b = np.array([max(x0, x1), max(y0, y1)]) + pad
        lo, hi = np.minimum(lo, a), np.maximum(hi, b)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


# --------------------------------------------------------------------------- magic


def _glyph(rng: np.random.Generator, x: float, y: float, g: float, angle: float, fill: Color) -> Op:
    """One small rune at (x, y), ``g`` px tall, turned to follow the circle at ``angle``."""
    style = int(rng.integers(4))
    if style == 0:
        return _disc(x, y, g * 0.45, fill)
    if style == 1:
        return Op("line", _oval(x, y, g * 0.45, g * 0.45, 0.0, 12), fill, width=max(1.0, g * 0.22))
    if style == 2:  # a little arc (moon)
        t = np.linspace(0.6, 2 * math.pi - 0.6, 8) + angle
        return Op("line", np.stack([x + g * 0.5 * np.cos(t), y + g * 0.5 * np.sin(t)], 1), fill,
                  width=max(1.0, g * 0.25))
    tri = rotate(np.array([(0.0, -0.55), (0.5, 0.4), (-0.5, 0.4)]) * g, angle + math.pi / 2) + (x, y)
    return Op("poly", tri, fill)


def _runes(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Magic circle: a dark band of bright glyphs between glowing rings, an inner figure at the centre."""
    r = s * rng.uniform(0.36, 0.48)
    rx = r * rng.uniform(0.45, 1.0)  # seen edge-on when narrow
    cx, cy = rx + s * rng.uniform(0.02, 0.1), -s * rng.uniform(-0.05, 0.15)
    band = r * rng.uniform(0.2, 0.3)
    w = max(1.5, r * 0.08)
    mid = r - band / 2
    sx = rx / r
    ops = [Op("line", _oval(cx, cy, rx + w, r + w, 0, 48), c, width=2.4 * w),
           Op("line", _oval(cx, cy, mid * sx, mid, 0, 48), tone(c, -0.3), width=band),
           Op("line", _oval(cx, cy, rx, r, 0, 48), tone(c, 0.85), width=w),
           Op("line", _oval(cx, cy, (r - band) * sx, r - band, 0, 48), tone(c, 0.6), width=w * 0.8)]
    n = int(rng.integers(6, 13))
    g = band * 0.8
    for a in rng.uniform(0, 2 * math.pi) + np.arange(n) * 2 * math.pi / n:
        ops.append(_glyph(rng, cx + mid * sx * math.cos(a), cy + mid * math.sin(a), g, a, tone(c, 0.9)))
    inner = (r - band) * rng.uniform(0.55, 0.85)
    k = int(rng.choice([3, 5, 6]))  # triangle, pentagram or hexagram, its points on the inner ring
    a0 = rng.uniform(0, 2 * math.pi)
    step = {3: 2 * math.pi / 3, 5: 4 * math.pi / 5, 6: 2 * math.pi / 3}[k]
    figures = [a0 + np.arange(6 if k == 5 else 4) * step]
    if k == 6:
        figures.append(figures[0] + math.pi / 3)
    for a in figures:
        pts = np.stack([cx + inner * sx * np.cos(a), cy + inner * np.sin(a)], 1)
        ops.append(Op("line", pts, tone(c, 0.7), width=max(1.0, w * 0.6)))
    return ops + [_disc(cx, cy, max(1.5, r * 0.1), tone(c, 0.95))]


def _astroid(cx: float, cy: float, r: float, aspect: float, k: float, rot: float) -> np.ndarray:
    """Four-pointed star ``r`` tall, ``aspect r`` wide, with concave curved sides (k > 1; k = 3: astroid)."""
    t = np.linspace(0.0, 2.0 * math.pi, 40, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    pts = np.stack([np.sign(c) * np.abs(c) ** k * aspect, np.sign(s) * np.abs(s) ** k], 1) * r
    return rotate(pts, rot) + (cx, cy)


def _bezier(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Points of the quadratic Bezier curve p0-p1-p2 at parameters ``t``."""
    t = t[:, None]
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2


def _sparkles(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Four-pointed glowing stars of varied sizes scattered along a curve, with tiny glints between."""
    end = np.array([s * rng.uniform(0.7, 0.95), s * rng.uniform(-0.4, 0.25)])
    ctrl = end / 2 + np.array([-end[1], end[0]]) / (np.hypot(*end) + 1e-9) * s * rng.uniform(-0.35, 0.35)
    n = int(rng.integers(4, 9))
    t = np.linspace(0.15, 1.0, n) + rng.uniform(-0.3, 0.3, n) / n
    pts = _bezier(np.zeros(2), ctrl, end, t) + rng.normal(0, s * 0.04, (n, 2))
    radii = np.maximum(3.5, s * rng.uniform(0.05, 0.13, n))
    aspect = rng.uniform(0.6, 1.0, n)
    rots = rng.uniform(-0.5, 0.5, n)
    ops: Local = []
    dots = _bezier(np.zeros(2), ctrl, end, rng.uniform(0.05, 1.0, int(rng.integers(3, 9))))
    for x, y in dots + rng.normal(0, s * 0.06, dots.shape):
        ops.append(_disc(x, y, max(1.0, s * 0.015), tone(c, 0.5)))
    for (x, y), r, rot, k in zip(pts, radii, rots, aspect):
        ops.append(Op("poly", _astroid(x, y, r * 1.3, k, 2.6, rot), c))
    for (x, y), r, rot, k in zip(pts, radii, rots, aspect):
        ops.append(Op("poly", _astroid(x, y, r, k, 3.4, rot), tone(c, 0.55)))
        ops.append(Op("poly", _astroid(x, y, r * 0.75, k, 4.2, rot), tone(c, 0.93)))
        ops.append(_disc(x, y, r * 0.14, tone(c, 1.0)))
    return ops


def _orbit(cx: float, cy: float, rx: float, ry: float, rot: float, w: float, c: Color, front: bool) -> list[Op]:
    """Half of a tilted ring around a sphere: the back half (drawn before it) or the front half."""
    t = np.linspace(0.0, math.pi, 20) + (0.0 if front else math.pi)
    pts = rotate(np.stack([rx * np.cos(t), ry * np.sin(t)], 1), rot) + (cx, cy)
    return [Op("line", pts, c, width=2.4 * w), Op("line", pts, tone(c, 0.75), width=w)]


def _orb(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Glowing sphere with a hot core and highlight, circled by halo or orbit rings."""
    big = s * rng.uniform(0.16, 0.26)
    cx, cy = s * rng.uniform(0.3, 0.45), -s * rng.uniform(-0.05, 0.15)
    n = int(rng.integers(1, 4))
    orbit = bool(rng.random() < 0.6)
    w = max(1.0, big * 0.08)
    rings = [(big * rng.uniform(1.35, 1.85), rng.uniform(0.25, 0.5), rng.uniform(-0.7, 0.7)) for _ in range(n)]
    ops: Local = []
    if orbit:
        for rx, k, rot in rings:
            ops += _orbit(cx, cy, rx, rx * k, rot, w, c, front=False)
    else:
        for rad in sorted(rx for rx, _, _ in rings)[::-1]:
            ops.append(Op("line", _oval(cx, cy, rad * 0.85, rad * 0.85, 0, 40), c, width=w * 1.6))
            ops.append(Op("line", _oval(cx, cy, rad * 0.85, rad * 0.85, 0, 40), tone(c, 0.7), width=w * 0.7))
    ops += [_disc(cx, cy, big * 1.25, c), _disc(cx, cy, big, tone(c, 0.4)),
            _disc(cx - big * 0.15, cy - big * 0.15, big * 0.6, tone(c, 0.8)),
            _disc(cx - big * 0.35, cy - big * 0.35, big * 0.2, tone(c, 1.0))]
    if orbit:
        for rx, k, rot in rings:
            ops += _orbit(cx, cy, rx, rx * k, rot, w, c, front=True)
    return ops


def _ribbon(rng: np.random.Generator, s: float, phase: float, amp: float, waves: float, drift: float) -> np.ndarray:
    """Centre line of a wavy ribbon from the origin forward, about ``0.9 s`` long."""
    t = np.linspace(0.0, 1.0, 28)
    x = s * 0.9 * t
    y = amp * (np.sin(math.pi * waves * t + phase) - math.sin(phase)) + drift * t
    return np.stack([x, y], 1)


def _spell_trail(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Curving ribbon of light, thin tail at the hand, a bright round head at the far end."""
    amp, waves = s * rng.uniform(0.08, 0.2), rng.uniform(0.6, 1.7)
    drift, phase = s * rng.uniform(-0.3, 0.2), rng.uniform(0, 2 * math.pi)
    head = s * rng.uniform(0.1, 0.16)
    t = np.linspace(0.0, 1.0, 28)
    widths = head * (0.12 + 0.88 * t**1.4)
    main = _ribbon(rng, s, phase, amp, waves, drift)
    lines = [(main, widths)]
    if rng.random() < 0.5:  # a thinner twin ribbon winding around the first
        d = np.gradient(main, axis=0)
        nrm = np.stack([-d[:, 1], d[:, 0]], 1) / (np.hypot(d[:, :1], d[:, 1:]) + 1e-9)
        wind = head * rng.uniform(0.8, 1.4) * np.sin(math.pi * rng.uniform(2.0, 4.0) * t) * t
        lines.append((main + nrm * wind[:, None], widths * 0.45))
    ops: Local = []
    for k, (scale, add, fill) in enumerate(((1.9, 1.5, c), (1.0, 0.0, tone(c, 0.5)), (0.4, 0.0, tone(c, 0.93)))):
        for line, wid in lines:
            ops.append(Op("poly", tapered(line, wid * scale + add), fill))
        hx, hy = lines[0][0][-1]
        ops.append(_disc(hx, hy, (head * scale + add) * 0.62, fill if k else c))
    for x, y in lines[0][0][rng.integers(4, 28, int(rng.integers(0, 5)))]:
        ops.append(_disc(x + rng.normal(0, s * 0.06), y + rng.normal(0, s * 0.06), max(1.0, s * 0.02), tone(c, 0.7)))
    return ops


# --------------------------------------------------------------------------- tech


def _laser(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Straight beam (solid, dashed bolts or twin) with a bright core and a sharp muzzle flash."""
    a = rng.uniform(-0.35, 0.35)
    d = np.array([math.cos(a), math.sin(a)])
    n = np.array([-d[1], d[0]])
    w = max(1.6, s * rng.uniform(0.035, 0.065))
    start, length = s * rng.uniform(0.04, 0.1), s * rng.uniform(0.75, 0.95)
    style = int(rng.integers(3))
    segs: list[tuple[float, float, float]] = []  # (from, to, sideways offset) along the beam
    if style == 0:
        segs = [(start, start + length, 0.0)]
    elif style == 1:  # dashed bolts
        k = int(rng.integers(2, 5))
        edges = np.linspace(start, start + length, k + 1)
        gap = (edges[1] - edges[0]) * rng.uniform(0.2, 0.4)
        segs = [(e0, e1 - gap, 0.0) for e0, e1 in zip(edges[:-1], edges[1:])]
    else:
        off = w * rng.uniform(1.1, 1.6)
        segs = [(start, start + length, -off), (start + w, start + length * rng.uniform(0.8, 1.0), off)]
    ops: Local = []
    for scale, fill in ((2.3, c), (1.2, tone(c, 0.55)), (0.45, tone(c, 0.95))):
        for s0, s1, o in segs:
            ops += _stroke(np.array([d * s0 + n * o, d * s1 + n * o]), w * scale, fill)
    return ops + _flash(rng, d[0] * start, d[1] * start, w * rng.uniform(1.4, 2.2), c)


def _zigzag(rng: np.random.Generator, p0: np.ndarray, p1: np.ndarray, n: int, amp: float) -> np.ndarray:
    """Jagged line p0 -> p1 with ``n`` segments, alternating sideways kinks."""
    d = p1 - p0
    nrm = np.array([-d[1], d[0]]) / (np.hypot(*d) + 1e-9)
    t = np.linspace(0.0, 1.0, n + 1)
    t[1:-1] += rng.uniform(-0.3, 0.3, n - 1) / n
    side = np.where(np.arange(n + 1) % 2 == 0, 1.0, -1.0) * rng.uniform(0.4, 1.0, n + 1) * amp
    side[0] = side[-1] = 0.0
    return p0 + t[:, None] * d + side[:, None] * nrm


def _electric_arc(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Jagged lightning from the hand to a point ahead, with forked branches."""
    a = rng.uniform(-0.45, 0.45)
    length = s * rng.uniform(0.75, 0.95)
    end = np.array([math.cos(a), math.sin(a)]) * length
    main = _zigzag(rng, np.zeros(2), end, int(rng.integers(4, 8)), s * rng.uniform(0.05, 0.12))
    paths = [(main, 1.0)]
    for _ in range(int(rng.integers(1, 4))):
        root = main[int(rng.integers(1, len(main) - 1))]
        b = a + rng.choice([-1, 1]) * rng.uniform(0.5, 1.1)
        tip = root + np.array([math.cos(b), math.sin(b)]) * s * rng.uniform(0.18, 0.35)
        paths.append((_zigzag(rng, root, tip, int(rng.integers(2, 5)), s * 0.04), 0.6))
    w = max(1.2, s * rng.uniform(0.02, 0.035))
    ops: Local = []
    for scale, fill in ((2.6, c), (1.5, tone(c, 0.55)), (0.7, tone(c, 0.95))):
        for pts, k in paths:
            ops += _stroke(pts, w * scale * k, fill)
    if rng.random() < 0.6:
        ops += _flash(rng, end[0], end[1], w * rng.uniform(2.5, 4.0), c)
    return ops


def _sparks(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Short straight needle streaks radiating from a point ahead of the hand, a sharp flash at the centre."""
    cx, cy = s * rng.uniform(0.3, 0.45), -s * rng.uniform(-0.05, 0.15)
    n = int(rng.integers(7, 15))
    spread = rng.uniform(1.4, 2.4)
    angles = np.where(rng.random(n) < 0.75, rng.uniform(-spread, spread, n), rng.uniform(0, 2 * math.pi, n))
    r0 = s * rng.uniform(0.08, 0.22, n)
    r1 = r0 + s * rng.uniform(0.12, 0.35, n)
    hw = max(0.9, s * rng.uniform(0.012, 0.02))
    needles = []
    for a, a0, a1 in zip(angles, r0, r1):
        d = np.array([math.cos(a), math.sin(a)])
        nrm = np.array([-d[1], d[0]])
        p0, p1 = (cx, cy) + d * a0, (cx, cy) + d * a1
        needles.append((p0, p1, d, nrm))
    ops: Local = []
    for scale, fill in ((2.0, c), (0.8, tone(c, 0.92))):
        for p0, p1, d, nrm in needles:  # a thin wedge, widest just behind its outer tip
            ops.append(Op("poly", np.array([p0 - d * hw * scale, p1 + nrm * hw * scale, p1 + d * hw * scale * 1.5,
                                            p1 - nrm * hw * scale]), fill))
    return ops + _flash(rng, cx, cy, s * rng.uniform(0.06, 0.11), c)


def _holo_content(rng: np.random.Generator, box: tuple[float, float, float, float], fill: Color) -> list[Op]:
    """What the panel shows: a bar chart, text lines or a blocky figure."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    style = int(rng.integers(3))
    if style == 0:
        k = int(rng.integers(3, 6))
        xs = np.linspace(x0 + w * 0.12, x1 - w * 0.12, k + 1)
        tops = y1 - h * 0.12 - rng.uniform(0.2, 0.7, k) * h
        return [Op("rect", (xa, top, xa + (xb - xa) * 0.65, y1 - h * 0.12), fill) for xa, xb, top in zip(xs, xs[1:], tops)]
    if style == 1:
        k = int(rng.integers(3, 6))
        ys = np.linspace(y0 + h * 0.15, y1 - h * 0.2, k)
        return [Op("rect", (x0 + w * 0.12, y, x0 + w * rng.uniform(0.4, 0.88), y + h * 0.08), fill) for y in ys]
    mx, hw = x0 + w / 2, w * 0.14
    return [Op("rect", (mx - hw * 0.7, y0 + h * 0.12, mx + hw * 0.7, y0 + h * 0.34), fill),
            Op("rect", (mx - hw * 1.5, y0 + h * 0.38, mx + hw * 1.5, y0 + h * 0.66), fill),
            Op("rect", (mx - hw * 1.1, y0 + h * 0.66, mx + hw * 1.1, y1 - h * 0.1), fill)]


def _hologram(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Pale rectangular panel with scan lines, a framed display and a projector cone from the hand."""
    pw, ph = s * rng.uniform(0.45, 0.7), s * rng.uniform(0.35, 0.6)
    if rng.random() < 0.5:  # panel in front, beam spreading forward onto its near edge
        x0, yc = s * rng.uniform(0.15, 0.3), -s * rng.uniform(0.0, 0.25)
        y0 = yc - ph / 2
        cone = np.array([(0.0, -1.0), (x0, y0 + 1), (x0, y0 + ph - 1), (0.0, 1.0)])
    else:  # panel above the hand, beam spreading upwards
        x0, y0 = s * rng.uniform(-0.1, 0.1), -ph - s * rng.uniform(0.25, 0.4)
        cone = np.array([(-1.0, 0.0), (x0 + 1, y0 + ph), (x0 + pw - 1, y0 + ph), (1.0, 0.0)])
    box = (x0, y0, x0 + pw, y0 + ph)
    frame = max(1.0, s * 0.02)
    ops: Local = [Op("poly", cone, tone(c, 0.72)), Op("rect", box, tone(c, 0.5), c, frame)]
    ops += _holo_content(rng, box, tone(c, -0.15))
    gap = max(2.5, ph / rng.uniform(6, 10))
    for y in np.arange(y0 + gap / 2, y0 + ph, gap):
        ops.append(Op("line", np.array([(x0 + frame, y), (x0 + pw - frame, y)]), tone(c, 0.8), width=max(1.0, gap * 0.3)))
    for _ in range(int(rng.integers(0, 3))):  # glitch: a slice of the panel shifted sideways
        gy, gh, shift = y0 + rng.uniform(0.1, 0.85) * ph, ph * rng.uniform(0.04, 0.1), pw * rng.uniform(-0.12, 0.12)
        ops.append(Op("rect", (x0 + shift, gy, x0 + pw + shift, gy + gh), tone(c, 0.35)))
    return ops


for _name, _build in (("runes", _runes), ("sparkles", _sparkles), ("orb", _orb), ("spell_trail", _spell_trail),
                      ("laser", _laser), ("electric_arc", _electric_arc), ("sparks", _sparks), ("hologram", _hologram)):
    _local_effect(_name, _build)
