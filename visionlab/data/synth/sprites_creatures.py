"""Dinosaur and mythical-creature sprites (variant 16: dinosaurs vs mythical creatures).

Dinosaurs: ``tyrannosaur`` (big head, tiny arms, heavy tail), ``stegosaur`` (back plates, tail spikes),
``longneck`` (sauropod) and ``raptor`` (slim biped, sickle claw, sometimes feathered). Mythical creatures:
``unicorn`` (horned horse), ``griffin`` (eagle front, lion body, wings), ``phoenix`` (flame-tailed bird)
and ``hydra`` (several serpent heads on one body).

Every builder follows :data:`~visionlab.data.synth.sprites.SpriteBuilder`: ``(rng, palette, airborne)``.
All large parts take palette colours (flames and plates included), so a colour histogram says little
about the class; the kind is told by shape. Kinds share features across the classes on purpose
(feathered raptors spread their arms when leaping, winged kinds fold their wings on the ground, every
kind may leap), so no single cue (wings, a pose, a colour) separates dinosaurs from mythical creatures.
Each sprite is built in rough unit coordinates, then normalised (:func:`_finish`): feet on y = 0,
about one unit tall, at most ``MAX_WIDTH`` wide.
"""

from __future__ import annotations

import math

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .sprites import Part, Sprite, ellipse, register_sprite, rotate, tapered

DINOSAURS = ("tyrannosaur", "stegosaur", "longneck", "raptor")
"""Variant 16's first class."""

MYTHICAL = ("unicorn", "griffin", "phoenix", "hydra")
"""Variant 16's second class."""

CREATURE_KINDS = DINOSAURS + MYTHICAL

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


# --------------------------------------------------------------------------- tyrannosaur


def _rex_head(p: CharacterPalette, at: Pt, size: float, tilt: float, jaw: float, brow: int) -> tuple[list[Part], dict[str, Pt]]:
    """Big boxy head with an open-able jaw, teeth, a brow ridge and an eye; origin at the back of the skull."""
    skull = [(-0.07, -0.09), (0.06, -0.14), (0.22, -0.12), (0.34, -0.06), (0.37, 0.0), (0.35, 0.035), (0.0, 0.05), (-0.08, 0.03)]
    jawp = rotate(np.array([(-0.06, 0.0), (0.31, 0.02), (0.3, 0.075), (0.0, 0.11), (-0.08, 0.06)]), jaw, -0.05, 0.01)
    inside = np.array([(-0.04, 0.02), (0.33, 0.03), tuple(jawp[1]), (-0.02, 0.06)])
    parts = [Part(_xf(inside, size, tilt, at), mix(p.primary, _DARK, 0.6)), Part(_xf(jawp, size, tilt, at), shade(p.primary, 0.85))]
    for k in range(5):
        x = 0.1 + 0.055 * k
        parts.append(Part(_xf([(x - 0.014, 0.03), (x + 0.014, 0.03), (x, 0.07)], size, tilt, at), _WHITE, True))
    parts.append(Part(_xf(skull, size, tilt, at), p.primary))
    parts.append(Part(_xf([(0.02, 0.045), (0.34, 0.03), (0.3, 0.0), (0.05, 0.01)], size, tilt, at), p.secondary))
    for k in range(brow):
        x = 0.0 + 0.06 * k
        parts.append(Part(_xf([(x - 0.03, -0.1), (x + 0.035, -0.11), (x - 0.02, -0.19)], size, tilt, at), shade(p.secondary, 0.8)))
    parts.append(Part(_xf([(0.0, -0.1), (0.13, -0.11), (0.1, -0.07), (0.01, -0.065)], size, tilt, at), shade(p.primary, 0.75)))
    ex, ey = _pt((0.07, -0.05), size, tilt, at)
    parts += _eye(ex, ey, 0.026 * size)
    nx, ny = _pt((0.31, -0.045), size, tilt, at)
    parts.append(Part(ellipse(nx, ny, 0.012, 0.01, 10), _DARK, True))
    anchors = {"head": _pt((0.13, -0.03), size, tilt, at), "head_top": _pt((0.08, -0.135), size, tilt, at),
               "mouth": _pt((0.33, 0.05), size, tilt, at)}
    return parts, anchors


def _rex_arm(x: float, y: float, angle: float, color: Color) -> list[Part]:
    """Tiny two-fingered arm hanging from the chest."""
    elbow = (x + 0.08 * math.sin(angle), y + 0.08 * math.cos(angle))
    hand = (elbow[0] + 0.07 * math.sin(angle + 1.0), elbow[1] + 0.07 * math.cos(angle + 1.0))
    parts = [Part(tapered(np.array([(x, y), elbow, hand]), np.array([0.05, 0.04, 0.03])), color)]
    return parts + _claws(hand[0], hand[1], 2, 0.025, angle)


def _rex_legs(p: CharacterPalette, gait: list[Pt], airborne: bool, far: bool) -> list[Part]:
    """One heavy hind leg: big thigh, shin, sloping foot, toes with claws."""
    color = shade(p.primary, _FAR) if far else p.primary
    dx, lift = gait[1 if far else 0]
    hip = (-0.02 if far else -0.06, -0.5)
    toe = (0.1 + dx + (0.0 if far else 0.03), -0.03 - lift)
    meta = (-0.1, -0.15)
    if airborne:
        toe, meta = ((0.06, -0.17) if far else (0.14, -0.22)), (-0.13, -0.03)
    parts = _digi_leg(hip, toe, meta, (0.25, 0.24), (0.15, 0.09, 0.065), color)
    parts.append(Part(ellipse(toe[0] + 0.025, toe[1] + 0.005, 0.065, 0.027, 10), color))
    parts += _claws(toe[0] + 0.085, toe[1] + 0.01, 2, 0.025)
    parts.append(Part(rotate(ellipse(hip[0], hip[1] + 0.02, 0.12, 0.17), -0.35, *hip), color))
    return parts


