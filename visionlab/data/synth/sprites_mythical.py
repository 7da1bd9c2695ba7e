"""Mythical-creature sprites, variant 16's second class (its first, dinosaurs, is in :mod:`.sprites_dinosaurs`).

``unicorn`` (horned horse), ``griffin`` (eagle front, lion body, wings), ``phoenix`` (flame-tailed bird) and
``hydra`` (several serpent heads on one body). Built from the shared parts of :mod:`.sprites_creature_parts`;
:mod:`.sprites_creatures` describes the class design and gathers both classes.
"""

from __future__ import annotations

import math

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .sprites import Part, Sprite, ellipse, register_sprite, rotate, tapered
from .sprites_creature_parts import (
    _DARK,
    _FAR,
    _WHITE,
    Pt,
    _bezier,
    _claws,
    _column_leg,
    _deco,
    _eye,
    _finish,
    _flame,
    _gait,
    _leg,
    _move,
    _pt,
    _tube,
    _wing_pair,
    _xf,
)

MYTHICAL = ("unicorn", "griffin", "phoenix", "hydra")
"""Variant 16's second class."""


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
