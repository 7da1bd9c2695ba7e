"""Vehicles and street furniture as drawing ops (variants 11 and 23; mask class ``vehicle``, lamps ``building``).

A vehicle builder is ``(rng, x, ground, length, body, facing) -> list[Op]``: ``x`` is its left end, ``ground`` the
row its wheels stand on (an aircraft's ``ground`` is the height it flies at), ``length`` its length in pixels,
``body`` its paint (both classes of a variant paint from one pool), ``facing`` +1 (right) or -1 (left).
Lamps stand on the ground beside them: a torch on a wooden post, a street light on a steel one.

Example:
    >>> sorted(VEHICLES)
    ['aircraft', 'car', 'cart', 'propeller_plane', 'race_car']
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .canvas import Op
from .palette import Color, mix, shade

VehicleBuilder = Callable[[np.random.Generator, float, float, float, Color, int], list[Op]]
VEHICLES: dict[str, VehicleBuilder] = {}
AIRBORNE = ("aircraft", "propeller_plane")
"""Vehicles drawn in the sky (their ``ground`` is their flying height)."""
SIZE = {"cart": 0.7, "propeller_plane": 0.8}
"""Length of a kind against the others' (a cart's wheels make it tall for its length)."""
TYRE, GLASS, WOOD = (34, 34, 38), (150, 200, 230), (120, 82, 48)


def register_vehicle(name: str) -> Callable[[VehicleBuilder], VehicleBuilder]:
    """Add a vehicle kind under ``name`` (a decorator)."""
    def add(fn: VehicleBuilder) -> VehicleBuilder:
        VEHICLES[name] = fn
        return fn
    return add


def _flip(ops: list[Op], x: float, length: float, facing: int) -> list[Op]:
    """Mirror ops drawn facing right about the vehicle's middle when it faces left."""
    if facing > 0:
        return ops
    axis = 2 * x + length
    out = []
    for op in ops:
        if op.kind in ("poly", "line"):
            pts = np.asarray(op.geom, dtype=float).copy()
            pts[:, 0] = axis - pts[:, 0]
            out.append(op._replace(geom=pts))
        else:
            x0, y0, x1, y1 = op.geom
            out.append(op._replace(geom=(axis - x1, y0, axis - x0, y1)))
    return out


def _wheel(cx: float, cy: float, r: float, hub: Color) -> list[Op]:
    return [Op("ellipse", (cx - r, cy - r, cx + r, cy + r), TYRE), Op("ellipse", (cx - 0.45 * r, cy - 0.45 * r, cx + 0.45 * r, cy + 0.45 * r), hub)]


@register_vehicle("cart")
def cart(rng: np.random.Generator, x: float, ground: float, length: float, body: Color, facing: int) -> list[Op]:
    """A wooden cart: plank box on two big spoked wheels, a shaft forward, a load of sacks or hay."""
    r = 0.22 * length
    top, floor = ground - 2.2 * r, ground - 1.2 * r
    wood = mix(WOOD, body, 0.6)  # painted: carts and cars share one pool of paints
    ops = [Op("rect", (x, top, x + 0.75 * length, floor), wood, shade(wood, 0.5), max(1.0, 0.02 * length))]
    ops += [Op("line", np.array([(x, top + k * (floor - top) / 3), (x + 0.75 * length, top + k * (floor - top) / 3)]), shade(wood, 0.6))
            for k in (1, 2)]
    ops.append(Op("line", np.array([(x + 0.7 * length, floor - 0.2 * r), (x + length, floor + 0.3 * r)]), shade(wood, 0.7), width=max(1.0, 0.04 * length)))
    ops.append(Op("ellipse", (x + 0.08 * length, top - 0.9 * r, x + 0.66 * length, top + 0.3 * r), mix(body, (220, 190, 110), 0.5)))
    for cx in (x + 0.2 * length, x + 0.55 * length):
        ops += [Op("ellipse", (cx - r, ground - 2 * r, cx + r, ground), shade(wood, 0.8), shade(wood, 0.4), max(1.0, 0.03 * length))]
        ops += [Op("line", np.array([(cx - r * np.cos(a), ground - r - r * np.sin(a)), (cx + r * np.cos(a), ground - r + r * np.sin(a))]),
                   shade(wood, 0.45), width=max(1.0, 0.015 * length)) for a in (0.0, np.pi / 3, 2 * np.pi / 3)]
    return _flip(ops, x, length, facing)


