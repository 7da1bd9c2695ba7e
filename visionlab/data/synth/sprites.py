"""Dragon and robot sprites.

A sprite is a list of polygon parts in *unit* coordinates: facing right, feet at the origin,
y pointing down, about one unit tall. Posing (facing, tilt) and placing (scale, position) turn it
into drawing ops. Dragons are built from curves (ellipses, tapered limbs, scalloped wings);
robots from boxes (rectangles, square head, straight antenna), so the kind is a matter of shape.
Both kinds take their colours from the same :class:`CharacterPalette` pool, and both keep dark
(near-black) parts small, so the mean colour of a character says little about its kind.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .canvas import Op
from .palette import CharacterPalette, Color, mix, outline_of, shade
from .registry import registrar

KINDS = ("dragon", "robot")
"""Variant 1's character kinds; the main character's kind is its classification label."""

ROLES = ("body", "weapon", "effect")
"""What a sprite part is, for the mask: the character itself, a held weapon, or a magic/tech effect."""

_DARK: Color = (40, 42, 48)
_WHITE: Color = (246, 246, 240)
DETAIL_MIN_PX = 20  # parts flagged as detail (nostrils, bolts) vanish below this height
OUTLINE_MIN_PX = 24  # cartoon outlines would swallow smaller sprites


@dataclass
class Part:
    """One filled polygon of a sprite."""

    points: np.ndarray  # (n, 2) unit coordinates
    fill: Color
    detail: bool = False  # small decoration, skipped on tiny sprites
    role: str = "body"  # mask class of its pixels: "body" (the character), "weapon" or "effect" (see ROLES)


@dataclass
class Sprite:
    """An unposed character: its parts in drawing order plus the pose parameters drawn."""

    kind: str
    parts: list[Part]
    pose: dict = field(default_factory=dict)  # JSON-friendly pose parameters (recorded in annotations)
    anchors: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Named unit-coordinate points others attach things to: "hand" (front hand, where a held weapon's grip
    goes), "head_top" (top of the head: crowns, hats), "head" (centre of the head), "mouth" (breath, spells)."""


def _circle(n: int) -> np.ndarray:
    t = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    return np.stack([np.cos(t), np.sin(t)], axis=1)


_CIRCLES = {n: _circle(n) for n in (10, 20)}


def ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 20) -> np.ndarray:
    """Polygon approximating an ellipse (polygons, unlike Pillow ellipses, can be rotated)."""
    return _CIRCLES[n] * (rx, ry) + (cx, cy)


def rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Axis-aligned rectangle polygon."""
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)


def rotate(points: np.ndarray, angle: float, cx: float = 0.0, cy: float = 0.0) -> np.ndarray:
    """Rotate points by ``angle`` radians (clockwise on screen, y down) around (cx, cy)."""
    c, s = math.cos(angle), math.sin(angle)
    d = points - (cx, cy)
    return np.stack([d[:, 0] * c - d[:, 1] * s, d[:, 0] * s + d[:, 1] * c], axis=1) + (cx, cy)


def tapered(center: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Polygon around a centre line whose width varies along it (tails, necks, limbs)."""
    center = np.asarray(center, dtype=float)
    tangent = np.empty_like(center)
    tangent[1:-1] = center[2:] - center[:-2]
    tangent[0], tangent[-1] = center[1] - center[0], center[-1] - center[-2]
    tangent /= np.hypot(tangent[:, :1], tangent[:, 1:]) + 1e-9
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1) * (np.asarray(widths)[:, None] / 2)
    return np.concatenate([center + normal, (center - normal)[::-1]])


def limb(x: float, y: float, length: float, width: float, angle: float) -> tuple[np.ndarray, tuple]:
    """Box hanging from joint (x, y), swung by ``angle`` (0 = straight down, + = forward).

    Returns:
        The polygon and the far joint (x, y).
    """
    s, c = math.sin(angle), math.cos(angle)
    ex, ey = x + length * s, y + length * c
    nx, ny = c * width / 2, -s * width / 2  # half-width along the normal of the limb axis
    return np.array([(x + nx, y + ny), (ex + nx, ey + ny), (ex - nx, ey - ny), (x - nx, y - ny)]), (ex, ey)


