"""What a variant's class adds to a scene's setting: its landmark building, a road, lamps, vehicles.

Each function reads the main class (:class:`~.variants.SubjectClass`) and draws nothing, drawing nothing from
the random generator either, where the class has none of it: the variants without them render as before.
Each returns what it drew as annotation entries (type, mask class, box).
"""

from __future__ import annotations

import numpy as np

from .canvas import ROLE_LABELS, Canvas, Op
from .landmarks import LANDMARKS, SHAPES
from .landscape import GLOWS, PROPS
from .layout import Layout
from .palette import BODY_COLORS, BUILDING, SYNTH_CLASSES, TERRAIN, Theme, jitter
from .subjects import pick
from .variants import SubjectClass
from .vehicles import AIRBORNE, SIZE, VEHICLES, lamp_ops


def _entry(kind: str, cls: str, box: tuple[float, float, float, float]) -> dict:
    return {"type": kind, "class": cls, "box": [round(v, 1) for v in box]}


def draw_landmark(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout, cls: SubjectClass) -> dict:
    """The scene's landmark building (variants 9, 11, 15), standing on the ground clear of water; the scene's only building."""
    W, H = layout.width, layout.height
    kind = pick(rng, cls.landmarks)
    (w_range, h_range) = SHAPES[kind]
    w, h = rng.uniform(*w_range) * W, rng.uniform(*h_range) * H
    x0 = layout.free_x(rng, w, layout.water_spans(), tries=20)
    x0 = rng.uniform(0, W - w) if x0 is None else x0
    high, low = layout.ground_range(x0, x0 + w)
    top = max(0.04 * H, high - h)
    wall, trim = theme.pick(rng, "walls"), theme.pick(rng, "roofs")
    canvas.draw(LANDMARKS[kind](rng, (x0, top, x0 + w, low + 0.03 * H), wall, trim, theme.colors["window"]), BUILDING)
    layout.buildings.append((x0, top, x0 + w, low))
    return _entry(kind, "building", (x0, top, x0 + w, low))


def draw_road(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout, cls: SubjectClass) -> list[dict]:
    """An asphalt band along the ground line with a dashed centre line (terrain class): a track or a runway."""
    if not cls.road:
        return []
    W, H = layout.width, layout.height
    line = layout.line
    depth = rng.uniform(0.06, 0.09) * H
    asphalt = jitter(rng, (84, 86, 92), 10.0)
    top = np.concatenate([line, line[::-1] + [0.0, depth]])
    ops = [Op("poly", top, asphalt)]
    xs = np.arange(0.0, W, 0.08 * W)
    ops += [Op("line", np.array([(x, layout.ground(x) + depth / 2), (x + 0.04 * W, layout.ground(x + 0.04 * W) + depth / 2)]), (236, 236, 230),
               width=max(1.0, 0.01 * H)) for x in xs]
    canvas.draw(ops, TERRAIN)
    return [_entry("road", "terrain", (0.0, float(line[:, 1].min()), float(W), float(line[:, 1].max() + depth)))]


def draw_lamps(rng: np.random.Generator, canvas: Canvas, layout: Layout, cls: SubjectClass) -> list[dict]:
    """One to three lamps of the class's kind standing on the ground (building class: street furniture)."""
    if not cls.lamps:
        return []
    H, drawn = layout.height, []
    for _ in range(int(rng.integers(1, 4))):
        height = rng.uniform(0.22, 0.35) * H
        x = layout.free_x(rng, 0.3 * height, layout.water_spans())
        if x is None:
            continue
        ground = layout.ground(x)
        lit = (255, 170, 60) if cls.lamps == "torch" else (255, 236, 170)
        canvas.draw(lamp_ops(cls.lamps, x, ground, height, lit), BUILDING)
        drawn.append(_entry(cls.lamps, "building", (x - 0.05 * height, ground - height, x + 0.3 * height, ground)))
    return drawn


def _ground_spot(rng: np.random.Generator, layout: Layout, length: float, first: bool) -> tuple[float, float] | None:
    """Left x and length of a vehicle on dry ground; the class's first vehicle always gets a spot (its scene is about it)."""
    for scale in (1.0, 0.75, 0.5) if first else (1.0,):  # shorter cars fit between lakes
        x0 = layout.free_x(rng, scale * length, layout.water_spans())
        if x0 is not None:
            return x0, scale * length
    return (float(rng.uniform(0, layout.width - length)), length) if first else None  # water everywhere: along the shore


def draw_vehicles(rng: np.random.Generator, canvas: Canvas, layout: Layout, cls: SubjectClass, airborne: bool) -> list[dict]:
    """The class's vehicles (vehicle class): on the ground, or with ``airborne`` the aircraft in the sky, one or two."""
    kinds = tuple(k for k in cls.vehicles if (k in AIRBORNE) == airborne)
    if not kinds:
        return []
    W, H = layout.width, layout.height
    horizon = float(layout.line[:, 1].min())
    drawn: list[dict] = []
    for _ in range(int(rng.integers(1, 3))):
        kind = pick(rng, kinds)
        length = min(rng.uniform(0.3, 0.5) * SIZE.get(kind, 1.0) * cls.prop_scale, 0.9) * W
        facing = 1 if rng.random() < 0.5 else -1
        body = jitter(rng, BODY_COLORS[int(rng.integers(len(BODY_COLORS)))], 12.0)
        if airborne:  # the whole aircraft in the frame, its tail fin (0.3 of its length above the fuselage) below the top edge
            x = rng.uniform(0.02 * W, 0.98 * W - length)
            top = 0.3 * length + 0.03 * H
            y = top + rng.uniform(0.0, 1.0) * max(0.75 * max(horizon, 0.3 * H) - top, 0.0)
        else:
            spot = _ground_spot(rng, layout, length, first=not drawn)
            if spot is None:
                continue
            x, length = spot
            y = layout.ground_range(x, x + length)[1] + 0.02 * H
        ops = VEHICLES[kind](rng, x, y, length, body, facing)
        canvas.draw(ops, ROLE_LABELS["vehicle"])
        drawn.append(_entry(kind, "vehicle", (x, y - 0.5 * length, x + length, y + (0.25 * length if airborne else 0.0))))
    return drawn


def draw_props(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout, cls: SubjectClass, where: str) -> list[dict]:
    """The class's landscape props (variant 2) that go ``where`` ("sky" or "ground"): two or three, in one glow colour."""
    kinds = tuple(k for k in cls.props if PROPS[k].where == where)
    if not kinds:
        return []
    W, H = layout.width, layout.height
    horizon = float(layout.line[:, 1].min())
    glow, drawn = GLOWS[int(rng.integers(len(GLOWS)))], []
    for _ in range(int(rng.integers(2, 4))):
        name = pick(rng, kinds)
        kind = PROPS[name]
        size = rng.uniform(*kind.size) * W
        if where == "sky":
            x, y = rng.uniform(0.1, 0.9) * W, rng.uniform(0.1, 0.7) * max(horizon - 0.1 * H, 0.2 * H)
            box = (x - size / 2, y - size / 2, x + size / 2, y + size / 2)
        else:
            x0 = layout.free_x(rng, 0.4 * size, layout.water_spans())
            if x0 is None:
                continue
            x, y = x0 + 0.2 * size, layout.ground(x0 + 0.2 * size)
            box = (x0, y - size, x0 + 0.4 * size, y)
        canvas.draw(kind.build(rng, x, y, size, glow, theme), SYNTH_CLASSES.index(kind.label))
        drawn.append(_entry(name, kind.label, box))
    return drawn
