"""The bird sprite: songbird, crested bird, crow or wader, standing on two thin legs or flying when airborne.

Same conventions as :mod:`.sprites`. Told by its beak, wings and tail feathers; fur and wing colours
come from the palette like the mammals' (:mod:`.sprites_animals`), with which it shares the helpers
and body frame of :mod:`.animal_parts`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .animal_parts import _DARK, _HORN, Point, _Body, _Coat, _coat, _curve, _eye, _finish, _line, _move, _pick, _transform
from .palette import CharacterPalette, Color, mix, shade
from .sprites import Part, Sprite, ellipse, register_sprite, rotate, tapered

_BIRD_DESIGNS = ("songbird", "crested", "crow", "wader")
# design: leg length range, body half-length, half-height, head radius, beak length and half-height (head radii)
_BIRD = {
    "songbird": ((0.14, 0.2), 0.23, 0.17, 0.12, 0.75, 0.36),
    "crested": ((0.14, 0.2), 0.23, 0.16, 0.12, 0.7, 0.46),
    "crow": ((0.18, 0.24), 0.27, 0.14, 0.11, 1.2, 0.36),
    "wader": ((0.36, 0.44), 0.22, 0.14, 0.095, 2.1, 0.26),
}
_WING = np.array([(0.06, 0.05), (0.16, -0.4), (0.1, -0.8), (0.02, -1.0), (-0.05, -0.86), (-0.1, -0.9), (-0.13, -0.72),
                  (-0.19, -0.74), (-0.2, -0.56), (-0.27, -0.56), (-0.26, -0.38), (-0.32, -0.35), (-0.24, -0.15), (-0.2, 0.05)])
_WRIST = (0.16, -0.4)


def _bird_head(design: str, coat: _Coat, open_beak: bool) -> tuple[list[Part], dict[str, Point]]:
    """Bird head in head radii: crest, round head, cheek, beak and eye."""
    _, _, _, _, bl, bh = _BIRD[design]
    beak = mix(_DARK, coat.main, 0.25) if design == "crow" else mix(_HORN, coat.accent, 0.2)
    parts: list[Part] = []
    if design == "crested":
        for k in range(3):
            x = -0.35 + 0.25 * k
            parts.append(Part(np.array([(x - 0.22, -0.7), (x + 0.2, -0.85), (x - 0.45 - 0.1 * k, -1.55 - 0.12 * k)]), coat.main))
    parts.append(Part(ellipse(0.0, 0.0, 1.0, 1.0), coat.main))
    if design in ("songbird", "crested"):
        parts.append(Part(ellipse(0.15, 0.45, 0.5, 0.4), coat.light))
    tip = (0.75 + bl, 0.12 + (-0.15 if open_beak else 0.0))
    parts.append(Part(np.array([(0.6, -bh), (0.75, -bh * 1.05), tip, (0.7, 0.14)]), beak))
    if open_beak:
        parts.append(Part(np.array([(0.65, 0.2), (0.75 + bl * 0.85, 0.42), (0.7, bh + 0.1)]), shade(beak, 0.85)))
    else:
        parts.append(Part(np.array([(0.62, 0.14), tip, (0.7, bh)]), shade(beak, 0.85)))
    parts += _eye(0.3, -0.18, 0.24, "dot", coat.accent)
    return parts, {"head": (0.0, 0.0), "head_top": (0.0, -1.0), "mouth": (float(tip[0]), float(tip[1]))}


def _bird_tail(rng: np.random.Generator, body: _Body, color: Color, length: float, spread: float) -> list[Part]:
    """A fan of three tail feathers at the back of the body."""
    x, y = body.at(-0.85, 0.05)
    droop = rng.uniform(-0.5, 0.45)
    parts = []
    for k in (-1, 1, 0):
        line = _curve(x, y, math.pi + body.pitch - droop + k * spread, length * (1.0 - 0.12 * abs(k)), 0.0, 5)
        line[:, 1] = np.minimum(line[:, 1], -0.03)
        parts.append(Part(tapered(line, np.array([0.04, 0.08, 0.085, 0.07, 0.01])), shade(color, 0.9 if k else 1.0)))
    return parts


def _bird_leg(x: float, y: float, foot_x: float, color: Color, tucked: bool) -> list[Part]:
    """A thin leg from the body at (x, y) with three toes forward and one back."""
    if tucked:
        fx, fy = x - 0.1, y + 0.06
        return [_line([(x, y), (fx, fy)], 0.026, color, False),
                _line([(fx, fy), (fx + 0.04, fy + 0.03)], 0.018, color, False)]
    parts = [_line([(x, y), (foot_x, -0.02)], 0.026, color, False)]
    for dx, dy in ((0.075, 0.0), (0.055, 0.012), (-0.045, 0.0)):
        parts.append(_line([(foot_x, -0.018), (foot_x + dx, -0.012 + dy * 0.0)], 0.018, color, False))
    return parts


def _open_wing(body: _Body, u: float, v: float, angle: float, length: float, color: Color) -> tuple[Part, Point]:
    """A spread wing at body point (u, v): ``angle`` 0 points up, + swings it back and down; returns it and its wrist."""
    x, y = body.at(u, v)
    wing = rotate(_WING * length, -angle) + (x, y)
    wrist = rotate(np.array([_WRIST]) * length, -angle)[0] + (x, y)
    return Part(wing, color), (float(wrist[0]), float(wrist[1]))


def _folded_wing(body: _Body, color: Color) -> tuple[list[Part], Point]:
    """A wing folded along the body side with two feather lines; returns the parts and the wing's front."""
    outline = [(0.55, -0.55), (0.7, 0.0), (0.35, 0.5), (-0.4, 0.6), (-1.3, 0.25), (-0.95, -0.1), (-0.2, -0.6)]
    pts = np.array([body.at(u, v) for u, v in outline])
    lines = [_line([body.at(-0.1, y0), body.at(-1.0, y0 - 0.1)], 0.014, shade(color, 0.7)) for y0 in (0.15, 0.38)]
    return [Part(pts, color)] + lines, body.at(0.65, 0.0)