# --------------------------------------------------------------------------- dragon


def _wing(sx: float, sy: float, angle: float) -> np.ndarray:
    """Bat wing membrane at shoulder (sx, sy); angle 0 points up, + swings it back and down."""
    shape = np.array([
        (0.0, 0.0), (0.02, -0.24), (-0.06, -0.46), (-0.14, -0.31), (-0.24, -0.36),
        (-0.26, -0.21), (-0.36, -0.19), (-0.31, -0.07), (-0.16, 0.03),
    ])
    return rotate(shape, -angle) + (sx, sy)


def _dragon_body(p: CharacterPalette, rx: float, ry: float, spikes: bool) -> list[Part]:
    parts = [Part(ellipse(0.0, -0.38, rx, ry), p.primary)]
    parts.append(Part(ellipse(0.05, -0.31, rx * 0.7, ry * 0.5), p.secondary))
    if spikes:
        for x in (-0.17, -0.07, 0.03):
            top = -0.38 - ry * math.sqrt(max(0.0, 1 - (x / rx) ** 2))
            parts.append(Part(np.array([(x - 0.045, top + 0.02), (x + 0.045, top + 0.02),
                                        (x - 0.025, top - 0.07)]), p.secondary))
    return parts


def _dragon_head(p: CharacterPalette, raise_: float, horns: int) -> list[Part]:
    hx, hy = 0.36, -0.67 + raise_
    parts = [Part(tapered(np.array([(0.15, -0.42), (0.26, -0.53), (hx - 0.03, hy + 0.03)]),
                          np.array([0.18, 0.14, 0.11])), p.primary)]
    horn = mix(p.secondary, _WHITE, 0.3)
    for k in range(horns):
        bx, by = hx - 0.06 + 0.055 * k, hy - 0.06
        parts.append(Part(np.array([(bx - 0.03, by + 0.02), (bx + 0.035, by + 0.01),
                                    (bx - 0.09, by - 0.14)]), horn))
    parts.append(Part(ellipse(hx, hy, 0.12, 0.09), p.primary))
    parts.append(Part(ellipse(hx + 0.11, hy + 0.03, 0.095, 0.058), p.primary))
    parts.append(Part(ellipse(hx + 0.025, hy - 0.025, 0.034, 0.034, 10), _WHITE))
    parts.append(Part(ellipse(hx + 0.035, hy - 0.025, 0.02, 0.024, 10), p.accent))
    parts.append(Part(ellipse(hx + 0.038, hy - 0.025, 0.006, 0.018, 10), _DARK, True))
    parts.append(Part(ellipse(hx + 0.17, hy + 0.012, 0.012, 0.012, 10), _DARK, True))
    parts.append(Part(tapered(np.array([(hx + 0.06, hy + 0.065), (hx + 0.19, hy + 0.055)]),
                              np.array([0.012, 0.012])), _DARK, True))
    return parts


def _dragon_legs(color: Color, dx: float, step: float) -> list[Part]:
    back = tapered(np.array([(-0.15 + dx, -0.24), (-0.14 + dx - step, -0.03)]), np.array([0.1, 0.065]))
    front = tapered(np.array([(0.14 + dx, -0.28), (0.15 + dx + step, -0.03)]), np.array([0.09, 0.06]))
    return [
        Part(ellipse(-0.14 + dx, -0.27, 0.1, 0.11), color),
        Part(back, color),
        Part(ellipse(-0.09 + dx - step, -0.025, 0.07, 0.03, 10), color),
        Part(front, color),
        Part(ellipse(0.2 + dx + step, -0.025, 0.07, 0.03, 10), color),
    ]


_TAIL_T = np.linspace(0.0, 1.0, 9)


