"""Humanoid characters: knights, villagers, adventurers, warriors, mages, zombies and aliens.

Every kind is built on one shared :class:`Skeleton`: a hip, a leaning torso, a head, and two-segment arms and
legs whose joint angles come from a pose (standing, walking, idle, arms raised, reaching, jumping). Each kind
adds its own outfit and design elements on top, with several designs per kind:

- ``knight``: armour, helmet (great helm, visored sallet or open helm), plume, cape, tabard; a sword.
- ``villager``: tunic or dress, apron, straw hat / cap / kerchief or bare hair; a pitchfork, broom or basket.
- ``adventurer``: jacket, backpack with bedroll, cap / wide hat / bandana, scarf, tall boots; torch or sword.
- ``warrior``: cuirass and strip kilt, horned / conical helmet or bare head and beard, round or kite
  shield, sword or axe.
- ``mage``: robe (floor or shin length), bell sleeves, pointed / wide hat or hood, beard; staff with orb,
  crystal or crook.
- ``zombie``: hunched, arms stretched forward, uneven legs, torn clothes, missing forearm, stitches.
- ``alien``: large head (round, dome, wide or teardrop), 2-3 big eyes, antennae, thin limbs, legs or
  floating tentacles, an optional suit.

Held items that belong to the outfit (sword, blade, staff, tools) are parts of role "body". The front hand is
the ``"hand"`` anchor; :func:`humanoid_sprite` with ``armed=False`` leaves it empty for a separate weapon
(same seed, same design otherwise). Skin takes its colour from the palette too (the primary colour mixed with
a neutral tone: lightly for people, barely for zombies and aliens, which share one colour rule), so no kind
is told by colour. Sprites are normalised at the end: feet on y = 0, 0.85-1.25 units tall.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .sprites import Part, Sprite, SpriteBuilder, ellipse, register_sprite, tapered

PEOPLE = ("knight", "villager", "adventurer")
"""Variant 18's human characters (contrasted with animal characters)."""

FIGHTERS = ("warrior", "mage")
"""Variant 25's classes: warriors vs mages."""

MONSTERS = ("zombie", "alien")
"""Variant 24's classes: zombies vs aliens."""

HUMANOID_KINDS = PEOPLE + FIGHTERS + MONSTERS
"""Every kind this module registers."""

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


# --------------------------------------------------------------------------- knight


def _helmet(sk: Skeleton, style: str, metal: Color) -> list[Part]:
    """Knight helmet over the head: great helm, sallet (rounded, visor) or open helm (face shows)."""
    hx, hy = sk.head()
    r, ry = sk.head_r * 1.12, sk.head_ry * 1.1
    dark = shade(metal, 0.45)
    if style == "great":
        shell = np.concatenate([_arc(hx, hy - 0.2 * ry, r, 0.85 * ry, 180.0, 360.0, 10), [(hx + r, hy + 0.95 * ry), (hx - r, hy + 0.95 * ry)]])
        return [Part(shell, metal), Part(np.array([(hx + 0.05 * r, hy - 0.2 * ry), (hx + r, hy - 0.22 * ry), (hx + r, hy - 0.05 * ry),
                                                   (hx + 0.05 * r, hy - 0.05 * ry)]), dark),
                Part(tapered(np.array([(hx + 0.25 * r, hy - 0.9 * ry), (hx + 0.25 * r, hy + 0.9 * ry)]), np.full(2, 0.1 * r)), shade(metal, 0.8), True)]
    if style == "sallet":
        shell = np.concatenate([_arc(hx, hy, r, ry, 130.0, 350.0, 14), [(hx - 1.35 * r, hy + 0.75 * ry)]])
        visor = np.array([(hx - 0.1 * r, hy - 0.35 * ry), (hx + 1.05 * r, hy - 0.3 * ry), (hx + 1.25 * r, hy + 0.35 * ry),
                          (hx + 0.75 * r, hy + 0.95 * ry), (hx - 0.1 * r, hy + 0.85 * ry)])
        return [Part(shell, metal), Part(visor, shade(metal, 0.85)),
                Part(np.array([(hx + 0.2 * r, hy - 0.12 * ry), (hx + 1.1 * r, hy - 0.06 * ry), (hx + 1.1 * r, hy + 0.04 * ry),
                               (hx + 0.2 * r, hy + 0.02 * ry)]), dark)]
    dome = np.concatenate([_arc(hx, hy, r, ry, 150.0, 350.0, 14), [(hx + 0.3 * r, hy - 0.25 * ry), (hx - 0.3 * r, hy + 0.3 * ry)]])
    cheek = np.array([(hx - 0.95 * r, hy + 0.2 * ry), (hx - 0.1 * r, hy + 0.2 * ry), (hx - 0.2 * r, hy + 0.85 * ry), (hx - 0.8 * r, hy + 0.8 * ry)])
    nasal = np.array([(hx + 0.78 * r, hy - 0.45 * ry), (hx + 0.95 * r, hy - 0.4 * ry), (hx + 0.95 * r, hy + 0.3 * ry), (hx + 0.8 * r, hy + 0.3 * ry)])
    return [Part(dome, metal), Part(cheek, shade(metal, 0.9)), Part(nasal, shade(metal, 0.8))]


def _plume(sk: Skeleton, color: Color, crest: bool) -> Part:
    """Feather plume sweeping back from the helmet top (a crest runs along the top instead)."""
    hx, hy = sk.head()
    top = (hx, hy - sk.head_ry * 1.1)
    if crest:
        pts = np.array([(top[0] + 0.06, top[1] + 0.01), (top[0] - 0.02, top[1] - 0.08), (top[0] - 0.14, top[1] - 0.05), (top[0] - 0.2, top[1] + 0.06)])
        return Part(tapered(pts, np.array([0.04, 0.09, 0.08, 0.03])), color)
    t = np.linspace(0.0, 1.0, 8)
    a = np.radians(-80.0 - 150.0 * t)  # sweeps from straight up over to the back
    pts = np.stack([top[0] - 0.1 + 0.11 * np.cos(a) * (1 + 0.4 * t), top[1] + 0.02 + 0.13 * np.sin(a)], axis=1)
    return Part(tapered(pts, 0.05 + 0.08 * np.sin(np.pi * t**0.8) - 0.03 * t), color)


