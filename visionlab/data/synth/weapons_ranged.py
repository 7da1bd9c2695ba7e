"""Variant 5's ranged weapons: bow, crossbow, gun (pistol or rifle) and blaster (boxy or ray gun).

Builders in the local frame of :mod:`.weapons` (grip at the origin, pointing along +x, "up" is -y), drawing
their colours from the same :class:`~.weapons.WeaponColors` pool as the melee kinds; registered into
``weapons.WEAPONS`` when this module is imported (:mod:`.variants` imports it), after the melee kinds.
"""

from __future__ import annotations

import numpy as np

from .palette import mix, shade
from .sprites import Part, ellipse, rect, tapered
from .weapons import _WHITE, WeaponColors, _bar, _light, _wp, register_weapon

# --------------------------------------------------------------------------- bow


def _arrow(c: WeaponColors, x0: float, x1: float, y: float = 0.0) -> list[Part]:
    """Arrow (or crossbow bolt) from its nock at ``x0`` to its tip at ``x1``: shaft, head, fletching."""
    head = min(0.05, 0.25 * (x1 - x0))
    fl = min(0.06, 0.25 * (x1 - x0))
    parts = [_wp(_bar(x0, x1 - head + 0.005, 0.013, y=y), mix(c.soft, _WHITE, 0.25))]
    for side in (-1.0, 1.0):
        parts.append(_wp(np.array([(x0, y), (x0 + 0.01, y + side * 0.028), (x0 + fl, y + side * 0.02),
                                   (x0 + fl, y)]), c.trim))
    parts.append(_wp(np.array([(x1 - head, y - 0.024), (x1, y), (x1 - head, y + 0.024)]), c.hard))
    return parts


@register_weapon("bow")
def _bow(rng: np.random.Generator, c: WeaponColors) -> list[Part]:
    """Bow held by its riser: D-shaped longbow or recurve, string, wrapped grip, maybe an arrow nocked and drawn."""
    height = rng.uniform(0.45, 0.6)
    recurve = bool(rng.random() < 0.5)
    t = np.linspace(-1.0, 1.0, 17)
    x = -rng.uniform(0.1, 0.15) * height * t**2
    if recurve:
        x = x + rng.uniform(0.06, 0.09) * height * np.clip((np.abs(t) - 0.7) / 0.3, 0.0, 1.0) ** 2
    limb = np.stack([x, t * height / 2], 1)
    top, bottom = limb[0], limb[-1]
    nocked = bool(rng.random() < 0.6)
    nock = (top[0] - rng.uniform(0.08, 0.16), 0.0) if nocked else (top[0], 0.0)
    string = _light(c.trim)
    parts = [_wp(tapered(np.array([top, nock]), np.array([0.012, 0.012])), string),
             _wp(tapered(np.array([nock, bottom]), np.array([0.012, 0.012])), string)]
    wood = c.soft if rng.random() < 0.75 else c.hard
    parts.append(_wp(tapered(limb, (0.02 + 0.03 * (1.0 - np.abs(t))) * (0.85 if recurve else 1.0)), wood))
    if recurve:
        parts += [_wp(ellipse(px, py, 0.014, 0.014, 10), c.trim) for px, py in (top, bottom)]
    parts.append(_wp(rect(-0.026, -0.05, 0.018, 0.05), c.trim))
    if rng.random() < 0.3:
        parts.append(_wp(ellipse(-0.004, -0.07, 0.014, 0.014, 10), c.glow, True))
    if nocked:
        parts += _arrow(c, nock[0], rng.uniform(0.06, 0.11))
    return parts


# --------------------------------------------------------------------------- crossbow


