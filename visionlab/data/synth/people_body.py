"""Shared parts of the humanoid sprites (:mod:`.sprites_people`, :mod:`.sprites_fighters`, :mod:`.sprites_monsters`).

The :class:`Skeleton` (a hip, a leaning torso, a head, and two-segment arms and legs posed by
:func:`pose_angles`), the geometry helpers that draw around it, the body parts every kind shares (arms, legs,
torso, belt, hem, face, head, hair, beard), the skin, cloth and hair colour rules, the held items that belong
to an outfit (sword, axe, staff, pitchfork / broom, basket, torch) and the final step :func:`_finish` (anchors,
then feet on y = 0 and 0.85-1.25 units tall). The ``_``-prefixed helpers are shared by the humanoid modules only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .sprites import Part, Sprite, ellipse, tapered

POSES = ("stand", "walk", "idle", "arms_up", "reach", "jump")
"""Skeleton poses (see :func:`pose_angles`)."""

Pt = tuple[float, float]
Angles = list[tuple[float, float]]  # per limb [back, front]: (angle at the root joint, bend at the middle joint)

_DARK: Color = (40, 42, 48)
_WHITE: Color = (246, 246, 240)
_SILVER: Color = (206, 210, 218)
_WOOD: Color = (128, 88, 52)
_GREY: Color = (150, 158, 150)
_SKIN_TONES: tuple[Color, ...] = ((240, 204, 170), (222, 172, 128), (184, 128, 90), (130, 88, 62))
_HAIR_TONES: tuple[Color, ...] = ((70, 46, 30), (40, 36, 34), (200, 160, 90), (150, 70, 36), (190, 190, 190))
_FAR = 0.78  # brightness of the far arm and leg
_HEIGHT = (0.85, 1.25)  # normalised height range, units


# --------------------------------------------------------------------------- geometry


def _at(p: Pt, length: float, angle: float) -> Pt:
    """The point ``length`` away from ``p`` along a limb angle (0 = down, + = forward, pi = up)."""
    return p[0] + length * math.sin(angle), p[1] + length * math.cos(angle)


def _lerp(a: Pt, b: Pt, t: float) -> Pt:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int = 12) -> np.ndarray:
    """Points along an ellipse arc from ``a0`` to ``a1`` degrees (0 = front, -90 = top, 90 = bottom)."""
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _bent(a: Pt, j: Pt, b: Pt, widths: tuple[float, float, float]) -> np.ndarray:
    """Smooth tapered polygon from ``a`` through joint ``j`` to ``b`` (an arm or a leg)."""
    pts = np.array([a, _lerp(a, j, 0.85), j, _lerp(j, b, 0.15), b])
    w0, w1, w2 = widths
    return tapered(pts, np.array([w0, w0 + (w1 - w0) * 0.85, w1, w1 + (w2 - w1) * 0.15, w2]))


def _frame(base: Pt, theta: float, local: Sequence[Pt]) -> np.ndarray:
    """Item points in a local frame: u along limb angle ``theta`` from ``base``, v to the item's front."""
    d = np.array([math.sin(theta), math.cos(theta)])
    n = np.array([-math.cos(theta), math.sin(theta)])
    loc = np.asarray(local, dtype=float)
    return np.asarray(base) + loc[:, :1] * d + loc[:, 1:] * n


def _jagged(a: Pt, b: Pt, teeth: int, depth: float, rng: np.random.Generator) -> list[Pt]:
    """Zig-zag points from ``a`` to ``b`` (a torn hem), teeth pointing down by up to ``depth``."""
    out = []
    for k in range(2 * teeth + 1):
        x, y = _lerp(a, b, k / (2 * teeth))
        out.append((x, y + (depth * rng.uniform(0.5, 1.0) if k % 2 else 0.0)))
    return out


# --------------------------------------------------------------------------- skeleton