def dragon_sprite(rng: np.random.Generator, p: CharacterPalette) -> Sprite:
    """Build a dragon: body, neck, head with eye and horns, tail, wings, legs."""
    wing = math.radians(rng.uniform(-20.0, 115.0))  # >90 deg: wings folded down
    curl = rng.uniform(-0.12, 0.12)
    raise_ = rng.uniform(-0.04, 0.05)
    horns = int(rng.integers(0, 3))
    spikes = bool(rng.random() < 0.6)
    rx, ry = rng.uniform(0.25, 0.3), rng.uniform(0.15, 0.19)
    step = rng.uniform(-0.04, 0.04)

    t = _TAIL_T
    tail_line = np.stack([-0.18 - 0.5 * t, -0.36 + 0.1 * t + curl * np.sin(math.pi * t) - 0.14 * t**3], 1)
    tip = tail_line[-1]
    parts = [Part(_wing(0.02, -0.5, wing + 0.3), shade(p.secondary, 0.75))]
    parts.append(Part(tapered(tail_line, 0.15 * (1 - t) + 0.025), p.primary))
    parts.append(Part(np.array([tip + (-0.1, -0.02), tip + (0.0, -0.06), tip + (0.03, 0.0),
                                tip + (0.0, 0.05)]), p.secondary))
    parts += _dragon_legs(shade(p.primary, 0.75), 0.05, -step)
    parts += _dragon_body(p, rx, ry, spikes)
    parts += _dragon_head(p, raise_, horns)
    parts += _dragon_legs(p.primary, 0.0, step)
    parts.append(Part(_wing(-0.03, -0.48, wing), p.secondary))
    bone = tapered(rotate(np.array([(0.0, 0.0), (0.02, -0.24), (-0.06, -0.46)]), -wing) + (-0.03, -0.48),
                   np.array([0.035, 0.03, 0.012]))
    parts.append(Part(bone, shade(p.secondary, 0.7), True))
    pose = {"wing_angle_deg": round(math.degrees(wing), 1), "horns": horns}
    return Sprite("dragon", parts, pose)


# --------------------------------------------------------------------------- robot


def _robot_base(p: CharacterPalette, treads: bool, airborne: bool) -> list[Part]:
    parts: list[Part] = []
    if treads:
        belt = np.array([(-0.22, -0.2), (0.22, -0.2), (0.28, -0.14), (0.28, -0.05), (0.22, 0.0),
                         (-0.22, 0.0), (-0.28, -0.05), (-0.28, -0.14)])
        parts.append(Part(belt, shade(p.secondary, 0.75)))
        for x in (-0.17, 0.0, 0.17):
            parts.append(Part(ellipse(x, -0.1, 0.065, 0.065), shade(p.secondary, 0.9)))
            parts.append(Part(ellipse(x, -0.1, 0.02, 0.02, 10), _DARK, True))
        feet_x: tuple[float, ...] = (0.0,)
    else:
        feet_x = (-0.1, 0.1)
        for x in feet_x:
            parts.append(Part(rect(x - 0.045, -0.38, x + 0.045, -0.05), shade(p.primary, 0.8)))
            parts.append(Part(rect(x - 0.06, -0.075, x + 0.09, 0.0), p.secondary))
            parts.append(Part(rect(x - 0.05, -0.24, x + 0.05, -0.19), _DARK, True))
    if airborne:  # jet flames: robots hover on thrusters, dragons on wings
        for x in feet_x:
            parts.append(Part(np.array([(x - 0.05, 0.0), (x + 0.05, 0.0), (x, 0.14)]), (255, 140, 30)))
            parts.append(Part(np.array([(x - 0.025, 0.0), (x + 0.025, 0.0), (x, 0.07)]), (255, 236, 120)))
    return parts


