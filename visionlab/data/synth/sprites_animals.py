"""Animal game characters: fox, bear, cat, wolf and bird sprites.

Same conventions as :mod:`.sprites`: polygon parts in unit coordinates, facing right, feet at the origin,
y pointing down, about one unit tall. The four mammals appear either as four-legged animals or as upright,
anthropomorphic game characters (a fox adventurer, a bear in a vest), about half and half, so that they
differ from upright human characters by their animal features (ears, snouts, tails, fur), not only by the
number of legs on the ground. Birds stand on two thin legs or fly when airborne.

Each kind is told by its shape: the fox by big pointed ears, a thin pointed snout and a bushy tail with a
light tip; the wolf by a long, blunt snout, a neck ruff and a hanging bushy tail on long legs; the cat by
a round head with a short face, whiskers and a long thin tail; the bear by round ears, a heavy body and a
short tail; the bird by its beak, wings and tail feathers. Fur takes the palette's primary colour, with
lighter bellies and muzzles mixed from it and markings, clothes and wings in the secondary and accent
colours, so colour says little about the kind.

This module holds the mammals (four-legged and upright bodies) and registers them; the bird lives in
:mod:`.sprites_birds` and is re-exported here; heads, tails and helpers shared by both are in :mod:`.animal_parts`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .animal_parts import Point, _Body, _Coat, _coat, _curve, _finish, _head, _line, _move, _pick, _Species, _tail, _transform, _tuft
from .palette import CharacterPalette, Color, shade
from .sprites import Part, Sprite, ellipse, register_sprite, rotate, tapered
from .sprites_birds import bird_sprite as bird_sprite

ANIMAL_KINDS = ("fox", "bear", "cat", "wolf", "bird")
"""The kinds this module registers."""

POSTURES = ("four_legs", "upright")
"""Values of ``pose["posture"]`` for the four mammals."""

SPECIES = {
    "fox": _Species("fox", 0.8, 0.95, (0.78, 0.2), "pointed", 1.15, 0.8, "bushy", (0.17, 0.22), (0.26, 0.1),
                    0.05, (0.105, 0.12), 1.1, 0.26),
    "wolf": _Species("wolf", 0.84, 1.1, (1.0, 0.64), "pointed", 0.72, 0.62, "hanging", (0.32, 0.37), (0.3, 0.14),
                     0.07, (0.13, 0.145), 0.8, 0.3),
    "cat": _Species("cat", 0.88, 0.22, (0.72, 0.55), "pointed", 0.75, 0.85, "thin", (0.21, 0.25), (0.23, 0.105),
                    0.05, (0.12, 0.135), 1.0, 0.25),
    "bear": _Species("bear", 0.9, 0.55, (0.95, 0.72), "round", 0.34, 0.0, "stub", (0.2, 0.25), (0.34, 0.2),
                     0.12, (0.15, 0.17), 0.1, 0.44),
}
"""Shape constants of the four mammals."""


# --------------------------------------------------------------------------- four-legged mammals


_FRONT_LEG = np.array([(0.0, 0.0), (0.02, 0.3), (0.02, 0.6), (0.03, 0.85), (0.06, 1.0)])
_HIND_LEG = np.array([(0.0, 0.0), (0.12, 0.32), (0.02, 0.55), (-0.1, 0.74), (-0.04, 1.0)])


@dataclass(frozen=True)
class _LegSpec:
    """One leg of a four-legged animal."""

    x: float
    y: float  # joint (shoulder or hip) position
    length: float
    swing: float  # radians, + = forward
    lift: float  # 0 = paw on the ground; > 0 raises the paw (fraction of the length)
    hind: bool
    reach: bool  # stretch to put the paw on the ground


def _leg(spec: _LegSpec, width: float, color: Color, sock: Color | None, straight: bool) -> tuple[list[Part], Point]:
    """A leg hanging from its joint with a paw at its end; returns the parts and the paw centre."""
    shape = _FRONT_LEG if straight or not spec.hind else _HIND_LEG
    line = rotate(shape * spec.length, -spec.swing)
    paw_ry = width * 0.38
    if spec.reach:
        line = line * ((-spec.y - paw_ry) / line[-1, 1])
    if spec.lift > 0:
        line = line * (1.0 - spec.lift)
        line[-1] = rotate(line[-1:], 0.9, *line[-2])[0]
    line = line + (spec.x, spec.y)
    top = 1.7 if spec.hind else 1.25
    widths = width * np.array([top, 0.95, 0.82, 0.74, 0.7])
    parts = [Part(tapered(line, widths), color)]
    if sock is not None:
        parts.append(Part(tapered(line[2:], widths[2:]), sock))
    px, py = float(line[-1, 0] + width * 0.2), float(line[-1, 1])
    parts.append(Part(ellipse(px, py, width * 0.72, paw_ry), sock or color))
    return parts, (px, py)


def _gait_legs(rng: np.random.Generator, body: _Body, gait: str, length: float) -> list[_LegSpec]:
    """Leg joints and swings for a gait: far front, far hind, near hind, near front (drawing order)."""
    front, hind = body.at(0.55, 0.2), body.at(-0.55, 0.15)
    if gait == "leap":
        a, b = rng.uniform(0.6, 1.0), rng.uniform(0.6, 1.0)
        swings, lifts = [a - 0.2, -b + 0.2, -b, a], [0.0] * 4
    elif gait == "walk":
        a = rng.uniform(0.18, 0.4)
        swings = [-a * 0.8, a * 0.8, -a, a]
        lifts = [0.0, 0.0, 0.0, 0.0]
        lifts[int(rng.integers(4))] = rng.uniform(0.12, 0.22)
    else:
        swings, lifts = list(rng.uniform(-0.1, 0.1, 4)), [0.0] * 4
    joints = [(front[0] + 0.04, front[1]), (hind[0] + 0.04, hind[1]), hind, front]
    return [_LegSpec(x, y, length + body.ry * 0.3, s, lift, k in (1, 2), gait != "leap")
            for k, ((x, y), s, lift) in enumerate(zip(joints, swings, lifts))]


def _sitting_legs(sp: _Species, coat: _Coat, body: _Body, sock: Color | None) -> tuple[list[Part], list[Part], Point]:
    """A sitting animal's legs: straight front legs and hind feet flat before the haunch (far, near parts)."""
    w = sp.leg_w
    far: list[Part] = []
    near: list[Part] = []
    hx = body.at(-0.5, 0.3)[0]
    for k, color in enumerate((coat.far, coat.main)):
        fx = hx + body.ry * 0.9 + (0.03 if k == 0 else 0.0)
        foot = Part(ellipse(fx, -w * 0.4, w * 1.25, w * 0.4), sock or color)
        (far if k == 0 else near).append(foot)
    haunch = Part(ellipse(hx, -body.ry * 1.05, body.ry * 1.0, body.ry * 1.05), coat.main)
    x, y = body.at(0.6, 0.25)
    paw: Point = (0.0, 0.0)
    for k, color in enumerate((coat.far, coat.main)):
        spec = _LegSpec(x + (0.04 if k == 0 else 0.0), y, -y, 0.0, 0.0, False, True)
        leg, paw = _leg(spec, w, color, sock, True)
        (far if k == 0 else near).extend(leg)
    return far, [haunch] + near, paw


