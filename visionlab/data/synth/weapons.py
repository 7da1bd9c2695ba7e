"""Held weapons: melee (sword, axe, mace, spear) vs ranged (bow, crossbow, gun, blaster).

Variant 5 tells characters holding a melee weapon from characters holding a ranged one. A weapon is a
list of :class:`~.sprites.Part` with ``role="weapon"`` (its own mask class), built in a local frame (grip
at the origin, pointing along +x), then turned to an aim ("raised", "forward" or "down") and moved to the
character's ``"hand"`` anchor. All eight kinds take their colours from ONE pool (:func:`weapon_colors`:
metal greys, wood browns, the character's palette for grips, trim and glowing parts) and use its hard
and soft materials over similar shares of their area, so a colour histogram cannot tell the classes
apart: blades, heads and spikes vs strings, barrels and stocks, i.e. the SHAPE, do. Variant 5's scenes
light every weapon as metal once the scene is drawn (the ``metal_weapons`` style, :mod:`.shading`), both
classes alike: drawn flat, an ImageNet backbone told the kinds apart far worse.

The ranged kinds (bow, crossbow, gun, blaster) live in :mod:`.weapons_ranged`, which registers them into
:data:`WEAPONS` when :mod:`.variants` imports it; this module holds the shared materials and parts, the melee
kinds, and how a weapon is held (:func:`weapon_parts`, :func:`armed`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .palette import CharacterPalette, Color, jitter, mix, shade
from .registry import registrar
from .sprites import Part, Sprite, ellipse, rect, rotate, tapered

MELEE = ("sword", "axe", "mace", "spear")
"""Variant 5's "melee weapon" kinds."""

RANGED = ("bow", "crossbow", "gun", "blaster")
"""Variant 5's "ranged weapon" kinds."""

AIMS = ("raised", "forward", "down")
"""How a weapon is held: up/back ready to strike (or aimed up), out in front / aimed level, resting."""

_METALS: tuple[Color, ...] = ((182, 186, 196), (146, 150, 160), (112, 116, 128), (204, 170, 84), (180, 116, 74))
"""Steel, iron, dark iron, brass/gold, bronze."""
_WOODS: tuple[Color, ...] = ((142, 96, 58), (114, 76, 46), (170, 126, 78), (96, 64, 42))
_WHITE: Color = (244, 244, 236)
_DARK: Color = (44, 46, 52)


@dataclass(frozen=True)
class WeaponColors:
    """The materials of one weapon, drawn from the pool shared by every kind (see :func:`weapon_colors`)."""

    hard: Color  # blades, axe/mace/spear heads, barrels, prods, blaster bodies: metal (maybe palette-tinted)
    soft: Color  # hafts, shafts, grips, stocks, bow limbs: wood or the palette's primary/secondary
    trim: Color  # guards, bands, wraps, fletching: the palette's secondary or brass
    glow: Color  # gems, runes, energy cells, emitters: the palette's accent


def weapon_colors(rng: np.random.Generator, palette: CharacterPalette) -> WeaponColors:
    """Draw a weapon's materials from the pool shared by all eight kinds (melee and ranged alike)."""
    hard = jitter(rng, _METALS[int(rng.integers(len(_METALS)))], 8.0)
    if rng.random() < 0.3:
        hard = mix(hard, palette.primary, 0.45)
    style = rng.random()
    if style < 0.5:
        soft = jitter(rng, _WOODS[int(rng.integers(len(_WOODS)))], 8.0)
    elif style < 0.75:
        soft = shade(palette.primary, 0.85)
    else:
        soft = shade(palette.secondary, 0.85)
    trim = palette.secondary if rng.random() < 0.5 else jitter(rng, _METALS[3], 8.0)
    return WeaponColors(hard, soft, trim, palette.accent)


WeaponBuilder = Callable[[np.random.Generator, WeaponColors], list[Part]]
WEAPONS: dict[str, WeaponBuilder] = {}
"""Weapon kinds by name: a builder ``(rng, colors) -> parts`` each, in the local frame: grip at the origin,
pointing along +x (blade tip, muzzle, arrow), "up" is -y (see :func:`register_weapon`)."""


register_weapon = registrar(WEAPONS, "weapon kind")
"""``@register_weapon(name)`` adds a weapon builder; a name used twice raises ValueError."""


