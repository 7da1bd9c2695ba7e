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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .sprites import Part, Sprite, ellipse, register_sprite, rotate, tapered

ANIMAL_KINDS = ("fox", "bear", "cat", "wolf", "bird")
"""The kinds this module registers."""

POSTURES = ("four_legs", "upright")
"""Values of ``pose["posture"]`` for the four mammals."""

_DARK: Color = (40, 42, 48)
_WHITE: Color = (246, 246, 240)
_PINK: Color = (226, 128, 146)
_HORN: Color = (236, 164, 52)  # beaks and bird legs (small parts)
Point = tuple[float, float]


@dataclass(frozen=True)
class _Coat:
    """Fur colours of one animal, all derived from its palette."""

    main: Color  # body, head, limbs
    far: Color  # limbs on the far side
    light: Color  # belly, muzzle, chest, tail tip, inner ears
    mark: Color  # stripes, saddles, wings (secondary)
    dark: Color  # socks, tail tips (kept small)
    accent: Color  # eyes, scarves


def _coat(p: CharacterPalette) -> _Coat:
    return _Coat(p.primary, shade(p.primary, 0.72), mix(p.primary, _WHITE, 0.6), p.secondary,
                 mix(p.primary, _DARK, 0.5), p.accent)


@dataclass(frozen=True)
class _Species:
    """Shape constants of one mammal kind: head in skull radii, body in units."""

    kind: str
    skull_ry: float  # skull height / skull width
    snout: float  # snout length beyond the skull front
    snout_w: tuple[float, float]  # snout width at its base and its tip
    ear: str  # "pointed" | "round"
    ear_size: float  # pointed: height; round: radius
    ear_w: float  # pointed: base width
    tail: str  # "bushy" | "hanging" | "thin" | "stub"
    leg: tuple[float, float]  # four-legged: leg length range
    body: tuple[float, float]  # four-legged: body half-length, half-height
    leg_w: float  # four-legged: leg width
    head: tuple[float, float]  # four-legged: skull radius range (upright ones get a bigger head)
    head_lift: float  # four-legged: head height above the neck base, skull radii
    torso_w: float  # upright: torso width


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


# --------------------------------------------------------------------------- small helpers


def _line(points: list[Point] | np.ndarray, width: float, color: Color, detail: bool = True) -> Part:
    """Thin stroke along a polyline (whiskers, mouths, toes)."""
    pts = np.asarray(points, dtype=float)
    return Part(tapered(pts, np.full(len(pts), width)), color, detail)


def _curve(x: float, y: float, heading: float, length: float, bend: float, n: int = 12) -> np.ndarray:
    """Centre line starting at (x, y) in direction ``heading`` (0 = right, pi/2 = down) turning by ``bend``."""
    t = np.linspace(0.0, 1.0, n)
    h = heading + bend * t
    step = length / (n - 1)
    d = np.stack([np.cos(h), np.sin(h)], axis=1) * step
    d[0] = 0.0
    return np.cumsum(d, axis=0) + (x, y)


def _luma(c: Color) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def _contrast(c: Color) -> Color:
    """A stroke colour that shows on fur of colour ``c`` (whiskers)."""
    return _DARK if _luma(c) > 150 else _WHITE


def _tuft(cx: float, cy: float, rx: float, ry: float, spikes: int, jag: float, angle: float = 0.0) -> np.ndarray:
    """Ellipse with a zig-zag (furry) rim."""
    t = np.linspace(0.0, 2.0 * math.pi, 2 * spikes, endpoint=False)
    r = np.where(np.arange(2 * spikes) % 2 == 0, 1.0, 1.0 - jag)
    pts = np.stack([np.cos(t) * r * rx, np.sin(t) * r * ry], axis=1)
    return rotate(pts, angle) + (cx, cy)


def _transform(parts: list[Part], scale: float, angle: float, x: float, y: float) -> list[Part]:
    """Scale, rotate (around the origin) and move parts built in local units."""
    return [Part(rotate(q.points * scale, angle) + (x, y), q.fill, q.detail, q.role) for q in parts]