def _cape(sk: Skeleton, color: Color, sway: float) -> Part:
    """Cape hanging from the shoulders, blown back by ``sway``."""
    nx, ny = sk.neck_base()
    hy = sk.hip[1]
    return Part(np.array([(nx + 0.05, ny + 0.01), (nx - 0.12, ny - 0.01), (nx - 0.2 - sway * 0.6, hy - 0.05),
                          (nx - 0.24 - sway, hy + 0.24), (nx - 0.02 - sway * 0.3, hy + 0.2), (nx + 0.02, hy - 0.1)]), color)


def _tabard(sk: Skeleton) -> np.ndarray:
    """Tabard over the armour: from the chest to the thighs, slightly forward."""
    bottom, top = _at(sk.hip, 0.16, -sk.lean), _lerp(sk.hip, sk.neck_base(), 0.9)
    pts = np.array([bottom, sk.hip, _lerp(sk.hip, top, 0.6), top]) + (0.015, 0.0)
    return tapered(pts, np.array([sk.waist_w * 0.95, sk.waist_w * 0.85, sk.chest_w * 0.8, sk.chest_w * 0.7]))


def _knight(rng: np.random.Generator, p: CharacterPalette, armed: bool, airborne: bool) -> Sprite:
    """Knight: plate armour, helmet (plume), pauldron, cape or tabard, sword."""
    pose = "jump" if airborne else ["stand", "walk", "idle"][int(rng.integers(3))]
    sk = skeleton(rng, pose, slim=1.1)
    sk.arms[1] = _hold_arm(rng, ["ready", "raised"][int(rng.integers(2))])
    metal = mix(p.primary, _SILVER, rng.uniform(0.25, 0.55))
    helm = ["great", "sallet", "open", "open"][int(rng.integers(4))]  # half the knights show their face
    plume, crest, cape, tabard = rng.random() < 0.6, rng.random() < 0.3, rng.random() < 0.5, rng.random() < 0.6
    skin = _skin(rng, p, (0.6, 0.85))
    sword_len, sway = rng.uniform(0.32, 0.45), rng.uniform(0.0, 0.12)
    theta = _blade_angle(rng, sk.arm(1)[3])
    parts = [_cape(sk, p.secondary, sway)] if cape else []
    parts += _arm(sk, 0, shade(metal, 0.9), metal)
    parts += _leg(sk, 0, metal, shade(metal, 0.7)) + _leg(sk, 1, metal, shade(metal, 0.7))
    parts.append(Part(_torso(sk, below=0.07, flare=0.03), metal))
    if tabard:
        parts.append(Part(_tabard(sk), p.secondary))
        parts.append(Part(ellipse(*_lerp(sk.hip, sk.neck_base(), 0.55), 0.045, 0.06, 10), p.accent, True))
    parts.append(Part(_belt(sk, 0.03, 0.045), shade(p.secondary, 0.6)))
    parts += _head(sk, skin) + (_face(sk, skin) if helm == "open" else []) + _helmet(sk, helm, metal)
    if plume:
        parts.append(_plume(sk, p.accent if rng.random() < 0.5 else p.secondary, crest))
    if armed:
        parts += _sword(sk.arm(1)[2], theta, sword_len, mix(metal, _SILVER, 0.6), mix(p.accent, _DARK, 0.3))
    parts += _arm(sk, 1, shade(metal, 0.9), metal)
    top = sk.arm(1)[0]
    parts.append(Part(ellipse(top[0] - 0.01, top[1] + 0.01, sk.arm_w * 1.15, sk.arm_w * 0.95), shade(metal, 1.08)))
    info = {"pose": pose, "helmet": helm, "plume": bool(plume), "cape": bool(cape), "tabard": bool(tabard)}
    return _finish("knight", parts, sk, info)


# --------------------------------------------------------------------------- villager


def _villager_hat(sk: Skeleton, style: str, color: Color) -> list[Part]:
    """Straw hat (wide brim), flat cap (short brim forward) or kerchief."""
    hx, hy = sk.head()
    r, ry = sk.head_r, sk.head_ry
    if style == "straw":
        crown = np.concatenate([_arc(hx - 0.05 * r, hy - 0.45 * ry, 0.8 * r, 0.75 * ry, 180.0, 360.0, 10)])
        brim = ellipse(hx, hy - 0.45 * ry, 1.9 * r, 0.28 * ry)
        return [Part(crown, color), Part(brim, mix(color, _WHITE, 0.15)),
                Part(np.array([(hx - 0.85 * r, hy - 0.62 * ry), (hx + 0.75 * r, hy - 0.62 * ry), (hx + 0.75 * r, hy - 0.5 * ry),
                               (hx - 0.85 * r, hy - 0.5 * ry)]), shade(color, 0.6), True)]
    if style == "cap":
        dome = _arc(hx - 0.05 * r, hy - 0.15 * ry, 1.1 * r, 0.95 * ry, 170.0, 345.0, 12)
        peak = np.array([(hx + 0.6 * r, hy - 0.45 * ry), (hx + 1.55 * r, hy - 0.3 * ry), (hx + 0.9 * r, hy - 0.2 * ry)])
        return [Part(dome, color), Part(peak, shade(color, 0.8))]
    scarf = np.concatenate([_arc(hx, hy, 1.1 * r, 1.1 * ry, 150.0, 330.0, 12), [(hx + 0.2 * r, hy - 0.4 * ry), (hx - 0.5 * r, hy + 0.4 * ry)]])
    knot = np.array([(hx - 0.9 * r, hy + 0.4 * ry), (hx - 1.5 * r, hy + 0.9 * ry), (hx - 1.1 * r, hy + 1.0 * ry)])
    return [Part(knot, shade(color, 0.85)), Part(scarf, color)]


def _villager_outfit(sk: Skeleton, p: CharacterPalette, dress: bool, apron: Color | None) -> list[Part]:
    """Tunic (or a dress down to the shins), rope belt and apron."""
    parts: list[Part] = []
    if dress:
        hem_y = -sk.shin * 0.45
        parts.append(Part(_hem(sk, sk.waist_w * 1.05, hem_y, 0.04 + abs(sk.legs[1][0] - sk.legs[0][0]) * 0.2), p.primary))
    parts.append(Part(_torso(sk, below=0.12, flare=0.06), p.primary))
    if apron is not None:
        top = _lerp(sk.hip, sk.neck_base(), 0.7)
        x0 = top[0] - 0.02
        bottom = -sk.shin * 0.6 if dress else sk.hip[1] + 0.2
        parts.append(Part(np.array([(x0, top[1]), (x0 + sk.chest_w * 0.5, top[1]), (x0 + sk.chest_w * 0.55 + 0.03, bottom),
                                    (x0 - 0.03, bottom)]), apron))
    parts.append(Part(_belt(sk, 0.04, 0.03), shade(p.secondary, 0.7), True))
    return parts


