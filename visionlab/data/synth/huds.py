"""Game interfaces drawn over a finished scene (variant 21): an RPG's HUD against a first-person shooter's.

Both are styles (:mod:`.styles`): they draw on the image and, with the ``hud`` label, on the label map, so
the interface is a mask class of its own. Both theme their panels and frames on the scene beneath and draw
their accents in any hue (:func:`hud_colors`), and both show a portrait with red and blue bars, so what tells
them apart is the rest of the interface: a minimap and an inventory or a dialog box, against a crosshair, a
compass, a kill feed, ammo and ability counters and (on half the screens) a weapon held in first person.

Example:
    >>> from .styles import STYLES
    >>> "rpg_hud" in STYLES and "fps_hud" in STYLES
    True
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .canvas import Op, overlay
from .palette import Color, clamp, hsv, mix, shade
from .styles import DIGIT_FONT, HUD, register_style

SKIN: tuple[Color, ...] = ((236, 196, 160), (196, 150, 110), (140, 96, 66), (96, 66, 46))
HP, MP = (220, 50, 50), (60, 120, 230)  # the red and blue of health and mana (or shield) bars, on both interfaces
PORTRAIT = (0.1, 0.14)
"""Side of the portrait, a share of the screen's width: top left on an RPG, beside the health bars on a shooter."""
GUN_SHARE = 0.5
"""Share of shooter screens with a weapon in first person. Drawn on every one, it was the cue the classifier took:
Grad-CAM sat on the gun's diagonal and spilled over the scene (1.46x the interface's area share; 1.79x at a half)."""


class HudColors(NamedTuple):
    """One screen's interface colours: panels, their frames and text, and a few accents (icons, crosshair, hair)."""

    panel: Color
    frame: Color
    accents: tuple[Color, ...]

    @property
    def text(self) -> Color:
        """Text on a panel: the frame's colour a third of the way to the panel's."""
        return mix(self.frame, self.panel, 0.3)


def hud_colors(rng: np.random.Generator, image: np.ndarray) -> HudColors:
    """Colours themed on the scene under the interface: panels dark, frames light, five accents of any hue.

    The panels are a shade of the scene's mean colour, the frames a tint of it. Fixed pools (five panel colours,
    four frames, five accents) made the interface's few colour bins tell the two interfaces apart by how much of
    each they drew: a colour histogram separated them at 0.79 (5-fold CV).
    """
    mean = clamp(image.reshape(-1, 3).mean(0))
    panel = shade(mean, rng.uniform(0.3, 0.6))
    return HudColors(panel, mix(mean, (255, 255, 255), 0.6), tuple(hsv(h, 0.75, 0.9) for h in rng.uniform(0, 1, 5)))


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


def _bar(x: float, y: float, w: float, h: float, share: float, color: Color, c: HudColors) -> list[Op]:
    """A framed bar filled to ``share``."""
    return [Op("rect", (x, y, x + w, y + h), c.panel, c.frame), Op("rect", (x + 1, y + 1, x + 1 + (w - 2) * share, y + h - 1), color)]


def _bar_height(H: float) -> float:
    return max(3.0, 0.03 * H)


def _hp_and_mp(rng: np.random.Generator, x: float, y: float, H: float, W: float, c: HudColors) -> list[Op]:
    """A red health bar over a blue mana (or shield) bar, from ``x``, ``y``."""
    bar_h = _bar_height(H)
    return (_bar(x, y, rng.uniform(0.22, 0.3) * W, bar_h, rng.uniform(0.2, 1.0), HP, c)
            + _bar(x, y + bar_h + 3, rng.uniform(0.16, 0.24) * W, bar_h, rng.uniform(0.2, 1.0), MP, c))


def _portrait(rng: np.random.Generator, x: float, y: float, s: float, c: HudColors) -> list[Op]:
    """A framed face: head, hair, eyes."""
    skin, hair = _pick(rng, SKIN), _pick(rng, c.accents)
    return [Op("rect", (x, y, x + s, y + s), c.panel, c.frame, max(1.0, s * 0.05)),
            Op("ellipse", (x + 0.25 * s, y + 0.2 * s, x + 0.75 * s, y + 0.8 * s), skin),
            Op("poly", np.array([(x + 0.22 * s, y + 0.42 * s), (x + 0.5 * s, y + 0.12 * s), (x + 0.78 * s, y + 0.42 * s)]), shade(hair, 0.7)),
            Op("rect", (x + 0.37 * s, y + 0.48 * s, x + 0.43 * s, y + 0.54 * s), (20, 20, 20)),
            Op("rect", (x + 0.57 * s, y + 0.48 * s, x + 0.63 * s, y + 0.54 * s), (20, 20, 20)),
            Op("rect", (x + 0.1 * s, y + 0.85 * s, x + 0.9 * s, y + 0.97 * s), shade(hair, 0.5))]