@register_sprite("tyrannosaur")
def tyrannosaur_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Tyrannosaur: big toothy head, tiny arms, heavy thighs, bipedal stance balanced by a thick tail."""
    tilt, jaw = rng.uniform(-0.35, 0.3), rng.uniform(0.0, 0.4)
    curl, lean, tail = rng.uniform(-0.1, 0.12), rng.uniform(-0.15, 0.1), rng.uniform(0.5, 0.72)
    size, brow, stripes = rng.uniform(0.9, 1.12), int(rng.integers(0, 3)), int(rng.integers(0, 5))
    arm = rng.uniform(-0.4, 0.8)
    gait = _gait(rng, airborne, 0.1, 0.06)
    hip = (-0.04, -0.52)
    upper = [Part(tapered(np.array([(0.2, -0.56), (0.22 + 0.07 * math.sin(arm), -0.5)]), np.array([0.04, 0.03])), shade(p.primary, _FAR))]
    upper.append(Part(_tube([(-0.12, -0.62), (-0.12 - tail / 2, -0.66 + curl), (-0.12 - tail, -0.56 + 2 * curl)], 0.3, 0.025), p.primary))
    upper.append(Part(rotate(ellipse(0.02, -0.62, 0.3, 0.2), -0.12, 0.02, -0.62), p.primary))
    upper.append(Part(ellipse(0.1, -0.54, 0.19, 0.1), p.secondary))
    for k in range(stripes):
        x = -0.2 + 0.08 * k
        top = -0.62 - 0.2 * math.sqrt(max(0.0, 1.0 - ((x - 0.02) / 0.3) ** 2)) + 0.04 * x
        upper.append(Part(np.array([(x - 0.025, top + 0.02), (x + 0.02, top + 0.015), (x - 0.01, top + 0.13)]), shade(p.primary, 0.7)))
    upper.append(Part(_tube([(0.16, -0.62), (0.27, -0.7), (0.31, -0.82)], 0.26, 0.19), p.primary))
    head, anchors = _rex_head(p, (0.3, -0.86), size, tilt, jaw, brow)
    upper += head + _rex_arm(0.24, -0.58, arm, p.primary)
    _move(upper, anchors, lean, hip)
    parts = _rex_legs(p, gait, airborne, True) + upper + _rex_legs(p, gait, airborne, False)
    pose = {"head_tilt": round(tilt, 3), "jaw": round(jaw, 3), "brow_horns": brow, "stripes": stripes, "leaping": airborne}
    return _finish(rng, "tyrannosaur", parts, pose, anchors)


# --------------------------------------------------------------------------- stegosaur


def _column_leg(top: Pt, dx: float, lift: float, lengths: Pt, widths: tuple[float, float, float], back: bool, color: Color,
                foot: float) -> list[Part]:
    """Sturdy leg from ``top`` down to a foot pad ``foot`` wide, ``dx`` forward and ``lift`` off the ground."""
    target = (top[0] + dx, -0.03 - lift)
    parts = _leg(top, target, lengths, widths, back, color)
    parts.append(Part(ellipse(target[0] + 0.01, target[1], foot, 0.032, 10), color))
    parts.append(Part(ellipse(top[0], top[1] + 0.02, widths[0] * 0.56, widths[0] * 0.8), color))
    return parts


def _plates(color: Color, n: int, height: float, rx: float, ry: float, centre: Pt, pitch: float,
            offset: float) -> list[Part]:
    """A row of kite-shaped back plates along the top of a (pitched) body ellipse, tallest in the middle."""
    parts = []
    for k in range(n):
        phi = math.pi * (1.2 + 0.6 * (k + 0.5 + offset) / n)
        base = rotate(np.array([[rx * math.cos(phi), ry * math.sin(phi)]]), pitch)[0] + centre
        nx, ny = rotate(np.array([[math.cos(phi) / rx, math.sin(phi) / ry]]), pitch)[0]
        h = height * (0.45 + 0.55 * math.sin(math.pi * (k + 0.5 + offset) / n))
        w = 0.75 / n + 0.04
        kite = [(-w * 0.3, 0.04), (-w * 0.5, -h * 0.35), (-w * 0.3, -h * 0.78), (0.0, -h), (w * 0.32, -h * 0.75),
                (w * 0.5, -h * 0.3), (w * 0.3, 0.04)]
        parts.append(Part(_xf(kite, 1.0, math.atan2(nx, -ny) - 0.15, (float(base[0]), float(base[1]))), color))
    return parts


def _stego_tail(color: Color, spike_color: Color, curl: float, spikes: int, length: float) -> list[Part]:
    """Tail of ``length`` held off the ground with spikes (thagomizer) near its tip."""
    ctrl = [(-0.24, -0.55), (-0.24 - 0.5 * length, -0.6 + curl), (-0.24 - length, -0.72 + 1.5 * curl)]
    line = _bezier(ctrl, 12)
    parts = []
    for k in range(spikes):
        x, y = line[11 - k]
        ang = -0.75 - 0.3 * (k % 2) + 0.12 * k
        parts.append(Part(_xf([(-0.03, 0.0), (0.03, 0.0), (0.0, -0.18)], 1.0, ang, (float(x), float(y))), spike_color))
    parts.append(Part(tapered(line, np.linspace(0.2, 0.035, 12)), color))
    return parts


@register_sprite("stegosaur")
def stegosaur_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Stegosaur: arched quadruped with two rows of back plates, a small low head and a spiked tail."""
    n, plate_h, spikes = int(rng.integers(4, 8)), rng.uniform(0.16, 0.25), int(rng.integers(2, 5))
    head_y, curl, pitch = rng.uniform(-0.1, 0.02 if airborne else 0.1), rng.uniform(-0.12, 0.1), rng.uniform(0.06, 0.2)
    tail = rng.uniform(0.35, 0.55)
    gait = _gait(rng, airborne, 0.07, 0.06)
    plate = _deco(rng, p)
    far, near = shade(p.primary, _FAR), p.primary
    legs = [(-0.16, -0.46, (0.22, 0.22), (0.16, 0.12, 0.11), True), (0.2, -0.4, (0.19, 0.19), (0.13, 0.1, 0.095), False)]
    tuck = [(-0.1, 0.1), (0.1, 0.1)] if airborne else [(0.0, 0.0), (0.0, 0.0)]
    parts = []
    for j, (x, y, lengths, widths, back) in enumerate(legs):
        dx, lift = gait[2 * j + 1]
        parts += _column_leg((x + 0.05, y), dx + tuck[j][0], lift + tuck[j][1], lengths, widths, back, far, 0.07)
    parts += _plates(shade(plate, _FAR), n, plate_h * 0.9, 0.34, 0.22, (0.0, -0.5), pitch, 0.5)
    parts += _plates(plate, n, plate_h, 0.34, 0.22, (0.0, -0.5), pitch, 0.0)
    parts += _stego_tail(near, shade(plate, 0.85), curl, spikes, tail)
    parts.append(Part(_tube([(0.22, -0.46), (0.38, -0.42), (0.48, -0.33 + head_y)], 0.17, 0.09), near))
    parts.append(Part(rotate(ellipse(0.0, -0.5, 0.34, 0.22), pitch, 0.0, -0.5), near))
    parts.append(Part(rotate(ellipse(0.04, -0.4, 0.26, 0.09), pitch, 0.0, -0.5), p.secondary))
    hx, hy = 0.52, -0.33 + head_y
    parts.append(Part(rotate(ellipse(hx, hy, 0.085, 0.05), 0.25, hx, hy), near))
    parts.append(Part(np.array([(hx + 0.05, hy - 0.01), (hx + 0.12, hy + 0.035), (hx + 0.04, hy + 0.04)]), shade(near, 0.8)))
    parts += _eye(hx, hy - 0.012, 0.017)
    for j, (x, y, lengths, widths, back) in enumerate(legs):
        dx, lift = gait[2 * j]
        parts += _column_leg((x, y), dx + tuck[j][0], lift + tuck[j][1], lengths, widths, back, near, 0.075)
    anchors = {"head": (hx, hy), "head_top": (hx - 0.01, hy - 0.05), "mouth": (hx + 0.1, hy + 0.03)}
    pose = {"plates": n, "tail_spikes": spikes, "tail": round(tail, 3), "head_drop": round(head_y, 3), "leaping": airborne}
    return _finish(rng, "stegosaur", parts, pose, anchors)


