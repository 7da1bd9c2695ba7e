"""Shared parts of the animal sprites (:mod:`.sprites_animals`, :mod:`.sprites_birds`).

Colours (:class:`_Coat`, mixed from a palette), small drawing helpers (strokes, curves, furry tufts,
eyes, moving head parts into place, putting a finished sprite on the ground), the mammals' shape
constants (:class:`_Species`) with their heads (ears, snouts, whiskers, hats) and tails, and the tilted
body frame (:class:`_Body`) that four-legged mammals and birds hang their limbs on. Same conventions as
:mod:`.sprites`: unit coordinates, facing right, y pointing down. Registers no kind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .sprites import Part, Sprite, ellipse, rotate, tapered

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


# --------------------------------------------------------------------------- body frame


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