def _inventory(rng: np.random.Generator, W: float, H: float, c: HudColors) -> list[Op]:
    """A row of item slots along the bottom, some holding an icon."""
    n = int(rng.integers(5, 9))
    s = min(0.11 * W, 0.8 * W / n)
    x0, y0 = (W - n * s) / 2, H - s - 0.03 * H
    ops = []
    for k in range(n):
        x = x0 + k * s
        ops.append(Op("rect", (x, y0, x + s - 2, y0 + s), c.panel, c.frame))
        if rng.random() < 0.6:
            icon = _pick(rng, c.accents)
            shape = "ellipse" if rng.random() < 0.5 else "rect"
            ops.append(Op(shape, (x + 0.25 * s, y0 + 0.25 * s, x + 0.7 * s, y0 + 0.75 * s), icon))
    return ops


def _dialog(rng: np.random.Generator, W: float, H: float, c: HudColors) -> list[Op]:
    """A dialog box across the bottom with a speaker's name and lines of text."""
    box = (0.15 * W, 0.8 * H, 0.85 * W, 0.96 * H)
    ops = [Op("rect", box, c.panel, c.frame, max(1.0, 0.006 * W)), Op("rect", (0.18 * W, 0.82 * H, 0.37 * W, 0.85 * H), _pick(rng, c.accents))]
    for k in range(int(rng.integers(2, 4))):
        y = 0.87 * H + k * 0.03 * H
        ops.append(Op("rect", (0.18 * W, y, 0.18 * W + rng.uniform(0.35, 0.64) * W, y + 0.015 * H), c.text))
    return ops