# --------------------------------------------------------------------------- longneck


def _longneck_neck(p: CharacterPalette, angle: float, length: float) -> tuple[list[Part], dict[str, Pt]]:
    """Long neck curving up from the shoulders to a small head."""
    bx, by = 0.22, -0.56
    hx, hy = bx + length * math.cos(angle), by + length * math.sin(angle)
    ctrl = [(bx, by), (bx + 0.22, by + 0.45 * length * math.sin(angle)), (hx - 0.02, hy + 0.03)]
    parts = [Part(_tube(ctrl, 0.22, 0.075, 14), p.primary)]
    parts.append(Part(ellipse(hx, hy, 0.065, 0.052), p.primary))
    parts.append(Part(rotate(ellipse(hx + 0.07, hy + 0.015, 0.07, 0.038), 0.2, hx + 0.07, hy + 0.015), p.primary))
    parts += _eye(hx + 0.01, hy - 0.012, 0.017)
    parts.append(Part(tapered(np.array([(hx + 0.06, hy + 0.035), (hx + 0.12, hy + 0.04)]), np.array([0.008, 0.008])), _DARK, True))
    anchors = {"head": (hx + 0.02, hy), "head_top": (hx, hy - 0.05), "mouth": (hx + 0.13, hy + 0.03)}
    return parts, anchors


