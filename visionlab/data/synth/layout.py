"""Scene geometry: the terrain line, free ground spans, and where characters stand.

Everything here is planning (numbers, no pixels), so positions can be checked against each
other (the main character stays clear of water, extras avoid the main one) before drawing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .palette import CharacterPalette
from .sprites import Posed, Sprite, pose

SpriteMaker = Callable[[np.random.Generator, bool], tuple[CharacterPalette, Sprite]]
"""``(rng, airborne) -> (palette, sprite)``: draws one character of a class (see :mod:`.subjects`)."""

Box = tuple[float, float, float, float]

MAIN_HEIGHT = (0.2, 0.45)  # main character height, fraction of the image height
EXTRA_HEIGHT = (0.15, 0.3)
CENTRAL = 0.7  # the main character lies inside the central 70% of the width
SUPPORTS = ("ground", "platform", "air")
_SUPPORT_P = (0.55, 0.25, 0.2)
_PLATFORM_GAP = 0.11  # platform top must be this far (x image height) above the ground
_AIR_GAP = 0.06
_SAMPLES = np.linspace(0.0, 1.0, 8)  # where ground_range probes the terrain line


def rounded(values) -> list:
    """Plain-float copy of numbers or boxes, rounded to 0.1 px (JSON-friendly meta)."""
    return [round(float(v), 1) for v in values]


def overlap(a: Box, b: Box) -> float:
    """Area of the intersection of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


@dataclass
class Layout:
    """Geometry of one scene, filled in as things are placed; becomes ``Scene.meta``."""

    width: int
    height: int
    line: np.ndarray  # terrain top polyline, (n, 2)
    platforms: list = field(default_factory=list)
    water: list = field(default_factory=list)
    buildings: list = field(default_factory=list)
    vegetation: list = field(default_factory=list)
    items: list = field(default_factory=list)
    distractors: list = field(default_factory=list)
    occluders: list = field(default_factory=list)

    def ground(self, x: float) -> float:
        """Terrain top y at column x."""
        return float(np.interp(x, self.line[:, 0], self.line[:, 1]))

    def ground_range(self, x0: float, x1: float) -> tuple[float, float]:
        """(highest, lowest) terrain top y over [x0, x1]."""
        ys = np.interp(x0 + (x1 - x0) * _SAMPLES, self.line[:, 0], self.line[:, 1])
        return float(ys.min()), float(ys.max())

    def free_x(self, rng: np.random.Generator, w: float, avoid: list[tuple[float, float]],
               tries: int = 8) -> float | None:
        """Left x of a ``w``-wide span inside the image that overlaps none of ``avoid``."""
        if w >= self.width:
            return None
        for _ in range(tries):
            x0 = rng.uniform(0, self.width - w)
            if all(x0 + w <= a or x0 >= b for a, b in avoid):
                return x0
        return None

    def water_spans(self) -> list[tuple[float, float]]:
        """X ranges covered by water: nothing stands there."""
        return [(b[0], b[2]) for b in self.water]

    def meta(self) -> dict:
        """JSON-friendly geometry (all rects as [x0, y0, x1, y1] floats)."""
        return {
            "terrain": np.round(self.line, 1).tolist(),
            "platforms": [rounded(b) for b in self.platforms],
            "water": [rounded(b) for b in self.water],
            "buildings": [rounded(b) for b in self.buildings],
            "vegetation": [rounded(b) for b in self.vegetation],
            "items": [{"type": t, "box": rounded(b)} for t, b in self.items],
            "distractors": [{"type": t, "class": c, "box": rounded(b)} for t, c, b in self.distractors],
            "occluders": [{"type": t, "class": c, "box": rounded(b)} for t, c, b in self.occluders],
        }


@dataclass
class Plan:
    """A character placed in the scene, not yet drawn."""

    instance_id: int
    kind: str
    palette: CharacterPalette
    posed: Posed
    facing: str
    scale: float  # px per sprite unit
    x: float  # feet position
    y: float
    support: str  # "ground" | "platform" | "air"
    label: str | None = None  # the character's class, where the variant gives each character one

    @property
    def box(self) -> Box:
        """Planned (unoccluded) bounding box in px."""
        bx0, by0, bx1, by1 = self.posed.bounds
        s = self.scale
        return (self.x + s * bx0, self.y + s * by0, self.x + s * bx1, self.y + s * by1)

    def info(self) -> dict:
        """Per-character meta: support, palette and pose parameters."""
        p = self.palette
        return {"instance_id": self.instance_id, "support": self.support,
                "palette": {"primary": list(p.primary), "secondary": list(p.secondary), "accent": list(p.accent)},
                "pose": self.posed.sprite.pose}


def _posed(rng: np.random.Generator, make: SpriteMaker, airborne: bool) -> tuple[CharacterPalette, Posed, str]:
    palette, sprite = make(rng, airborne)
    facing = "left" if rng.random() < 0.5 else "right"
    return palette, pose(sprite, facing, rng.uniform(-8.0, 8.0)), facing


