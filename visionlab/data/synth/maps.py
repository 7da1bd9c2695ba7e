"""Top-down maps (variant 22): a fantasy game's world map against a real road map, with pixel labels.

Both maps are drawn on one :class:`~.canvas.Canvas` from the same layout of land, sea, lakes, rivers, forests
and settlements, so the two classes share their geography; what differs is how a map draws it. The game map:
parchment land, painted mountains and forests, castle icons, dashed red paths, a compass rose and fog of war
at its edges (the fog darkens the image only: the land under it keeps its label). The road map: pale land, a
street grid in the towns, yellow main roads, green parks, building blocks, name labels.

Labels: land ``terrain``, sea, lakes and rivers ``water``, forests and parks ``vegetation``, castles, towns and
blocks ``building``, paths, roads and streets ``road`` (a class of its own), icons and name labels ``item``.

Example:
    >>> sorted(MAP_STYLES)
    ['game', 'road']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .canvas import ROLE_LABELS, Canvas, Op
from .palette import BUILDING, ITEM, TERRAIN, VEGETATION, WATER, Color, mix, shade

MAP_STYLES = ("game", "road")
ROAD = ROLE_LABELS["road"]


@dataclass
class Geography:
    """Where things are, shared by both styles: coast polygon, lakes, a river, forests, towns and the roads between them."""

    coast: np.ndarray  # (n, 2) land polygon
    lakes: list[tuple[float, float, float]]  # (x, y, r)
    river: np.ndarray  # (n, 2) polyline
    forests: list[tuple[float, float, float]]  # (x, y, r)
    towns: list[tuple[float, float]]
    mountains: list[tuple[float, float, float]]  # (x, y, size)


def geography(rng: np.random.Generator, W: int, H: int) -> Geography:
    """A random island or coast, two lakes at most, a river from the interior to the sea, forests, three to five towns."""
    cx, cy = rng.uniform(0.4, 0.6) * W, rng.uniform(0.4, 0.6) * H
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    radius = rng.uniform(0.42, 0.6) * min(W, H) * (1 + 0.18 * np.sin(angles * rng.integers(2, 5) + rng.uniform(0, 6)))
    radius *= rng.uniform(0.85, 1.15, size=angles.size)
    coast = np.stack([cx + radius * np.cos(angles) * W / min(W, H), cy + radius * np.sin(angles) * H / min(W, H)], axis=1)

    def inland(margin: float) -> tuple[float, float]:
        a, k = rng.uniform(0, 2 * np.pi), rng.uniform(0.0, margin)
        r = np.interp(a, angles, radius, period=2 * np.pi) * k
        return cx + r * np.cos(a), cy + r * np.sin(a)

    lakes = [(*inland(0.5), rng.uniform(0.04, 0.08) * W) for _ in range(int(rng.integers(0, 3)))]
    start, a = inland(0.3), rng.uniform(0, 2 * np.pi)
    steps = np.linspace(0, 0.7, 12) * min(W, H)
    river = np.stack([start[0] + steps * np.cos(a) + rng.normal(0, 0.02 * W, 12), start[1] + steps * np.sin(a) + rng.normal(0, 0.02 * H, 12)], axis=1)
    forests = [(*inland(0.75), rng.uniform(0.05, 0.1) * W) for _ in range(int(rng.integers(2, 5)))]
    towns = [inland(0.7) for _ in range(int(rng.integers(3, 6)))]
    mountains = [(*inland(0.8), rng.uniform(0.05, 0.09) * W) for _ in range(int(rng.integers(2, 6)))]
    return Geography(coast, lakes, river, forests, towns, mountains)


def _paths(geo: Geography) -> list[np.ndarray]:
    """Roads joining each town to the next (a chain), each bending once."""
    out = []
    for (x0, y0), (x1, y1) in zip(geo.towns, geo.towns[1:]):
        out.append(np.array([(x0, y0), ((x0 + x1) / 2 + 0.1 * (y1 - y0), (y0 + y1) / 2 - 0.1 * (x1 - x0)), (x1, y1)]))
    return out


def _colour(rng: np.random.Generator, low: Color, high: Color) -> Color:
    r, g, b = (int(v) for v in rng.uniform(low, high))
    return r, g, b


def _base(canvas: Canvas, geo: Geography, land: Color, sea: Color, width: float) -> None:
    W, H = canvas.width, canvas.height
    canvas.draw([Op("rect", (0, 0, W, H), sea)], WATER)
    canvas.draw([Op("poly", geo.coast, land, shade(land, 0.6), max(1.0, 0.006 * W))], TERRAIN)
    canvas.draw([Op("ellipse", (x - r, y - r * 0.7, x + r, y + r * 0.7), sea) for x, y, r in geo.lakes]
                + [Op("line", geo.river, sea, width=width)], WATER)


def game_map(rng: np.random.Generator, canvas: Canvas, geo: Geography) -> list[dict]:
    """A fantasy game's world map on parchment."""
    W, H = canvas.width, canvas.height
    parchment, sea = _colour(rng, (214, 190, 140), (236, 214, 170)), _colour(rng, (110, 150, 160), (150, 180, 180))
    _base(canvas, geo, parchment, sea, max(1.5, 0.012 * W))
    ink = (90, 60, 40)
    trees = []
    for x, y, r in geo.forests:
        for _ in range(10):
            tx, ty, s = x + rng.uniform(-r, r), y + rng.uniform(-0.7 * r, 0.7 * r), rng.uniform(0.02, 0.03) * W
            trees.append(Op("poly", np.array([(tx - s / 2, ty + s), (tx, ty - s), (tx + s / 2, ty + s)]), (70, 110, 60), ink, 0.6))
    canvas.draw(trees, VEGETATION)
    canvas.draw([Op("poly", np.array([(x - s, y + 0.6 * s), (x, y - s), (x + s, y + 0.6 * s)]), (160, 130, 100), ink, 0.8) for x, y, s in geo.mountains],
                TERRAIN)
    canvas.draw([Op("line", p, (170, 40, 40), width=max(1.0, 0.006 * W)) for p in _dashed(_paths(geo))], ROAD)
    castles = []
    for x, y in geo.towns:
        s = 0.03 * W
        castles += [Op("rect", (x - s, y - s, x + s, y + s), (200, 180, 150), ink, 0.8),
                    Op("poly", np.array([(x - s, y - s), (x, y - 2 * s), (x + s, y - s)]), (170, 50, 40), ink, 0.8)]
    canvas.draw(castles, BUILDING)
    r = 0.07 * W  # compass rose
    cx, cy = W - 1.4 * r, H - 1.4 * r
    canvas.draw([Op("poly", np.array([(cx, cy - r), (cx + 0.2 * r, cy), (cx, cy + r), (cx - 0.2 * r, cy)]), ink),
                 Op("poly", np.array([(cx - r, cy), (cx, cy - 0.2 * r), (cx + r, cy), (cx, cy + 0.2 * r)]), shade(parchment, 0.7))], ITEM)
    return [{"type": "compass_rose", "class": "item", "box": [round(cx - r, 1), round(cy - r, 1), round(cx + r, 1), round(cy + r, 1)]}]


