"""Variant 14's battle effects: fire, explosion, fireball, arrow and bullet streak.

Builders in the local frame of :mod:`.effects` (origin at the hand or mouth, forward = +x), registered into
``effects.EFFECTS`` when this module is imported (:mod:`.variants` imports it), after the magic and tech kinds.
"""

from __future__ import annotations

import math

import numpy as np

from .canvas import Op
from .effects import Local, _local_effect
from .effects_shapes import _disc, _flash, _star, _stroke, tone
from .palette import Color
from .sprites import rotate, tapered


def _tongue(rng: np.random.Generator, base: np.ndarray, length: float, angle: float, width: float) -> list[np.ndarray]:
    """One flame tongue as three nested polygons (outer, hot, white-hot), inner ones shorter and nearer the base."""
    d = np.array([math.cos(angle), math.sin(angle)])
    nrm = np.array([-d[1], d[0]])
    amp, freq, phase = length * rng.uniform(0.06, 0.16), rng.uniform(1.0, 2.5), rng.uniform(0, 2 * math.pi)
    out = []
    for frac, wk in ((1.0, 1.0), (0.65, 0.6), (0.38, 0.32)):
        t = np.linspace(0.0, frac, 14)
        wig = amp * np.sin(math.pi * freq * t + phase) * t
        line = base + length * t[:, None] * d + wig[:, None] * nrm
        tt = 0.3 + 0.7 * t / frac
        out.append(tapered(line, width * wk * 4 * tt * (1 - tt) + 0.3))
    return out