def plan_main(rng: np.random.Generator, make: SpriteMaker, layout: Layout,
              height: tuple[float, float] = MAIN_HEIGHT) -> Plan:
    """Place the main character inside the central 70% of the width, fully inside the height.

    It stands on the ground, on a floating platform (added to ``layout``) or hovers; ``height`` is its
    height range as a fraction of the image height.
    """
    W, H = layout.width, layout.height
    support = SUPPORTS[int(np.searchsorted(np.cumsum(_SUPPORT_P), rng.random() * sum(_SUPPORT_P)))]
    palette, posed, facing = _posed(rng, make, support == "air")
    uw, uh = posed.size
    bx0, by0, bx1, by1 = posed.bounds
    scale = rng.uniform(*height) * H / uh
    scale = min(scale, (CENTRAL * W - 4) / uw)
    gap = {"ground": 0.0, "platform": _PLATFORM_GAP, "air": _AIR_GAP}[support] * H
    highest_ground = float(layout.line[:, 1].min())
    if support != "ground":  # the character plus the gap must fit above the highest hill
        scale = min(scale, (highest_ground - gap - 2) / uh)
    margin = (1 - CENTRAL) / 2 * W + 1
    x = rng.uniform(margin - scale * bx0, W - margin - scale * bx1)
    top_y = 1 - scale * by0  # feet y that puts the top on row 1
    if support == "ground":
        y = max(layout.ground(x) + 0.02 * scale * uh, top_y)
    elif support == "air":
        low, _ = layout.ground_range(x + scale * bx0, x + scale * bx1)
        y = rng.uniform(top_y, max(top_y, low - gap - scale * by1))
    else:
        half = max(0.35 * scale * uw, 0.06 * W) + rng.uniform(0.0, 0.08) * W
        px0, px1 = max(0.0, x - half * rng.uniform(0.7, 1.3)), min(float(W), x + half * rng.uniform(0.7, 1.3))
        low, _ = layout.ground_range(px0, px1)
        y = rng.uniform(top_y, max(top_y, low - gap))
        layout.platforms.append((px0, y, px1, y + 0.05 * H))
    return Plan(1, posed.sprite.kind, palette, posed, facing, scale, x, y, support)


def plan_extra(rng: np.random.Generator, instance_id: int, make: SpriteMaker, layout: Layout, placed: list[Plan],
               height: tuple[float, float] = EXTRA_HEIGHT) -> Plan:
    """Place an extra (smaller) character on the ground, away from water and the others."""
    W, H = layout.width, layout.height
    palette, posed, facing = _posed(rng, make, False)
    uw, uh = posed.size
    bx0, by0, bx1, by1 = posed.bounds
    scale = min(rng.uniform(*height) * H / uh, (W - 4) / uw)
    best: tuple[float, float, float] | None = None
    for _ in range(10):
        low = 2 - scale * bx0
        x = rng.uniform(low, max(low, W - 2 - scale * bx1))  # a character as wide as the image: the range is 0 give or take rounding
        y = max(layout.ground(x) + 0.02 * scale * uh, 1 - scale * by0)
        box = (x + scale * bx0, y + scale * by0, x + scale * bx1, y + scale * by1)
        cost = sum(overlap(box, p.box) for p in placed)
        cost += sum(overlap(box, (a, 0, b, H)) for a, b in layout.water_spans()) * 0.1
        if best is None or cost < best[0]:
            best = (cost, x, y)
    assert best is not None
    return Plan(instance_id, posed.sprite.kind, palette, posed, facing, scale, best[1], best[2], "ground")


def plan_water(rng: np.random.Generator, layout: Layout, keep_clear: Box) -> None:
    """Maybe add a pool at ground level whose span avoids ``keep_clear`` (the main character)."""
    if rng.random() >= 0.5:
        return
    W, H = layout.width, layout.height
    w = rng.uniform(0.15, 0.35) * W
    x0 = layout.free_x(rng, w, [(keep_clear[0], keep_clear[2])])
    if x0 is None:
        return
    x1 = x0 + w
    g0, g1 = layout.ground(x0), layout.ground(x1)
    surface = min(max(g0, g1) + 0.015 * H, H - 3.0)
    # Flatten the terrain under the pool to its surface, so no ground shows above the water and
    # the terrain line stays the walkable surface (banks on both sides).
    line = layout.line
    left, right = line[line[:, 0] < x0], line[line[:, 0] > x1]
    layout.line = np.concatenate([left, [(x0, g0), (x0 + 0.5, surface), (x1 - 0.5, surface), (x1, g1)], right])
    layout.water.append((x0, surface, x1, min(float(H), surface + rng.uniform(0.05, 0.12) * H)))