@dataclass
class Skeleton:
    """Joint layout of a humanoid (unit coordinates, facing right, y down); kinds draw around it."""

    hip: Pt  # pelvis centre
    lean: float  # torso tilt, radians, + = forward (hunch)
    torso: float  # hip to shoulder line
    chest_w: float
    waist_w: float
    neck: float
    head_r: float  # head half-width
    head_ry: float  # head half-height
    thigh: float
    shin: float
    leg_w: float
    upper: float  # upper arm
    fore: float  # forearm
    arm_w: float
    legs: Angles  # [back, front]: (hip angle, knee bend <= 0)
    arms: Angles  # [back, front]: (shoulder angle, elbow bend)
    head_dx: float = 0.0  # extra forward offset of the head
    leg_scale: Pt = (1.0, 1.0)  # uneven legs (zombies)
    arm_scale: Pt = (1.0, 1.0)

    def neck_base(self) -> Pt:
        """Top centre of the torso."""
        return _at(self.hip, self.torso, math.pi - self.lean)

    def head(self) -> Pt:
        """Head centre."""
        x, y = _at(self.neck_base(), self.neck + self.head_ry, math.pi - 0.6 * self.lean)
        return x + self.head_dx, y

    def leg(self, i: int) -> tuple[Pt, Pt, Pt, float]:
        """Hip joint, knee, ankle and shin angle of leg ``i`` (0 = back, 1 = front)."""
        angle, bend = self.legs[i]
        top = (self.hip[0] + (0.03 if i else -0.03), self.hip[1])
        knee = _at(top, self.thigh * self.leg_scale[i], angle)
        ankle = _at(knee, self.shin * self.leg_scale[i], angle + bend)
        return top, knee, ankle, angle + bend

    def arm(self, i: int) -> tuple[Pt, Pt, Pt, float]:
        """Shoulder, elbow, hand and forearm angle of arm ``i`` (0 = back, 1 = front)."""
        angle, bend = self.arms[i]
        nx, ny = _at(self.neck_base(), 0.03 + self.arm_w * 0.4, -self.lean)
        top = (nx - (0.035 if i == 0 else 0.0), ny)
        elbow = _at(top, self.upper * self.arm_scale[i], angle)
        hand = _at(elbow, self.fore * self.arm_scale[i], angle + bend)
        return top, elbow, hand, angle + bend


def pose_angles(rng: np.random.Generator, name: str) -> tuple[Angles, Angles]:
    """Leg and arm angles (radians) of a named pose: see :data:`POSES`."""
    u, r = rng.uniform, math.radians
    if name == "walk":
        s = u(14.0, 30.0)
        legs = [(r(-s), r(-u(10.0, 40.0))), (r(s), r(-u(0.0, 12.0)))]
        arms = [(r(s * 0.9), r(u(10.0, 35.0))), (r(-s * 0.9), r(u(5.0, 30.0)))]
    elif name == "idle":
        legs = [(r(u(-8.0, 0.0)), r(-u(0.0, 8.0))), (r(u(2.0, 10.0)), r(-u(0.0, 5.0)))]
        arms = [(r(u(-10.0, 10.0)), r(u(5.0, 25.0))), (r(u(-35.0, -20.0)), r(u(90.0, 115.0)))]
    elif name == "arms_up":
        legs = [(r(-u(6.0, 16.0)), 0.0), (r(u(6.0, 16.0)), 0.0)]
        arms = [(r(u(130.0, 165.0)), r(u(-15.0, 15.0))), (r(u(130.0, 170.0)), r(u(-15.0, 15.0)))]
    elif name == "reach":
        s = u(6.0, 22.0)
        legs = [(r(-s), r(-u(5.0, 35.0))), (r(s), r(-u(10.0, 35.0)))]
        arms = [(r(u(65.0, 95.0)), r(u(-5.0, 15.0))), (r(u(70.0, 100.0)), r(u(-10.0, 12.0)))]
    elif name == "jump":
        legs = [(r(-u(10.0, 35.0)), r(-u(20.0, 60.0))), (r(u(35.0, 70.0)), r(-u(50.0, 95.0)))]
        arms = [(r(u(-70.0, -30.0)), r(u(10.0, 40.0))), (r(u(100.0, 160.0)), r(u(-10.0, 25.0)))]
    else:  # stand
        legs = [(r(u(-5.0, 0.0)), 0.0), (r(u(0.0, 5.0)), 0.0)]
        arms = [(r(u(-8.0, 8.0)), r(u(5.0, 20.0))), (r(u(-8.0, 8.0)), r(u(5.0, 20.0)))]
    return legs, arms