def _wp(points: np.ndarray, fill: Color, detail: bool = False) -> Part:
    """A weapon part (mask class "weapon")."""
    return Part(np.asarray(points, dtype=float), fill, detail, role="weapon")


def _bar(x0: float, x1: float, w0: float, w1: float | None = None, y: float = 0.0) -> np.ndarray:
    """Straight bar along x from x0 to x1, ``w0`` wide at x0 tapering to ``w1`` at x1, centred on ``y``."""
    w1 = w0 if w1 is None else w1
    return np.array([(x0, y - w0 / 2), (x1, y - w1 / 2), (x1, y + w1 / 2), (x0, y + w0 / 2)])


def _light(c: Color) -> Color:
    return mix(c, _WHITE, 0.45)


# --------------------------------------------------------------------------- sword


def _blade(rng: np.random.Generator, c: WeaponColors, x0: float, x1: float, width: float, curved: bool) -> list[Part]:
    """Straight (pointed, slightly tapering) or curved (sabre) blade from the guard ``x0`` to the tip ``x1``."""
    if curved:
        t = np.linspace(0.0, 1.0, 10)
        bend = rng.uniform(0.07, 0.14) * (x1 - x0)
        line = np.stack([x0 + (x1 - x0) * t, -bend * t**2], 1)
        widths = width * np.sqrt(np.clip(1.0 - t**5, 0.0, 1.0)) * (1.0 + 0.15 * t)
    else:
        t = np.array([0.0, 0.5, 0.82, 0.9, 1.0])
        line = np.stack([x0 + (x1 - x0) * t, np.zeros_like(t)], 1)
        widths = width * np.array([1.0, 0.92, 0.85, 0.55, 0.0])
    parts = [_wp(tapered(line, widths), c.hard)]
    if rng.random() < 0.25:  # enchanted: a glowing core the length of the blade
        parts.append(_wp(tapered(line[:-1], widths[:-1] * 0.35), c.glow))
    else:
        parts.append(_wp(tapered(line[:-2], widths[:-2] * 0.25), shade(c.hard, 0.8), True))  # fuller
    return parts


def _crossguard(rng: np.random.Generator, c: WeaponColors, x: float, width: float) -> list[Part]:
    """Bar, curved quillons, disc (tsuba) or winged guard at ``x``."""
    span = width * rng.uniform(2.2, 3.0)
    color = c.trim if rng.random() < 0.6 else c.hard
    style = int(rng.integers(4))
    if style == 0:
        guard = rect(x - 0.014, -span / 2, x + 0.014, span / 2)
    elif style == 1:
        bend = rng.uniform(0.02, 0.04)
        guard = tapered(np.array([(x + bend, -span / 2), (x, -span / 4), (x, span / 4), (x + bend, span / 2)]),
                        np.array([0.016, 0.026, 0.026, 0.016]))
    elif style == 2:
        guard = ellipse(x, 0.0, 0.016, span * 0.36)
    else:
        guard = np.array([(x - 0.02, 0.0), (x + 0.012, -span / 2), (x + 0.012, 0.0), (x + 0.012, span / 2)])
    parts = [_wp(guard, color)]
    if rng.random() < 0.35:
        parts.append(_wp(ellipse(x, 0.0, 0.012, 0.012, 10), c.glow, True))
    return parts


@register_weapon("sword")
def _sword(rng: np.random.Generator, c: WeaponColors) -> list[Part]:
    """Sword: straight or curved blade, crossguard of four styles, wrapped grip, pommel (maybe a gem)."""
    length = rng.uniform(0.35, 0.55)
    grip = rng.uniform(0.09, 0.12)
    r = rng.uniform(0.02, 0.028)
    back, guard = -grip * 0.55, grip * 0.45
    width = rng.uniform(0.045, 0.065)
    curved = bool(rng.random() < 0.4)
    parts = _blade(rng, c, guard, back - r + length, width, curved)
    parts.append(_wp(_bar(back, guard, 0.03), c.soft))
    parts.append(_wp(ellipse(back, 0.0, r, r), c.trim))
    return parts + _crossguard(rng, c, guard, width)


# --------------------------------------------------------------------------- axe