def _villager(rng: np.random.Generator, p: CharacterPalette, armed: bool, airborne: bool) -> Sprite:
    """Villager: tunic or dress, apron, hat or hair, maybe a pitchfork, broom or basket."""
    pose = "jump" if airborne else ["stand", "walk", "idle", "arms_up"][int(rng.integers(4))]
    sk = skeleton(rng, pose)
    tool = ["none", "pitchfork", "broom", "basket"][int(rng.integers(4))]
    if tool != "none":
        sk.arms[1] = _hold_arm(rng, "forward" if tool != "basket" else "ready")
    hat = ["straw", "cap", "kerchief", "none", "none"][int(rng.integers(5))]
    hair = ["short", "long", "bun", "bald", "wild"][int(rng.integers(5))]
    dress, apron = rng.random() < 0.4, rng.random() < 0.5
    skin, hair_c = _skin(rng, p, (0.55, 0.85)), _hair_color(rng, p)
    theta = math.radians(180.0 + rng.uniform(-12.0, 12.0))
    trouser = mix(p.secondary, _WOOD, rng.uniform(0.1, 0.4))
    hair_back, hair_over = _hair(sk, hair_c, hair if hat in ("none", "straw") else "short")
    parts = hair_back + _arm(sk, 0, skin, p.primary, 0.4)
    parts += _leg(sk, 0, trouser, shade(trouser, 0.6)) + _leg(sk, 1, trouser, shade(trouser, 0.6))
    parts += _villager_outfit(sk, p, dress, mix(p.secondary, _WHITE, 0.55) if apron else None)
    parts += _head(sk, skin) + _face(sk, skin, big_eye=bool(rng.random() < 0.5))
    parts += hair_over + (_villager_hat(sk, hat, mix(p.accent, p.secondary, 0.5)) if hat != "none" else [])
    wood = mix(p.secondary, _WOOD, 0.6)
    if armed and tool in ("pitchfork", "broom"):
        parts += _long_tool(sk.arm(1)[2], theta, wood, mix(p.secondary, _SILVER, 0.6), tool)
    parts += _arm(sk, 1, skin, p.primary, 0.4)
    if armed and tool == "basket":
        parts += _basket(sk.arm(1)[2], mix(p.accent, _WOOD, 0.5))
    info = {"pose": pose, "hat": hat, "hair": hair, "dress": bool(dress), "apron": bool(apron), "tool": tool if armed else "none"}
    return _finish("villager", parts, sk, info)


# --------------------------------------------------------------------------- adventurer


def _adventurer_hat(sk: Skeleton, style: str, color: Color) -> list[Part]:
    """Wide-brimmed hat, peaked cap or bandana."""
    hx, hy = sk.head()
    r, ry = sk.head_r, sk.head_ry
    if style == "wide":
        crown = np.array([(hx - 0.75 * r, hy - 0.5 * ry), (hx - 0.6 * r, hy - 1.35 * ry), (hx, hy - 1.2 * ry),
                          (hx + 0.65 * r, hy - 1.35 * ry), (hx + 0.8 * r, hy - 0.5 * ry)])
        brim = np.concatenate([_arc(hx, hy - 0.5 * ry, 1.7 * r, 0.3 * ry, 0.0, 180.0, 10), [(hx - 1.6 * r, hy - 0.62 * ry), (hx + 1.6 * r, hy - 0.62 * ry)]])
        return [Part(crown, color), Part(brim, shade(color, 0.85)),
                Part(np.array([(hx - 0.72 * r, hy - 0.75 * ry), (hx + 0.76 * r, hy - 0.75 * ry), (hx + 0.78 * r, hy - 0.6 * ry),
                               (hx - 0.74 * r, hy - 0.6 * ry)]), shade(color, 0.5), True)]
    if style == "cap":
        dome = _arc(hx - 0.05 * r, hy - 0.2 * ry, 1.06 * r, 0.95 * ry, 180.0, 350.0, 12)
        peak = np.array([(hx + 0.7 * r, hy - 0.5 * ry), (hx + 1.75 * r, hy - 0.32 * ry), (hx + 0.8 * r, hy - 0.22 * ry)])
        return [Part(dome, color), Part(peak, shade(color, 0.8))]
    band = np.concatenate([_arc(hx, hy, 1.07 * r, 1.07 * ry, 165.0, 340.0, 12), [(hx + 0.8 * r, hy - 0.2 * ry), (hx - 0.8 * r, hy - 0.05 * ry)]])
    tails = np.array([(hx - 0.95 * r, hy - 0.1 * ry), (hx - 1.7 * r, hy + 0.1 * ry), (hx - 1.55 * r, hy + 0.45 * ry), (hx - 0.85 * r, hy + 0.15 * ry)])
    return [Part(tails, shade(color, 0.85)), Part(band, color)]


def _backpack(sk: Skeleton, color: Color, roll: Color | None) -> list[Part]:
    """Backpack on the back (drawn behind the body), with a bedroll on top."""
    nx, ny = sk.neck_base()
    x1 = nx - sk.chest_w * 0.3
    parts = [Part(np.array([(x1, ny + 0.02), (x1 - 0.2, ny + 0.04), (x1 - 0.22, ny + 0.26), (x1 - 0.02, ny + 0.28)]), color),
             Part(np.array([(x1 - 0.05, ny + 0.14), (x1 - 0.23, ny + 0.15), (x1 - 0.24, ny + 0.24), (x1 - 0.06, ny + 0.25)]), shade(color, 0.85))]
    if roll is not None:
        parts.append(Part(tapered(np.array([(x1 - 0.22, ny), (x1 - 0.02, ny - 0.02)]), np.full(2, 0.08)), roll))
    return parts


def _scarf(sk: Skeleton, color: Color, flutter: float) -> tuple[Part, Part]:
    """Scarf tail blowing back (behind the body) and its wrap around the neck."""
    nx, ny = sk.neck_base()
    tail = np.array([(nx - 0.02, ny - 0.03), (nx - 0.14, ny - 0.01 - flutter), (nx - 0.3, ny + 0.01 - flutter * 1.6),
                     (nx - 0.28, ny + 0.06 - flutter), (nx - 0.12, ny + 0.05), (nx - 0.02, ny + 0.03)])
    wrap = tapered(np.array([(nx - 0.07, ny - 0.01), (nx + 0.08, ny - 0.02)]), np.full(2, 0.06))
    return Part(tail, color), Part(wrap, color)