def _robot_arm(p: CharacterPalette, x: float, y: float, angle: float, bend: float, far: bool) -> list[Part]:
    color = shade(p.primary, 0.75) if far else p.primary
    upper, elbow = limb(x, y, 0.2, 0.085, angle)
    lower, hand = limb(elbow[0], elbow[1], 0.17, 0.07, angle + bend)
    hx, hy = hand
    return [Part(upper, color), Part(lower, color),
            Part(rotate(rect(hx - 0.045, hy - 0.01, hx + 0.045, hy + 0.07), -(angle + bend), hx, hy), p.secondary),
            Part(ellipse(elbow[0], elbow[1], 0.045, 0.045, 10), shade(p.secondary, 0.8), True)]


def _robot_head(rng: np.random.Generator, p: CharacterPalette, top: float) -> list[Part]:
    hw, hh = rng.uniform(0.22, 0.3), rng.uniform(0.18, 0.22)
    x0, y1 = -hw / 2 + 0.03, top - 0.04
    y0 = y1 - hh
    metal = shade(p.primary, 0.6)  # rods and frames: darker than the body, not black (see module doc)
    parts = [Part(rect(-0.04, y1 - 0.01, 0.04, top + 0.01), metal)]
    n_ant = 1 + int(rng.random() < 0.3)
    for k in range(n_ant):
        ax = x0 + hw * (0.5 if n_ant == 1 else 0.25 + 0.5 * k)
        tip = y0 - rng.uniform(0.08, 0.14)
        parts.append(Part(rect(ax - 0.012, tip, ax + 0.012, y0 + 0.01), metal))
        parts.append(Part(ellipse(ax, tip, 0.035, 0.035, 10), p.accent))
    parts.append(Part(rect(x0, y0, x0 + hw, y1), p.primary))
    parts.append(Part(rect(x0 + hw * 0.3, y0 + hh * 0.22, x0 + hw + 0.01, y0 + hh * 0.62), metal))
    parts.append(Part(rect(x0 + hw * 0.36, y0 + hh * 0.32, x0 + hw - 0.015, y0 + hh * 0.52), p.accent))
    parts.append(Part(rect(x0 - 0.03, y0 + hh * 0.35, x0 + 0.01, y0 + hh * 0.7), p.secondary, True))
    for k in range(3):
        gx = x0 + hw * (0.5 + 0.13 * k)
        parts.append(Part(rect(gx, y0 + hh * 0.74, gx + 0.015, y0 + hh * 0.9), _DARK, True))
    return parts


def robot_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Build a robot: box torso with chest panel, square head with visor, antenna, arms, legs or treads."""
    treads = bool(rng.random() < 0.45)
    tw, th = rng.uniform(0.34, 0.44), rng.uniform(0.3, 0.36)
    bottom = -0.2 if treads else -0.36
    top = bottom - th
    arms = (math.radians(rng.uniform(-30.0, 80.0)), math.radians(rng.uniform(-80.0, 30.0)))
    bends = (math.radians(rng.uniform(0.0, 70.0)), math.radians(rng.uniform(-70.0, 0.0)))
    parts = _robot_base(p, treads, airborne)
    parts += _robot_arm(p, tw / 2 + 0.01, top + 0.06, arms[0], bends[0], far=True)
    parts.append(Part(rect(-tw / 2, top, tw / 2, bottom), p.primary))
    parts.append(Part(rect(-tw / 2 + 0.05, top + 0.06, tw / 2 - 0.05, top + th * 0.62), p.secondary))
    for k in range(3):
        lx = -tw / 2 + 0.08 + 0.07 * k
        parts.append(Part(rect(lx, top + 0.09, lx + 0.04, top + 0.13), p.accent, True))
    parts.append(Part(rect(-tw / 2, bottom - 0.05, tw / 2, bottom), shade(p.primary, 0.75)))
    parts += _robot_head(rng, p, top)
    parts += _robot_arm(p, -tw / 2 - 0.01, top + 0.06, arms[1], bends[1], far=False)
    pose = {"locomotion": "treads" if treads else "legs",
            "arm_angles_deg": [round(math.degrees(a), 1) for a in arms]}
    return Sprite("robot", parts, pose)


SpriteBuilder = Callable[[np.random.Generator, CharacterPalette, bool], Sprite]
SPRITES: dict[str, SpriteBuilder] = {}
"""Sprite kinds by name: a builder ``(rng, palette, airborne) -> Sprite`` each (see :func:`register_sprite`)."""


register_sprite = registrar(SPRITES, "sprite kind")
"""``@register_sprite(kind)`` adds a sprite builder; a variant's classes are sets of such kinds. A kind used twice raises ValueError."""


