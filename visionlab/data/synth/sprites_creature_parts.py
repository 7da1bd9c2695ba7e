"""Shared body parts and skeleton helpers of the dinosaur and mythical-creature sprites (variant 16).

The kinds themselves live in :mod:`.sprites_dinosaurs` and :mod:`.sprites_mythical`; this module holds what
both build from: Bezier curves and tubes, local-to-sprite transforms, two-bone legs (plain, digitigrade and
column legs), eyes, claws, feathered wings, flame tongues, decoration colours, walk cycles and
:func:`_finish`, which normalises a built creature: feet on y = 0, about one unit tall, at most
``MAX_WIDTH`` wide. Its names are private to those two modules.
"""

from __future__ import annotations

import math

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .sprites import Part, Sprite, ellipse, rotate, tapered

MAX_WIDTH = 1.6
"""Widest a creature may be, in units (long tails and necks)."""

Pt = tuple[float, float]

_DARK: Color = (40, 42, 48)
_WHITE: Color = (246, 246, 240)
_IVORY: Color = (236, 228, 204)
_FAR = 0.72  # brightness of the far-side limbs and wings


# --------------------------------------------------------------------------- geometry helpers


def _bezier(ctrl: list[Pt], n: int = 12) -> np.ndarray:
    """``n`` points along the Bezier curve with control points ``ctrl`` (de Casteljau)."""
    b = np.repeat(np.asarray(ctrl, dtype=float)[None], n, axis=0)
    t = np.linspace(0.0, 1.0, n)[:, None, None]
    while b.shape[1] > 1:
        b = b[:, :-1] * (1.0 - t) + b[:, 1:] * t
    return b[:, 0]


def _tube(ctrl: list[Pt], w0: float, w1: float, n: int = 12) -> np.ndarray:
    """Tapered polygon along a Bezier centre line: width ``w0`` at the start, ``w1`` at the end."""
    return tapered(_bezier(ctrl, n), np.linspace(w0, w1, n))


def _xf(points: list[Pt] | np.ndarray, scale: float, angle: float, at: Pt) -> np.ndarray:
    """Scale local points, rotate them by ``angle`` (clockwise on screen) and move their origin to ``at``."""
    return rotate(np.asarray(points, dtype=float) * scale, angle) + at


def _pt(local: Pt, scale: float, angle: float, at: Pt) -> Pt:
    """One local point through :func:`_xf`."""
    x, y = _xf([local], scale, angle, at)[0]
    return float(x), float(y)


def _knee(hip: Pt, target: Pt, a: float, b: float, back: bool) -> Pt:
    """Middle joint of a two-bone limb from ``hip`` to ``target`` (lengths a, b), bent back or forward."""
    dx, dy = target[0] - hip[0], target[1] - hip[1]
    d = min(max(math.hypot(dx, dy), abs(a - b) + 1e-6), a + b - 1e-6)
    alpha = math.acos(max(-1.0, min(1.0, (a * a + d * d - b * b) / (2 * a * d))))
    theta = math.atan2(dy, dx) + (alpha if back else -alpha)
    return hip[0] + a * math.cos(theta), hip[1] + a * math.sin(theta)


def _leg(hip: Pt, target: Pt, lengths: Pt, widths: tuple[float, float, float], back: bool, color: Color) -> list[Part]:
    """Two-bone leg from ``hip`` to ``target``: one smooth tapered polygon with a rounded knee."""
    knee = _knee(hip, target, lengths[0], lengths[1], back)
    mid = [(0.5 * (hip[0] + knee[0]), 0.5 * (hip[1] + knee[1])), knee, (0.5 * (knee[0] + target[0]), 0.5 * (knee[1] + target[1]))]
    line = np.array([hip, *mid, target])
    w = np.array([widths[0], 0.5 * (widths[0] + widths[1]), widths[1], 0.5 * (widths[1] + widths[2]), widths[2]])
    return [Part(tapered(line, w), color), Part(ellipse(knee[0], knee[1], widths[1] * 0.5, widths[1] * 0.5, 10), color)]


def _eye(x: float, y: float, r: float) -> list[Part]:
    """White eye with a dark pupil looking forward."""
    return [Part(ellipse(x, y, r, r, 10), _WHITE),
            Part(ellipse(x + 0.3 * r, y, 0.55 * r, 0.65 * r, 10), _DARK, True)]


def _claws(x: float, y: float, n: int, size: float, angle: float = 0.0) -> list[Part]:
    """Small ivory claws pointing forward-down from (x, y)."""
    parts = []
    for k in range(n):
        cx = x + (k - (n - 1) / 2) * size * 0.9
        tri = [(0.0, -size * 0.35), (size, size * 0.25), (0.0, size * 0.35)]
        parts.append(Part(_xf(tri, 1.0, angle + 0.5, (cx, y)), _IVORY, True))
    return parts


