"""Zombies and aliens (variant 24's classes), drawn on the shared skeleton of :mod:`.people_body`.

- ``zombie``: hunched, arms stretched forward, uneven legs, torn clothes, missing forearm, stitches.
- ``alien``: large head (round, dome, wide or teardrop), 2-3 big eyes, antennae, thin limbs, legs or
  floating tentacles, an optional suit.

Both take their skin from one colour rule (the palette's primary colour, barely greyed). The kinds are
dispatched and registered by :mod:`.sprites_people` (:func:`~.sprites_people.humanoid_sprite`).
"""

from __future__ import annotations

import math

import numpy as np

from .palette import CharacterPalette, Color, mix, shade
from .people_body import (
    _DARK,
    _FAR,
    _WHITE,
    Pt,
    Skeleton,
    _arc,
    _arm,
    _belt,
    _creature_skin,
    _finish,
    _head,
    _jagged,
    _leg,
    _lerp,
    _torso,
    pose_angles,
    skeleton,
)
from .sprites import Part, Sprite, ellipse, tapered

# --------------------------------------------------------------------------- zombie


def _zombie_shirt(sk: Skeleton, rng: np.random.Generator, color: Color) -> Part:
    """Shirt with a torn, zig-zag hem."""
    torso = _torso(sk, below=0.1, flare=0.04)  # 8 points: one side bottom to top, the other top to bottom
    hem = _jagged((float(torso[7][0]), float(torso[7][1])), (float(torso[0][0]), float(torso[0][1])), 3, 0.06, rng)
    return Part(np.concatenate([torso[1:7], np.array(hem)]), color)


def _stitches(a: Pt, b: Pt, color: Color) -> list[Part]:
    """A scar line with cross stitches."""
    parts = [Part(tapered(np.array([a, b]), np.full(2, 0.01)), color, True)]
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = math.hypot(dx, dy) + 1e-9
    nx, ny = -dy / n * 0.022, dx / n * 0.022
    for t in (0.2, 0.5, 0.8):
        x, y = _lerp(a, b, t)
        parts.append(Part(tapered(np.array([(x - nx, y - ny), (x + nx, y + ny)]), np.full(2, 0.008)), color, True))
    return parts


def _zombie_face(sk: Skeleton, rng: np.random.Generator, skin: Color) -> list[Part]:
    """Sunken, mismatched eyes, open jagged mouth with teeth, tufts of hair."""
    hx, hy = sk.head()
    r = sk.head_r
    parts = [Part(ellipse(hx + 0.45 * r, hy - 0.1 * r, 0.26 * r, 0.3 * r, 10), shade(skin, 0.6)),
             Part(ellipse(hx + 0.47 * r, hy - 0.1 * r, 0.18 * r, 0.2 * r, 10), _WHITE, True),
             Part(ellipse(hx + 0.5 * r, hy - 0.08 * r, 0.06 * r, 0.06 * r, 10), _DARK, True)]
    mouth = np.array([(hx + 0.35 * r, hy + 0.42 * r), (hx + 0.95 * r, hy + 0.35 * r), (hx + 0.9 * r, hy + 0.75 * r), (hx + 0.4 * r, hy + 0.7 * r)])
    parts.append(Part(mouth, shade(skin, 0.3)))
    for k in range(3):
        tx = hx + (0.45 + 0.17 * k) * r
        parts.append(Part(np.array([(tx, hy + 0.4 * r), (tx + 0.12 * r, hy + 0.4 * r), (tx + 0.06 * r, hy + 0.55 * r)]), _WHITE, True))
    for _ in range(int(rng.integers(2, 6))):  # a few limp strands of hair
        a = math.radians(rng.uniform(-170.0, -80.0))
        bx, by = hx + 0.95 * r * math.cos(a), hy + 0.95 * r * math.sin(a)
        droop = rng.uniform(0.03, 0.08)
        strand = np.array([(bx, by), (bx - 0.03, by - 0.02), (bx - 0.03 - droop, by + droop * 0.6)])
        parts.append(Part(tapered(strand, np.array([0.02, 0.012, 0.004])), shade(skin, 0.55)))
    return parts