def _move(point: Point, scale: float, angle: float, x: float, y: float) -> Point:
    """The point :func:`_transform` would move ``point`` to."""
    px, py = rotate(np.array([point]) * scale, angle)[0]
    return float(px + x), float(py + y)


def _pick(rng: np.random.Generator, options: tuple[str, ...], p: tuple[float, ...] | None = None) -> str:
    """One of ``options`` (weights ``p``), drawn from ``rng``."""
    return str(options[int(rng.choice(len(options), p=p))])


def _eye(x: float, y: float, r: float, style: str, accent: Color) -> list[Part]:
    """An eye in head units: a dark bead with a highlight, or a cat's coloured iris with a slit pupil."""
    if style == "wolf":
        return [Part(rotate(ellipse(0.0, 0.0, r * 1.1, r * 0.75), -0.25) + (x, y), accent),
                Part(ellipse(x + r * 0.2, y, r * 0.45, r * 0.5, 10), _DARK),
                Part(ellipse(x + r * 0.35, y - r * 0.25, r * 0.2, r * 0.2, 10), _WHITE, True)]
    if style == "cat":
        return [Part(ellipse(x, y, r, r * 1.1), accent),
                Part(ellipse(x + r * 0.1, y, r * 0.28, r * 0.9, 10), _DARK),
                Part(ellipse(x + r * 0.35, y - r * 0.45, r * 0.22, r * 0.22, 10), _WHITE, True)]
    return [Part(ellipse(x, y, r * 0.85, r), _DARK),
            Part(ellipse(x + r * 0.3, y - r * 0.4, r * 0.32, r * 0.32, 10), _WHITE, True)]


def _finish(kind: str, parts: list[Part], anchors: dict[str, Point], pose: dict,
            lo: float = 0.64, hi: float = 1.24) -> Sprite:
    """Put the lowest point on the ground (y = 0) and scale the height into [lo, hi] units."""
    pts = np.concatenate([q.points for q in parts])
    bottom = float(pts[:, 1].max())
    height = bottom - float(pts[:, 1].min())
    k = min(max(1.0, lo / height), hi / height)
    out = [Part((q.points - (0.0, bottom)) * k, q.fill, q.detail, q.role) for q in parts]
    moved = {n: (float(x * k), float((y - bottom) * k)) for n, (x, y) in anchors.items()}
    return Sprite(kind, out, pose, moved)


# --------------------------------------------------------------------------- heads


def _ear(sp: _Species, coat: _Coat, x: float, y: float, lean: float, color: Color, inner: bool = True) -> list[Part]:
    """One ear whose base sits at (x, y) in head units; ``lean`` > 0 tips a pointed ear back."""
    if sp.ear == "round":
        r = sp.ear_size
        parts = [Part(ellipse(x, y - r * 0.45, r, r), color)]
        if inner:
            parts.append(Part(ellipse(x + r * 0.05, y - r * 0.4, r * 0.55, r * 0.55), coat.light))
        return parts
    h, w = sp.ear_size, sp.ear_w / 2
    shape = np.array([(-w, 0.25), (-w * 0.9, -h * 0.45), (-w * 0.25, -h * 0.9), (0.0, -h), (w * 0.4, -h * 0.6), (w, 0.25)])
    parts = [Part(rotate(shape, -lean) + (x, y), color)]
    if inner:
        inside = shape * (0.5, 0.62) + (0.0, 0.02)
        parts.append(Part(rotate(inside, -lean) + (x, y), coat.light))
    return parts