def skeleton(rng: np.random.Generator, pose: str, slim: float = 1.0) -> Skeleton:
    """A human skeleton with drawn proportions in ``pose``; ``slim`` scales the limb and body widths."""
    legs, arms = pose_angles(rng, pose)
    thigh, shin = rng.uniform(0.2, 0.23), rng.uniform(0.19, 0.22)
    head_r = rng.uniform(0.1, 0.125)
    return Skeleton(
        hip=(0.0, -(thigh + shin) - 0.04), lean=math.radians(rng.uniform(-3.0, 6.0)), torso=rng.uniform(0.27, 0.32),
        chest_w=rng.uniform(0.22, 0.28) * slim, waist_w=rng.uniform(0.18, 0.23) * slim, neck=rng.uniform(0.02, 0.04),
        head_r=head_r, head_ry=head_r * rng.uniform(1.0, 1.1), thigh=thigh, shin=shin,
        leg_w=rng.uniform(0.075, 0.09) * slim, upper=rng.uniform(0.16, 0.18), fore=rng.uniform(0.15, 0.17),
        arm_w=rng.uniform(0.06, 0.07) * slim, legs=legs, arms=arms,
    )


def _hold_arm(rng: np.random.Generator, style: str) -> tuple[float, float]:
    """Front-arm (shoulder, elbow) angles for holding an item: "forward" (staff, tool) or "ready" (blade)."""
    u, r = rng.uniform, math.radians
    if style == "forward":
        return r(u(10.0, 35.0)), r(u(45.0, 75.0))
    if style == "raised":
        return r(u(115.0, 150.0)), r(u(-10.0, 20.0))
    return r(u(-10.0, 30.0)), r(u(40.0, 85.0))


# --------------------------------------------------------------------------- shared body parts


def _arm(sk: Skeleton, i: int, skin: Color, sleeve: Color | None, sleeve_to: float = 1.0, bell: float = 1.0) -> list[Part]:
    """Arm ``i`` with its hand; a sleeve covers the upper arm and ``sleeve_to`` of the forearm."""
    far = _FAR if i == 0 else 1.0
    top, elbow, hand, _ = sk.arm(i)
    w = sk.arm_w
    parts = [Part(_bent(top, elbow, hand, (w, w * 0.9, w * 0.8)), shade(skin, far))]
    if sleeve is not None:
        end = _lerp(elbow, hand, max(sleeve_to, 0.05))
        cuff = w * (0.95 + (bell - 1.0) * sleeve_to)
        parts.append(Part(_bent(top, elbow, end, (w * 1.15, w * 1.05, cuff)), shade(sleeve, far)))
    parts.append(Part(ellipse(hand[0], hand[1], w * 0.62, w * 0.62, 10), shade(skin, far)))
    return parts