@register_style("rpg_hud")
def rpg_hud(rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An RPG's interface: a portrait with HP and MP bars, a minimap, and an inventory bar or a dialog box (or both)."""
    H, W = label.shape
    c = hud_colors(rng, image)
    s = rng.uniform(*PORTRAIT) * W
    x, y = 0.03 * W, 0.03 * H
    ops = _portrait(rng, x, y, s, c) + _hp_and_mp(rng, x + s + 3, y + 0.1 * s, H, W, c)
    m = rng.uniform(0.11, 0.16) * W
    mx, my = W - m - 0.03 * W, 0.03 * H
    ops += [Op("rect", (mx, my, mx + m, my + m), c.panel, c.frame, max(1.0, m * 0.04))]
    ops += [Op("rect", (mx + a * m, my + b * m, mx + (a + 0.12) * m, my + (b + 0.12) * m), _pick(rng, c.accents))
            for a, b in rng.uniform(0.1, 0.78, size=(int(rng.integers(2, 5)), 2))]
    below = ("inventory", "dialog", "both")[int(rng.integers(3))]
    if below in ("inventory", "both"):
        ops += _inventory(rng, W, H, c)
    if below in ("dialog", "both"):
        ops += _dialog(rng, W, H * (0.86 if below == "both" else 1.0), c)
    return overlay(image, label, ops, HUD)


def _gun(rng: np.random.Generator, W: float, H: float, c: HudColors) -> list[Op]:
    """A weapon held in first person, from the bottom right towards the screen's centre, a gloved hand on its grip.

    Drawn in the interface's colours: a gun and a hand of their own colours were one more cue for the colour histogram.
    """
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
    return [Op("poly", np.array(body), c.panel, c.frame, max(1.0, 0.01 * W)), Op("poly", np.array(barrel), c.text),
            Op("line", np.array([np.array(tip) + d * 0.15 * L, np.array(tip) + d * 0.45 * L]), c.frame, width=max(1.0, 0.012 * W)),
            Op("ellipse", hand, c.text, c.frame, max(1.0, 0.008 * W))]


def _compass_and_feed(rng: np.random.Generator, W: float, H: float, c: HudColors) -> list[Op]:
    """A compass strip across the top with its ticks, and a kill feed of two or three rows below the top right corner."""
    x0, x1, y0, h = 0.32 * W, 0.68 * W, 0.03 * H, max(4.0, 0.05 * H)
    ops = [Op("rect", (x0, y0, x1, y0 + h), c.panel, c.frame)]
    ops += [Op("line", np.array([(x, y0 + 0.3 * h), (x, y0 + h - 1)]), c.frame) for x in np.linspace(x0 + 0.05 * W, x1 - 0.05 * W, 9)]
    for k in range(int(rng.integers(2, 4))):
        y = y0 + h + 0.03 * H + k * 0.06 * H
        ops += [Op("rect", (0.68 * W, y, 0.97 * W, y + 0.045 * H), c.panel),  # two names either side of a weapon icon
                Op("rect", (0.7 * W, y + 0.012 * H, 0.79 * W, y + 0.033 * H), c.text),
                Op("rect", (0.805 * W, y + 0.015 * H, 0.845 * W, y + 0.03 * H), _pick(rng, c.accents)),
                Op("rect", (0.86 * W, y + 0.012 * H, 0.95 * W, y + 0.033 * H), c.text)]
    return ops


@register_style("fps_hud")
def fps_hud(rng: np.random.Generator, image: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A shooter's interface: a crosshair, on half the screens a weapon in first person, and around them its counters.

    A compass and a kill feed at the top; bottom left the player's portrait, health and shield bars and a health
    counter; bottom right ammo and abilities.
    """
    H, W = label.shape
    c = hud_colors(rng, image)
    accent = _pick(rng, c.accents)
    cx, cy, r = W / 2, H / 2, rng.uniform(0.03, 0.05) * W
    gap, lw = 0.35 * r, max(1.0, 0.008 * W)
    ops = (_gun(rng, W, H, c) if rng.random() < GUN_SHARE else []) + _compass_and_feed(rng, W, H, c)
    ops += [Op("line", np.array(seg), accent, width=lw) for seg in (((cx - r, cy), (cx - gap, cy)), ((cx + gap, cy), (cx + r, cy)),
                                                                    ((cx, cy - r), (cx, cy - gap)), ((cx, cy + gap), (cx, cy + r)))]
    ops.append(Op("rect", (cx - lw, cy - lw, cx + lw, cy + lw), accent))
    unit = max(1.0, round(0.009 * W))
    base = H - 0.03 * H  # the counters' bottom edge
    ammo = f"{int(rng.integers(0, 31))}/{int(rng.integers(30, 241))}"
    aw = len(ammo) * 4 * unit + 2 * unit
    ops += [Op("rect", (W - aw - 0.03 * W - unit, base - 8 * unit, W - 0.03 * W + unit, base), c.panel, c.frame)]
    ops += text_ops(ammo, W - aw - 0.03 * W + unit, base - 6.5 * unit, unit, c.frame)
    ps = rng.uniform(*PORTRAIT) * W
    ops += _portrait(rng, 0.03 * W, base - ps, ps, c)
    x0, health = 0.03 * W + ps + 3, str(int(rng.integers(5, 101)))
    hw = (len(health) + 2) * 4 * unit + 2 * unit
    ops += [Op("rect", (x0, base - 8 * unit, x0 + hw, base), c.panel, c.frame),  # a health cross and its counter
            Op("rect", (x0 + 2 * unit, base - 5.5 * unit, x0 + 7 * unit, base - 3.5 * unit), accent),
            Op("rect", (x0 + 3.5 * unit, base - 7 * unit, x0 + 5.5 * unit, base - 2 * unit), accent)]
    ops += text_ops(health, x0 + 9 * unit, base - 6.5 * unit, unit, c.frame)
    top = base - 8 * unit
    ops += _hp_and_mp(rng, x0, top - 2 * _bar_height(H) - 6, H, W, c)
    s = 0.1 * W
    for k in range(int(rng.integers(2, 5))):  # grenades and abilities above the ammo counter
        x = W - 0.03 * W - (k + 1) * (s + 2)
        ops += [Op("rect", (x, top - s - 3, x + s, top - 3), c.panel, c.frame),
                Op("ellipse", (x + 0.25 * s, top - 0.75 * s - 3, x + 0.75 * s, top - 0.25 * s - 3), _pick(rng, c.accents))]
    return overlay(image, label, ops, HUD)