def _dashed(paths: list[np.ndarray], dash: int = 8) -> list[np.ndarray]:
    """Each path cut into short dashes."""
    out = []
    for p in paths:
        fine = np.concatenate([np.linspace(a, b, dash, endpoint=False) for a, b in zip(p[:-1], p[1:])])
        out += [fine[i:i + 2] for i in range(0, len(fine) - 1, 2)]
    return out


def road_map(rng: np.random.Generator, canvas: Canvas, geo: Geography) -> list[dict]:
    """A road map: pale land, blue water, green parks, town blocks in a street grid, yellow main roads, name labels."""
    W = canvas.width
    land, sea = _colour(rng, (236, 232, 220), (246, 242, 232)), _colour(rng, (150, 196, 230), (170, 210, 240))
    _base(canvas, geo, land, sea, max(1.5, 0.012 * W))
    canvas.draw([Op("ellipse", (x - r, y - 0.7 * r, x + r, y + 0.7 * r), (190, 222, 170)) for x, y, r in geo.forests], VEGETATION)
    canvas.draw([Op("poly", np.array([(x - s, y + 0.6 * s), (x, y - s), (x + s, y + 0.6 * s)]), mix(land, (190, 170, 150), 0.5)) for x, y, s in geo.mountains],
                TERRAIN)
    blocks, streets = [], []
    for x, y in geo.towns:
        s = rng.uniform(0.06, 0.1) * W
        step = s / 3
        for i in range(3):
            for j in range(3):
                bx, by = x - s / 2 + i * step, y - s / 2 + j * step
                blocks.append(Op("rect", (bx + 0.12 * step, by + 0.12 * step, bx + 0.88 * step, by + 0.88 * step), (224, 210, 196), (200, 186, 172)))
        streets += [Op("rect", (x - s / 2, y - s / 2, x + s / 2, y + s / 2), (255, 255, 255))]
    canvas.draw(streets, ROAD)
    canvas.draw(blocks, BUILDING)
    canvas.draw([Op("line", p, (244, 196, 80), width=max(1.5, 0.012 * W)) for p in _paths(geo)], ROAD)
    labels = []
    for x, y in geo.towns:
        w = rng.uniform(0.08, 0.14) * W
        labels.append(Op("rect", (x - w / 2, y + 0.07 * W, x + w / 2, y + 0.09 * W), (60, 60, 70)))
    canvas.draw(labels, ITEM)
    return [{"type": "label", "class": "item", "box": [round(float(x), 1), round(float(y), 1), round(float(x), 1), round(float(y), 1)]} for x, y in geo.towns]


def fog_of_war(rng: np.random.Generator, image: np.ndarray) -> np.ndarray:
    """Darken the map towards its edges in soft blotches (the image only: what lies under the fog keeps its label)."""
    H, W = image.shape[:2]
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    d = np.minimum.reduce([xx / W, yy / H, 1 - xx / W, 1 - yy / H])
    depth = rng.uniform(0.12, 0.22) + 0.04 * np.sin(xx / W * rng.uniform(8, 16)) * np.cos(yy / H * rng.uniform(8, 16))
    fog = np.clip(1 - d / depth, 0, 1)[..., None]
    return (image * (1 - 0.75 * fog) + np.array([40, 36, 44]) * 0.75 * fog).astype(np.uint8)


def render_map(rng: np.random.Generator, width: int, height: int, style: str) -> tuple[np.ndarray, np.ndarray, dict]:
    """A top-down map in ``style`` ("game" or "road"): image, label map and what was drawn (meta).

    Raises:
        ValueError: An unknown style.
    """
    if style not in MAP_STYLES:
        raise ValueError(f"unknown map style {style!r}; known: {', '.join(MAP_STYLES)}")
    geo = geography(rng, width, height)
    canvas = Canvas(width, height, (0, 0, 0), (0, 0, 0))
    drawn = (game_map if style == "game" else road_map)(rng, canvas, geo)
    image, label = canvas.finish()
    if style == "game":
        image = fog_of_war(rng, image)
    meta = {"map_style": style, "towns": [[round(float(x), 1), round(float(y), 1)] for x, y in geo.towns], "effects_and_bars": drawn}
    return image, label, meta
