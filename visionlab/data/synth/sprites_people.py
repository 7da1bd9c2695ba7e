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

Modules: :mod:`.people_body` (skeleton, shared body parts, held items), this one (knight, villager,
adventurer; :func:`humanoid_sprite`, which builds every kind, and their registration), :mod:`.sprites_fighters`
(warrior, mage) and :mod:`.sprites_monsters` (zombie, alien).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .people_body import (
    _DARK,
    _GREY,
    _SILVER,
    _WHITE,
    _WOOD,
    _arc,
    _arm,
    _at,
    _basket,
    _belt,
    _blade_angle,
    _face,
    _finish,
    _hair,
    _hair_color,
    _head,
    _hem,
    _hold_arm,
    _leg,
    _lerp,
    _long_tool,
    _skin,
    _sword,
    _torch,
    _torso,
)
from .people_body import POSES as POSES
from .people_body import Angles as Angles
from .people_body import Pt as Pt
from .people_body import Skeleton as Skeleton
from .people_body import pose_angles as pose_angles
from .people_body import skeleton as skeleton
from .sprites import Part, Sprite, SpriteBuilder, ellipse, register_sprite, tapered
from .sprites_fighters import _mage, _warrior
from .sprites_monsters import _alien, _zombie

PEOPLE = ("knight", "villager", "adventurer")
"""Variant 18's human characters (contrasted with animal characters)."""

FIGHTERS = ("warrior", "mage")
"""Variant 25's classes: warriors vs mages."""

MONSTERS = ("zombie", "alien")
"""Variant 24's classes: zombies vs aliens."""

HUMANOID_KINDS = PEOPLE + FIGHTERS + MONSTERS
"""Every kind this module registers."""


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


# --------------------------------------------------------------------------- assembly


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