def _leg(sk: Skeleton, i: int, trouser: Color, shoe_c: Color, boot: Color | None = None, bare_from: float = 2.0,
         skin: Color | None = None) -> list[Part]:
    """Leg ``i`` with its shoe; ``boot`` covers the shin; a trouser torn at ``bare_from`` of the shin shows skin."""
    far = _FAR if i == 0 else 1.0
    top, knee, ankle, shin_angle = sk.leg(i)
    w = sk.leg_w
    parts = []
    if skin is not None and bare_from < 1.0:
        parts.append(Part(_bent(top, knee, ankle, (w, w * 0.85, w * 0.7)), shade(skin, far)))
        end = _lerp(knee, ankle, bare_from)
        parts.append(Part(_bent(top, knee, end, (w * 1.05, w * 0.95, w * 0.95)), shade(trouser, far)))
    else:
        parts.append(Part(_bent(top, knee, ankle, (w * 1.05, w * 0.9, w * 0.8)), shade(trouser, far)))
    if boot is not None:
        parts.append(Part(_bent(_lerp(knee, ankle, 0.05), _lerp(knee, ankle, 0.5), ankle, (w, w * 0.95, w * 0.95)),
                          shade(boot, far)))
    shoe = _frame(ankle, shin_angle, [(float(u), float(v)) for u, v in ellipse(0.012, 0.035, 0.034, 0.078)])
    parts.append(Part(shoe, shade(shoe_c, far)))
    return parts


def _torso(sk: Skeleton, below: float = 0.03, flare: float = 0.0) -> np.ndarray:
    """Torso polygon from ``below`` under the hip (a tunic hem, flared by ``flare``) up to the shoulders."""
    bottom = _at(sk.hip, below, -sk.lean)
    top = sk.neck_base()
    mid = _lerp(sk.hip, top, 0.55)
    w = sk.waist_w
    return tapered(np.array([bottom, sk.hip, mid, top]), np.array([w + flare, w + flare * 0.3, sk.chest_w, sk.chest_w * 0.9]))


def _belt(sk: Skeleton, up: float, width: float) -> np.ndarray:
    """Belt across the waist, ``up`` above the hip along the torso, ``width`` thick."""
    x, y = _at(sk.hip, up, math.pi - sk.lean)
    dx, dy = math.cos(sk.lean) * sk.waist_w * 0.52, math.sin(sk.lean) * sk.waist_w * 0.52
    return tapered(np.array([(x - dx, y - dy), (x + dx, y + dy)]), np.full(2, width))


def _hem(sk: Skeleton, top_w: float, bottom_y: float, spread: float) -> np.ndarray:
    """Skirt or robe from the waist down to ``bottom_y`` (a trapezoid widened by ``spread``)."""
    x, y = _at(sk.hip, 0.04, math.pi - sk.lean)
    w = top_w / 2
    return np.array([(x - w, y), (x + w, y), (x + w + spread * 0.55, bottom_y), (x - w - spread, bottom_y)])


def _face(sk: Skeleton, skin: Color, eye_color: Color = _DARK, big_eye: bool = True, ear: bool = True) -> list[Part]:
    """Ear, eye, nose and mouth on the front half of the head."""
    hx, hy = sk.head()
    r = sk.head_r
    parts = []
    if ear:
        parts.append(Part(ellipse(hx - 0.12 * r, hy + 0.08 * r, 0.18 * r, 0.24 * r, 10), shade(skin, 0.85), True))
    if big_eye:
        parts.append(Part(ellipse(hx + 0.45 * r, hy - 0.1 * r, 0.2 * r, 0.26 * r, 10), _WHITE, True))
        parts.append(Part(ellipse(hx + 0.53 * r, hy - 0.08 * r, 0.11 * r, 0.16 * r, 10), eye_color))
    else:
        parts.append(Part(ellipse(hx + 0.5 * r, hy - 0.1 * r, 0.1 * r, 0.15 * r, 10), eye_color))
    parts.append(Part(ellipse(hx + 0.98 * r, hy + 0.12 * r, 0.17 * r, 0.14 * r, 10), shade(skin, 0.92), True))
    parts.append(Part(tapered(np.array([(hx + 0.45 * r, hy + 0.52 * r), (hx + 0.8 * r, hy + 0.48 * r)]),
                              np.array([0.05 * r, 0.05 * r])), shade(skin, 0.55), True))
    return parts


def _head(sk: Skeleton, skin: Color) -> list[Part]:
    """Neck and head (skin)."""
    hx, hy = sk.head()
    neck = tapered(np.array([_at(sk.neck_base(), -0.01, math.pi), (hx - 0.1 * sk.head_r, hy)]), np.array([0.07, 0.06]))
    return [Part(neck, shade(skin, 0.9)), Part(ellipse(hx, hy, sk.head_r, sk.head_ry), skin)]