def _adventurer(rng: np.random.Generator, p: CharacterPalette, armed: bool, airborne: bool) -> Sprite:
    """Adventurer: jacket, backpack and bedroll, hat / cap / bandana, scarf, tall boots, torch or sword."""
    pose = "jump" if airborne else ["walk", "walk", "stand", "idle"][int(rng.integers(4))]
    sk = skeleton(rng, pose)
    held = ["none", "torch", "sword"][int(rng.integers(3))]
    if held != "none":
        sk.arms[1] = _hold_arm(rng, "forward" if held == "torch" else "ready")
    hat = ["wide", "cap", "bandana", "none"][int(rng.integers(4))]
    pack, roll, scarf = rng.random() < 0.7, rng.random() < 0.6, rng.random() < 0.5
    skin, hair_c = _skin(rng, p, (0.55, 0.85)), _hair_color(rng, p)
    flutter, blade = rng.uniform(0.0, 0.08), rng.uniform(0.22, 0.3)
    theta = _blade_angle(rng, sk.arm(1)[3]) if held == "sword" else math.radians(rng.uniform(160.0, 200.0))
    leather = mix(p.secondary, _WOOD, rng.uniform(0.3, 0.6))
    scarf_parts = _scarf(sk, mix(p.accent, p.primary, 0.35), flutter)
    hair_back, hair_over = _hair(sk, hair_c, ["short", "wild", "long"][int(rng.integers(3))])
    parts = [scarf_parts[0]] if scarf else []
    parts += hair_back + (_backpack(sk, leather, mix(p.accent, p.secondary, 0.5) if roll else None) if pack else [])
    parts += _arm(sk, 0, skin, p.primary, 0.85)
    trouser = mix(p.secondary, _GREY, 0.3)
    parts += _leg(sk, 0, trouser, shade(leather, 0.7), leather) + _leg(sk, 1, trouser, shade(leather, 0.7), leather)
    parts.append(Part(_torso(sk, below=0.09, flare=0.03), p.primary))
    top = _lerp(sk.hip, sk.neck_base(), 0.95)
    parts.append(Part(np.array([(top[0] + 0.01, top[1]), (top[0] + sk.chest_w * 0.42, top[1]), (sk.hip[0] + sk.waist_w * 0.45, sk.hip[1] - 0.04),
                                (sk.hip[0] + sk.waist_w * 0.15, sk.hip[1] - 0.04)]), mix(p.secondary, _WHITE, 0.4)))
    parts.append(Part(_belt(sk, 0.04, 0.04), shade(leather, 0.6)))
    parts.append(Part(ellipse(sk.hip[0] - 0.06, sk.hip[1] - 0.0, 0.04, 0.045, 10), leather))
    if pack:
        nx, ny = sk.neck_base()
        parts.append(Part(tapered(np.array([(nx - 0.08, ny + 0.01), (nx + 0.06, sk.hip[1] - 0.06)]), np.full(2, 0.03)), shade(leather, 0.7), True))
    parts += _head(sk, skin) + _face(sk, skin) + hair_over
    parts += _adventurer_hat(sk, hat, mix(p.secondary, _WOOD, 0.4)) if hat != "none" else []
    if scarf:
        parts.append(scarf_parts[1])
    if armed and held == "torch":
        parts += _torch(sk.arm(1)[2], theta, mix(p.secondary, _WOOD, 0.6), p.accent)
    if armed and held == "sword":
        parts += _sword(sk.arm(1)[2], theta, blade, mix(p.secondary, _SILVER, 0.6), shade(leather, 0.8))
    parts += _arm(sk, 1, skin, p.primary, 0.85)
    info = {"pose": pose, "hat": hat, "backpack": bool(pack), "scarf": bool(scarf), "held": held if armed else "none"}
    return _finish("adventurer", parts, sk, info)


# --------------------------------------------------------------------------- warrior


def _war_helmet(sk: Skeleton, style: str, metal: Color, horn: Color) -> list[Part]:
    """Horned helmet or conical helmet with a nasal bar."""
    hx, hy = sk.head()
    r, ry = sk.head_r * 1.08, sk.head_ry * 1.06
    parts: list[Part] = []
    if style == "horned":
        for side, col in ((-1.0, shade(horn, 0.8)), (1.0, horn)):
            base = (hx + side * 0.45 * r, hy - 0.55 * ry)
            pts = np.array([base, (base[0] + side * 0.4 * r, base[1] - 0.5 * ry), (base[0] + side * 0.45 * r, base[1] - 1.2 * ry)])
            parts.append(Part(tapered(pts, np.array([0.07, 0.05, 0.01])), col))
        parts.append(Part(np.concatenate([_arc(hx, hy - 0.05 * ry, r, ry, 180.0, 360.0, 12), [(hx + r, hy - 0.05 * ry)]]), metal))
    else:
        parts.append(Part(np.array([(hx - r, hy - 0.1 * ry), (hx - 0.7 * r, hy - 0.75 * ry), (hx - 0.05 * r, hy - 1.45 * ry),
                                    (hx + 0.75 * r, hy - 0.75 * ry), (hx + r, hy - 0.1 * ry)]), metal))
    parts.append(Part(tapered(np.array([(hx - r, hy - 0.12 * ry), (hx + r, hy - 0.12 * ry)]), np.full(2, 0.2 * r)), shade(metal, 0.75), True))
    parts.append(Part(np.array([(hx + 0.78 * r, hy - 0.2 * ry), (hx + 0.98 * r, hy - 0.2 * ry), (hx + 0.98 * r, hy + 0.4 * ry),
                                (hx + 0.8 * r, hy + 0.4 * ry)]), shade(metal, 0.8), True))
    return parts


def _shield(center: Pt, shape: str, size: float, face: Color, rim: Color, emblem: Color) -> list[Part]:
    """Round (rim, boss) or kite (pointed) shield seen at an angle, centred at ``center``."""
    x, y = center
    if shape == "round":
        return [Part(ellipse(x, y, size * 0.72, size), rim), Part(ellipse(x, y, size * 0.6, size * 0.86), face, True),
                Part(tapered(np.array([(x, y - size * 0.8), (x, y + size * 0.8)]), np.full(2, size * 0.16)), emblem, True),
                Part(ellipse(x, y, size * 0.2, size * 0.24, 10), rim, True)]
    outline = np.array([(-0.62, -0.95), (0.62, -0.95), (0.6, -0.1), (0.35, 0.5), (0.0, 1.15), (-0.35, 0.5), (-0.6, -0.1)])
    return [Part(outline * size + center, rim), Part(outline * size * 0.82 + (x, y - 0.02 * size), face, True),
            Part(tapered(np.array([(x, y - size * 0.7), (x, y + size * 0.8)]), np.full(2, size * 0.18)), emblem, True),
            Part(tapered(np.array([(x - size * 0.45, y - size * 0.3), (x + size * 0.45, y - size * 0.3)]), np.full(2, size * 0.18)), emblem, True)]