def _feather_wing(sx: float, sy: float, length: float, angle: float, feathers: int = 6) -> np.ndarray:
    """Feathered wing from shoulder (sx, sy): ``angle`` 0 points it up, + swings it back (down past 90 deg)."""
    lead = np.array([(0.0, 0.0), (0.1, -0.3), (0.11, -0.64), (0.02, -1.0)])
    k = np.arange(2 * feathers + 1)
    t = k / (2 * feathers)
    trail = np.stack([0.02 - 0.33 * t - 0.1 * np.sin(math.pi * t), -1.0 + 1.04 * t], axis=1)
    depth = np.where(k % 2 == 1, 0.1 + 0.06 * np.sin(math.pi * t), 0.0)
    trail += np.stack([-0.75 * depth, 0.66 * depth], axis=1)
    return rotate(np.concatenate([lead, trail[1:]]) * length, -angle) + (sx, sy)


def _wing_pair(p: CharacterPalette, shoulder: Pt, length: float, angles: Pt, color: Color) -> tuple[list[Part], list[Part]]:
    """Far and near feathered wings (far one darker and a little further back); near one gets a covert layer."""
    sx, sy = shoulder
    far = [Part(_feather_wing(sx - 0.05, sy - 0.01, length * 0.95, angles[0], 6), shade(color, _FAR))]
    cover = rotate(np.array([(0.0, 0.0), (0.09, -0.3), (0.08, -0.52), (-0.1, -0.38), (-0.2, -0.12), (-0.12, 0.02)]) * length,
                   -angles[1]) + shoulder
    near = [Part(_feather_wing(sx, sy, length, angles[1], 7), color), Part(cover, mix(color, p.primary, 0.45))]
    return far, near


def _flame(base: Pt, angle: float, length: float, width: float, wave: float, n: int = 12) -> np.ndarray:
    """Flame tongue from ``base`` in direction ``angle`` (radians, screen), wavy and pointed."""
    t = np.linspace(0.0, 1.0, n)
    d = np.array([math.cos(angle), math.sin(angle)])
    normal = np.array([-d[1], d[0]])
    centre = np.asarray(base) + (t * length)[:, None] * d + (wave * length * np.sin(1.6 * math.pi * t))[:, None] * normal
    widths = width * (0.55 + 0.45 * np.sin(math.pi * np.minimum(1.0, t + 0.3))) * (1.0 - t) + 0.004
    return tapered(centre, widths)


def _deco(rng: np.random.Generator, p: CharacterPalette) -> Color:
    """Colour of decorations (plates, manes, crests, flames): secondary, accent or a blend, for every kind alike."""
    r = rng.random()
    return p.secondary if r < 0.4 else p.accent if r < 0.7 else mix(p.accent, p.secondary, 0.45)


def _finish(rng: np.random.Generator, kind: str, parts: list[Part], pose: dict, anchors: dict[str, Pt]) -> Sprite:
    """Normalise a built creature: feet (lowest point) on y = 0, about one unit tall, at most MAX_WIDTH wide."""
    pts = np.concatenate([part.points for part in parts])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    s = min(rng.uniform(0.93, 1.07) / (y1 - y0), MAX_WIDTH / (x1 - x0))
    for part in parts:  # builders put the feet (or the body's middle) at x = 0
        part.points = (part.points - (0.0, y1)) * s
    scaled = {k: (round(x * s, 4), round((y - y1) * s, 4)) for k, (x, y) in anchors.items()}
    return Sprite(kind, parts, pose, scaled)


def _gait(rng: np.random.Generator, airborne: bool, spread: float, lift: float) -> list[Pt]:
    """(dx, lift) of four feet (near hind, far hind, near front, far front): a walk cycle, zeros when leaping."""
    if airborne:
        return [(0.0, 0.0)] * 4
    phase = rng.uniform(0.0, 2 * math.pi)
    offsets = (0.0, math.pi, math.pi * 0.5, math.pi * 1.5)
    return [(spread * math.sin(phase + k), lift * max(0.0, math.cos(phase + k))) for k in offsets]


def _move(parts: list[Part], anchors: dict[str, Pt], angle: float, centre: Pt) -> None:
    """Rotate parts and anchors in place around ``centre`` (body pitch, head tilt)."""
    for part in parts:
        part.points = rotate(part.points, angle, *centre)
    for key, (x, y) in anchors.items():
        q = rotate(np.array([[x, y]]), angle, *centre)[0]
        anchors[key] = (float(q[0]), float(q[1]))


def _digi_leg(hip: Pt, toe: Pt, meta: Pt, lengths: Pt, widths: tuple[float, float, float], color: Color) -> list[Part]:
    """Digitigrade hind leg (dinosaurs, birds): thigh, shin bent at a forward knee, then a sloping foot to ``toe``."""
    ankle = (toe[0] + meta[0], toe[1] + meta[1])
    parts = _leg(hip, ankle, lengths, widths, False, color)
    parts.append(Part(tapered(np.array([ankle, toe]), np.array([widths[2], widths[2] * 0.75])), color))
    return parts


def _column_leg(top: Pt, dx: float, lift: float, lengths: Pt, widths: tuple[float, float, float], back: bool, color: Color,
                foot: float) -> list[Part]:
    """Sturdy leg from ``top`` down to a foot pad ``foot`` wide, ``dx`` forward and ``lift`` off the ground."""
    target = (top[0] + dx, -0.03 - lift)
    parts = _leg(top, target, lengths, widths, back, color)
    parts.append(Part(ellipse(target[0] + 0.01, target[1], foot, 0.032, 10), color))
    parts.append(Part(ellipse(top[0], top[1] + 0.02, widths[0] * 0.56, widths[0] * 0.8), color))
    return parts