def _hair(sk: Skeleton, color: Color, style: str) -> tuple[list[Part], list[Part]]:
    """Hair behind the head and over it: ``style`` in short, long, bun, bald, wild."""
    hx, hy = sk.head()
    r, ry = sk.head_r, sk.head_ry
    back: list[Part] = []
    if style == "long":
        back.append(Part(np.concatenate([_arc(hx - 0.1 * r, hy, 1.05 * r, 1.05 * ry, 180.0, 300.0, 8),
                                         [(hx + 0.1 * r, hy + 0.6 * ry), (hx - 0.2 * r, hy + 1.7 * ry),
                                          (hx - 1.1 * r, hy + 1.6 * ry)]]), color))
    elif style == "bun":
        back.append(Part(ellipse(hx - 0.85 * r, hy - 0.7 * ry, 0.42 * r, 0.42 * r), color))
    if style == "bald":
        return back, []
    top = 1.18 if style == "wild" else 1.07
    cap = np.concatenate([_arc(hx, hy, 1.07 * r, top * ry, -25.0, -200.0, 12),
                          [(hx - 0.45 * r, hy - 0.05 * ry), (hx + 0.35 * r, hy - 0.55 * ry)]])
    over = [Part(cap, color)]
    if style == "wild":
        for k in range(4):
            a = math.radians(-150.0 + 28.0 * k)
            bx, by = hx + 0.9 * r * math.cos(a), hy + 0.9 * ry * math.sin(a)
            tip = (bx - (0.5 - 0.08 * k) * r, by - (0.45 + 0.1 * (k % 2)) * ry)
            over.append(Part(np.array([(bx - 0.3 * r, by + 0.1 * ry), (bx + 0.3 * r, by - 0.05 * ry), tip]), color))
    return back, over


def _beard(sk: Skeleton, color: Color, length: float) -> Part:
    """Beard from the jaw down ``length`` head radii."""
    hx, hy = sk.head()
    r = sk.head_r
    return Part(np.array([(hx - 0.25 * r, hy + 0.15 * r), (hx + 0.35 * r, hy + 0.62 * r), (hx + 0.95 * r, hy + 0.3 * r),
                          (hx + 0.85 * r, hy + (0.9 + length) * r), (hx + 0.3 * r, hy + (1.1 + length) * r),
                          (hx - 0.35 * r, hy + 0.7 * r)]), color)


def _skin(rng: np.random.Generator, p: CharacterPalette, t: Pt) -> Color:
    """Skin: the palette's primary colour mixed with a neutral tone by a fraction drawn from ``t``."""
    tone = _SKIN_TONES[int(rng.integers(len(_SKIN_TONES)))]
    return mix(p.primary, tone, rng.uniform(*t))


def _creature_skin(rng: np.random.Generator, p: CharacterPalette) -> Color:
    """Zombie and alien skin alike: mostly the palette's primary colour, a little greyed."""
    return mix(p.primary, _GREY, rng.uniform(0.05, 0.35))


def _cloth(rng: np.random.Generator, c: Color) -> Color:
    """A palette colour muted towards a neutral (steel, wood, grey or white) by a drawn fraction.

    Warriors' armour and mages' robes both go through it, so muting does not tell one from the other.
    """
    neutral = (_SILVER, _WOOD, _GREY, _WHITE)[int(rng.integers(4))]
    return mix(c, neutral, rng.uniform(0.0, 0.45))


def _hair_color(rng: np.random.Generator, p: CharacterPalette) -> Color:
    tone = _HAIR_TONES[int(rng.integers(len(_HAIR_TONES)))]
    return mix(p.secondary, tone, rng.uniform(0.35, 0.7))


# --------------------------------------------------------------------------- held items (role "body")