def _hat(style: str, ry: float, color: Color, accent: Color) -> list[Part]:
    """A hat on a skull of half-height ``ry`` (head units): cap, feathered hunter's cap or bandana."""
    if style == "cap":
        dome = ellipse(-0.05, -ry * 0.62, 0.82, 0.5)
        dome[:, 1] = np.minimum(dome[:, 1], -ry * 0.62)
        return [Part(dome, color), Part(ellipse(0.45, -ry * 0.64, 0.65, 0.1), shade(color, 0.8)),
                Part(ellipse(-0.05, -ry * 0.7, 0.8, 0.08), accent, True)]
    if style == "feather":
        cap = np.array([(-0.85, -ry * 0.5), (0.75, -ry * 0.62), (0.35, -ry * 1.1), (-0.3, -ry * 1.35), (-1.2, -ry * 1.05)])
        quill = _curve(-0.35, -ry * 1.0, math.pi + 0.9, 0.9, -0.5, 8)
        return [Part(cap, color), Part(tapered(quill, np.array([0.05, 0.2, 0.24, 0.22, 0.18, 0.12, 0.07, 0.02])), accent)]
    band = tapered(np.array([(-0.95, -ry * 0.42), (-0.2, -ry * 0.72), (0.7, -ry * 0.62)]), np.array([0.3, 0.3, 0.26]))
    tails = [tapered(_curve(-0.9, -ry * 0.42, math.pi + a, 0.55, 0.4, 5), np.array([0.18, 0.2, 0.2, 0.17, 0.1]))
             for a in (-0.2, 0.35)]
    return [Part(tails[0], shade(color, 0.85)), Part(tails[1], color), Part(band, color)]


def _snout(sp: _Species, coat: _Coat) -> tuple[list[Part], Point]:
    """Profile snout with a light lower jaw, nose and mouth line; returns the parts and the mouth point."""
    w0, w1 = sp.snout_w
    tip_x = 0.45 + sp.snout
    line = np.array([(0.35, 0.1), (0.35 + sp.snout * 0.5, 0.16), (tip_x, 0.2)])
    color = coat.light if sp.kind == "bear" else coat.main
    parts = [Part(tapered(line, np.array([w0, (w0 + w1) / 2, w1])), color),
             Part(ellipse(tip_x, 0.2, w1 * 0.5, w1 * 0.5, 10), color)]
    if sp.kind != "bear":  # light lower jaw (a bear's whole muzzle is light)
        jaw = line + np.array([(0.0, w0 * 0.28), (0.0, (w0 + w1) * 0.12), (-w1 * 0.1, w1 * 0.22)])
        parts.append(Part(tapered(jaw, np.array([w0 * 0.5, (w0 + w1) * 0.22, w1 * 0.45])), coat.light))
    nose_r = w1 * (0.42 if sp.kind == "cat" else 0.34)
    nose = _PINK if sp.kind == "cat" else _DARK
    parts.append(Part(ellipse(tip_x + w1 * 0.28, 0.2 - w1 * 0.22, nose_r, nose_r * 0.8, 10), nose))
    mouth = [(tip_x + w1 * 0.2, 0.2 + w1 * 0.22), (0.35 + sp.snout * 0.4, 0.2 + w0 * 0.2)]
    parts.append(_line(mouth, 0.05, shade(coat.main, 0.45)))
    return parts, (tip_x + w1 * 0.3, 0.2 + w1 * 0.2)


def _whiskers(x: float, y: float, length: float, sign: float, color: Color) -> list[Part]:
    """Three whiskers fanning out from (x, y) (head units), to the right (``sign`` = 1) or left (-1)."""
    return [_line([(x, y), (x + sign * length, y + dy)], 0.035, color) for dy in (-0.18, 0.0, 0.18)]