def _axe_bit(x: float, depth: float, top: float, beard: float, side: float) -> tuple[np.ndarray, np.ndarray]:
    """Axe blade on the haft at ``x``, on the ``side`` (+1: +y): flared top, convex edge, bearded bottom.

    Returns:
        The blade polygon and its cutting edge line (for the highlight).
    """
    t = np.linspace(0.0, 1.0, 9)
    edge = np.stack([x + top - (top + beard) * t, depth + 0.03 * np.sin(math.pi * t)], 1)
    pts = np.concatenate([[(x + 0.03, 0.01), (x + 0.8 * top, 0.5 * depth)], edge,
                          [(x - 0.5 * beard, 0.55 * depth), (x - 0.03, 0.02)]])
    flip = np.array([1.0, side])
    return pts * flip, (edge - (0.0, 0.014)) * flip


@register_weapon("axe")
def _axe(rng: np.random.Generator, c: WeaponColors) -> list[Part]:
    """Axe: haft with a single (poll or back spike) or double fan-shaped head, edge highlight, maybe a rune."""
    length = rng.uniform(0.35, 0.5)
    butt, below = -0.16 * length, rng.uniform(0.05, 0.07)  # the head's centre sits ``below`` the haft's top
    depth, top_half = rng.uniform(0.1, 0.14), rng.uniform(0.04, 0.06)
    double = bool(rng.random() < 0.4)
    beard = rng.uniform(0.06, 0.08) if double else rng.uniform(0.07, 0.11)
    top = butt + length - max(0.0, (beard if double else top_half) - below)
    x = top - below
    parts = [_wp(_bar(butt, top, 0.034, 0.03), c.soft)]
    if rng.random() < 0.5:
        parts.append(_wp(_bar(butt, butt + 0.07, 0.04), c.trim))
    for side in (1.0, -1.0) if double else (1.0,):
        bit, edge = _axe_bit(x, depth, beard if double else top_half, beard, side)
        parts.append(_wp(bit, c.hard))
        parts.append(_wp(tapered(edge, np.full(len(edge), 0.018)), _light(c.hard), True))
    if not double:
        back = (rect(x - 0.03, -0.06, x + 0.03, 0.0) if rng.random() < 0.5
                else np.array([(x - 0.03, 0.0), (x, -0.09), (x + 0.03, 0.0)]))
        parts.append(_wp(back, c.hard))
    parts.append(_wp(rect(x - 0.04, -0.026, x + 0.04, 0.026), shade(c.hard, 0.85)))
    if rng.random() < 0.3:
        parts.append(_wp(ellipse(x, 0.07, 0.02, 0.02, 10), c.glow))
    return parts


# --------------------------------------------------------------------------- mace


def _spiked_ball(rng: np.random.Generator, c: WeaponColors, x: float, r: float) -> list[Part]:
    n = int(rng.integers(6, 10))
    a = rng.uniform(0.0, 2 * math.pi) + np.arange(n) * 2 * math.pi / n
    spikes = [np.array([(x + 0.9 * r * math.cos(t - 0.32), 0.9 * r * math.sin(t - 0.32)),
                        (x + 1.5 * r * math.cos(t), 1.5 * r * math.sin(t)),
                        (x + 0.9 * r * math.cos(t + 0.32), 0.9 * r * math.sin(t + 0.32))]) for t in a]
    spike_color = shade(c.hard, 0.85) if rng.random() < 0.6 else c.trim
    return [_wp(s, spike_color) for s in spikes] + [_wp(ellipse(x, 0.0, r, r), c.hard)]


def _flanged_head(c: WeaponColors, x: float, r: float) -> list[Part]:
    parts = []
    for side in (-1.0, 1.0):
        parts.append(_wp(np.array([(x - 1.05 * r, side * 0.3 * r), (x - 0.55 * r, side * 1.2 * r),
                                   (x + 0.7 * r, side * 1.2 * r), (x + 1.1 * r, side * 0.3 * r)]), c.hard))
    parts.append(_wp(ellipse(x, 0.0, 1.1 * r, 0.6 * r), shade(c.hard, 0.85)))
    parts.append(_wp(_bar(x - 0.9 * r, x + 0.95 * r, 0.3 * r, 0.2 * r), c.hard))  # the flange facing us
    parts.append(_wp(np.array([(x + 0.9 * r, -0.3 * r), (x + 1.5 * r, 0.0), (x + 0.9 * r, 0.3 * r)]), c.trim))
    return parts