_BIRD_PITCH = {"songbird": (-0.6, -0.3), "crested": (-0.6, -0.3), "crow": (-0.35, -0.12), "wader": (-0.2, 0.05)}


@dataclass(frozen=True)
class _Flight:
    """Wing pose of a flying bird: the stroke drawn and the near wing's angle (0 = up, + = back and down)."""

    stroke: str  # "up" | "down"
    angle: float
    length: float


def _bird_body(rng: np.random.Generator, design: str, coat: _Coat, wing: Color, airborne: bool
               ) -> tuple[_Body, list[Part], _Flight | None]:
    """Bird body frame plus what lies behind the body: legs, far wing (in flight), tail feathers."""
    legs, rx, ry, _, _, _ = _BIRD[design]
    leg = rng.uniform(*legs)
    rx, ry = rx * rng.uniform(0.92, 1.08), ry * rng.uniform(0.92, 1.08)
    leg_color = mix(_DARK, coat.main, 0.3) if design == "crow" else mix(_HORN, coat.accent, 0.2)
    parts: list[Part] = []
    flight = None
    if airborne:
        body = _Body(0.0, -0.3, rx, ry, rng.uniform(-0.25, 0.05))
        stroke = _pick(rng, ("up", "down"), (0.6, 0.4))
        angle = rng.uniform(-0.35, 0.45) if stroke == "up" else rng.uniform(2.55, 2.95)
        flight = _Flight(stroke, angle, rng.uniform(0.4, 0.46))
        far_angle = angle - 0.35 if stroke == "up" else angle + 0.3
        parts.append(_open_wing(body, 0.25, -0.5, far_angle, flight.length * 0.95, shade(wing, 0.78))[0])
        if design == "wader":
            x, y = body.at(-0.5, 0.5)
            parts.append(_line(_curve(x, y, math.pi - 0.45, 0.24, 0.0, 3), 0.026, leg_color, False))
        else:
            for u in (-0.05, -0.25):
                parts += _bird_leg(*body.at(u, 0.7), 0.0, shade(leg_color, 0.85), True)
    else:
        body = _Body(0.0, -(leg + ry * 0.7), rx, ry, rng.uniform(*_BIRD_PITCH[design]))
        step = rng.uniform(-0.05, 0.07)
        for k, u in enumerate((0.12, -0.12)):
            x, y = body.at(u, 0.6)
            parts += _bird_leg(x, y, x + (step if k == 0 else -step * 0.5), shade(leg_color, 0.85 if k == 0 else 1.0), False)
    parts += _bird_tail(rng, body, wing, rng.uniform(0.28, 0.34) if design == "crow" else rng.uniform(0.18, 0.26),
                        0.3 if airborne else 0.16)
    return body, parts, flight