def _profile_head(sp: _Species, coat: _Coat, hat: list[Part]) -> tuple[list[Part], dict[str, Point]]:
    """Side-view head in skull units (centre at the origin, facing right) and its anchors."""
    ry = sp.skull_ry
    round_ = sp.ear == "round"
    ear_far = (0.12, -ry * 0.92) if round_ else (0.05, -ry * 0.8)
    ear_near = (-0.42, -ry * 0.78) if round_ else (-0.3, -ry * 0.72)
    parts = _ear(sp, coat, *ear_far, 0.15, coat.far, inner=False)
    if sp.kind == "wolf":  # neck ruff behind the cheek
        parts.append(Part(_tuft(-0.4, 0.4, 0.95, 0.8, 10, 0.25, 0.3), coat.main))
    parts.append(Part(ellipse(0.0, 0.0, 1.0, ry), coat.main))
    parts += hat
    parts += _ear(sp, coat, *ear_near, 0.3 if sp.kind == "fox" else 0.18, coat.main)
    snout, mouth = _snout(sp, coat)
    parts += snout
    if sp.kind in ("fox", "wolf"):  # light furry cheek
        parts.append(Part(_tuft(-0.05, 0.45, 0.62, 0.36, 8, 0.2, -0.15), coat.light))
    style = sp.kind if sp.kind in ("cat", "wolf") else "dot"
    eye_r = {"cat": 0.24, "bear": 0.14, "fox": 0.16, "wolf": 0.15}[sp.kind]
    parts += _eye(0.42 if sp.kind == "cat" else 0.36, -0.2, eye_r, style, coat.accent)
    if sp.kind == "cat":
        parts += _whiskers(mouth[0] - 0.1, mouth[1] - 0.1, 0.75, 1.0, _contrast(coat.main))
    return parts, {"head": (0.0, 0.0), "head_top": (0.0, -ry), "mouth": mouth}


def _front_head(sp: _Species, coat: _Coat, hat: list[Part]) -> tuple[list[Part], dict[str, Point]]:
    """Three-quarter head (cats and bears): two ears, two eyes, a muzzle turned to the right."""
    ry = sp.skull_ry
    cat = sp.kind == "cat"
    parts: list[Part] = []
    if sp.ear == "round":
        parts += _ear(sp, coat, 0.5, -ry * 0.78, 0.0, coat.main) + _ear(sp, coat, -0.6, -ry * 0.72, 0.0, coat.main)
    else:
        parts += _ear(sp, coat, 0.45, -ry * 0.65, -0.22, coat.main) + _ear(sp, coat, -0.5, -ry * 0.62, 0.3, coat.main)
    rx = 1.08 if cat else 1.0
    if cat:  # fluffy cheeks
        parts.append(Part(_tuft(0.0, 0.2, rx * 1.05, ry * 0.75, 8, 0.12), coat.main))
    parts.append(Part(ellipse(0.0, 0.0, rx, ry), coat.main))
    parts += hat
    if cat:
        parts += [Part(ellipse(0.2, 0.42, 0.24, 0.2), coat.light), Part(ellipse(0.52, 0.42, 0.24, 0.2), coat.light)]
        parts += _eye(-0.12, -0.08, 0.22, "cat", coat.accent) + _eye(0.6, -0.1, 0.19, "cat", coat.accent)
        parts.append(Part(np.array([(0.26, 0.22), (0.48, 0.22), (0.37, 0.33)]), _PINK))
        stroke = _contrast(coat.main)
        parts += _whiskers(0.7, 0.45, 0.8, 1.0, stroke) + _whiskers(0.05, 0.45, 0.75, -1.0, stroke)
        mouth = (0.37, 0.5)
    else:
        parts.append(Part(ellipse(0.35, 0.35, 0.5, 0.38), coat.light))
        parts += _eye(-0.15, -0.2, 0.14, "dot", coat.accent) + _eye(0.52, -0.22, 0.13, "dot", coat.accent)
        parts.append(Part(ellipse(0.42, 0.2, 0.2, 0.13, 10), _DARK))
        mouth = (0.42, 0.52)
        parts.append(_line([(0.42, 0.3), (0.42, 0.45), (0.3, 0.55)], 0.05, shade(coat.main, 0.45)))
    return parts, {"head": (0.0, 0.0), "head_top": (0.0, -ry), "mouth": mouth}