@register_sprite("longneck")
def longneck_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Sauropod: bulky body on four column legs, a very long neck with a small head and a long whip tail."""
    angle, length = math.radians(rng.uniform(-80.0, -35.0)), rng.uniform(0.55, 0.72)
    curl, tail = rng.uniform(-0.12, 0.12), rng.uniform(0.4, 0.68)
    spots, ridge = int(rng.integers(0, 6)), bool(rng.random() < 0.4)
    gait = _gait(rng, airborne, 0.06, 0.05)
    far, near = shade(p.primary, _FAR), p.primary
    tuck = [(-0.18, 0.16), (0.18, 0.16)] if airborne else [(0.0, 0.0), (0.0, 0.0)]
    parts = []
    for j, x in enumerate((-0.16, 0.23)):
        dx, lift = gait[2 * j + 1]
        parts += _column_leg((x, -0.46), dx + tuck[j][0], lift + tuck[j][1], (0.22, 0.22), (0.15, 0.13, 0.13), j == 0, far, 0.08)
    parts.append(Part(_tube([(-0.24, -0.5), (-0.3 - 0.5 * tail, -0.52 + curl), (-0.28 - tail, -0.28 + curl)], 0.24, 0.014, 14), near))
    neck, anchors = _longneck_neck(p, angle, length)
    parts += neck[:1]
    parts.append(Part(ellipse(0.0, -0.52, 0.34, 0.2), near))
    parts.append(Part(ellipse(0.03, -0.43, 0.26, 0.09), p.secondary))
    for k in range(spots):
        parts.append(Part(ellipse(-0.2 + 0.09 * k, -0.6 + 0.04 * (k % 2), 0.035, 0.025, 10), _deco(rng, p)))
    if ridge:
        for k in range(6):
            x = -0.22 + 0.08 * k
            top = -0.52 - 0.2 * math.sqrt(max(0.0, 1 - (x / 0.34) ** 2))
            parts.append(Part(np.array([(x - 0.03, top + 0.02), (x + 0.03, top + 0.02), (x, top - 0.04)]), p.secondary))
    parts += neck[1:]
    for j, x in enumerate((-0.2, 0.19)):
        dx, lift = gait[2 * j]
        parts += _column_leg((x, -0.44), dx + tuck[j][0], lift + tuck[j][1], (0.21, 0.21), (0.16, 0.14, 0.14), j == 0, near, 0.085)
    pose = {"neck_angle_deg": round(math.degrees(angle), 1), "spots": spots, "ridge": ridge, "leaping": airborne}
    return _finish(rng, "longneck", parts, pose, anchors)


# --------------------------------------------------------------------------- raptor


def _raptor_head(p: CharacterPalette, at: Pt, tilt: float, jaw: float, crest: Color | None) -> tuple[list[Part], dict[str, Pt]]:
    """Long narrow toothy head, optionally with a feather crest; origin at the back of the skull."""
    parts = []
    if crest is not None:
        for k in range(3):
            base = _pt((-0.02 + 0.025 * k, -0.035), 1.0, tilt, at)
            parts.append(Part(_flame(base, -2.6 + 0.25 * k + tilt, 0.13 - 0.02 * k, 0.055, 0.08), crest))
    skull = [(-0.05, -0.035), (0.05, -0.06), (0.17, -0.045), (0.25, -0.015), (0.255, 0.008), (0.0, 0.03), (-0.06, 0.02)]
    jawp = rotate(np.array([(-0.04, 0.005), (0.23, 0.012), (0.22, 0.035), (0.0, 0.05), (-0.05, 0.03)]), jaw, -0.04, 0.01)
    parts.append(Part(_xf([(-0.03, 0.01), (0.24, 0.012), tuple(jawp[1]), (-0.02, 0.03)], 1.0, tilt, at), mix(p.primary, _DARK, 0.6)))
    parts.append(Part(_xf(jawp, 1.0, tilt, at), shade(p.primary, 0.85)))
    for k in range(4):
        x = 0.08 + 0.045 * k
        parts.append(Part(_xf([(x - 0.01, 0.015), (x + 0.01, 0.015), (x, 0.04)], 1.0, tilt, at), _WHITE, True))
    parts.append(Part(_xf(skull, 1.0, tilt, at), p.primary))
    parts.append(Part(_xf([(-0.02, -0.045), (0.09, -0.055), (0.07, -0.035), (0.0, -0.03)], 1.0, tilt, at), shade(p.primary, 0.75)))
    ex, ey = _pt((0.035, -0.018), 1.0, tilt, at)
    parts += _eye(ex, ey, 0.02)
    anchors = {"head": _pt((0.09, -0.01), 1.0, tilt, at), "head_top": _pt((0.05, -0.06), 1.0, tilt, at),
               "mouth": _pt((0.24, 0.02), 1.0, tilt, at)}
    return parts, anchors


def _feather_fan(root: Pt, elbow: Pt, hand: Pt, depth: float, color: Color) -> Part:
    """Feathers hanging from an arm (shoulder-elbow-hand), on its trailing (back) side, with scalloped tips."""
    u = np.subtract(hand, elbow) / (math.dist(hand, elbow) + 1e-9)
    v = np.array([u[1], -u[0]]) if u[1] < 0 or (u[1] == 0 and u[0] > 0) else np.array([-u[1], u[0]])
    if v[0] > 0.3:
        v = -v
    edge = _bezier([root, elbow, hand], 9)
    tips = [edge[i] + v * depth * (1.1 if i % 2 else 0.75) * (0.6 + 0.4 * i / 8) for i in range(9)]
    return Part(np.concatenate([edge, np.array(tips[::-1])]), color)


def _raptor_arm(shoulder: Pt, angle: float, color: Color, feathers: Color | None) -> list[Part]:
    """Long grasping arm (angle from straight down, + forward) with three claws, feathered or not."""
    elbow = (shoulder[0] + 0.11 * math.sin(angle), shoulder[1] + 0.11 * math.cos(angle))
    hand = (elbow[0] + 0.11 * math.sin(angle + 1.1), elbow[1] + 0.11 * math.cos(angle + 1.1))
    parts = [] if feathers is None else [_feather_fan(shoulder, elbow, hand, 0.09, feathers)]
    parts.append(Part(tapered(np.array([shoulder, elbow, hand]), np.array([0.055, 0.04, 0.03])), color))
    return parts + _claws(hand[0], hand[1], 3, 0.025, angle + 1.1)


def _raptor_leg(p: CharacterPalette, step: Pt, airborne: bool, far: bool) -> list[Part]:
    """Long slim hind leg with a raised sickle claw on the foot."""
    color = shade(p.primary, _FAR) if far else p.primary
    hip = (-0.01 if far else -0.04, -0.52)
    toe, meta = (0.07 + step[0] + (0.0 if far else 0.02), -0.02 - step[1]), (-0.06, -0.17)
    if airborne:
        toe, meta = ((0.08, -0.2) if far else (0.17, -0.24)), (-0.1, -0.07)
    parts = _digi_leg(hip, toe, meta, (0.21, 0.22), (0.11, 0.06, 0.045), color)
    parts.append(Part(ellipse(hip[0], hip[1] + 0.04, 0.07, 0.1), color))
    parts.append(Part(ellipse(toe[0] + 0.02, toe[1], 0.05, 0.02, 10), color))
    claw = [(-0.012, 0.0), (-0.01, -0.045), (0.02, -0.085), (0.06, -0.08), (0.028, -0.055), (0.014, 0.0)]
    parts.append(Part(_xf(claw, 1.1, 0.0, (toe[0] - 0.03, toe[1] - 0.01)), _IVORY))
    return parts + _claws(toe[0] + 0.065, toe[1] + 0.006, 2, 0.02)


@register_sprite("raptor")
def raptor_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Raptor: slim fast biped with a long stiff tail, grasping arms, sickle claws; often feathered."""
    feathered = bool(rng.random() < 0.55)
    tilt, jaw, curl = rng.uniform(-0.3, 0.35), rng.uniform(0.0, 0.4), rng.uniform(-0.08, 0.1)
    tail_len = rng.uniform(0.45, 0.68)
    arm = 2.1 + rng.uniform(-0.3, 0.3) if airborne else rng.uniform(-0.2, 0.9)
    crest = feathered and bool(rng.random() < 0.6)
    gait = _gait(rng, airborne, 0.12, 0.07)
    plume = _deco(rng, p)
    fcolor = plume if feathered else None
    parts = _raptor_arm((0.14, -0.6), arm - 0.3, shade(p.primary, _FAR), None if fcolor is None else shade(fcolor, _FAR))
    parts += _raptor_leg(p, gait[1], airborne, True)
    tail = _bezier([(-0.1, -0.58), (-0.1 - tail_len / 2, -0.63 + curl), (-0.1 - tail_len, -0.6 + 2 * curl)], 12)
    if feathered:
        for k in range(4):
            x, y = tail[8 + k // 2 + k % 2]
            parts.append(Part(_flame((float(x), float(y)), math.pi - 0.45 + 0.3 * k, 0.17, 0.075, 0.06), plume))
    parts.append(Part(tapered(tail, np.linspace(0.13, 0.02, 12)), p.primary))
    parts.append(Part(_tube([(0.08, -0.6), (0.2, -0.66), (0.2, -0.8)], 0.1, 0.07), p.primary))
    parts.append(Part(rotate(ellipse(0.0, -0.57, 0.2, 0.105), -0.2, 0.0, -0.57), p.primary))
    parts.append(Part(rotate(ellipse(0.04, -0.53, 0.13, 0.05), -0.2, 0.0, -0.57), p.secondary))
    if feathered:
        for k in range(4):
            parts.append(Part(_flame((-0.14 + 0.07 * k, -0.64 - 0.025 * k), -2.75, 0.1, 0.06, 0.08), plume))
    head, anchors = _raptor_head(p, (0.2, -0.82), tilt, jaw, plume if crest else None)
    parts += head + _raptor_leg(p, gait[0], airborne, False)
    parts += _raptor_arm((0.12, -0.58), arm, p.primary, fcolor)
    pose = {"feathered": feathered, "crest": crest, "head_tilt": round(tilt, 3), "arm_deg": round(math.degrees(arm), 1),
            "leaping": airborne}
    return _finish(rng, "raptor", parts, pose, anchors)


# --------------------------------------------------------------------------- unicorn


def _hoof_leg(top: Pt, hoof: Pt, lengths: Pt, widths: tuple[float, float, float], back: bool, color: Color, hoof_color: Color) -> list[Part]:
    """Slim horse leg from ``top`` to a hoof standing at ``hoof``."""
    fetlock = (hoof[0] - 0.015, hoof[1] - 0.055)
    parts = _leg(top, fetlock, lengths, widths, back, color)
    parts.append(Part(tapered(np.array([fetlock, (hoof[0] + 0.008, hoof[1] - 0.025)]), np.array([widths[2], widths[2] * 0.9])), color))
    hx, hy = hoof
    parts.append(Part(np.array([(hx - 0.026, hy - 0.035), (hx + 0.03, hy - 0.035), (hx + 0.04, hy), (hx - 0.03, hy)]), hoof_color))
    return parts


def _unicorn_head(p: CharacterPalette, poll: Pt, ang: float, horn_len: float, hair: Color) -> tuple[list[Part], dict[str, Pt]]:
    """Horse head from the poll along ``ang`` (nose direction), with ear, forelock and a spiral horn."""
    d, up = np.array([math.cos(ang), math.sin(ang)]), np.array([math.sin(ang), -math.cos(ang)])
    o = np.asarray(poll)
    muzzle = o + 0.21 * d
    horn_color = mix(p.accent, _WHITE, 0.45)
    parts = [Part(np.array([o - 0.03 * d + 0.03 * up, o + 0.02 * d + 0.04 * up, o - 0.05 * d + 0.13 * up]), shade(p.primary, 0.85))]
    parts.append(Part(tapered(np.array([o, o + 0.12 * d, muzzle]), np.array([0.13, 0.11, 0.085])), p.primary))
    parts.append(Part(ellipse(0.0, 0.0, 0.07, 0.07) + o + 0.03 * d - 0.02 * up, p.primary))
    parts.append(Part(ellipse(0.0, 0.0, 0.048, 0.048) + muzzle, p.primary))
    hb = o + 0.07 * d + 0.05 * up
    hd = np.array([math.cos(ang - 1.35), math.sin(ang - 1.35)])
    side = np.array([-hd[1], hd[0]])
    parts.append(Part(np.array([hb + 0.024 * side, hb - 0.024 * side, hb + horn_len * hd]), horn_color))
    for k in range(3):
        c = hb + hd * horn_len * (0.2 + 0.22 * k)
        w = 0.022 * (1 - (0.2 + 0.22 * k))
        parts.append(Part(tapered(np.array([c - w * side - 0.012 * hd, c + w * side + 0.012 * hd]), np.array([0.008, 0.008])),
                          shade(horn_color, 0.7), True))
    parts.append(Part(_flame(tuple(o + 0.03 * up), ang + 0.7, 0.1, 0.06, 0.1), hair))
    eye = o + 0.065 * d + 0.015 * up
    parts += _eye(float(eye[0]), float(eye[1]), 0.019)
    parts.append(Part(ellipse(0.0, 0.0, 0.012, 0.009, 10) + muzzle + 0.015 * d + 0.005 * up, _DARK, True))
    anchors = {"head": tuple(o + 0.08 * d), "head_top": tuple(hb), "mouth": tuple(muzzle + 0.04 * d + 0.02 * up)}
    return parts, {k: (float(v[0]), float(v[1])) for k, v in anchors.items()}


def _mane(neck: np.ndarray, widths: np.ndarray, color: Color) -> Part:
    """Wavy mane along the back edge of a neck centre line, hanging back and down."""
    t = np.gradient(neck, axis=0)
    t /= np.hypot(t[:, :1], t[:, 1:]) + 1e-9
    back = np.stack([t[:, 1], -t[:, 0]], axis=1)
    back *= np.where(back[:, :1] > 0, -1.0, 1.0)  # the normal on the creature's back (-x) side
    k = np.arange(len(neck))
    inner = neck + back * (widths[:, None] * 0.3)
    outer = neck + back * (widths * 0.5 + 0.05 + 0.035 * (k % 2))[:, None] + np.array([0.0, 0.03])
    return Part(np.concatenate([inner, outer[::-1]]), color)


def _horse_legs(p: CharacterPalette, gait: list[Pt], airborne: bool, far: bool) -> list[Part]:
    """Hind and front leg on one side: hocks bend back, knees forward; tucked up when leaping."""
    color = shade(p.primary, _FAR) if far else p.primary
    hoof_color = shade(p.secondary, 0.55)
    (hdx, hlift), (fdx, flift) = (gait[1], gait[3]) if far else (gait[0], gait[2])
    shift = 0.05 if far else 0.0
    hind, front = (-0.2 + shift + hdx, -hlift), (0.2 + shift + fdx, -flift)
    if airborne:
        hind, front = (-0.58 + shift, -0.36), (0.36 + shift, -0.36)
    parts = _hoof_leg((-0.2 + shift, -0.56), hind, (0.27, 0.26), (0.12, 0.06, 0.048), True, color, hoof_color)
    parts += _hoof_leg((0.19 + shift, -0.55), front, (0.25, 0.26), (0.1, 0.058, 0.048), False, color, hoof_color)
    if not far:
        parts.append(Part(rotate(ellipse(-0.18, -0.56, 0.09, 0.14), -0.35, -0.18, -0.56), color))
    return parts


@register_sprite("unicorn")
def unicorn_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Unicorn: horse body on slim legs with hooves, arched neck, flowing mane and tail, spiral horn."""
    neck_a, head_a = rng.uniform(-1.4, -0.8), rng.uniform(0.35, 1.15)
    horn, wave, tail_a = rng.uniform(0.17, 0.25), rng.uniform(-0.12, 0.12), rng.uniform(1.6, 2.4) + 0.6 * airborne
    gait = _gait(rng, airborne, 0.1, 0.1)
    hair = _deco(rng, p)
    parts = _horse_legs(p, gait, airborne, True)
    for k in range(2):
        parts.append(Part(_flame((-0.27, -0.66), tail_a + 0.25 * (k - 0.5), 0.44 - 0.08 * k, 0.17, wave * (1 if k else -1)),
                          shade(hair, 1.0 - 0.12 * k)))
    poll = (0.17 + 0.32 * math.cos(neck_a), -0.64 + 0.32 * math.sin(neck_a))
    neck = _bezier([(0.15, -0.6), (0.22 + 0.1 * math.cos(neck_a), -0.66 + 0.12 * math.sin(neck_a)), poll], 10)
    parts.append(Part(tapered(neck, np.linspace(0.21, 0.12, 10)), p.primary))
    parts.append(Part(ellipse(0.0, -0.6, 0.27, 0.13), p.primary))
    parts.append(Part(ellipse(0.17, -0.6, 0.12, 0.14), p.primary))
    parts.append(Part(ellipse(0.02, -0.52, 0.17, 0.045), mix(p.primary, p.secondary, 0.5)))
    parts.append(_mane(neck, np.linspace(0.21, 0.12, 10), hair))
    head, anchors = _unicorn_head(p, poll, head_a, horn, hair)
    parts += head + _horse_legs(p, gait, airborne, False)
    pose = {"neck_deg": round(math.degrees(neck_a), 1), "head_deg": round(math.degrees(head_a), 1), "horn": round(horn, 3),
            "leaping": airborne}
    return _finish(rng, "unicorn", parts, pose, anchors)


# --------------------------------------------------------------------------- winged kinds


def _wing_pose(rng: np.random.Generator, airborne: bool) -> tuple[str, float, float]:
    """Wing state, angle (0 = up, + swings back and down) and length factor: spread in flight, often folded on the ground."""
    r = rng.random()
    if airborne or r < 0.3:
        state = "up" if rng.random() < 0.55 else "down"
        angle = rng.uniform(0.05, 0.6) if state == "up" else rng.uniform(1.45, 1.95)
        return state, angle, 1.0
    if r < 0.45:
        return "raised", rng.uniform(0.3, 0.9), 0.85
    return "folded", rng.uniform(1.7, 1.9), 0.72


def _griffin_head(p: CharacterPalette, at: Pt, tilt: float, feather: Color, tufts: bool) -> tuple[list[Part], dict[str, Pt]]:
    """Eagle head: round, feathered, hooked beak, fierce brow and optional ear tufts; origin at its centre."""
    parts = []
    if tufts:
        for k in range(2):
            parts.append(Part(_flame(_pt((-0.03, -0.05), 1.0, tilt, at), -2.5 - 0.3 * k + tilt, 0.12, 0.05, 0.05), shade(feather, 0.85)))
    parts.append(Part(_xf(ellipse(0.0, 0.0, 0.085, 0.08), 1.0, tilt, at), feather))
    beak = [(0.04, -0.045), (0.12, -0.04), (0.175, 0.0), (0.165, 0.055), (0.135, 0.02), (0.05, 0.035)]
    parts.append(Part(_xf(beak, 1.0, tilt, at), mix(p.accent, p.secondary, 0.35)))
    parts.append(Part(_xf([(0.06, 0.005), (0.135, 0.015)], 1.0, tilt, at).repeat(2, 0)[[0, 1, 3, 2]] + (0.0, 0.004), _DARK, True))
    ex, ey = _pt((0.025, -0.02), 1.0, tilt, at)
    parts += _eye(ex, ey, 0.022)
    parts.append(Part(_xf([(-0.01, -0.05), (0.06, -0.04), (0.065, -0.025), (0.0, -0.035)], 1.0, tilt, at), shade(feather, 0.6)))
    anchors = {"head": at, "head_top": _pt((0.0, -0.08), 1.0, tilt, at), "mouth": _pt((0.16, 0.03), 1.0, tilt, at)}
    return parts, anchors


def _griffin_legs(p: CharacterPalette, feather: Color, gait: list[Pt], airborne: bool, far: bool) -> list[Part]:
    """Lion hind leg with a paw and eagle front leg with talons, on one side."""
    lion = shade(p.primary, _FAR) if far else p.primary
    bird = shade(feather, _FAR) if far else feather
    talon = mix(p.accent, p.secondary, 0.35)
    (hdx, hlift), (fdx, flift) = (gait[1], gait[3]) if far else (gait[0], gait[2])
    shift = 0.05 if far else 0.0
    hind, front = (-0.2 + shift + hdx, -0.035 - hlift), (0.2 + shift + fdx, -0.03 - flift)
    if airborne:
        hind, front = (-0.5 + shift, -0.24), (0.2 + shift, -0.36)
    parts = _leg((-0.2 + shift, -0.52), hind, (0.26, 0.25), (0.14, 0.08, 0.07), True, lion)
    parts.append(Part(ellipse(hind[0] + 0.025, hind[1], 0.065, 0.035, 10), lion))
    parts += _leg((0.16 + shift / 2, -0.5), front, (0.25, 0.24), (0.08, 0.05, 0.042), True, shade(talon, 0.85 if far else 1.0))
    parts.append(Part(ellipse(0.16 + shift / 2, -0.47, 0.06, 0.1), bird))
    parts += _claws(front[0] + 0.03, front[1], 3, 0.03)
    if not far:
        parts.append(Part(rotate(ellipse(-0.2, -0.5, 0.11, 0.16), -0.3, -0.2, -0.5), lion))
    return parts


@register_sprite("griffin")
def griffin_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Griffin: lion body, legs and tufted tail; eagle head, feathered breast, talons and big feathered wings."""
    state, wing, reach = _wing_pose(rng, airborne)
    tilt, curl, tufts = rng.uniform(-0.3, 0.3), rng.uniform(-0.1, 0.15), bool(rng.random() < 0.6)
    gait = _gait(rng, airborne, 0.08, 0.08)
    feather, tuft = mix(p.secondary, _WHITE, 0.3), _deco(rng, p)
    far_wing, near_wing = _wing_pair(p, (0.02, -0.62), 0.58 * reach, (wing - 0.15, wing), p.secondary)
    parts = far_wing + _griffin_legs(p, feather, gait, airborne, True)
    tail = _bezier([(-0.3, -0.58), (-0.5, -0.5), (-0.52, -0.74 + curl), (-0.62, -0.8 + curl)], 12)
    parts.append(Part(tapered(tail, np.linspace(0.05, 0.03, 12)), p.primary))
    parts.append(Part(_flame((float(tail[-1][0]) + 0.02, float(tail[-1][1]) + 0.01), -2.4, 0.12, 0.09, 0.1), tuft))
    parts.append(Part(ellipse(-0.05, -0.55, 0.28, 0.14), p.primary))
    parts.append(Part(_tube([(0.12, -0.58), (0.21, -0.7), (0.25, -0.8)], 0.2, 0.14), feather))
    parts.append(Part(ellipse(0.14, -0.58, 0.12, 0.14), feather))
    head, anchors = _griffin_head(p, (0.26, -0.84), tilt, feather, tufts)
    parts += head + _griffin_legs(p, feather, gait, airborne, False) + near_wing
    pose = {"wings": state, "wing_angle_deg": round(math.degrees(wing), 1), "head_tilt": round(tilt, 3), "ear_tufts": tufts,
            "leaping": airborne}
    return _finish(rng, "griffin", parts, pose, anchors)


# --------------------------------------------------------------------------- phoenix


def _phoenix_head(p: CharacterPalette, at: Pt, tilt: float, flames: list[Color], crest: int) -> tuple[list[Part], dict[str, Pt]]:
    """Small bird head with a flame crest, an eye and a short hooked beak; origin at its centre."""
    parts = []
    for k in range(crest):
        base = _pt((-0.03 + 0.015 * k, -0.04), 1.0, tilt, at)
        ang = -1.75 - 0.95 * k / max(1, crest - 1) + tilt
        parts.append(Part(_flame(base, ang, 0.22 - 0.025 * abs(k - crest / 2), 0.09, 0.1 * (1 if k % 2 else -1)), flames[k % len(flames)]))
    parts.append(Part(_xf(ellipse(0.0, 0.0, 0.072, 0.066), 1.0, tilt, at), p.primary))
    beak = [(0.05, -0.03), (0.11, -0.015), (0.135, 0.02), (0.11, 0.01), (0.05, 0.025)]
    parts.append(Part(_xf(beak, 1.0, tilt, at), mix(p.accent, p.secondary, 0.5)))
    ex, ey = _pt((0.02, -0.015), 1.0, tilt, at)
    parts += _eye(ex, ey, 0.02)
    anchors = {"head": at, "head_top": _pt((0.0, -0.066), 1.0, tilt, at), "mouth": _pt((0.12, 0.01), 1.0, tilt, at)}
    return parts, anchors


def _phoenix_tail(flames: list[Color], n: int, droop: float, wave: float, length: float) -> list[Part]:
    """Long flame-like tail plumes fanning back (and down) from the rump."""
    parts = []
    for k in range(n):
        ang = math.pi - droop + 0.7 * (k / max(1, n - 1) - 0.5)
        ln = length * (0.75 + 0.25 * math.sin(math.pi * (k + 0.5) / n))
        parts.append(Part(_flame((-0.1, -0.5), ang, ln, 0.15, wave * (1 if k % 2 else -0.7)), flames[k % len(flames)]))
        parts.append(Part(_flame((-0.12, -0.5), ang + 0.05, ln * 0.6, 0.07, wave * (1 if k % 2 else -0.7)), flames[(k + 1) % len(flames)]))
    return parts


def _bird_legs(color: Color, step: Pt, airborne: bool, far: bool) -> list[Part]:
    """Thin bird leg with a backward-bending ankle and talons; folded up under the body in flight."""
    hip = (0.0 if far else -0.03, -0.38)
    foot = (0.02 + step[0] + (0.04 if far else 0.0), -0.015 - step[1])
    if airborne:
        foot = (-0.12 if far else -0.16, -0.3)
    parts = _leg(hip, foot, (0.19, 0.2), (0.06, 0.035, 0.03), True, color)
    return parts + _claws(foot[0] + 0.02, foot[1], 3, 0.03)


@register_sprite("phoenix")
def phoenix_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Phoenix: bird with a flame crest, flame-tongue tail plumes and feathered wings; flames in palette colours."""
    state, wing, reach = _wing_pose(rng, airborne)
    plumes, crest = int(rng.integers(3, 6)), int(rng.integers(3, 6))
    droop, wave, tail_len = rng.uniform(0.05, 0.9), rng.uniform(0.05, 0.16), rng.uniform(0.5, 0.8)
    tilt, lean = rng.uniform(-0.3, 0.25), rng.uniform(-0.25, 0.15)
    gait = _gait(rng, airborne, 0.06, 0.05)
    flames = [p.accent, mix(p.accent, p.secondary, 0.5), p.secondary]
    r = int(rng.integers(3))
    flames = flames[r:] + flames[:r]
    far_wing, near_wing = _wing_pair(p, (0.0, -0.6), 0.5 * reach, (wing - 0.15, wing), p.secondary)
    legs = shade(p.secondary, 0.8)
    parts = _bird_legs(shade(legs, _FAR), gait[1], airborne, True)
    upper = far_wing + _phoenix_tail(flames, plumes, droop, wave, tail_len)
    upper.append(Part(rotate(ellipse(0.0, -0.53, 0.2, 0.15), -0.5, 0.0, -0.53), p.primary))
    upper.append(Part(rotate(ellipse(0.07, -0.53, 0.12, 0.1), -0.5, 0.0, -0.53), mix(p.primary, flames[0], 0.35)))
    upper.append(Part(_tube([(0.06, -0.6), (0.12, -0.68), (0.15, -0.76)], 0.13, 0.1), p.primary))
    head, anchors = _phoenix_head(p, (0.16, -0.79), tilt, flames, crest)
    upper += head + near_wing
    _move(upper, anchors, lean, (0.0, -0.45))
    parts += upper + _bird_legs(legs, gait[0], airborne, False)
    pose = {"wings": state, "wing_angle_deg": round(math.degrees(wing), 1), "plumes": plumes, "crest": crest,
            "leaping": airborne}
    return _finish(rng, "phoenix", parts, pose, anchors)


# --------------------------------------------------------------------------- hydra


def _serpent_head(p: CharacterPalette, at: Pt, ang: float, color: Color, horns: Color | None, jaw: float) -> list[Part]:
    """Snake-like head facing ``ang`` (radians, screen): forked tongue when open, small fangs, optional horns."""
    parts = []
    if horns is not None:
        for k in range(2):
            parts.append(Part(_xf([(-0.04 + 0.03 * k, -0.03), (-0.01 + 0.03 * k, -0.035), (-0.1 + 0.02 * k, -0.1)], 1.0, ang, at), horns))
    jawp = rotate(np.array([(-0.04, 0.0), (0.13, 0.01), (0.12, 0.035), (-0.03, 0.04)]), jaw, -0.04, 0.0)
    parts.append(Part(_xf(jawp, 1.0, ang, at), shade(color, 0.85)))
    if jaw > 0.25:
        parts.append(Part(_xf([(0.08, 0.015), (0.2, 0.02), (0.23, 0.0), (0.21, 0.025), (0.23, 0.04), (0.2, 0.03), (0.08, 0.025)],
                              1.0, ang, at), mix(p.accent, p.primary, 0.3), True))
    parts.append(Part(_xf(ellipse(0.0, -0.005, 0.07, 0.048), 1.0, ang, at), color))
    parts.append(Part(_xf([(0.0, -0.045), (0.1, -0.03), (0.145, 0.0), (0.13, 0.015), (0.0, 0.02)], 1.0, ang, at), color))
    parts.append(Part(_xf([(0.09, 0.01), (0.1, 0.04), (0.11, 0.012)], 1.0, ang, at), _WHITE, True))
    ex, ey = _pt((0.02, -0.022), 1.0, ang, at)
    return parts + _eye(ex, ey, 0.018)


def _hydra_necks(rng: np.random.Generator, p: CharacterPalette, n: int, spread: float, mid: float, horns: Color | None
                 ) -> tuple[list[Part], list[Part], dict[str, Pt]]:
    """``n`` S-curved necks fanned out from the chest, each ending in a serpent head; back ones darker."""
    back_parts: list[Part] = []
    front_parts: list[Part] = []
    anchors: dict[str, Pt] = {}
    for k in range(n):
        a = mid + spread * (k / (n - 1) - 0.5)
        length = rng.uniform(0.46, 0.6)
        base = (0.12 + 0.03 * k, -0.44 - 0.015 * k)
        d, side = np.array([math.cos(a), math.sin(a)]), np.array([-math.sin(a), math.cos(a)])
        s = 0.07 * (1 if k % 2 else -1)
        head = np.asarray(base) + length * d
        line = _bezier([base, tuple(base + d * length / 3 + side * s), tuple(base + d * 2 * length / 3 - side * s), tuple(head)], 14)
        color = shade(p.primary, 0.82) if k % 2 else p.primary
        face = 0.45 * a + rng.uniform(-0.2, 0.3)
        group = [Part(tapered(line, np.linspace(0.13, 0.075, 14)), color)]
        group += _serpent_head(p, (float(head[0]), float(head[1])), face, color, horns, rng.uniform(0.0, 0.5))
        (back_parts if k % 2 else front_parts).extend(group)
        if k == n // 2:
            hx, hy = float(head[0]), float(head[1])
            anchors = {"head": (hx, hy), "head_top": _pt((0.0, -0.05), 1.0, face, (hx, hy)), "mouth": _pt((0.14, 0.01), 1.0, face, (hx, hy))}
    return back_parts, front_parts, anchors


@register_sprite("hydra")
def hydra_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Hydra: one heavy reptile body on short legs with a tapering tail and several serpent necks and heads."""
    n, spread, mid = int(rng.integers(3, 6)), rng.uniform(0.9, 1.5), rng.uniform(-1.25, -0.75)
    curl = rng.uniform(-0.12, 0.1)
    horns = _deco(rng, p) if rng.random() < 0.5 else None
    gait = _gait(rng, airborne, 0.06, 0.05)
    back, front, anchors = _hydra_necks(rng, p, n, spread, mid, horns)
    far, near = shade(p.primary, _FAR), p.primary
    tuck = [(-0.16, 0.12), (0.12, 0.12)] if airborne else [(0.0, 0.0), (0.0, 0.0)]
    parts = []
    for j, x in enumerate((-0.2, 0.14)):
        dx, lift = gait[2 * j + 1]
        parts += _column_leg((x + 0.05, -0.3), dx + tuck[j][0], lift + tuck[j][1], (0.15, 0.15), (0.13, 0.1, 0.09), j == 0, far, 0.07)
    parts += back
    parts.append(Part(_tube([(-0.25, -0.36), (-0.55, -0.34 + curl), (-0.78, -0.14 + curl)], 0.24, 0.015, 14), near))
    parts.append(Part(ellipse(-0.04, -0.37, 0.3, 0.19), near))
    parts.append(Part(ellipse(0.0, -0.28, 0.22, 0.08), p.secondary))
    for k in range(5):
        x = -0.22 + 0.09 * k
        top = -0.37 - 0.19 * math.sqrt(max(0.0, 1 - ((x + 0.04) / 0.3) ** 2))
        parts.append(Part(np.array([(x - 0.03, top + 0.03), (x + 0.03, top + 0.03), (x - 0.01, top - 0.035)]), shade(p.primary, 0.8)))
    parts += front
    for j, x in enumerate((-0.22, 0.12)):
        dx, lift = gait[2 * j]
        parts += _column_leg((x, -0.3), dx + tuck[j][0], lift + tuck[j][1], (0.15, 0.15), (0.14, 0.11, 0.1), j == 0, near, 0.075)
        parts += _claws(x + dx + tuck[j][0] + 0.07, -0.03 - lift - tuck[j][1], 2, 0.025)
    pose = {"heads": n, "neck_spread_deg": round(math.degrees(spread), 1), "horns": horns is not None, "leaping": airborne}
    return _finish(rng, "hydra", parts, pose, anchors)
