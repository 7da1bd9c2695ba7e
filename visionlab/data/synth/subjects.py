"""A variant's classes made concrete: characters with their weapons, boss ornaments, effects and health bars.

:func:`subject_maker` builds the characters of a :class:`~.variants.SubjectClass` (a palette from the
variant's pool, a sprite of one of its kinds, the weapon it holds, a boss's crown or horns and aura);
:func:`effect_ops_for` and :func:`health_bar_ops` draw what goes around them. All randomness comes from
the scene's generator, and nothing is drawn from it for a feature the class does not have, so variant 1
renders the same bytes as before variants existed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

import numpy as np

from . import effects, weapons
from .canvas import Op
from .layout import Box, SpriteMaker
from .palette import CharacterPalette, character_palette, mix, outline_of, shade
from .sprites import Part, Posed, Sprite, make_sprite, rotate
from .variants import GameVariant, SubjectClass

T = TypeVar("T")
_GOLD = (236, 196, 64)


def pick(rng: np.random.Generator, options: Sequence[T]) -> T:
    """One of ``options`` at random; a single option draws nothing from ``rng``."""
    return options[0] if len(options) == 1 else options[int(rng.integers(len(options)))]


def count(rng: np.random.Generator, low_high: tuple[int, int]) -> int:
    """A count in [low, high]; a fixed count draws nothing from ``rng``."""
    low, high = low_high
    return low if low == high else int(rng.integers(low, high + 1))


def _bounds(sprite: Sprite) -> tuple[float, float, float, float]:
    pts = np.concatenate([p.points for p in sprite.parts])
    return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())


def _aura(rng: np.random.Generator, sprite: Sprite, palette: CharacterPalette) -> list[Part]:
    """Spikes of light radiating from an ellipse around the boss, drawn behind it (the body hides their roots)."""
    x0, y0, x1, y1 = _bounds(sprite)
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    color = mix(palette.secondary, (255, 255, 255), 0.45)
    n = int(rng.integers(10, 16))
    parts = []
    for t in np.linspace(0.0, 2 * math.pi, n, endpoint=False) + rng.uniform(0, math.pi / n):
        c, s = math.cos(t), math.sin(t)
        if cy + ry * s > -0.02:  # no spikes into the ground
            continue
        base, tip = 0.8, 1.0 + rng.uniform(0.12, 0.25)
        w = 0.5 * math.pi / n
        pts = [(cx + rx * base * math.cos(t - w), cy + ry * base * math.sin(t - w)),
               (cx + rx * tip * c, cy + ry * tip * s),
               (cx + rx * base * math.cos(t + w), cy + ry * base * math.sin(t + w))]
        parts.append(Part(np.array(pts), color))
    return parts


def _crown(rng: np.random.Generator, top: tuple[float, float], palette: CharacterPalette) -> list[Part]:
    """A crown (gold or the palette's accent, with gems) or a pair of large horns on the head."""
    x, y = top
    w = rng.uniform(0.16, 0.24)
    if rng.random() < 0.5:
        k = int(rng.integers(3, 6))
        xs = np.linspace(x - w / 2, x + w / 2, 2 * k - 1)
        ys = np.where(np.arange(2 * k - 1) % 2 == 0, y - 0.13, y - 0.06)
        band = np.concatenate([[(x - w / 2, y + 0.01)], np.stack([xs, ys], 1), [(x + w / 2, y + 0.01)]])
        gold = _GOLD if rng.random() < 0.5 else palette.accent
        parts = [Part(band, gold)]
        parts += [Part(np.array([(gx - 0.018, y - 0.02), (gx, y - 0.045), (gx + 0.018, y - 0.02), (gx, y + 0.005)]),
                       palette.secondary, True) for gx in xs[1::2]]
        return parts
    horn = mix(palette.secondary, (250, 246, 230), 0.5)
    parts = []
    for side in (-1.0, 1.0):
        base = np.array([(x + side * w * 0.2, y + 0.02), (x + side * w * 0.6, y + 0.02)])
        tip = (x + side * w * 1.1, y - rng.uniform(0.16, 0.24))
        parts.append(Part(np.concatenate([base, [tip]]), horn))
    return parts


def crowned(rng: np.random.Generator, sprite: Sprite, palette: CharacterPalette) -> Sprite:
    """A boss version of ``sprite``: aura behind it, crown or horns on its head (its anchors kept)."""
    x0, y0, x1, _ = _bounds(sprite)
    top = sprite.anchors.get("head_top", ((x0 + x1) / 2, y0))
    parts = [*_aura(rng, sprite, palette), *sprite.parts, *_crown(rng, top, palette)]
    return Sprite(sprite.kind, parts, {**sprite.pose, "boss": True}, dict(sprite.anchors))


def _scaled_weapon(sprite: Sprite, factor: float) -> Sprite:
    """The sprite with its weapon parts scaled by ``factor`` around the hand holding them."""
    if factor == 1.0:
        return sprite
    hand = np.asarray(sprite.anchors["hand"])
    parts = [replace(p, points=(p.points - hand) * factor + hand) if p.role == "weapon" else p for p in sprite.parts]
    return Sprite(sprite.kind, parts, sprite.pose, dict(sprite.anchors))


def subject_maker(variant: GameVariant, subject: SubjectClass, kind: str) -> SpriteMaker:
    """A maker of ``kind`` characters of the class ``subject``: palette, sprite, weapon, boss ornaments."""
    def make(rng: np.random.Generator, airborne: bool) -> tuple[CharacterPalette, Sprite]:
        palette = character_palette(rng, variant.palette_pool)
        sprite = make_sprite(rng, kind, palette, airborne)
        if subject.weapons and "hand" in sprite.anchors:
            sprite = _scaled_weapon(weapons.armed(sprite, rng, pick(rng, subject.weapons)), subject.prop_scale)
        if subject.boss:
            sprite = crowned(rng, sprite, palette)
        return palette, sprite
    return make


def mirrored(posed: Posed) -> Posed:
    """The posed sprite facing the other way (same feet point)."""
    flip = np.array([-1.0, 1.0])
    x0, y0, x1, y1 = posed.bounds
    return Posed(posed.sprite, [p * flip for p in posed.points], (-x1, y0, -x0, y1),
                 {n: (-x, y) for n, (x, y) in posed.anchors.items()})


def anchor_px(posed: Posed, scale: float, x: float, y: float, names: Sequence[str]) -> tuple[float, float]:
    """Pixel position of the first of ``names`` the sprite has, else of its upper front."""
    for name in names:
        if name in posed.anchors:
            ax, ay = posed.anchors[name]
            return x + ax * scale, y + ay * scale
    bx0, by0, bx1, by1 = posed.bounds
    front = bx1 if abs(bx1) >= abs(bx0) else bx0
    return x + front * scale, y + (by0 + (by1 - by0) * 0.35) * scale


def effect_ops_for(rng: np.random.Generator, kinds: Sequence[str], origin: tuple[float, float], height_px: float,
                   direction: int, scale: float = 1.0) -> tuple[str, list[Op]]:
    """One effect of ``kinds`` cast from ``origin`` towards ``direction``, sized to a character ``height_px`` tall (times ``scale``)."""
    kind = pick(rng, kinds)
    size = rng.uniform(0.5, 1.0) * height_px * scale
    return kind, effects.effect_ops(rng, kind, origin, size, direction, effects.glow_color(rng))


def loot_ops(rng: np.random.Generator, kinds: Sequence[str], palette: CharacterPalette, x: float, ground: float,
             length_px: float) -> tuple[str, list[Op]]:
    """A weapon of ``kinds`` lying as a pick-up on the ground at ``x``, about ``length_px`` long."""
    kind = pick(rng, kinds)
    parts = weapons.weapon_parts(rng, kind, (0.0, 0.0), palette, "forward")
    pts = np.concatenate([p.points for p in parts])
    span = float(np.ptp(pts, axis=0).max()) or 1.0
    scale = length_px / span
    tilt = rng.uniform(-0.5, 0.5)
    x0, y1 = float(pts[:, 0].min()), float(pts[:, 1].max())
    ops = []
    for p in parts:
        q = rotate(p.points - (x0, y1), tilt) * scale + (x, ground)
        ops.append(Op("poly", q, p.fill, outline_of(p.fill) if length_px >= 24 and not p.detail else None, max(1.0, 0.012 * length_px)))
    return kind, ops


def health_bar_ops(rng: np.random.Generator, box: Box, boss: bool, palette: CharacterPalette) -> tuple[list[Op], Box]:
    """A health bar over a character's head: a boss's is longer, with a skull plate at its left end.

    Both kinds of bar take the same colours, so the bar's length and plate tell a boss, not its colour.
    """
    fill = rng.uniform(0.3, 1.0)
    cx, w = (box[0] + box[2]) / 2, max(8.0, (box[2] - box[0]) * (0.9 if boss else 0.6))
    x0, x1 = cx - w / 2, cx + w / 2
    y1 = max(4.0, box[1] - 3.0)
    y0 = y1 - max(2.5, (box[3] - box[1]) * 0.05)
    frame = shade(palette.secondary, 0.35)
    hp = mix(palette.accent, (230, 40, 40), 0.5)
    ops = [Op("rect", (x0 - 1, y0 - 1, x1 + 1, y1 + 1), frame),
           Op("rect", (x0, y0, x0 + (x1 - x0) * fill, y1), hp)]
    if boss:
        r = (y1 - y0) * 1.1
        ops.append(Op("ellipse", (x0 - 2.2 * r, (y0 + y1) / 2 - r, x0, (y0 + y1) / 2 + r), (236, 232, 220), frame))
    return ops, (x0 - 1, y0 - 1, x1 + 1, y1 + 1)