def _warrior(rng: np.random.Generator, p: CharacterPalette, armed: bool, airborne: bool) -> Sprite:
    """Warrior: cuirass and strip kilt, bare arms with bracers, helmet or bare head, shield and blade."""
    pose = "jump" if airborne else ["stand", "walk", "idle"][int(rng.integers(3))]
    sk = skeleton(rng, pose, slim=rng.uniform(1.05, 1.2))
    sk.arms[1] = _hold_arm(rng, ["ready", "raised"][int(rng.integers(2))])
    sk.arms[0] = (math.radians(rng.uniform(35.0, 70.0)), math.radians(rng.uniform(20.0, 50.0)))
    helm = ["horned", "conical", "none"][int(rng.integers(3))]
    shape, weapon = ["round", "kite"][int(rng.integers(2))], ["sword", "axe"][int(rng.integers(2))]
    beard, double = rng.random() < 0.5, rng.random() < 0.4
    skin, hair_c = _skin(rng, p, (0.55, 0.85)), _hair_color(rng, p)
    metal, leather = _cloth(rng, p.primary), _cloth(rng, p.secondary)
    size, blade = rng.uniform(0.15, 0.19), rng.uniform(0.3, 0.42)
    theta = _blade_angle(rng, sk.arm(1)[3])
    mail = metal if rng.random() < 0.5 else None  # mail sleeves or bare arms
    hair_back, hair_over = _hair(sk, hair_c, "wild" if helm == "none" else "long")
    parts = hair_back + _arm(sk, 0, skin, mail, 0.3)
    parts += _leg(sk, 0, leather, shade(leather, 0.6), shade(leather, 0.8)) + _leg(sk, 1, leather, shade(leather, 0.6), shade(leather, 0.8))
    parts.append(Part(_hem(sk, sk.waist_w * 1.05, sk.hip[1] + 0.13, 0.03), p.secondary))  # kilt of leather strips
    for k in range(1, 4):
        x = sk.hip[0] - sk.waist_w * 0.55 + sk.waist_w * 1.1 * k / 4
        parts.append(Part(tapered(np.array([(x, sk.hip[1] - 0.0), (x + 0.01 * (k - 2), sk.hip[1] + 0.13)]), np.full(2, 0.012)),
                          shade(p.secondary, 0.6), True))
    parts.append(Part(_torso(sk, below=0.03), metal))
    parts.append(Part(_belt(sk, 0.04, 0.05), shade(leather, 0.7)))
    parts += _head(sk, skin) + _face(sk, skin, big_eye=False) + (_war_helmet(sk, helm, metal, mix(p.secondary, _WHITE, 0.5)) if helm != "none" else hair_over)
    if beard:
        parts.append(_beard(sk, hair_c, rng.uniform(0.1, 0.6)))
    parts += _shield(_lerp(sk.arm(0)[2], sk.arm(0)[1], 0.2), shape, size, p.secondary, shade(metal, 0.8), p.accent)
    if armed:
        head = mix(metal, _SILVER, 0.5)
        parts += _sword(sk.arm(1)[2], theta, blade, head, leather) if weapon == "sword" else _axe(sk.arm(1)[2], theta, blade, head, leather, double)
    parts += _arm(sk, 1, skin, mail, 0.3)
    hand, elbow = sk.arm(1)[2], sk.arm(1)[1]
    parts.append(Part(tapered(np.array([_lerp(elbow, hand, 0.35), _lerp(elbow, hand, 0.85)]), np.full(2, sk.arm_w * 1.15)), leather, True))
    info = {"pose": pose, "helmet": helm, "shield": shape, "weapon": weapon if armed else "none", "beard": bool(beard),
            "sleeves": mail is not None}
    return _finish("warrior", parts, sk, info)


# --------------------------------------------------------------------------- mage


def _mage_hat(sk: Skeleton, style: str, color: Color, band: Color, bend: float) -> list[Part]:
    """Pointed hat (tip bent back by ``bend``), wide floppy hat, or hood (drawn over a hair-less head)."""
    hx, hy = sk.head()
    r, ry = sk.head_r, sk.head_ry
    if style == "hood":
        hood = np.concatenate([_arc(hx, hy, 1.2 * r, 1.2 * ry, 90.0, 330.0, 14), [(hx + 0.55 * r, hy - 0.55 * ry), (hx - 0.1 * r, hy + 0.2 * ry),
                                                                                   (hx + 0.2 * r, hy + 1.1 * ry)]])
        return [Part(hood, color)]
    if style == "pointed":
        base = hy - 0.55 * ry
        cone = np.array([(hx - 0.95 * r, base), (hx - 0.35 * r - bend * 0.5, base - 1.6 * r), (hx - 0.2 * r - bend, base - 3.0 * r),
                         (hx + 0.1 * r - bend * 0.4, base - 1.5 * r), (hx + 0.95 * r, base)])
        brim = ellipse(hx, base, 1.75 * r, 0.3 * r)
        return [Part(brim, shade(color, 0.85)), Part(cone, color),
                Part(np.array([(hx - 0.9 * r, base - 0.05 * r), (hx + 0.9 * r, base - 0.05 * r), (hx + 0.8 * r, base - 0.35 * r),
                               (hx - 0.82 * r, base - 0.35 * r)]), band, True)]
    base = hy - 0.5 * ry
    crown = np.array([(hx - 0.9 * r, base), (hx - 0.55 * r, base - 1.0 * r), (hx + 0.15 * r - bend * 0.5, base - 1.25 * r),
                      (hx + 0.7 * r, base - 0.8 * r), (hx + 0.95 * r, base)])
    brim = np.concatenate([_arc(hx, base, 2.3 * r, 0.45 * r, 0.0, 180.0, 12), [(hx - 2.1 * r, base - 0.2 * r), (hx + 2.1 * r, base - 0.25 * r)]])
    return [Part(crown, color), Part(brim, shade(color, 0.85)),
            Part(np.array([(hx - 0.88 * r, base - 0.05 * r), (hx + 0.92 * r, base - 0.05 * r), (hx + 0.85 * r, base - 0.3 * r),
                           (hx - 0.8 * r, base - 0.3 * r)]), band, True)]


