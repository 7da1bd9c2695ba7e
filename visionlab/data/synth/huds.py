"""Game interfaces drawn over a finished scene (variant 21): an RPG's HUD against a first-person shooter's.

Both are styles (:mod:`.styles`): they draw on the image and, with the ``hud`` label, on the label map, so
the interface is a mask class of its own. Both take their panel, frame and accent colours from the same
pools, so what tells them apart is what the interface shows: a portrait with health and mana bars, an
inventory, a minimap or a dialog box, against a crosshair, an ammo counter and (on half the screens) a weapon held in first person.

Example:
    >>> from .styles import STYLES
    >>> "rpg_hud" in STYLES and "fps_hud" in STYLES
    True
"""

from __future__ import annotations

import numpy as np

from .canvas import Op, overlay
from .palette import Color, mix, shade
from .styles import DIGIT_FONT, HUD, register_style

PANELS: tuple[Color, ...] = ((28, 30, 40), (44, 34, 28), (20, 40, 44), (40, 40, 40), (52, 28, 44))
FRAMES: tuple[Color, ...] = ((212, 180, 96), (190, 196, 206), (120, 200, 220), (230, 230, 230))
ACCENTS: tuple[Color, ...] = ((220, 50, 50), (60, 120, 230), (70, 200, 90), (240, 200, 60), (240, 240, 240))
SKIN: tuple[Color, ...] = ((236, 196, 160), (196, 150, 110), (140, 96, 66), (96, 66, 46))
GUN_SHARE = 0.5
"""Share of shooter screens with a weapon in first person. Drawn on every one, it was the cue the classifier took:
Grad-CAM sat on the gun's diagonal and spilled over the scene (1.46x the interface's area share; 1.79x at a half)."""


def _pick(rng: np.random.Generator, pool: tuple[Color, ...]) -> Color:
    return pool[int(rng.integers(len(pool)))]


def text_ops(text: str, x: float, y: float, unit: float, color: Color) -> list[Op]:
    """Blocky digits (and '/') drawn from ``x``, ``y`` (top left), each bit ``unit`` px square."""
    ops = []
    for i, ch in enumerate(text):
        gx = x + i * 4 * unit
        if ch == "/":
            ops.append(Op("line", np.array([(gx + 2.5 * unit, y), (gx + 0.5 * unit, y + 5 * unit)]), color, width=unit))
            continue
        for r, row in enumerate(DIGIT_FONT[ch]):
            ops += [Op("rect", (gx + c * unit, y + r * unit, gx + (c + 1) * unit - 1, y + (r + 1) * unit - 1), color)
                    for c, bit in enumerate(row) if bit == "1"]
    return ops


def _bar(x: float, y: float, w: float, h: float, share: float, color: Color, panel: Color, frame: Color) -> list[Op]:
    """A framed bar filled to ``share``."""
    return [Op("rect", (x, y, x + w, y + h), panel, frame), Op("rect", (x + 1, y + 1, x + 1 + (w - 2) * share, y + h - 1), color)]


def _portrait(rng: np.random.Generator, x: float, y: float, s: float, panel: Color, frame: Color) -> list[Op]:
    """A framed face: head, hair, eyes."""
    skin, hair = _pick(rng, SKIN), _pick(rng, ACCENTS)
    return [Op("rect", (x, y, x + s, y + s), panel, frame, max(1.0, s * 0.05)),
            Op("ellipse", (x + 0.25 * s, y + 0.2 * s, x + 0.75 * s, y + 0.8 * s), skin),
            Op("poly", np.array([(x + 0.22 * s, y + 0.42 * s), (x + 0.5 * s, y + 0.12 * s), (x + 0.78 * s, y + 0.42 * s)]), shade(hair, 0.7)),
            Op("rect", (x + 0.37 * s, y + 0.48 * s, x + 0.43 * s, y + 0.54 * s), (20, 20, 20)),
            Op("rect", (x + 0.57 * s, y + 0.48 * s, x + 0.63 * s, y + 0.54 * s), (20, 20, 20)),
            Op("rect", (x + 0.1 * s, y + 0.85 * s, x + 0.9 * s, y + 0.97 * s), shade(hair, 0.5))]


def _inventory(rng: np.random.Generator, W: float, H: float, panel: Color, frame: Color) -> list[Op]:
    """A row of item slots along the bottom, some holding an icon."""
    n = int(rng.integers(5, 9))
    s = min(0.09 * W, 0.8 * W / n)
    x0, y0 = (W - n * s) / 2, H - s - 0.03 * H
    ops = []
    for k in range(n):
        x = x0 + k * s
        ops.append(Op("rect", (x, y0, x + s - 2, y0 + s), panel, frame))
        if rng.random() < 0.6:
            icon = _pick(rng, ACCENTS)
            shape = "ellipse" if rng.random() < 0.5 else "rect"
            ops.append(Op(shape, (x + 0.25 * s, y0 + 0.25 * s, x + 0.7 * s, y0 + 0.75 * s), icon))
    return ops