def _sword(hand: Pt, theta: float, length: float, blade: Color, hilt: Color) -> list[Part]:
    """Sword gripped at ``hand`` pointing along ``theta``: blade, crossguard, grip, pommel."""
    w = 0.045
    pommel = _frame(hand, theta, [(-0.07, 0.0)])[0]
    return [
        Part(_frame(hand, theta, [(-0.065, -0.015), (0.05, -0.015), (0.05, 0.015), (-0.065, 0.015)]), shade(hilt, 0.7), True),
        Part(ellipse(pommel[0], pommel[1], 0.022, 0.022, 10), hilt, True),
        Part(_frame(hand, theta, [(0.06, -w / 2), (0.06 + length, -w / 2), (0.12 + length, 0.0), (0.06 + length, w / 2),
                                  (0.06, w / 2)]), blade),
        Part(_frame(hand, theta, [(0.04, -0.075), (0.07, -0.075), (0.07, 0.075), (0.04, 0.075)]), hilt),
    ]


def _axe(hand: Pt, theta: float, length: float, head: Color, wood: Color, double: bool) -> list[Part]:
    """Axe gripped at ``hand``: haft along ``theta`` and a crescent head (two if ``double``)."""
    top = length
    parts = [Part(_frame(hand, theta, [(-0.1, -0.017), (top + 0.03, -0.017), (top + 0.03, 0.017), (-0.1, 0.017)]), wood)]
    blade = [(top - 0.1, 0.0), (top - 0.16, 0.12), (top - 0.05, 0.17), (top + 0.07, 0.12), (top + 0.01, 0.0)]
    parts.append(Part(_frame(hand, theta, blade), head))
    if double:
        parts.append(Part(_frame(hand, theta, [(u, -v * 0.8) for u, v in blade]), shade(head, 0.85)))
    return parts


def _staff(hand: Pt, theta: float, wood: Color, glow: Color, top: str) -> list[Part]:
    """Staff through ``hand`` along ``theta`` with an orb, a crystal or a crook on top."""
    up, down = 0.42, 0.46
    parts = [Part(_frame(hand, theta, [(-down, -0.018), (up, -0.022), (up, 0.022), (-down, 0.018)]), wood)]
    tip = _frame(hand, theta, [(up + 0.06, 0.0)])[0]
    if top == "orb":
        parts.append(Part(_frame(hand, theta, [(up - 0.04, -0.04), (up + 0.02, -0.05), (up + 0.02, 0.05), (up - 0.04, 0.04)]),
                          shade(wood, 0.8)))
        parts.append(Part(ellipse(tip[0], tip[1], 0.065, 0.065), glow))
        parts.append(Part(ellipse(tip[0] + 0.02, tip[1] - 0.02, 0.018, 0.018, 10), mix(glow, _WHITE, 0.7), True))
    elif top == "crystal":
        parts.append(Part(_frame(hand, theta, [(up - 0.02, 0.0), (up + 0.06, -0.05), (up + 0.17, 0.0), (up + 0.06, 0.05)]), glow))
        parts.append(Part(_frame(hand, theta, [(up + 0.02, 0.0), (up + 0.06, -0.02), (up + 0.12, 0.0)]), mix(glow, _WHITE, 0.6), True))
    else:  # crook: a curl bending forward
        t = np.linspace(0.0, 1.4 * math.pi, 10)
        curl = [(up + 0.08 * math.sin(a), 0.08 - 0.08 * math.cos(a)) for a in t]
        parts.append(Part(tapered(_frame(hand, theta, curl), np.full(10, 0.04)), wood))
        parts.append(Part(ellipse(tip[0], tip[1], 0.03, 0.03, 10), glow))
    return parts