def _robe(sk: Skeleton, p: CharacterPalette, floor: bool, stars: bool) -> list[Part]:
    """Robe: torso and a skirt flaring to the floor (or the shins), trimmed, with a sash and maybe stars."""
    spread = 0.06 + abs(sk.legs[1][0] - sk.legs[0][0]) * 0.22
    hem_y = -0.05 if floor else -sk.shin * 0.55
    skirt = _hem(sk, sk.waist_w * 1.1, hem_y, spread)
    parts = [Part(skirt, p.primary), Part(_torso(sk, below=0.05), p.primary)]
    trim = np.array([skirt[3], skirt[2], skirt[2] + (0.0, -0.035), skirt[3] + (0.0, -0.035)])
    parts.append(Part(trim, p.secondary, True))
    x, y = _at(sk.hip, 0.05, math.pi - sk.lean)
    parts.append(Part(tapered(np.array([(x - sk.waist_w * 0.55, y), (x + sk.waist_w * 0.55, y)]), np.full(2, 0.04)), p.secondary))
    parts.append(Part(np.array([(x - 0.02, y), (x - 0.06, y + 0.18), (x - 0.01, y + 0.17), (x + 0.01, y)]), p.secondary))
    if stars:
        for fx, fy in ((0.3, 0.45), (0.65, 0.7), (0.45, 0.9)):
            cx, cy = x + (fx - 0.5) * sk.waist_w * 1.6, y + (hem_y - y) * fy
            parts.append(Part(np.array([(cx, cy - 0.03), (cx + 0.01, cy - 0.01), (cx + 0.03, cy), (cx + 0.01, cy + 0.01), (cx, cy + 0.03),
                                        (cx - 0.01, cy + 0.01), (cx - 0.03, cy), (cx - 0.01, cy - 0.01)]), p.accent, True))
    return parts


def _mage(rng: np.random.Generator, p: CharacterPalette, armed: bool, airborne: bool) -> Sprite:
    """Mage: robe, bell sleeves, pointed / wide hat or hood, beard, staff with orb, crystal or crook."""
    pose = "jump" if airborne else ["stand", "walk", "arms_up", "idle"][int(rng.integers(4))]
    sk = skeleton(rng, pose)
    if pose == "jump":
        sk.legs = [(sk.legs[0][0] * 0.4, sk.legs[0][1] * 0.4), (sk.legs[1][0] * 0.4, sk.legs[1][1] * 0.4)]
    sk.arms[1] = _hold_arm(rng, "forward")
    hat = ["pointed", "pointed", "wide", "hood"][int(rng.integers(4))]
    top = ["orb", "crystal", "crook"][int(rng.integers(3))]
    p = CharacterPalette(_cloth(rng, p.primary), _cloth(rng, p.secondary), p.accent)  # wool, as muted as armour
    floor, stars, beard = rng.random() < 0.6, rng.random() < 0.5, rng.random() < 0.55
    skin, hair_c = _skin(rng, p, (0.55, 0.85)), _hair_color(rng, p)
    hair_c = mix(hair_c, _WHITE, 0.6) if rng.random() < 0.4 else hair_c  # old and grey, or not
    bend, beard_len = rng.uniform(0.0, 0.12), rng.uniform(0.6, 1.6)
    theta = math.radians(180.0 + rng.uniform(-10.0, 10.0))
    hat_c = p.primary if rng.random() < 0.5 else p.secondary
    hair_back, hair_over = _hair(sk, hair_c, "long" if hat != "hood" else "bald")
    parts = hair_back + (_mage_hat(sk, "hood", hat_c, p.accent, 0.0)[:1] if hat == "hood" else [])
    parts += _arm(sk, 0, skin, p.primary, 0.95, bell=2.0)
    parts += _leg(sk, 0, shade(p.primary, 0.7), shade(p.secondary, 0.6)) + _leg(sk, 1, shade(p.primary, 0.7), shade(p.secondary, 0.6))
    parts += _robe(sk, p, floor, stars)
    parts += _head(sk, skin) + _face(sk, skin, big_eye=bool(rng.random() < 0.5)) + hair_over
    if beard:
        parts.append(_beard(sk, hair_c, beard_len))
    if hat != "hood":
        parts += _mage_hat(sk, hat, hat_c, p.accent, bend)
    if armed:
        parts += _staff(sk.arm(1)[2], theta, mix(p.secondary, _WOOD, 0.6), p.accent, top)
    parts += _arm(sk, 1, skin, p.primary, 0.95, bell=2.0)
    info = {"pose": pose, "hat": hat, "robe": "floor" if floor else "shin", "beard": bool(beard), "staff": top if armed else "none"}
    return _finish("mage", parts, sk, info)


# --------------------------------------------------------------------------- zombie


def _zombie_shirt(sk: Skeleton, rng: np.random.Generator, color: Color) -> Part:
    """Shirt with a torn, zig-zag hem."""
    torso = _torso(sk, below=0.1, flare=0.04)  # 8 points: one side bottom to top, the other top to bottom
    hem = _jagged((float(torso[7][0]), float(torso[7][1])), (float(torso[0][0]), float(torso[0][1])), 3, 0.06, rng)
    return Part(np.concatenate([torso[1:7], np.array(hem)]), color)


def _stitches(a: Pt, b: Pt, color: Color) -> list[Part]:
    """A scar line with cross stitches."""
    parts = [Part(tapered(np.array([a, b]), np.full(2, 0.01)), color, True)]
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = math.hypot(dx, dy) + 1e-9
    nx, ny = -dy / n * 0.022, dx / n * 0.022
    for t in (0.2, 0.5, 0.8):
        x, y = _lerp(a, b, t)
        parts.append(Part(tapered(np.array([(x - nx, y - ny), (x + nx, y + ny)]), np.full(2, 0.008)), color, True))
    return parts