def _fur_marks(rng: np.random.Generator, sp: _Species, coat: _Coat, body: _Body) -> tuple[list[Part], str]:
    """Body markings drawn over the body: light belly, chest ruff, tabby stripes or patches."""
    parts: list[Part] = []
    if sp.kind != "bear":
        parts.append(Part(body.ellipse(0.1, 0.45, 0.62, 0.42), coat.light))
    if sp.kind in ("fox", "wolf"):
        x, y = body.at(0.85, -0.05)
        parts.append(Part(_tuft(x, y, body.ry * 0.75, body.ry * 1.0, 9, 0.16, body.pitch), coat.light))
    design = "plain"
    if sp.kind == "cat":
        design = _pick(rng, ("plain", "tabby", "patches"))
        stroke = shade(coat.main, 0.7) if rng.random() < 0.5 else coat.mark
        if design == "tabby":
            for u in (-0.55, -0.25, 0.05, 0.35):
                parts.append(_line([body.at(u, -0.95), body.at(u - 0.08, -0.45), body.at(u - 0.02, -0.15)], 0.03, stroke))
        elif design == "patches":
            parts.append(Part(body.ellipse(-0.35, -0.3, 0.35, 0.5), coat.mark))
    return parts, design


def _four_legs(rng: np.random.Generator, sp: _Species, coat: _Coat, airborne: bool) -> tuple[list[Part], dict[str, Point], dict]:
    """A four-legged animal: tail, far legs, neck, body, markings, near legs, head."""
    gait = "leap" if airborne else _pick(rng, ("stand", "walk", "sit"), (0.3, 0.45, 0.25))
    length = rng.uniform(*sp.leg)
    rx, ry = sp.body[0] * rng.uniform(0.92, 1.08), sp.body[1] * rng.uniform(0.92, 1.1)
    s = rng.uniform(*sp.head)
    if gait == "sit":
        pitch = -rng.uniform(0.55, 0.75)
        cy = -math.hypot(rx * math.sin(pitch), ry * math.cos(pitch))
    else:
        pitch = rng.uniform(-0.25, 0.05) if gait == "leap" else rng.uniform(-0.06, 0.06)
        cy = -(length + ry * 0.45)
    body = _Body(0.0, cy, rx, ry, pitch)
    sock = None
    if sp.kind == "fox" and rng.random() < 0.6:
        sock = coat.dark
    elif sp.kind in ("cat", "wolf") and rng.random() < 0.35:
        sock = coat.light
    tail, curl = _tail(rng, sp, coat, *body.at(-0.9, -0.35), upright=False)
    parts = list(tail)
    if gait == "sit":
        far, near, paw = _sitting_legs(sp, coat, body, sock)
    else:
        far, near, paw = _standing_legs(rng, sp, coat, body, gait, length, sock)
        far, near = far + near, []  # legs come out from under the body
    parts += far
    tilt = rng.uniform(-0.25, 0.2)
    neck_x, neck_y = body.at(0.75, -0.45)
    lift = sp.head_lift * s * rng.uniform(0.8, 1.2)
    hx, hy = neck_x + s * 0.7, neck_y - lift
    parts.append(Part(tapered(np.array([body.at(0.45, -0.1), (hx, hy)]), np.array([ry * 1.5, s * 1.4])), coat.main))
    if sp.kind == "bear":
        parts.append(Part(body.ellipse(0.3, -0.75, 0.5, 0.5), coat.main))
    parts.append(Part(body.ellipse(0.0, 0.0, 1.0, 1.0), coat.main))
    marks, design = _fur_marks(rng, sp, coat, body)
    parts += marks + near
    head, anchors, view = _head(rng, sp, coat, None, (coat.mark, coat.accent))
    parts += _transform(head, s, tilt, hx, hy)
    anchors = {n: _move(a, s, tilt, hx, hy) for n, a in anchors.items()}
    anchors["hand"] = paw
    pose = {"posture": "four_legs", "gait": gait, "view": view, "design": design,
            "head_tilt_deg": round(math.degrees(tilt), 1), "tail_curl": round(curl, 2)}
    return parts, anchors, pose