def _zombie(rng: np.random.Generator, p: CharacterPalette, armed: bool, airborne: bool) -> Sprite:
    """Zombie: hunched, arms stretched forward, uneven legs, torn clothes, missing forearm, stitches."""
    sk = skeleton(rng, "jump" if airborne else "reach")
    sk.arms = pose_angles(rng, "reach")[1]  # arms stay stretched forward, even mid-jump
    sk.lean = math.radians(rng.uniform(12.0, 30.0))
    sk.head_dx, sk.neck = rng.uniform(0.02, 0.06), rng.uniform(0.0, 0.02)
    sk.leg_scale = (rng.uniform(0.85, 1.0), rng.uniform(0.9, 1.05))
    sk.arm_scale = (rng.uniform(0.9, 1.1), rng.uniform(0.95, 1.15))
    stump, torn_leg = rng.random() < 0.35, int(rng.integers(0, 3))  # torn trouser: none, back, front
    stitched, sleeve_to = rng.random() < 0.6, rng.uniform(0.0, 0.5)
    skin = _creature_skin(rng, p)
    shirt, trouser = p.secondary, mix(shade(p.primary, rng.uniform(0.55, 0.75)), p.secondary, 0.25)
    tear = rng.uniform(0.2, 0.6)
    if stump:
        sk.arms[0] = (sk.arms[0][0], 0.0)
        sk.arm_scale = (0.55, sk.arm_scale[1])
    parts = _arm(sk, 0, skin, shirt, sleeve_to)
    if stump:
        hand = sk.arm(0)[2]
        parts[-1] = Part(ellipse(hand[0], hand[1], 0.03, 0.025, 10), mix(_WHITE, skin, 0.3), True)
    for i in (0, 1):
        parts += _leg(sk, i, trouser, shade(trouser, 0.85), None, tear if torn_leg == i + 1 else 2.0, skin)
    parts.append(_zombie_shirt(sk, rng, shirt))
    parts += _head(sk, skin) + _zombie_face(sk, rng, skin)
    if stitched:
        hx, hy = sk.head()
        parts += _stitches((hx - 0.8 * sk.head_r, hy - 0.5 * sk.head_r), (hx + 0.4 * sk.head_r, hy - 0.85 * sk.head_r), shade(skin, 0.35))
    parts += _arm(sk, 1, skin, shirt, sleeve_to * 0.5)
    top, elbow, _, _ = sk.arm(1)
    parts.append(Part(np.array(_jagged(_lerp(top, elbow, 0.6), _lerp(top, elbow, 0.9), 2, 0.03, rng) + [top]), shade(shirt, 0.9), True))
    info = {"pose": "jump" if airborne else "reach", "missing_forearm": bool(stump), "torn_leg": ["none", "back", "front"][torn_leg],
            "stitched": bool(stitched)}
    return _finish("zombie", parts, sk, info)


# --------------------------------------------------------------------------- alien


def _alien_head(sk: Skeleton, shape: str, skin: Color) -> Part:
    """Large head: round, dome (tall), wide, or teardrop (wide cranium, narrow chin)."""
    hx, hy = sk.head()
    rx, ry = sk.head_r, sk.head_ry
    if shape == "teardrop":
        return Part(np.concatenate([_arc(hx, hy - 0.1 * ry, rx, ry * 0.9, 160.0, 380.0, 16), [(hx + 0.45 * rx, hy + 0.75 * ry), (hx + 0.1 * rx, hy + ry),
                                                                                   (hx - 0.35 * rx, hy + 0.7 * ry)]]), skin)
    return Part(ellipse(hx, hy, rx, ry), skin)


def _alien_face(sk: Skeleton, eyes: int, eye: Color, glow: Color) -> list[Part]:
    """Two or three big slanted eyes with highlights, and a small mouth."""
    hx, hy = sk.head()
    rx, ry = sk.head_r, sk.head_ry
    spots = [(hx + 0.12 * rx, hy + 0.08 * ry, 0.2), (hx + 0.62 * rx, hy + 0.06 * ry, 0.17)]
    if eyes == 3:
        spots.append((hx + 0.38 * rx, hy - 0.42 * ry, 0.13))
    parts = []
    for k, (x, y, s) in enumerate(spots):
        tilt = -0.35 if k == 1 else 0.35
        pts = ellipse(0.0, 0.0, s * rx, s * ry * 1.35)
        c, si = math.cos(tilt), math.sin(tilt)
        pts = np.stack([pts[:, 0] * c - pts[:, 1] * si, pts[:, 0] * si + pts[:, 1] * c], 1) + (x, y)
        parts.append(Part(pts, eye))
        parts.append(Part(ellipse(x + 0.05 * rx, y - 0.1 * ry, 0.05 * rx, 0.06 * ry, 10), glow, True))
    parts.append(Part(tapered(np.array([(hx + 0.35 * rx, hy + 0.62 * ry), (hx + 0.6 * rx, hy + 0.58 * ry)]), np.full(2, 0.012)), _DARK, True))
    return parts


