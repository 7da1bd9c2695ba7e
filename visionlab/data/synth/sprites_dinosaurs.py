"""Dinosaur sprites, variant 16's first class (its second, mythical creatures, is in :mod:`.sprites_mythical`).

``tyrannosaur`` (big head, tiny arms, heavy tail), ``stegosaur`` (back plates, tail spikes), ``longneck``
(sauropod) and ``raptor`` (slim biped, sickle claw, sometimes feathered). Built from the shared parts of
:mod:`.sprites_creature_parts`; :mod:`.sprites_creatures` describes the class design and gathers both classes.
"""

from __future__ import annotations

import math

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .sprites import Part, Sprite, ellipse, register_sprite, rotate, tapered
from .sprites_creature_parts import (
    _DARK,
    _FAR,
    _IVORY,
    _WHITE,
    Pt,
    _bezier,
    _claws,
    _column_leg,
    _deco,
    _digi_leg,
    _eye,
    _finish,
    _flame,
    _gait,
    _move,
    _pt,
    _tube,
    _xf,
)

DINOSAURS = ("tyrannosaur", "stegosaur", "longneck", "raptor")
"""Variant 16's first class."""


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