def _zombie_face(sk: Skeleton, rng: np.random.Generator, skin: Color) -> list[Part]:
    """Sunken, mismatched eyes, open jagged mouth with teeth, tufts of hair."""
    hx, hy = sk.head()
    r = sk.head_r
    parts = [Part(ellipse(hx + 0.45 * r, hy - 0.1 * r, 0.26 * r, 0.3 * r, 10), shade(skin, 0.6)),
             Part(ellipse(hx + 0.47 * r, hy - 0.1 * r, 0.18 * r, 0.2 * r, 10), _WHITE, True),
             Part(ellipse(hx + 0.5 * r, hy - 0.08 * r, 0.06 * r, 0.06 * r, 10), _DARK, True)]
    mouth = np.array([(hx + 0.35 * r, hy + 0.42 * r), (hx + 0.95 * r, hy + 0.35 * r), (hx + 0.9 * r, hy + 0.75 * r), (hx + 0.4 * r, hy + 0.7 * r)])
    parts.append(Part(mouth, shade(skin, 0.3)))
    for k in range(3):
        tx = hx + (0.45 + 0.17 * k) * r
        parts.append(Part(np.array([(tx, hy + 0.4 * r), (tx + 0.12 * r, hy + 0.4 * r), (tx + 0.06 * r, hy + 0.55 * r)]), _WHITE, True))
    for _ in range(int(rng.integers(2, 6))):  # a few limp strands of hair
        a = math.radians(rng.uniform(-170.0, -80.0))
        bx, by = hx + 0.95 * r * math.cos(a), hy + 0.95 * r * math.sin(a)
        droop = rng.uniform(0.03, 0.08)
        strand = np.array([(bx, by), (bx - 0.03, by - 0.02), (bx - 0.03 - droop, by + droop * 0.6)])
        parts.append(Part(tapered(strand, np.array([0.02, 0.012, 0.004])), shade(skin, 0.55)))
    return parts


def _zombie(rng: np.random.Generator, p: CharacterPalette, armed: bool, airborne: bool) -> Sprite:
    """Zombie: hunched, arms stretched forward, uneven legs, torn clothes, missing forearm, stitches."""
    sk = skeleton(rng, "jump" if airborne else "reach")
    sk.arms = pose_angles(rng, "reach")[1]  # arms stay stretched forward, even mid-jump
    sk.lean = math.radians(rng.uniform(12.0, 30.0))
    sk.head_dx, sk.neck = rng.uniform(0.02, 0.06), rng.uniform(0.0, 0.02)
    sk.leg_scale = (rng.uniform(0.85, 1.0), rng.uniform(0.9, 1.05))
    sk.arm_scale = (rng.uniform(0.9, 1.1), rng.uniform(0.95, 1.15))
    stump, torn_leg = rng.random() < 0.35, int(rng.integers(0, 3))  # torn trouser: none, back, front
    stitched, sleeve_to = rng.random() < 0.6, rng.uniform(0.0, 0.5)
    skin = _creature_skin(rng, p)
    shirt, trouser = p.secondary, mix(shade(p.primary, rng.uniform(0.55, 0.75)), p.secondary, 0.25)
    tear = rng.uniform(0.2, 0.6)
    if stump:
        sk.arms[0] = (sk.arms[0][0], 0.0)
        sk.arm_scale = (0.55, sk.arm_scale[1])
    parts = _arm(sk, 0, skin, shirt, sleeve_to)
    if stump:
        hand = sk.arm(0)[2]
        parts[-1] = Part(ellipse(hand[0], hand[1], 0.03, 0.025, 10), mix(_WHITE, skin, 0.3), True)
    for i in (0, 1):
        parts += _leg(sk, i, trouser, shade(trouser, 0.85), None, tear if torn_leg == i + 1 else 2.0, skin)
    parts.append(_zombie_shirt(sk, rng, shirt))
    parts += _head(sk, skin) + _zombie_face(sk, rng, skin)
    if stitched:
        hx, hy = sk.head()
        parts += _stitches((hx - 0.8 * sk.head_r, hy - 0.5 * sk.head_r), (hx + 0.4 * sk.head_r, hy - 0.85 * sk.head_r), shade(skin, 0.35))
    parts += _arm(sk, 1, skin, shirt, sleeve_to * 0.5)
    top, elbow, _, _ = sk.arm(1)
    parts.append(Part(np.array(_jagged(_lerp(top, elbow, 0.6), _lerp(top, elbow, 0.9), 2, 0.03, rng) + [top]), shade(shirt, 0.9), True))
    info = {"pose": "jump" if airborne else "reach", "missing_forearm": bool(stump), "torn_leg": ["none", "back", "front"][torn_leg],
            "stitched": bool(stitched)}
    return _finish("zombie", parts, sk, info)


# --------------------------------------------------------------------------- alien


def _alien_head(sk: Skeleton, shape: str, skin: Color) -> Part:
    """Large head: round, dome (tall), wide, or teardrop (wide cranium, narrow chin)."""
    hx, hy = sk.head()
    rx, ry = sk.head_r, sk.head_ry
    if shape == "teardrop":
        return Part(np.concatenate([_arc(hx, hy - 0.1 * ry, rx, ry * 0.9, 160.0, 380.0, 16), [(hx + 0.45 * rx, hy + 0.75 * ry), (hx + 0.1 * rx, hy + ry),
                                                                                   (hx - 0.35 * rx, hy + 0.7 * ry)]]), skin)
    return Part(ellipse(hx, hy, rx, ry), skin)


def _alien_face(sk: Skeleton, eyes: int, eye: Color, glow: Color) -> list[Part]:
    """Two or three big slanted eyes with highlights, and a small mouth."""
    hx, hy = sk.head()
    rx, ry = sk.head_r, sk.head_ry
    spots = [(hx + 0.12 * rx, hy + 0.08 * ry, 0.2), (hx + 0.62 * rx, hy + 0.06 * ry, 0.17)]
    if eyes == 3:
        spots.append((hx + 0.38 * rx, hy - 0.42 * ry, 0.13))
    parts = []
    for k, (x, y, s) in enumerate(spots):
        tilt = -0.35 if k == 1 else 0.35
        pts = ellipse(0.0, 0.0, s * rx, s * ry * 1.35)
        c, si = math.cos(tilt), math.sin(tilt)
        pts = np.stack([pts[:, 0] * c - pts[:, 1] * si, pts[:, 0] * si + pts[:, 1] * c], 1) + (x, y)
        parts.append(Part(pts, eye))
        parts.append(Part(ellipse(x + 0.05 * rx, y - 0.1 * ry, 0.05 * rx, 0.06 * ry, 10), glow, True))
    parts.append(Part(tapered(np.array([(hx + 0.35 * rx, hy + 0.62 * ry), (hx + 0.6 * rx, hy + 0.58 * ry)]), np.full(2, 0.012)), _DARK, True))
    return parts