@register_weapon("crossbow")
def _crossbow(rng: np.random.Generator, c: WeaponColors) -> list[Part]:
    """Crossbow: shoulder stock with pistol grip and trigger, prod across the front, string, bolt on top."""
    length = rng.uniform(0.3, 0.4)
    butt, front = -0.38 * length, 0.52 * length
    drop = rng.uniform(0.04, 0.07)  # how much taller the shoulder end is
    stock = np.array([(butt, -0.03), (front, -0.022), (front, 0.014), (0.04, 0.016), (-0.04, 0.02),
                      (butt + 0.03, 0.03 + drop), (butt, 0.03 + drop)])
    grip = np.array([(-0.03, 0.0), (0.02, 0.0), (0.005, 0.075), (-0.04, 0.07)])
    span = rng.uniform(0.36, 0.44) * length
    px = front - 0.025
    t = np.linspace(-1.0, 1.0, 9)
    prod = np.stack([px - rng.uniform(0.05, 0.09) * length * t**2, -0.012 + t * span], 1)
    nut = (rng.uniform(0.0, 0.06), -0.03)
    string = _light(c.trim)
    parts = [_wp(tapered(np.array([prod[0], nut]), np.array([0.011, 0.011])), string),
             _wp(tapered(np.array([nut, prod[-1]]), np.array([0.011, 0.011])), string)]
    parts.append(_wp(grip, c.soft))
    parts.append(_wp(stock, c.soft))
    parts.append(_wp(np.array([(0.015, 0.01), (0.035, 0.01), (0.025, 0.045)]), shade(c.hard, 0.7), True))
    parts.append(_wp(tapered(prod, 0.028 - 0.014 * np.abs(t)), c.hard if rng.random() < 0.6 else c.soft))
    parts.append(_wp(rect(px - 0.018, -0.04, px + 0.014, 0.02), c.trim))
    if rng.random() < 0.3:
        parts.append(_wp(ellipse(-0.02, 0.045, 0.012, 0.012, 10), c.glow, True))
    return parts + _arrow(c, nut[0] - 0.01, front + rng.uniform(0.05, 0.1) * length, y=-0.036)


# --------------------------------------------------------------------------- gun


def _pistol_grip(c: WeaponColors, x0: float, x1: float, length: float) -> list[Part]:
    """Grip slanting down and back under the frame from x0..x1 (the hand's origin lies in it)."""
    rake = 0.35 * length
    return [_wp(np.array([(x0, -0.01), (x1, -0.01), (x1 - 0.2 * rake, rake), (x0 - 0.3 * rake, rake * 0.95)]), c.soft)]


def _pistol(rng: np.random.Generator, c: WeaponColors, length: float) -> list[Part]:
    """Semi-automatic (slide) or revolver (cylinder, round barrel): 0.2-0.28 long."""
    back, muzzle = -0.22 * length, 0.78 * length
    h = max(0.05, 0.22 * length)
    parts = _pistol_grip(c, -0.04, 0.04, max(length, 0.24))
    parts.append(_wp(np.array([(0.02, -0.01), (0.09, -0.01), (0.07, 0.04), (0.03, 0.035)]), shade(c.hard, 0.75), True))
    if rng.random() < 0.5:
        parts.append(_wp(rect(back, -h, muzzle, -0.008), c.hard))
        parts.append(_wp(rect(back + 0.02, -h + 0.012, muzzle - 0.03, -h + 0.022), shade(c.hard, 0.75), True))
    else:
        parts.append(_wp(rect(back, -h, back + 0.35 * length, -0.008), c.hard))
        parts.append(_wp(_bar(back + 0.3 * length, muzzle, 0.55 * h, 0.45 * h, y=-0.7 * h), c.hard))
        parts.append(_wp(ellipse(back + 0.3 * length, -0.55 * h, 0.16 * length, 0.55 * h), c.trim))
    parts.append(_wp(rect(muzzle - 0.02, -h - 0.018, muzzle - 0.006, -h + 0.002), shade(c.hard, 0.7), True))
    return parts


def _rifle(rng: np.random.Generator, c: WeaponColors, length: float) -> list[Part]:
    """Rifle: shoulder stock, receiver, handguard, long thin barrel, magazine, maybe a scope: 0.27-0.35 long."""
    back, muzzle = -0.42 * length, 0.58 * length
    stock = np.array([(back, -0.038), (-0.06, -0.036), (-0.06, 0.014), (back + 0.03, 0.06), (back, 0.062)])
    parts = [_wp(stock, c.soft), *_pistol_grip(c, -0.03, 0.03, 0.2)]
    parts.append(_wp(rect(-0.07, -0.05, 0.2 * length, 0.012), c.hard))
    parts.append(_wp(rect(0.15 * length, -0.038, muzzle, -0.022), c.hard))
    parts.append(_wp(rect(0.18 * length, -0.044, 0.42 * length, 0.004), c.soft))
    mx = 0.04 + 0.1 * length * rng.uniform(0.0, 1.0)
    parts.append(_wp(np.array([(mx - 0.025, 0.01), (mx + 0.02, 0.01), (mx + 0.03, 0.08), (mx - 0.005, 0.08)]),
                     shade(c.hard, 0.75)))
    if rng.random() < 0.45:
        parts.append(_wp(rect(-0.04, -0.085, 0.11, -0.058), shade(c.hard, 0.7)))
        parts.append(_wp(rect(-0.03, -0.064, 0.0, -0.05), shade(c.hard, 0.7), True))
        parts.append(_wp(ellipse(0.112, -0.071, 0.008, 0.013, 10), c.glow, True))
    else:
        parts.append(_wp(rect(muzzle - 0.02, -0.055, muzzle - 0.008, -0.036), shade(c.hard, 0.7), True))
    return parts


