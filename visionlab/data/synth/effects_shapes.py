"""Shared pieces of the effects (see :mod:`.effects`): the tone ramp and the straight-edged / round shapes.

:func:`tone` mixes a glow colour with white (hotter) or black (darker); the helpers draw ellipses, discs,
capped strokes, glowing strokes, stars and muzzle / impact flashes as :class:`~.canvas.Op` in the local
frame of an effect. The kind builders in :mod:`.effects` (magic, tech) and :mod:`.effects_battle` use them.
"""

from __future__ import annotations

import math

import numpy as np

from .canvas import Op
from .palette import Color, mix
from .sprites import rotate

_WHITE: Color = (255, 255, 255)
_BLACK: Color = (0, 0, 0)


def tone(color: Color, t: float) -> Color:
    """``color`` mixed towards white by ``t`` (t > 0: hotter) or towards black by ``-t`` (t < 0: darker)."""
    return mix(color, _WHITE, t) if t >= 0 else mix(color, _BLACK, -t)


# --------------------------------------------------------------------------- geometry helpers


def _oval(cx: float, cy: float, rx: float, ry: float, rot: float = 0.0, n: int = 32) -> np.ndarray:
    """Polygon of an ellipse rotated by ``rot`` radians (closed: last point repeats the first)."""
    t = np.linspace(0.0, 2.0 * math.pi, n + 1)
    pts = np.stack([rx * np.cos(t), ry * np.sin(t)], axis=1)
    return rotate(pts, rot) + (cx, cy)


def _disc(cx: float, cy: float, r: float, fill: Color) -> Op:
    return Op("ellipse", (cx - r, cy - r, cx + r, cy + r), fill)


def _quad(a: np.ndarray, b: np.ndarray, width: float) -> np.ndarray:
    """Rectangle polygon around segment a-b, ``width`` wide, with square caps of half the width."""
    d = b - a
    d = d / (np.hypot(*d) + 1e-9)
    n = np.array([-d[1], d[0]]) * width / 2
    e = d * width / 2
    return np.array([a - e + n, b + e + n, b + e - n, a - e - n])


def _stroke(points: np.ndarray, width: float, fill: Color) -> list[Op]:
    """A straight-edged polyline: one capped rectangle per segment (no notches at sharp joints)."""
    pts = np.asarray(points, dtype=float)
    return [Op("poly", _quad(pts[k], pts[k + 1], width), fill) for k in range(len(pts) - 1)]


def _glow_stroke(points: np.ndarray, width: float, color: Color) -> list[Op]:
    """Straight polyline with a saturated halo, a hot middle and a white-hot core."""
    ops = _stroke(points, width * 2.4, color)
    ops += _stroke(points, width * 1.3, tone(color, 0.5))
    return ops + _stroke(points, width * 0.5, tone(color, 0.93))


def _star(cx: float, cy: float, radii: np.ndarray, rot: float) -> np.ndarray:
    """Straight-edged star polygon with alternating tip / notch ``radii``."""
    a = rot + np.linspace(0.0, 2.0 * math.pi, len(radii), endpoint=False)
    return np.stack([cx + radii * np.cos(a), cy + radii * np.sin(a)], axis=1)


def _flash(rng: np.random.Generator, cx: float, cy: float, r: float, color: Color) -> list[Op]:
    """Sharp straight-edged muzzle / impact flash with a hot centre."""
    n = int(rng.integers(4, 7))
    radii = np.tile([1.0, 0.35], n) * r * rng.uniform(0.8, 1.0, 2 * n)
    rot = rng.uniform(0, math.pi)
    return [Op("poly", _star(cx, cy, radii, rot), color),
            Op("poly", _star(cx, cy, radii * 0.5, rot), tone(color, 0.92))]