def _fire(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Flame tongues from a glowing bed: a breath jet fanning forward, or a blaze licking upwards."""
    n = int(rng.integers(3, 7))
    tongues = []
    if rng.random() < 0.5:  # jet from the mouth / hand
        bed = (s * 0.12, 0.0, s * rng.uniform(0.07, 0.1))
        for _ in range(n):
            base = np.array([s * rng.uniform(0.0, 0.2), s * rng.uniform(-0.05, 0.05)])
            tongues.append(_tongue(rng, base, s * rng.uniform(0.5, 0.85), rng.uniform(-0.45, 0.3), s * rng.uniform(0.14, 0.22)))
    else:  # blaze ahead of the hand
        cx = s * rng.uniform(0.3, 0.4)
        bed = (cx, -s * 0.06, s * rng.uniform(0.12, 0.18))
        for k in range(n):
            base = np.array([cx + s * rng.uniform(-0.16, 0.16), -s * rng.uniform(0.0, 0.08)])
            tall = 0.75 if k == 0 else rng.uniform(0.3, 0.6)
            tongues.append(_tongue(rng, base, s * tall, -math.pi / 2 + rng.uniform(-0.45, 0.45), s * rng.uniform(0.14, 0.22)))
    bx, by, br = bed
    ops: Local = []
    for layer, (scale, fill) in enumerate(((1.0, c), (0.65, tone(c, 0.45)), (0.35, tone(c, 0.88)))):
        ops += [Op("poly", polys[layer], fill) for polys in tongues]
        ops.append(Op("ellipse", (bx - br * scale * 1.3, by - br * scale, bx + br * scale * 1.3, by + br * scale * 0.8), fill))
    return ops


def _explosion(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Jagged star burst with dark smoke puffs behind it and flying debris."""
    big = s * rng.uniform(0.3, 0.45)
    cx, cy = s * rng.uniform(0.35, 0.5), -s * rng.uniform(0.0, 0.15)
    ops: Local = []
    for _ in range(int(rng.integers(3, 7))):
        a, r = rng.uniform(0, 2 * math.pi), big * rng.uniform(0.25, 0.45)
        dist = big * rng.uniform(0.55, 0.85)
        ops.append(_disc(cx + dist * math.cos(a), cy + dist * math.sin(a), r, tone(c, -rng.uniform(0.4, 0.6))))
    n = int(rng.integers(9, 16))
    rot = rng.uniform(0, math.pi)
    for scale, fill in ((1.0, c), (0.68, tone(c, 0.45)), (0.38, tone(c, 0.9))):
        radii = np.ravel(np.stack([rng.uniform(0.75, 1.0, n), rng.uniform(0.4, 0.6, n)], 1)) * big * scale
        ops.append(Op("poly", _star(cx, cy, radii, rot), fill))
    for _ in range(int(rng.integers(0, 6))):
        a, dist, r = rng.uniform(0, 2 * math.pi), big * rng.uniform(1.0, 1.25), max(1.0, big * 0.06)
        x, y = cx + dist * math.cos(a), cy + dist * math.sin(a)
        ops.append(Op("poly", rotate(np.array([(-r, -r), (r, -r * 0.5), (r * 0.6, r), (-r, r * 0.7)]), a) + (x, y), tone(c, -0.5)))
    return ops


def _fireball(rng: np.random.Generator, s: float, c: Color) -> Local:
    """Burning ball flying ahead with a flickering tapered trail back towards the hand."""
    big = s * rng.uniform(0.12, 0.18)
    head = np.array([s * rng.uniform(0.62, 0.8), s * rng.uniform(-0.2, 0.1)])
    tail = np.array([s * rng.uniform(0.0, 0.1), s * rng.uniform(-0.08, 0.08)])
    t = np.linspace(0.0, 1.0, 20)
    bend = s * rng.uniform(-0.1, 0.1) * np.sin(math.pi * t)
    line = tail + t[:, None] * (head - tail) + np.stack([np.zeros_like(t), bend], 1)
    flicker = 1 + 0.25 * np.sin(math.pi * rng.uniform(3, 6) * t + rng.uniform(0, 6.3))
    widths = 2 * big * t**0.9 * flicker + 0.5
    ops: Local = [Op("poly", tapered(line, widths), c), Op("poly", tapered(line, widths * 0.55), tone(c, 0.45))]
    hx, hy = head
    return ops + [_disc(hx, hy, big * 1.15, c), _disc(hx, hy, big * 0.85, tone(c, 0.5)),
                  _disc(hx + big * 0.1, hy, big * 0.5, tone(c, 0.92))]


def _arrow(rng: np.random.Generator, s: float, c: Color) -> Local:
    """A flying arrow: shaft, pointed head, fletching at the tail and speed lines behind."""
    a = rng.uniform(-0.25, 0.25)
    d = np.array([math.cos(a), math.sin(a)])
    nrm = np.array([-d[1], d[0]])
    tail0, length = s * rng.uniform(0.1, 0.25), s * rng.uniform(0.6, 0.75)
    p0, p1 = d * tail0, d * (tail0 + length)
    ws = max(2.0, s * 0.032)
    hl, hw = max(4.0, s * rng.uniform(0.1, 0.14)), max(3.0, s * rng.uniform(0.045, 0.065))
    fl, fw = s * rng.uniform(0.1, 0.16), max(2.5, s * rng.uniform(0.04, 0.06))
    ops: Local = []
    for k in range(int(rng.integers(2, 4))):  # speed lines
        o = (k - 1) * s * 0.05 + rng.normal(0, s * 0.01)
        q = p0 + nrm * o - d * s * rng.uniform(0.02, 0.05)
        ops += _stroke(np.array([q - d * s * rng.uniform(0.06, 0.12), q]), max(1.0, s * 0.012), tone(c, 0.6))
    ops += _stroke(np.array([p0, p1]), ws, tone(c, -0.55))
    for side in (-1, 1):
        ops.append(Op("poly", np.array([p0 + d * fl, p0 + d * fl * 0.4 + nrm * fw * side, p0 - d * fl * 0.1 + nrm * fw * side, p0]), c))
    ops.append(Op("poly", np.array([p1 + d * hl * 0.7, p1 - d * hl * 0.3 + nrm * hw, p1 - d * hl * 0.1, p1 - d * hl * 0.3 - nrm * hw]),
                  tone(c, 0.7)))
    return ops


def _bullet_streak(rng: np.random.Generator, s: float, c: Color) -> Local:
    """One to three straight tracer streaks, thin at the back and hot at the head, with a muzzle flash."""
    ops: Local = []
    w = max(2.2, s * rng.uniform(0.03, 0.045))
    base = rng.uniform(-0.2, 0.2)
    streaks = []
    for k in range(int(rng.integers(1, 4))):
        a = base + rng.uniform(-0.08, 0.08)
        d = np.array([math.cos(a), math.sin(a)])
        y0 = np.array([0.0, (k - 1) * s * rng.uniform(0.06, 0.12)])
        p0, p1 = y0 + d * s * rng.uniform(0.05, 0.3), y0 + d * s * rng.uniform(0.75, 0.98)
        streaks.append((np.stack([p0, p0 + (p1 - p0) * 0.5, p1]), p1))
    for scale, fill in ((1.8, c), (1.0, tone(c, 0.6)), (0.45, tone(c, 0.95))):
        for line, _ in streaks:
            ops.append(Op("poly", tapered(line, np.array([0.1, 0.6, 1.0]) * w * scale + 0.3), fill))
    for _, (hx, hy) in streaks:
        ops.append(_disc(hx, hy, w * 0.55, tone(c, 0.95)))
    if rng.random() < 0.5:
        ops += _flash(rng, s * 0.03, 0.0, w * rng.uniform(1.5, 2.5), c)
    return ops


for _name, _build in (("fire", _fire), ("explosion", _explosion), ("fireball", _fireball), ("arrow", _arrow),
                      ("bullet_streak", _bullet_streak)):
    _local_effect(_name, _build)