@register_weapon("gun")
def _gun(rng: np.random.Generator, c: WeaponColors) -> list[Part]:
    """Gun: a pistol (slide or revolver) or a rifle (stock, magazine, maybe a scope)."""
    if rng.random() < 0.5:
        return _pistol(rng, c, rng.uniform(0.22, 0.28))
    return _rifle(rng, c, rng.uniform(0.27, 0.35))


# --------------------------------------------------------------------------- blaster


def _boxy_blaster(rng: np.random.Generator, c: WeaponColors, length: float) -> list[Part]:
    """Chunky sci-fi blaster: bevelled box body, glowing strip and cell, thick barrel with rings, glowing muzzle."""
    back, body_end, muzzle = -0.3 * length, 0.3 * length, 0.68 * length
    h = rng.uniform(0.09, 0.12)
    body = np.array([(back, -h + 0.02), (back + 0.03, -h), (body_end, -h), (body_end + 0.02, -h + 0.03),
                     (body_end, 0.012), (back + 0.02, 0.012), (back, -0.01)])
    parts = _pistol_grip(c, -0.04, 0.04, 0.24)
    parts.append(_wp(body, c.hard))
    parts.append(_wp(_bar(body_end, muzzle, 0.6 * h, 0.5 * h, y=-0.55 * h), shade(c.hard, 0.8)))
    for k in range(int(rng.integers(1, 4))):
        rx = body_end + 0.03 + k * 0.035
        parts.append(_wp(rect(rx, -0.92 * h, rx + 0.018, -0.18 * h), c.trim))
    parts.append(_wp(ellipse(muzzle, -0.55 * h, 0.022, 0.32 * h, 10), c.glow))
    parts.append(_wp(rect(back + 0.035, -0.72 * h, body_end - 0.025, -0.42 * h), c.glow))
    if rng.random() < 0.6:  # fin on top
        parts.append(_wp(np.array([(back + 0.03, -h), (back + 0.02, -h - 0.045), (back + 0.1, -h)]), c.trim))
    else:  # energy cell on top
        parts.append(_wp(rect(back + 0.03, -h - 0.035, back + 0.11, -h), c.glow))
    return parts


def _ray_gun(rng: np.random.Generator, c: WeaponColors, length: float) -> list[Part]:
    """Retro ray gun: bulb body with tail fins, cone barrel with disc rings, glowing ball at the tip."""
    back, muzzle = -0.25 * length, 0.7 * length
    r = rng.uniform(0.05, 0.065)
    bx = back + r
    parts = [_wp(np.array([(bx - 0.02, -0.8 * r), (back - 0.025, -1.6 * r - 0.02), (bx, -r)]), c.trim),
             _wp(np.array([(bx - 0.02, 0.2 * r), (back - 0.02, 0.9 * r), (bx + 0.01, 0.3 * r)]), c.trim)]
    parts += _pistol_grip(c, -0.035, 0.035, 0.22)
    parts.append(_wp(_bar(bx, muzzle - 0.015, 1.2 * r, 0.35 * r, y=-0.45 * r), c.hard))
    parts.append(_wp(ellipse(bx, -0.45 * r, 1.05 * r, r), c.hard))
    parts.append(_wp(ellipse(bx, -0.45 * r, 0.45 * r, 0.45 * r, 10), c.glow))
    n = int(rng.integers(2, 4))
    for k in range(n):
        rx = bx + r + 0.02 + k * (muzzle - bx - r - 0.06) / n
        parts.append(_wp(ellipse(rx, -0.45 * r, 0.012, 0.95 * r - 0.12 * k * r, 10), c.trim))
    parts.append(_wp(ellipse(muzzle, -0.45 * r, 0.022, 0.022, 10), c.glow))
    return parts


@register_weapon("blaster")
def _blaster(rng: np.random.Generator, c: WeaponColors) -> list[Part]:
    """Blaster: a chunky sci-fi box or a retro ray gun, both with glowing accents."""
    length = rng.uniform(0.25, 0.4)
    return _boxy_blaster(rng, c, length) if rng.random() < 0.55 else _ray_gun(rng, c, length)