@register_weapon("mace")
def _mace(rng: np.random.Generator, c: WeaponColors) -> list[Part]:
    """Mace: haft (wood or metal) with a wrapped grip and knob, spiked ball or flanged head, maybe a glowing core."""
    length = rng.uniform(0.3, 0.45)
    butt = -0.15 * length
    r = rng.uniform(0.055, 0.075)
    spiked = bool(rng.random() < 0.55)
    x = butt + length - 1.5 * r
    parts = [_wp(_bar(butt, x, 0.034, 0.03), c.soft if rng.random() < 0.6 else shade(c.hard, 0.8))]
    parts.append(_wp(_bar(butt, butt + 0.1, 0.04), c.trim))
    parts.append(_wp(ellipse(butt, 0.0, 0.022, 0.022, 10), c.trim))
    parts += _spiked_ball(rng, c, x, r) if spiked else _flanged_head(c, x, r)
    if rng.random() < 0.3:
        parts.append(_wp(ellipse(x, 0.0, 0.4 * r, 0.4 * r, 10), c.glow))
    return parts


# --------------------------------------------------------------------------- spear


def _spear_head(rng: np.random.Generator, base: float, tip: float) -> np.ndarray:
    """Leaf-shaped, triangular or barbed (winged) spear head from ``base`` to ``tip``."""
    w = rng.uniform(0.06, 0.085)
    style = int(rng.integers(3))
    if style == 0:
        t = np.array([0.0, 0.15, 0.35, 0.7, 1.0])
        line = np.stack([base + (tip - base) * t, np.zeros_like(t)], 1)
        return tapered(line, w * np.array([0.35, 0.9, 1.0, 0.55, 0.0]))
    if style == 1:
        return np.array([(base, -w / 2), (tip, 0.0), (base, w / 2)])
    barb = 0.25 * (tip - base)
    return np.array([(base + barb, -0.012), (base - 0.01, -w * 0.65), (base + barb, -w * 0.35), (tip, 0.0),
                     (base + barb, w * 0.35), (base - 0.01, w * 0.65), (base + barb, 0.012)])


@register_weapon("spear")
def _spear(rng: np.random.Generator, c: WeaponColors) -> list[Part]:
    """Spear: long shaft held a third of the way up, leaf/triangular/barbed head, socket, maybe tassel and butt cap."""
    length = rng.uniform(0.7, 1.0)
    butt = -rng.uniform(0.3, 0.45) * length
    tip = butt + length
    base = tip - rng.uniform(0.12, 0.17)
    parts = []
    if rng.random() < 0.5:  # tassel streaming back from the socket
        color = c.glow if rng.random() < 0.5 else c.trim
        for dy in (-0.035, 0.0, 0.035):
            parts.append(_wp(tapered(np.array([(base - 0.03, 0.0), (base - 0.08, dy * 0.6), (base - 0.13, dy)]),
                                     np.array([0.03, 0.024, 0.012])), color))
    parts.append(_wp(_bar(butt, base + 0.01, 0.028, 0.024), c.soft))
    parts.append(_wp(_spear_head(rng, base, tip), c.hard))
    parts.append(_wp(_bar(base - 0.045, base + 0.01, 0.034, 0.026), shade(c.hard, 0.85)))
    if rng.random() < 0.5:
        parts.append(_wp(_bar(butt, butt + 0.035, 0.034), c.hard))
    if rng.random() < 0.5:
        parts.append(_wp(_bar(-0.05, 0.05, 0.034), c.trim))
    return parts


# --------------------------------------------------------------------------- holding


_AIM_DEG: dict[str, dict[str, tuple[float, float]]] = {
    "melee": {"raised": (-130.0, -85.0), "forward": (-30.0, 5.0), "down": (45.0, 80.0)},
    "spear": {"raised": (-95.0, -60.0), "forward": (-12.0, 8.0), "down": (20.0, 45.0)},
    "ranged": {"raised": (-65.0, -35.0), "forward": (-6.0, 6.0), "down": (30.0, 60.0)},
}
"""Angle ranges of the weapon's pointing direction (0: forward, -90: straight up; y points down)."""