@register_vehicle("car")
def car(rng: np.random.Generator, x: float, ground: float, length: float, body: Color, facing: int) -> list[Op]:
    """A modern car: a low body, a glass cabin, two wheels, head and tail lights."""
    r = 0.11 * length
    sill, roof = ground - 0.9 * r, ground - 0.62 * length * 0.55
    belt = ground - 0.38 * length * 0.55
    ops = [Op("poly", np.array([(x, sill), (x, belt), (x + 0.22 * length, belt - 0.02 * length), (x + 0.32 * length, roof),
                                (x + 0.68 * length, roof), (x + 0.82 * length, belt), (x + length, belt + 0.03 * length), (x + length, sill)]),
              body, shade(body, 0.5), max(1.0, 0.015 * length)),
           Op("poly", np.array([(x + 0.35 * length, roof + 0.03 * length), (x + 0.66 * length, roof + 0.03 * length),
                                (x + 0.77 * length, belt - 0.01 * length), (x + 0.27 * length, belt - 0.01 * length)]), GLASS),
           Op("line", np.array([(x + 0.5 * length, roof + 0.03 * length), (x + 0.5 * length, belt)]), shade(body, 0.6), width=max(1.0, 0.02 * length)),
           Op("rect", (x + 0.95 * length, belt + 0.04 * length, x + length, belt + 0.08 * length), (255, 240, 170)),
           Op("rect", (x, belt + 0.04 * length, x + 0.04 * length, belt + 0.08 * length), (220, 40, 40))]
    for cx in (x + 0.2 * length, x + 0.8 * length):
        ops += _wheel(cx, ground - r, r, (200, 200, 206))
    return _flip(ops, x, length, facing)


@register_vehicle("race_car")
def race_car(rng: np.random.Generator, x: float, ground: float, length: float, body: Color, facing: int) -> list[Op]:
    """A race car: a long wedge with a cockpit, front and rear wings, a number disc, fat tyres."""
    r = 0.12 * length
    low = ground - 0.8 * r
    ops = [Op("poly", np.array([(x, low), (x + 0.05 * length, ground - 2.0 * r), (x + 0.55 * length, ground - 2.1 * r),
                                (x + length, ground - 1.1 * r), (x + length, low)]), body, shade(body, 0.5), max(1.0, 0.015 * length)),
           Op("rect", (x - 0.02 * length, ground - 3.4 * r, x + 0.12 * length, ground - 2.9 * r), shade(body, 0.6)),  # rear wing
           Op("line", np.array([(x + 0.06 * length, ground - 2.9 * r), (x + 0.06 * length, ground - 2.0 * r)]), shade(body, 0.6),
              width=max(1.0, 0.02 * length)),
           Op("ellipse", (x + 0.32 * length, ground - 2.9 * r, x + 0.52 * length, ground - 1.9 * r), (40, 40, 48)),  # cockpit and helmet
           Op("ellipse", (x + 0.58 * length, ground - 1.9 * r, x + 0.72 * length, ground - 1.0 * r), (245, 245, 245)),
           Op("rect", (x + 0.9 * length, low - 0.3 * r, x + 1.04 * length, low), shade(body, 0.6))]  # front wing
    for cx in (x + 0.18 * length, x + 0.82 * length):
        ops += _wheel(cx, ground - 1.05 * r, 1.05 * r, shade(body, 0.8))
    return _flip(ops, x, length, facing)