def _standing_legs(rng: np.random.Generator, sp: _Species, coat: _Coat, body: _Body, gait: str, length: float,
                   sock: Color | None) -> tuple[list[Part], list[Part], Point]:
    """Legs of a standing, walking or leaping animal (far parts, near parts, near front paw)."""
    specs = _gait_legs(rng, body, gait, length)
    far: list[Part] = []
    near: list[Part] = []
    paw: Point = (0.0, 0.0)
    straight = sp.kind == "bear"
    for k, spec in enumerate(specs):
        color = coat.far if k < 2 else coat.main
        leg, end = _leg(spec, sp.leg_w, color, sock, straight)
        (far if k < 2 else near).extend(leg)
        paw = end
    return far, near, paw


# --------------------------------------------------------------------------- upright (anthropomorphic) mammals


def _chain(x: float, y: float, lengths: tuple[float, float], angles: tuple[float, float]) -> np.ndarray:
    """Joint, middle joint and end of a two-segment limb (angles from straight down, + = forward)."""
    pts = [(x, y)]
    for length, angle in zip(lengths, angles):
        px, py = pts[-1]
        pts.append((px + length * math.sin(angle), py + length * math.cos(angle)))
    return np.array(pts)


def _upright_leg(x: float, hip_y: float, length: float, angles: tuple[float, float], width: float,
                 color: Color, reach: bool) -> list[Part]:
    """Thigh, shin and a big paw-foot; ``reach`` stretches the leg to put the foot on the ground."""
    line = _chain(x, hip_y, (length * 0.5, length * 0.5), angles)
    foot_ry = 0.035
    if reach:
        k = (-foot_ry - hip_y) / (line[-1, 1] - hip_y)
        line = (line - (x, hip_y)) * k + (x, hip_y)
    ax, ay = line[-1]
    return [Part(tapered(line, width * np.array([1.3, 1.0, 0.85])), color),
            Part(ellipse(ax + width * 0.45, ay, width * 1.05, foot_ry), color)]