def _long_tool(hand: Pt, theta: float, wood: Color, metal: Color, tool: str) -> list[Part]:
    """Pitchfork (tines up) or broom (bristles down) held at ``hand`` along ``theta``."""
    up, down = 0.36, 0.42
    parts = [Part(_frame(hand, theta, [(-down, -0.016), (up, -0.016), (up, 0.016), (-down, 0.016)]), wood)]
    if tool == "pitchfork":
        parts.append(Part(_frame(hand, theta, [(up, -0.08), (up + 0.035, -0.08), (up + 0.035, 0.08), (up, 0.08)]), metal))
        for v in (-0.07, 0.0, 0.07):
            parts.append(Part(_frame(hand, theta, [(up + 0.02, v - 0.012), (up + 0.16, v - 0.006), (up + 0.16, v + 0.006),
                                                   (up + 0.02, v + 0.012)]), metal))
    else:
        parts.append(Part(_frame(hand, theta, [(-down + 0.02, -0.03), (-down - 0.22, -0.09), (-down - 0.24, 0.09),
                                               (-down + 0.02, 0.03)]), mix(wood, _WHITE, 0.3)))
    return parts


def _basket(hand: Pt, straw: Color) -> list[Part]:
    """Basket hanging from ``hand``."""
    x, y = hand
    handle = np.concatenate([_arc(x + 0.02, y + 0.1, 0.1, 0.1, 180.0, 360.0, 8), _arc(x + 0.02, y + 0.1, 0.075, 0.08, 360.0, 180.0, 8)])
    body = np.array([(x - 0.11, y + 0.09), (x + 0.15, y + 0.09), (x + 0.12, y + 0.24), (x - 0.08, y + 0.24)])
    return [Part(handle, shade(straw, 0.8)), Part(body, straw), Part(tapered(np.array([(x - 0.09, y + 0.15), (x + 0.13, y + 0.15)]),
                                                                               np.full(2, 0.015)), shade(straw, 0.75), True)]


def _torch(hand: Pt, theta: float, wood: Color, flame: Color) -> list[Part]:
    """Torch at ``hand``: stick along ``theta`` and a flame pointing up."""
    parts = [Part(_frame(hand, theta, [(-0.08, -0.016), (0.26, -0.024), (0.26, 0.024), (-0.08, 0.016)]), wood)]
    tx, ty = _frame(hand, theta, [(0.27, 0.0)])[0]
    parts.append(Part(np.array([(tx - 0.06, ty), (tx - 0.03, ty - 0.1), (tx - 0.005, ty - 0.06), (tx + 0.02, ty - 0.15),
                                (tx + 0.06, ty), (tx, ty + 0.04)]), flame))
    parts.append(Part(np.array([(tx - 0.03, ty), (tx + 0.01, ty - 0.08), (tx + 0.035, ty), (tx, ty + 0.02)]),
                      mix(flame, _WHITE, 0.6), True))
    return parts


def _blade_angle(rng: np.random.Generator, fore: float) -> float:
    """Direction of a blade held in a fist whose forearm points along ``fore``."""
    return min(fore + math.pi / 2, math.radians(200.0)) + math.radians(rng.uniform(-15.0, 15.0))


# --------------------------------------------------------------------------- assembly


def _finish(kind: str, parts: list[Part], sk: Skeleton, info: dict) -> Sprite:
    """Set the anchors, then normalise: feet on y = 0, height within ``_HEIGHT``."""
    hx, hy = sk.head()
    anchors: dict[str, Pt] = {"hand": sk.arm(1)[2], "head": (hx, hy), "head_top": (hx, hy - sk.head_ry),
                              "mouth": (hx + 0.7 * sk.head_r, hy + 0.5 * sk.head_ry)}
    pts = np.concatenate([part.points for part in parts])
    y0, y1 = float(pts[:, 1].min()), float(pts[:, 1].max())
    height = y1 - y0
    scale = min(max(height, _HEIGHT[0]), _HEIGHT[1]) / height
    out = [replace(part, points=(part.points - (0.0, y1)) * scale, role="body") for part in parts]
    named = {k: (float(x * scale), float((y - y1) * scale)) for k, (x, y) in anchors.items()}
    info = {**info, "arm_angles_deg": [round(math.degrees(a), 1) for a, _ in sk.arms]}
    return Sprite(kind, out, info, named)