def aim_angle(rng: np.random.Generator, kind: str, aim: str) -> float:
    """Angle (radians, clockwise on screen from pointing forward) of a ``kind`` held with ``aim``, jittered."""
    table = _AIM_DEG["spear" if kind == "spear" else "ranged" if kind in RANGED else "melee"]
    lo, hi = table[aim]
    return math.radians(rng.uniform(lo, hi))


def draw_aim(rng: np.random.Generator, kind: str) -> str:
    """A random aim for ``kind``: ranged weapons mostly "forward", melee ones "raised", "forward" or "down"."""
    probs = (0.15, 0.7, 0.15) if kind in RANGED else (0.4, 0.35, 0.25)
    return AIMS[int(rng.choice(len(AIMS), p=probs))]


def _check(kind: str, aim: str) -> None:
    if kind not in WEAPONS:
        raise ValueError(f"unknown weapon kind {kind!r}; valid kinds: {', '.join(sorted(WEAPONS))}")
    if aim not in AIMS:
        raise ValueError(f"unknown aim {aim!r}; valid aims: {', '.join(AIMS)}")


def weapon_parts(rng: np.random.Generator, kind: str, hand: tuple[float, float], palette: CharacterPalette,
                 aim: str) -> list[Part]:
    """A ``kind`` weapon gripped at ``hand`` (unit coordinates of a right-facing character) held with ``aim``.

    Args:
        rng: Source of all randomness (materials, design, proportions, angle).
        kind: A registered weapon kind (see ``WEAPONS``, ``MELEE``, ``RANGED``).
        hand: Unit point of the grip (the character's "hand" anchor).
        palette: The holder's palette; grips, trim and glowing parts take its colours.
        aim: One of ``AIMS``.

    Returns:
        Parts with ``role="weapon"`` in drawing order.

    Raises:
        ValueError: An unknown kind or aim; the message lists the valid ones.
    """
    _check(kind, aim)
    parts = WEAPONS[kind](rng, weapon_colors(rng, palette))
    angle = aim_angle(rng, kind, aim)
    return [Part(rotate(p.points, angle) + hand, p.fill, p.detail, "weapon") for p in parts]


def _polygon_area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def sprite_palette(sprite: Sprite) -> CharacterPalette:
    """A palette read off a sprite's body parts: its two largest-area colours and its most vivid one."""
    area: dict[Color, float] = {}
    for part in sprite.parts:
        if part.role == "body":
            area[part.fill] = area.get(part.fill, 0.0) + _polygon_area(part.points)
    if not area:
        return CharacterPalette((136, 136, 142), (70, 110, 192), (255, 222, 40))
    ranked = sorted(area, key=lambda c: -area[c])
    primary = ranked[0]
    secondary = ranked[1] if len(ranked) > 1 else shade(primary, 0.7)
    accent = max(ranked, key=lambda c: (max(c) - min(c)) + 0.3 * max(c))
    return CharacterPalette(primary, secondary, accent)


def armed(sprite: Sprite, rng: np.random.Generator, kind: str, aim: str | None = None,
          palette: CharacterPalette | None = None) -> Sprite:
    """A copy of ``sprite`` holding a ``kind`` weapon at its "hand" anchor, drawn in front of it.

    Args:
        sprite: The holder; needs a "hand" anchor. It is left unchanged.
        rng: Source of all randomness.
        kind: A registered weapon kind (see ``WEAPONS``).
        aim: One of ``AIMS``; None draws one (see :func:`draw_aim`).
        palette: Colours for grips, trim and glowing parts; None reads them off the sprite (:func:`sprite_palette`).

    Returns:
        The armed sprite; its pose gains "weapon" (the kind) and "aim".

    Raises:
        ValueError: An unknown kind or aim, or a sprite without a "hand" anchor.
    """
    if "hand" not in sprite.anchors:
        raise ValueError(f"sprite {sprite.kind!r} has no 'hand' anchor to hold a weapon; set "
                         f"sprite.anchors['hand'] = (x, y), the front hand in unit coordinates, in its builder")
    _check(kind, aim or AIMS[0])
    aim = draw_aim(rng, kind) if aim is None else aim
    parts = weapon_parts(rng, kind, sprite.anchors["hand"], palette or sprite_palette(sprite), aim)
    pose = {**sprite.pose, "weapon": kind, "aim": aim}
    return Sprite(sprite.kind, [*sprite.parts, *parts], pose, dict(sprite.anchors))