def _antennae(sk: Skeleton, rng: np.random.Generator, n: int, skin: Color, tip: Color) -> list[Part]:
    """``n`` thin stalks on top of the head with round tips."""
    hx, hy = sk.head()
    parts = []
    for k in range(n):
        a = math.radians(-90.0 + (k - (n - 1) / 2) * 35.0)
        base = (hx + sk.head_r * 0.9 * math.cos(a), hy + sk.head_ry * 0.9 * math.sin(a))
        end = (base[0] + rng.uniform(-0.06, 0.06) + 0.06 * math.cos(a), base[1] - rng.uniform(0.1, 0.17))
        mid = (base[0] * 0.4 + end[0] * 0.6 + rng.uniform(-0.03, 0.03), (base[1] + end[1]) / 2)
        parts.append(Part(tapered(np.array([base, mid, end]), np.array([0.025, 0.018, 0.014])), skin))
        parts.append(Part(ellipse(end[0], end[1], 0.03, 0.03, 10), tip))
    return parts


def _tentacles(sk: Skeleton, rng: np.random.Generator, n: int, skin: Color, far: bool) -> list[Part]:
    """Tentacles hanging from the hip to the ground, their tips curling."""
    parts = []
    length = sk.thigh + sk.shin + 0.03
    t = np.linspace(0.0, 1.0, 10)
    for k in range(n):
        if (k % 2 == 0) != far:
            continue
        x0 = sk.hip[0] + (k / max(n - 1, 1) - 0.5) * sk.waist_w * 0.9
        spread, phase, amp = (k / max(n - 1, 1) - 0.5) * 0.25, rng.uniform(0.0, math.pi), rng.uniform(0.02, 0.05)
        curl = rng.choice([-1.0, 1.0]) * 0.06
        xs = x0 + spread * t + amp * np.sin(phase + 2.5 * math.pi * t) + curl * t**4
        ys = sk.hip[1] + length * t - 0.05 * t**6
        parts.append(Part(tapered(np.stack([xs, ys], 1), 0.07 * (1 - t) + 0.014), shade(skin, _FAR if far else 0.92)))
    return parts


def _alien(rng: np.random.Generator, p: CharacterPalette, armed: bool, airborne: bool) -> Sprite:
    """Alien: large head, 2-3 big eyes, antennae, thin limbs, legs or floating tentacles, maybe a suit."""
    sk = skeleton(rng, "jump" if airborne else ["stand", "walk", "arms_up", "idle"][int(rng.integers(4))], slim=0.6)
    sk.head_r = rng.uniform(0.16, 0.21)
    shape = ["round", "dome", "wide", "teardrop"][int(rng.integers(4))]
    sk.head_ry = sk.head_r * {"round": 1.0, "dome": 1.2, "wide": 0.8, "teardrop": 1.1}[shape]
    sk.torso, sk.neck = rng.uniform(0.2, 0.25), rng.uniform(0.02, 0.05)
    sk.upper, sk.fore = sk.upper * 1.1, sk.fore * 1.1
    tentacles, eyes, n_ant, suit = rng.random() < 0.5, 2 + int(rng.random() < 0.4), int(rng.integers(0, 4)), rng.random() < 0.6
    n_tent = int(rng.integers(3, 6))
    skin = _creature_skin(rng, p)
    body = p.secondary if suit else mix(skin, p.secondary, 0.5)  # a suit, or two-tone skin
    eye = mix(_DARK, p.accent, 0.15) if rng.random() < 0.6 else p.accent
    parts = _antennae(sk, rng, n_ant, skin, p.accent)
    parts += _arm(sk, 0, skin, p.secondary if suit else None, 0.7)
    parts += _tentacles(sk, rng, n_tent, skin, True) if tentacles else _leg(sk, 0, body, shade(body, 0.7))
    parts += _tentacles(sk, rng, n_tent, skin, False) if tentacles else _leg(sk, 1, body, shade(body, 0.7))
    parts.append(Part(_torso(sk, below=0.06, flare=-0.02), body))
    if suit:
        parts.append(Part(_belt(sk, 0.03, 0.035), p.accent, True))
    else:
        mx, my = _lerp(sk.hip, sk.neck_base(), 0.45)
        parts.append(Part(ellipse(mx + 0.02, my, sk.waist_w * 0.3, sk.torso * 0.3), mix(skin, _WHITE, 0.3)))
    nx, ny = sk.neck_base()
    parts.append(Part(tapered(np.array([(nx, ny + 0.01), sk.head()]), np.array([0.05, 0.035])), skin))
    if suit:
        parts.append(Part(ellipse(nx, ny + 0.005, sk.chest_w * 0.6, 0.025), shade(p.secondary, 0.8)))
    parts += [_alien_head(sk, shape, skin)] + _alien_face(sk, eyes, eye, mix(p.accent, _WHITE, 0.6))
    parts += _arm(sk, 1, skin, p.secondary if suit else None, 0.7)
    info = {"pose": "jump" if airborne else "stand", "head": shape, "eyes": eyes, "antennae": n_ant,
            "locomotion": "tentacles" if tentacles else "legs", "suit": bool(suit)}
    return _finish("alien", parts, sk, info)
