"""Warriors and mages (variant 25's classes), drawn on the shared skeleton of :mod:`.people_body`.

- ``warrior``: cuirass and strip kilt, horned / conical helmet or bare head and beard, round or kite
  shield, sword or axe.
- ``mage``: robe (floor or shin length), bell sleeves, pointed / wide hat or hood, beard; staff with orb,
  crystal or crook.

The kinds are dispatched and registered by :mod:`.sprites_people` (:func:`~.sprites_people.humanoid_sprite`).
"""

from __future__ import annotations

import math

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .people_body import (
    _SILVER,
    _WHITE,
    _WOOD,
    Pt,
    Skeleton,
    _arc,
    _arm,
    _at,
    _axe,
    _beard,
    _belt,
    _blade_angle,
    _cloth,
    _face,
    _finish,
    _hair,
    _hair_color,
    _head,
    _hem,
    _hold_arm,
    _leg,
    _lerp,
    _skin,
    _staff,
    _sword,
    _torso,
    skeleton,
)
from .sprites import Part, Sprite, ellipse, tapered

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