def _arm(x: float, y: float, length: float, angles: tuple[float, float], width: float, color: Color) -> tuple[list[Part], Point]:
    """Upper arm, forearm and paw; returns the parts and the paw centre."""
    line = _chain(x, y, (length * 0.52, length * 0.48), (angles[0], angles[0] + angles[1]))
    hx, hy = line[-1]
    return [Part(tapered(line, width * np.array([1.1, 0.95, 0.85])), color),
            Part(ellipse(hx, hy, width * 0.62, width * 0.62, 10), color)], (float(hx), float(hy))


def _upright_pose(rng: np.random.Generator, gait: str) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(far, near) leg angles and (far, near) arm angles of an upright character."""
    if gait == "jump":
        legs = [(rng.uniform(0.2, 0.6), -rng.uniform(0.5, 1.0)), (rng.uniform(0.7, 1.1), -rng.uniform(0.2, 0.6))]
        arms = [(rng.uniform(1.6, 2.6), rng.uniform(0.0, 0.5)), (rng.uniform(1.8, 2.8), rng.uniform(-0.3, 0.4))]
    elif gait == "walk":
        a = rng.uniform(0.25, 0.45)
        legs = [(-a, -rng.uniform(0.2, 0.5)), (a, rng.uniform(-0.1, 0.1))]
        arms = [(rng.uniform(-0.1, 0.5), rng.uniform(0.0, 0.6)), (rng.uniform(-0.3, 1.2), rng.uniform(0.0, 1.0))]
    else:
        a = rng.uniform(0.0, 0.15)
        legs = [(-a, 0.0), (a, 0.0)]
        arms = [(rng.uniform(-0.6, 0.4), rng.uniform(0.0, 0.8)), (rng.uniform(0.1, 1.4), rng.uniform(0.0, 1.2))]
    return legs, arms


def _clothes(rng: np.random.Generator, p: CharacterPalette) -> dict[str, str]:
    """Which clothes an upright character wears: vest, belt, scarf, hat (each optional)."""
    out: dict[str, str] = {}
    if rng.random() < 0.5:
        out["vest"] = "vest"
        if rng.random() < 0.5:
            out["belt"] = "belt"
    if rng.random() < 0.4:
        out["scarf"] = "scarf"
    if rng.random() < 0.4:
        out["hat"] = _pick(rng, ("cap", "feather", "bandana"))
    return out


def _torso(sp: _Species, coat: _Coat, p: CharacterPalette, w: float, th: float, hip_y: float,
           clothes: dict[str, str]) -> list[Part]:
    """Torso, light belly or chest ruff, and the vest and belt if worn."""
    cy, ry = hip_y - th / 2 + 0.03, th / 2 + 0.05
    parts = [Part(rotate(ellipse(0.0, 0.0, w / 2, ry), 0.06) + (0.0, cy), coat.main)]
    if "vest" in clothes:
        vest = rotate(ellipse(0.0, 0.0, w / 2 * 1.03, ry * 1.02), 0.06) + (0.0, cy)
        vest[:, 1] = np.minimum(vest[:, 1], hip_y - 0.015)
        parts.append(Part(vest, p.secondary))
    belly = ellipse(w * 0.17, cy + th * 0.06, w * 0.28, th * 0.36)
    if sp.kind in ("fox", "wolf"):
        belly = _tuft(w * 0.17, cy - th * 0.05, w * 0.3, th * 0.42, 7, 0.18)
    parts.append(Part(belly, coat.light))
    if "vest" in clothes:
        parts += [Part(ellipse(w * 0.33, cy + dy, 0.014, 0.014, 10), p.accent, True) for dy in (-0.06, 0.0, 0.06)]
    if "belt" in clothes:
        y = hip_y - 0.04
        half = w / 2 * math.sqrt(max(0.0, 1 - ((y - cy) / ry) ** 2)) * 0.97
        parts.append(Part(tapered(np.array([(-half, y), (half, y)]), np.array([0.045, 0.045])), shade(p.secondary, 0.6)))
        parts.append(Part(ellipse(half * 0.6, y, 0.03, 0.028, 10), p.accent))
    return parts


def _scarf(p: CharacterPalette, w: float, y: float) -> list[Part]:
    """A scarf tied around the neck at height ``y`` with one end flying back."""
    end = _curve(-w * 0.2, y, math.pi - 0.9, 0.17, 0.5, 6)
    return [Part(tapered(end, np.full(6, 0.05)), shade(p.accent, 0.85)),
            Part(tapered(np.array([(-w * 0.32, y - 0.01), (w * 0.33, y + 0.012)]), np.array([0.06, 0.06])), p.accent)]


def _upright(rng: np.random.Generator, sp: _Species, coat: _Coat, p: CharacterPalette, airborne: bool
             ) -> tuple[list[Part], dict[str, Point], dict]:
    """An anthropomorphic animal standing on two legs, maybe dressed: tail, limbs, torso, head."""
    bear = sp.kind == "bear"
    s = rng.uniform(*sp.head) * rng.uniform(1.15, 1.35)
    leg = rng.uniform(0.27, 0.33) * (0.9 if bear else 1.0)
    th = rng.uniform(0.28, 0.33) * (1.1 if bear else 1.0)
    w = sp.torso_w * rng.uniform(0.9, 1.1)
    limb_w = 0.12 if bear else 0.08
    gait = "jump" if airborne else _pick(rng, ("stand", "walk"))
    legs, arms = _upright_pose(rng, gait)
    clothes = _clothes(rng, p)
    hip_y, shoulder_y = -leg, -leg - th
    tail, curl = _tail(rng, sp, coat, -w * 0.4, hip_y - 0.03, upright=True)
    far_arm, _ = _arm(-0.03, shoulder_y + 0.06, th * 1.05, arms[0], limb_w * 0.9, coat.far)
    parts = tail + far_arm
    parts += _upright_leg(-0.04, hip_y, leg, legs[0], limb_w, coat.far, gait != "jump")
    parts += _upright_leg(0.04, hip_y, leg, legs[1], limb_w, coat.main, gait != "jump")
    parts += _torso(sp, coat, p, w, th, hip_y, clothes)
    tilt = rng.uniform(-0.15, 0.15)
    hx, hy = 0.03 + w * 0.1, shoulder_y - s * 0.75
    head, anchors, view = _head(rng, sp, coat, clothes.get("hat"), (p.secondary, p.accent))
    parts += _transform(head, s, tilt, hx, hy)
    if "scarf" in clothes:
        parts += _scarf(p, w, shoulder_y + 0.035)
    near_arm, hand = _arm(0.05, shoulder_y + 0.06, th * 1.05, arms[1], limb_w, coat.main)
    parts += near_arm
    anchors = {n: _move(a, s, tilt, hx, hy) for n, a in anchors.items()}
    anchors["hand"] = hand
    pose = {"posture": "upright", "gait": gait, "view": view, "clothes": sorted(clothes.values()),
            "head_tilt_deg": round(math.degrees(tilt), 1), "tail_curl": round(curl, 2)}
    return parts, anchors, pose


def _mammal(kind: str, rng: np.random.Generator, p: CharacterPalette, airborne: bool) -> Sprite:
    """A fox, bear, cat or wolf: four-legged or upright, about half and half."""
    sp, coat = SPECIES[kind], _coat(p)
    if rng.random() < 0.5:
        parts, anchors, pose = _four_legs(rng, sp, coat, airborne)
    else:
        parts, anchors, pose = _upright(rng, sp, coat, p, airborne)
    return _finish(kind, parts, anchors, pose)


@register_sprite("fox")
def fox_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Build a fox: big pointed ears, thin pointed snout, light cheeks, bushy tail with a light tip."""
    return _mammal("fox", rng, p, airborne)


@register_sprite("bear")
def bear_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Build a bear: round ears, short broad muzzle, heavy body and limbs, short tail."""
    return _mammal("bear", rng, p, airborne)


@register_sprite("cat")
def cat_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Build a cat: round head, pointed ears, short face with whiskers, long thin tail."""
    return _mammal("cat", rng, p, airborne)


@register_sprite("wolf")
def wolf_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Build a wolf: long blunt snout, pointed ears, neck ruff, lean body on long legs, hanging bushy tail."""
    return _mammal("wolf", rng, p, airborne)