def _bird_head_at(rng: np.random.Generator, design: str, body: _Body, r: float, airborne: bool) -> Point:
    """Where the bird's head goes: ahead of the body in flight, up on a long neck (waders), else on top."""
    if airborne:
        x, y = body.at(0.95, -0.3)
        return x + r * 0.5, y - r * 0.3
    if design == "wader":
        x, y = body.at(0.75, -0.3)
        return x + rng.uniform(0.02, 0.1), y - rng.uniform(0.22, 0.3)
    x, y = body.at(0.78, -0.7)
    return x + r * 0.25, y - r * 0.45


def _bird_wing(rng: np.random.Generator, body: _Body, flight: _Flight | None, color: Color) -> tuple[list[Part], Point, str]:
    """The near wing: spread in flight, sometimes raised when standing, else folded; with the wrist point."""
    if flight is not None:
        near, wrist = _open_wing(body, 0.15, -0.55, flight.angle, flight.length, color)
        return [near], wrist, f"{flight.stroke}stroke"
    if rng.random() < 0.3:
        near, wrist = _open_wing(body, 0.2, -0.45, rng.uniform(-0.3, 0.5), rng.uniform(0.3, 0.36), color)
        return [near], wrist, "raised"
    folded, front = _folded_wing(body, color)
    return folded, front, "folded"


@register_sprite("bird")
def bird_sprite(rng: np.random.Generator, p: CharacterPalette, airborne: bool = False) -> Sprite:
    """Build a bird: round body, head with beak, wings, tail feathers, two thin legs; flies when airborne."""
    design = _pick(rng, _BIRD_DESIGNS)
    coat = _coat(p)
    wing = p.secondary if rng.random() < 0.5 else shade(p.primary, 0.78)
    body, parts, flight = _bird_body(rng, design, coat, wing, airborne)
    r = _BIRD[design][3] * rng.uniform(0.92, 1.1)
    hx, hy = _bird_head_at(rng, design, body, r, airborne)
    if design == "wader" or airborne:
        (nx, ny) = body.at(0.6, -0.2)
        neck = np.array([(nx, ny), ((nx + hx) / 2 + 0.03, (ny + hy) / 2), (hx, hy)])
        parts.append(Part(tapered(neck, np.array([body.ry * 1.3, r * 1.1, r * 1.0])), coat.main))
    parts.append(Part(body.ellipse(0.0, 0.0, 1.0, 1.0), coat.main))
    parts.append(Part(body.ellipse(0.25, 0.3, 0.55, 0.55), coat.light))
    tilt = rng.uniform(-0.3, 0.25)
    head, anchors = _bird_head(design, coat, bool(rng.random() < 0.25))
    parts += _transform(head, r, tilt, hx, hy)
    anchors = {n: _move(a, r, tilt, hx, hy) for n, a in anchors.items()}
    wing_parts, anchors["hand"], wings = _bird_wing(rng, body, flight, wing)
    parts += wing_parts
    pose = {"posture": "flying" if airborne else "standing", "design": design, "wings": wings,
            "head_tilt_deg": round(math.degrees(tilt), 1)}
    return _finish("bird", parts, anchors, pose)