def _dialog(rng: np.random.Generator, W: float, H: float, panel: Color, frame: Color) -> list[Op]:
    """A dialog box across the bottom with a speaker's name and lines of text."""
    box = (0.1 * W, 0.78 * H, 0.9 * W, 0.96 * H)
    ops = [Op("rect", box, panel, frame, max(1.0, 0.006 * W)), Op("rect", (0.13 * W, 0.8 * H, 0.32 * W, 0.83 * H), _pick(rng, ACCENTS))]
    for k in range(int(rng.integers(2, 4))):
        y = 0.85 * H + k * 0.035 * H
        ops.append(Op("rect", (0.13 * W, y, 0.13 * W + rng.uniform(0.4, 0.72) * W, y + 0.015 * H), mix(frame, panel, 0.3)))
    return ops


@register_style("rpg_hud")
def rpg_hud(rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An RPG's interface: a portrait with HP and MP bars, a minimap, and an inventory bar or a dialog box (or both)."""
    H, W = label.shape
    panel, frame = _pick(rng, PANELS), _pick(rng, FRAMES)
    s = rng.uniform(0.13, 0.18) * W
    x, y = 0.03 * W, 0.03 * H
    ops = _portrait(rng, x, y, s, panel, frame)
    bar_h = max(3.0, 0.04 * H)
    ops += _bar(x + s + 3, y + 0.1 * s, rng.uniform(0.22, 0.3) * W, bar_h, rng.uniform(0.2, 1.0), (220, 50, 50), panel, frame)
    ops += _bar(x + s + 3, y + 0.1 * s + bar_h + 3, rng.uniform(0.16, 0.24) * W, bar_h, rng.uniform(0.2, 1.0), (60, 120, 230), panel, frame)
    m = rng.uniform(0.14, 0.2) * W
    mx, my = W - m - 0.03 * W, 0.03 * H
    ops += [Op("rect", (mx, my, mx + m, my + m), panel, frame, max(1.0, m * 0.04))]
    ops += [Op("rect", (mx + a * m, my + b * m, mx + (a + 0.12) * m, my + (b + 0.12) * m), _pick(rng, ACCENTS))
            for a, b in rng.uniform(0.1, 0.78, size=(int(rng.integers(2, 5)), 2))]
    below = ("inventory", "dialog", "both")[int(rng.integers(3))]
    if below in ("inventory", "both"):
        ops += _inventory(rng, W, H, panel, frame)
    if below in ("dialog", "both"):
        ops += _dialog(rng, W, H * (0.86 if below == "both" else 1.0), panel, frame)
    return overlay(image, label, ops, HUD)


def _gun(rng: np.random.Generator, W: float, H: float) -> list[Op]:
    """A weapon held in first person, from the bottom right towards the screen's centre, with the hand on its grip."""
    metal, trim, skin = _pick(rng, PANELS), _pick(rng, FRAMES), _pick(rng, SKIN)
    L = rng.uniform(0.45, 0.6) * W
    x1, y1 = W * rng.uniform(0.72, 0.85), H
    tip = (x1 - 0.55 * L, H - 0.45 * L)
    d = np.array([x1 - tip[0], y1 - tip[1]]) / np.hypot(x1 - tip[0], y1 - tip[1])
    n = np.array([-d[1], d[0]])
    body = [np.array(tip) + n * 0.05 * L, np.array(tip) - n * 0.05 * L, np.array((x1, y1)) - n * 0.14 * L, np.array((x1, y1)) + n * 0.14 * L]
    barrel = [np.array(tip) + n * 0.025 * L - d * 0.12 * L, np.array(tip) - n * 0.025 * L - d * 0.12 * L,
              np.array(tip) - n * 0.025 * L + d * 0.1 * L, np.array(tip) + n * 0.025 * L + d * 0.1 * L]
    grip = np.array(tip) + d * 0.62 * L
    hand = (grip[0] - 0.1 * L, grip[1] - 0.02 * L, grip[0] + 0.08 * L, grip[1] + 0.2 * L)
    return [Op("poly", np.array(body), metal, shade(metal, 0.5), max(1.0, 0.01 * W)), Op("poly", np.array(barrel), shade(metal, 0.7)),
            Op("line", np.array([np.array(tip) + d * 0.15 * L, np.array(tip) + d * 0.45 * L]), trim, width=max(1.0, 0.012 * W)),
            Op("ellipse", hand, skin, shade(skin, 0.6), max(1.0, 0.008 * W))]


def _compass_and_feed(rng: np.random.Generator, W: float, H: float, panel: Color, frame: Color) -> list[Op]:
    """A compass strip across the top with its ticks, and a kill feed of two or three rows below the top right corner."""
    x0, x1, y0, h = 0.25 * W, 0.75 * W, 0.03 * H, max(4.0, 0.05 * H)
    ops = [Op("rect", (x0, y0, x1, y0 + h), panel, frame)]
    ops += [Op("line", np.array([(x, y0 + 0.3 * h), (x, y0 + h - 1)]), frame) for x in np.linspace(x0 + 0.05 * W, x1 - 0.05 * W, 9)]
    for k in range(int(rng.integers(2, 4))):
        y = y0 + h + 0.03 * H + k * 0.06 * H
        text = mix(frame, panel, 0.3)  # two names either side of a weapon icon
        ops += [Op("rect", (0.6 * W, y, 0.97 * W, y + 0.045 * H), panel),
                Op("rect", (0.62 * W, y + 0.012 * H, 0.74 * W, y + 0.033 * H), text),
                Op("rect", (0.76 * W, y + 0.015 * H, 0.81 * W, y + 0.03 * H), _pick(rng, ACCENTS)),
                Op("rect", (0.83 * W, y + 0.012 * H, 0.95 * W, y + 0.033 * H), text)]
    return ops


@register_style("fps_hud")
def fps_hud(rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A shooter's interface: a crosshair, on half the screens a weapon in first person, and around them its counters.

    A compass and a kill feed at the top; health and shield bars with a health counter bottom left; ammo and
    abilities bottom right.
    """
    H, W = label.shape
    panel, frame, accent = _pick(rng, PANELS), _pick(rng, FRAMES), _pick(rng, ACCENTS)
    cx, cy, r = W / 2, H / 2, rng.uniform(0.03, 0.05) * W
    gap, lw = 0.35 * r, max(1.0, 0.008 * W)
    ops = (_gun(rng, W, H) if rng.random() < GUN_SHARE else []) + _compass_and_feed(rng, W, H, panel, frame)
    ops += [Op("line", np.array(seg), accent, width=lw) for seg in (((cx - r, cy), (cx - gap, cy)), ((cx + gap, cy), (cx + r, cy)),
                                                                    ((cx, cy - r), (cx, cy - gap)), ((cx, cy + gap), (cx, cy + r)))]
    ops.append(Op("rect", (cx - lw, cy - lw, cx + lw, cy + lw), accent))
    unit = max(1.0, round(0.012 * W))
    ammo = f"{int(rng.integers(0, 31))}/{int(rng.integers(30, 241))}"
    aw = len(ammo) * 4 * unit + 2 * unit
    ops += [Op("rect", (W - aw - 0.03 * W - unit, H - 8 * unit - 0.03 * H, W - 0.03 * W + unit, H - 0.03 * H), panel, frame)]
    ops += text_ops(ammo, W - aw - 0.03 * W + unit, H - 6.5 * unit - 0.03 * H, unit, frame)
    health = str(int(rng.integers(5, 101)))
    hw = (len(health) + 2) * 4 * unit + 2 * unit
    ops += [Op("rect", (0.03 * W, H - 8 * unit - 0.03 * H, 0.03 * W + hw, H - 0.03 * H), panel, frame),
            Op("rect", (0.03 * W + 2 * unit, H - 5.5 * unit - 0.03 * H, 0.03 * W + 7 * unit, H - 3.5 * unit - 0.03 * H), (220, 50, 50)),
            Op("rect", (0.03 * W + 3.5 * unit, H - 7 * unit - 0.03 * H, 0.03 * W + 5.5 * unit, H - 2 * unit - 0.03 * H), (220, 50, 50))]
    ops += text_ops(health, 0.03 * W + 9 * unit, H - 6.5 * unit - 0.03 * H, unit, frame)
    bar_h, top = max(3.0, 0.04 * H), H - 8 * unit - 0.03 * H
    ops += _bar(0.03 * W, top - 2 * bar_h - 6, rng.uniform(0.22, 0.3) * W, bar_h, rng.uniform(0.2, 1.0), (220, 50, 50), panel, frame)  # health
    ops += _bar(0.03 * W, top - bar_h - 3, rng.uniform(0.16, 0.24) * W, bar_h, rng.uniform(0.2, 1.0), (60, 120, 230), panel, frame)  # shield
    s = 0.06 * W
    for k in range(int(rng.integers(2, 5))):  # grenades and abilities above the ammo counter
        x = W - 0.03 * W - (k + 1) * (s + 2)
        ops += [Op("rect", (x, top - s - 3, x + s, top - 3), panel, frame),
                Op("ellipse", (x + 0.25 * s, top - 0.75 * s - 3, x + 0.75 * s, top - 0.25 * s - 3), _pick(rng, ACCENTS))]
    return overlay(image, label, ops, HUD)