register_sprite("dragon")(lambda rng, palette, airborne: dragon_sprite(rng, palette))  # dragons fly on their wings
register_sprite("robot")(robot_sprite)


def make_sprite(rng: np.random.Generator, kind: str, palette: CharacterPalette, airborne: bool) -> Sprite:
    """Build a sprite of a registered ``kind`` with the given palette.

    Raises:
        ValueError: An unknown kind; the message lists the registered ones.
    """
    if kind not in SPRITES:
        raise ValueError(f"unknown character kind {kind!r}; valid kinds: {', '.join(sorted(SPRITES))}")
    return SPRITES[kind](rng, palette, airborne)


# --------------------------------------------------------------------------- posing


@dataclass
class Posed:
    """A sprite flipped and tilted, still in unit coordinates relative to its feet."""

    sprite: Sprite
    points: list[np.ndarray]
    bounds: tuple[float, float, float, float]  # x0, y0, x1, y1 in units
    anchors: dict[str, tuple[float, float]] = field(default_factory=dict)  # the sprite's anchors, posed alike

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) in units."""
        return self.bounds[2] - self.bounds[0], self.bounds[3] - self.bounds[1]


def pose(sprite: Sprite, facing: str, tilt_deg: float) -> Posed:
    """Mirror the sprite to face ``facing`` and tilt it around its middle (its anchors too)."""
    sizes = [len(part.points) for part in sprite.parts]
    names = list(sprite.anchors)
    pts = np.concatenate([part.points for part in sprite.parts] + [np.array([sprite.anchors[n] for n in names]).reshape(-1, 2)])
    if facing == "left":
        pts = pts * (-1.0, 1.0)
    pts = rotate(pts, math.radians(tilt_deg), 0.0, -0.5)
    ends = np.cumsum(sizes).tolist()
    anchors = {n: (float(x), float(y)) for n, (x, y) in zip(names, pts[ends[-1]:])}
    pts = pts[:ends[-1]]
    bounds = (*pts.min(axis=0).tolist(), *pts.max(axis=0).tolist())
    points = [pts[a:b] for a, b in zip([0] + ends[:-1], ends)]
    return Posed(sprite, points, (bounds[0], bounds[1], bounds[2], bounds[3]), anchors)


def place_parts(posed: Posed, scale: float, x: float, y: float) -> list[tuple[str, list[Op]]]:
    """Drawing ops for the posed sprite scaled by ``scale`` px/unit with its feet at (x, y).

    Returns:
        ``(role, ops)`` runs in drawing order: consecutive parts of one role share a run, so the caller
        can draw each run with its mask class (the character, its weapon, its effect).
    """
    height_px = posed.size[1] * scale
    width = max(1.0, 0.012 * height_px)
    with_outline = height_px >= OUTLINE_MIN_PX
    runs: list[tuple[str, list[Op]]] = []
    for part, pts in zip(posed.sprite.parts, posed.points):
        if part.detail and height_px < DETAIL_MIN_PX:
            continue
        outline = outline_of(part.fill) if with_outline and not part.detail else None
        op = Op("poly", pts * scale + (x, y), part.fill, outline, width)
        if runs and runs[-1][0] == part.role:
            runs[-1][1].append(op)
        else:
            runs.append((part.role, [op]))
    return runs


def place(posed: Posed, scale: float, x: float, y: float) -> list[Op]:
    """All drawing ops of :func:`place_parts`, whatever their role."""
    return [op for _, ops in place_parts(posed, scale, x, y) for op in ops]