def _head(rng: np.random.Generator, sp: _Species, coat: _Coat, hat: str | None, colors: tuple[Color, Color]
          ) -> tuple[list[Part], dict[str, Point], str]:
    """A head in skull units: profile, or (cats and bears, half the time) three-quarter view; with its hat."""
    turned = bool(rng.random() < 0.5) and sp.kind in ("cat", "bear")
    hat_parts = _hat(hat, sp.skull_ry, *colors) if hat else []
    if turned:
        parts, anchors = _front_head(sp, coat, hat_parts)
    else:
        parts, anchors = _profile_head(sp, coat, hat_parts)
    return parts, anchors, "three_quarter" if turned else "profile"


# --------------------------------------------------------------------------- tails


def _tail(rng: np.random.Generator, sp: _Species, coat: _Coat, x: float, y: float, upright: bool
          ) -> tuple[list[Part], float]:
    """The kind's tail rooted at (x, y); returns its parts and its curl (the bend drawn)."""
    if sp.tail == "stub":
        r = rng.uniform(0.05, 0.065)
        return [Part(_tuft(x - r * 0.3, y, r, r * 0.9, 6, 0.18), coat.main)], 0.0
    if sp.tail == "thin":
        bend = rng.uniform(1.2, 3.0) if upright or rng.random() < 0.75 else -rng.uniform(0.4, 1.4)
        heading = math.pi + (rng.uniform(0.1, 0.5) if upright else rng.uniform(-0.2, 0.6))
        line = _curve(x, y, heading, rng.uniform(0.36, 0.46), bend, 14)
        width = rng.uniform(0.036, 0.046)
        line[:, 1] = np.minimum(line[:, 1], -width)
        ends = [Part(ellipse(float(line[-1, 0]), float(line[-1, 1]), width * 0.55, width * 0.55, 10), coat.main)]
        return [Part(tapered(line, np.full(len(line), width)), coat.main)] + ends, float(bend)
    n = 14
    t = np.linspace(0.0, 1.0, n)
    if sp.tail == "bushy":  # fox: long and full, light tip
        heading = math.pi - (rng.uniform(0.5, 1.0) if upright else rng.uniform(-0.35, 0.45))
        bend = rng.uniform(0.7, 1.6) if upright else rng.uniform(-0.3, 0.7)
        length, wmax, tip = rng.uniform(0.4, 0.48), rng.uniform(0.17, 0.2), coat.light
    else:  # wolf: hangs down, darker tip
        heading = math.pi - rng.uniform(1.0, 1.35)
        bend = rng.uniform(-0.2, 0.35)
        length, wmax, tip = rng.uniform(0.32, 0.38), rng.uniform(0.1, 0.12), coat.dark
    line = _curve(x, y, heading, length, bend, n)
    widths = wmax * np.sin(np.pi * (0.1 + 0.86 * t)) ** 0.6 * np.where(np.arange(n) % 2 == 0, 1.0, 0.86) + 0.012
    line[:, 1] = np.minimum(line[:, 1], -widths / 2)
    cut = int(n * (0.6 if sp.tail == "bushy" else 0.72))
    return [Part(tapered(line, widths), coat.main), Part(tapered(line[cut:], widths[cut:]), tip)], float(bend)


# --------------------------------------------------------------------------- four-legged mammals


@dataclass(frozen=True)
class _Body:
    """A (tilted) body ellipse; ``at`` maps body coordinates (-1..1 along each axis) to units."""

    cx: float
    cy: float
    rx: float
    ry: float
    pitch: float  # < 0 lifts the front

    def at(self, u: float, v: float) -> Point:
        """The unit point at body coordinates (u, v) (u forward, v down)."""
        px, py = rotate(np.array([(u * self.rx, v * self.ry)]), self.pitch)[0]
        return float(px + self.cx), float(py + self.cy)

    def ellipse(self, u: float, v: float, su: float, sv: float) -> np.ndarray:
        """Ellipse centred at body coordinates (u, v) with radii (su * rx, sv * ry), tilted with the body."""
        x, y = self.at(u, v)
        return rotate(ellipse(0.0, 0.0, su * self.rx, sv * self.ry), self.pitch) + (x, y)


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


# --------------------------------------------------------------------------- bird

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