@register_vehicle("aircraft")
def aircraft(rng: np.random.Generator, x: float, ground: float, length: float, body: Color, facing: int) -> list[Op]:
    """A jet in side view: a long fuselage with a nose cone, a swept wing, a tail fin, a row of windows, an engine."""
    h = 0.13 * length
    y = ground
    ops = [Op("poly", np.array([(x + 0.04 * length, y - 0.5 * h), (x + 0.18 * length, y - 2.2 * h), (x + 0.3 * length, y - 2.2 * h),
                                (x + 0.3 * length, y - 0.5 * h)]), shade(body, 0.8), shade(body, 0.5), max(1.0, 0.01 * length)),  # tail fin
           Op("poly", np.array([(x, y - 0.5 * h), (x + 0.85 * length, y - 0.6 * h), (x + length, y), (x + 0.85 * length, y + 0.5 * h),
                                (x + 0.05 * length, y + 0.4 * h)]), body, shade(body, 0.5), max(1.0, 0.01 * length)),
           Op("poly", np.array([(x + 0.42 * length, y + 0.1 * h), (x + 0.6 * length, y + 0.1 * h), (x + 0.4 * length, y + 1.5 * h),
                                (x + 0.3 * length, y + 1.5 * h)]), shade(body, 0.75), shade(body, 0.45), max(1.0, 0.01 * length)),  # wing
           Op("ellipse", (x + 0.46 * length, y + 0.45 * h, x + 0.62 * length, y + 0.95 * h), shade(body, 0.55))]  # engine
    ops += [Op("rect", (x + (0.25 + 0.06 * k) * length, y - 0.3 * h, x + (0.27 + 0.06 * k) * length, y - 0.05 * h), GLASS) for k in range(9)]
    ops.append(Op("poly", np.array([(x + 0.88 * length, y - 0.45 * h), (x + 0.95 * length, y - 0.2 * h), (x + 0.86 * length, y - 0.2 * h)]), GLASS))
    return _flip(ops, x, length, facing)


@register_vehicle("propeller_plane")
def propeller_plane(rng: np.random.Generator, x: float, ground: float, length: float, body: Color, facing: int) -> list[Op]:
    """A light propeller aircraft: a stubby fuselage, a straight wing, a canopy, a spinning propeller disc."""
    h = 0.18 * length
    y = ground
    ops = [Op("poly", np.array([(x, y - 0.3 * h), (x + 0.08 * length, y - 1.6 * h), (x + 0.2 * length, y - 1.6 * h), (x + 0.22 * length, y - 0.3 * h)]),
              shade(body, 0.8), shade(body, 0.5), max(1.0, 0.01 * length)),
           Op("poly", np.array([(x, y - 0.3 * h), (x + 0.9 * length, y - 0.6 * h), (x + 0.95 * length, y + 0.1 * h), (x + 0.9 * length, y + 0.5 * h),
                                (x + 0.02 * length, y + 0.2 * h)]), body, shade(body, 0.5), max(1.0, 0.01 * length)),
           Op("rect", (x + 0.35 * length, y - 0.05 * h, x + 0.65 * length, y + 0.35 * h), shade(body, 0.7), shade(body, 0.45)),  # wing
           Op("ellipse", (x + 0.55 * length, y - 1.2 * h, x + 0.78 * length, y - 0.2 * h), GLASS),
           Op("ellipse", (x + 0.93 * length, y - 1.3 * h, x + 1.0 * length, y + 0.9 * h), mix(body, (230, 230, 230), 0.6))]  # propeller disc
    return _flip(ops, x, length, facing)


LAMPS = ("torch", "street_light")


def lamp_ops(kind: str, x: float, ground: float, height: float, lit: Color) -> list[Op]:
    """A torch on a wooden post or a street light on a steel pole, ``height`` px tall, its light ``lit``."""
    w = max(1.0, 0.05 * height)
    if kind == "torch":
        return [Op("rect", (x - w, ground - 0.8 * height, x + w, ground + 1), WOOD),
                Op("rect", (x - 1.8 * w, ground - 0.86 * height, x + 1.8 * w, ground - 0.76 * height), shade(WOOD, 0.6)),
                Op("poly", np.array([(x - 1.6 * w, ground - 0.86 * height), (x, ground - height), (x + 1.6 * w, ground - 0.86 * height)]), lit)]
    return [Op("rect", (x - 0.7 * w, ground - height, x + 0.7 * w, ground + 1), (96, 100, 108)),
            Op("line", np.array([(x, ground - height), (x + 0.25 * height, ground - 0.96 * height)]), (96, 100, 108), width=1.4 * w),
            Op("rect", (x + 0.18 * height, ground - 0.97 * height, x + 0.32 * height, ground - 0.92 * height), lit)]