def _antennae(sk: Skeleton, rng: np.random.Generator, n: int, skin: Color, tip: Color) -> list[Part]:
    """``n`` thin stalks on top of the head with round tips."""
    hx, hy = sk.head()
    parts = []
    for k in range(n):
        a = math.radians(-90.0 + (k - (n - 1) / 2) * 35.0)
        base = (hx + sk.head_r * 0.9 * math.cos(a), hy + sk.head_ry * 0.9 * math.sin(a))
        end = (base[0] + rng.uniform(-0.06, 0.06) + 0.06 * math.cos(a), base[1] - rng.uniform(0.1, 0.17))
        mid = (base[0] * 0.4 + end[0] * 0.6 + rng.uniform(-0.03, 0.03), (base[1] + end[1]) / 2)
        parts.append(Part(tapered(np.array([base, mid, end]), np.array([0.025, 0.018, 0.014])), skin))
        parts.append(Part(ellipse(end[0], end[1], 0.03, 0.03, 10), tip))
    return parts


def _tentacles(sk: Skeleton, rng: np.random.Generator, n: int, skin: Color, far: bool) -> list[Part]:
    """Tentacles hanging from the hip to the ground, their tips curling."""
    parts = []
    length = sk.thigh + sk.shin + 0.03
    t = np.linspace(0.0, 1.0, 10)
    for k in range(n):
        if (k % 2 == 0) != far:
            continue
        x0 = sk.hip[0] + (k / max(n - 1, 1) - 0.5) * sk.waist_w * 0.9
        spread, phase, amp = (k / max(n - 1, 1) - 0.5) * 0.25, rng.uniform(0.0, math.pi), rng.uniform(0.02, 0.05)
        curl = rng.choice([-1.0, 1.0]) * 0.06
        xs = x0 + spread * t + amp * np.sin(phase + 2.5 * math.pi * t) + curl * t**4
        ys = sk.hip[1] + length * t - 0.05 * t**6
        parts.append(Part(tapered(np.stack([xs, ys], 1), 0.07 * (1 - t) + 0.014), shade(skin, _FAR if far else 0.92)))
    return parts


def _alien(rng: np.random.Generator, p: CharacterPalette, armed: bool, airborne: bool) -> Sprite:
    """Alien: large head, 2-3 big eyes, antennae, thin limbs, legs or floating tentacles, maybe a suit."""
    sk = skeleton(rng, "jump" if airborne else ["stand", "walk", "arms_up", "idle"][int(rng.integers(4))], slim=0.6)
    sk.head_r = rng.uniform(0.16, 0.21)
    shape = ["round", "dome", "wide", "teardrop"][int(rng.integers(4))]
    sk.head_ry = sk.head_r * {"round": 1.0, "dome": 1.2, "wide": 0.8, "teardrop": 1.1}[shape]
    sk.torso, sk.neck = rng.uniform(0.2, 0.25), rng.uniform(0.02, 0.05)
    sk.upper, sk.fore = sk.upper * 1.1, sk.fore * 1.1
    tentacles, eyes, n_ant, suit = rng.random() < 0.5, 2 + int(rng.random() < 0.4), int(rng.integers(0, 4)), rng.random() < 0.6
    n_tent = int(rng.integers(3, 6))
    skin = _creature_skin(rng, p)
    body = p.secondary if suit else mix(skin, p.secondary, 0.5)  # a suit, or two-tone skin
    eye = mix(_DARK, p.accent, 0.15) if rng.random() < 0.6 else p.accent
    parts = _antennae(sk, rng, n_ant, skin, p.accent)
    parts += _arm(sk, 0, skin, p.secondary if suit else None, 0.7)
    parts += _tentacles(sk, rng, n_tent, skin, True) if tentacles else _leg(sk, 0, body, shade(body, 0.7))
    parts += _tentacles(sk, rng, n_tent, skin, False) if tentacles else _leg(sk, 1, body, shade(body, 0.7))
    parts.append(Part(_torso(sk, below=0.06, flare=-0.02), body))
    if suit:
        parts.append(Part(_belt(sk, 0.03, 0.035), p.accent, True))
    else:
        mx, my = _lerp(sk.hip, sk.neck_base(), 0.45)
        parts.append(Part(ellipse(mx + 0.02, my, sk.waist_w * 0.3, sk.torso * 0.3), mix(skin, _WHITE, 0.3)))
    nx, ny = sk.neck_base()
    parts.append(Part(tapered(np.array([(nx, ny + 0.01), sk.head()]), np.array([0.05, 0.035])), skin))
    if suit:
        parts.append(Part(ellipse(nx, ny + 0.005, sk.chest_w * 0.6, 0.025), shade(p.secondary, 0.8)))
    parts += [_alien_head(sk, shape, skin)] + _alien_face(sk, eyes, eye, mix(p.accent, _WHITE, 0.6))
    parts += _arm(sk, 1, skin, p.secondary if suit else None, 0.7)
    info = {"pose": "jump" if airborne else "stand", "head": shape, "eyes": eyes, "antennae": n_ant,
            "locomotion": "tentacles" if tentacles else "legs", "suit": bool(suit)}
    return _finish("alien", parts, sk, info)


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


_BUILDERS: dict[str, Callable[[np.random.Generator, CharacterPalette, bool, bool], Sprite]] = {
    "knight": _knight, "villager": _villager, "adventurer": _adventurer, "warrior": _warrior,
    "mage": _mage, "zombie": _zombie, "alien": _alien,
}


def humanoid_sprite(rng: np.random.Generator, palette: CharacterPalette, kind: str, armed: bool = True,
                    airborne: bool = False) -> Sprite:
    """Build a humanoid of ``kind`` (one of :data:`HUMANOID_KINDS`).

    Args:
        rng: The only source of randomness: the same seed gives the same sprite.
        palette: Colours of the character; every large part takes its colour from it.
        kind: The humanoid kind.
        armed: Draw the kind's own held item (sword, staff, tool); False leaves the front hand (the "hand"
            anchor) empty for a separate weapon, with the same design and pose otherwise.
        airborne: Jumping pose (mid-air); the feet stay the lowest point at y = 0.

    Raises:
        ValueError: An unknown kind.
    """
    if kind not in _BUILDERS:
        raise ValueError(f"unknown humanoid kind {kind!r}; valid kinds: {', '.join(HUMANOID_KINDS)}")
    return _BUILDERS[kind](rng, palette, armed, airborne)


def _registered(kind: str) -> SpriteBuilder:
    def build(rng: np.random.Generator, palette: CharacterPalette, airborne: bool) -> Sprite:
        return humanoid_sprite(rng, palette, kind, armed=True, airborne=airborne)
    return build


for _kind in HUMANOID_KINDS:
    register_sprite(_kind)(_registered(_kind))
