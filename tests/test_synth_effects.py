"""Tests of the magic / tech / battle effects (visionlab.data.synth.effects)."""

from __future__ import annotations

import numpy as np
import pytest

from visionlab.data.synth.canvas import Canvas
from visionlab.data.synth.effects import (
    BATTLE,
    EFFECTS,
    GLOW_COLORS,
    MAGIC,
    TECH,
    effect_box,
    effect_ops,
    glow_color,
    register_effect,
    tone,
)

ALL = MAGIC + TECH + BATTLE
DIRECTIONAL = ("laser", "spell_trail", "sparkles", "fireball", "arrow", "bullet_streak", "electric_arc")
ORIGIN = (200.0, 150.0)
COLOR = (255, 64, 220)


def _ops(kind: str, seed: int, size: float = 64.0, direction: int = 1, color=COLOR, origin=ORIGIN):
    return effect_ops(np.random.default_rng(seed), kind, origin, size, direction, color)


def _geom_points(op) -> np.ndarray:
    if op.kind in ("poly", "line"):
        return np.asarray(op.geom, dtype=float).reshape(-1, 2)
    x0, y0, x1, y1 = op.geom
    return np.array([(x0, y0), (x1, y1)], dtype=float)


# --------------------------------------------------------------------------- registry and API


def test_registry_lists_every_kind_once():
    assert set(ALL) == set(EFFECTS)
    assert len(ALL) == len(set(ALL)) == 13
    assert not set(MAGIC) & set(TECH)


def test_duplicate_registration_raises():
    with pytest.raises(ValueError, match="twice"):
        register_effect("laser")(EFFECTS["laser"])
    assert EFFECTS["laser"] is EFFECTS["laser"]  # the original stays


@pytest.mark.parametrize("kind,direction,size,message", [
    ("nope", 1, 40.0, "^unknown effect kind 'nope'; valid kinds: arrow, "),
    ("laser", 0, 40.0, r"^direction must be \+1 or -1, not 0"),
    ("laser", 2, 40.0, r"^direction must be \+1 or -1, not 2"),
    ("orb", 1, 0.0, r"^size must be positive, not 0\.0"),
])
def test_bad_arguments_raise(kind, direction, size, message):
    with pytest.raises(ValueError, match=message):
        effect_ops(np.random.default_rng(0), kind, ORIGIN, size, direction, COLOR)


def test_effect_box_of_nothing_raises():
    with pytest.raises(ValueError, match="^effect_box needs at least one op"):
        effect_box([])


# --------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("kind", ALL)
def test_every_kind_builds_finite_ops_near_the_origin(kind):
    ox, oy = ORIGIN
    for seed in range(20):
        for direction in (1, -1):
            for size in (40.0, 120.0):
                ops = _ops(kind, seed, size, direction)
                assert ops, (kind, seed)
                for op in ops:
                    assert op.kind in ("poly", "ellipse", "rect", "line")
                    pts = _geom_points(op)
                    assert np.isfinite(pts).all() and np.isfinite(op.width)
                    assert len(op.fill) == 3 and all(0 <= v <= 255 for v in op.fill)
                x0, y0, x1, y1 = effect_box(ops)
                assert x0 < x1 and y0 < y1
                assert ox - 1.5 * size <= x0 and x1 <= ox + 1.5 * size, (kind, seed, direction, size)
                assert oy - 1.5 * size <= y0 and y1 <= oy + 1.5 * size, (kind, seed, direction, size)


@pytest.mark.parametrize("kind", ALL)
def test_deterministic_and_varied(kind):
    a, b = _ops(kind, 3), _ops(kind, 3)
    assert len(a) == len(b)
    for p, q in zip(a, b):
        assert p.kind == q.kind and p.fill == q.fill and p.width == q.width
        np.testing.assert_array_equal(_geom_points(p), _geom_points(q))
    boxes = {tuple(np.round(effect_box(_ops(kind, seed)), 1)) for seed in range(20)}
    assert len(boxes) >= 15, f"{kind}: only {len(boxes)} distinct layouts in 20 seeds"


@pytest.mark.parametrize("kind", ALL)
def test_direction_mirrors_the_effect(kind):
    ox = ORIGIN[0]
    for seed in range(20):
        r0, t0, r1, t1 = effect_box(_ops(kind, seed, 80.0, 1))
        l0, u0, l1, u1 = effect_box(_ops(kind, seed, 80.0, -1))
        np.testing.assert_allclose((l0, u0, l1, u1), (2 * ox - r1, t0, 2 * ox - r0, t1), atol=1e-6)
        if kind in DIRECTIONAL:
            assert (r0 + r1) / 2 > ox + 0.15 * 80.0, (kind, seed)
            assert (l0 + l1) / 2 < ox - 0.15 * 80.0, (kind, seed)


@pytest.mark.parametrize("kind", ALL)
def test_effect_box_bounds_the_drawn_pixels_and_effects_are_visible(kind):
    for seed in range(5):
        ops = _ops(kind, seed, 40.0, 1, origin=(60.0, 60.0))
        canvas = Canvas(120, 120, (0, 0, 0), (0, 0, 0))
        canvas.draw(ops, 9)
        _, label = canvas.finish()
        ys, xs = np.nonzero(label == 9)
        assert len(xs) >= 60, f"{kind} seed {seed}: only {len(xs)} px at size 40"
        x0, y0, x1, y1 = effect_box(ops)
        assert xs.min() >= x0 - 1.5 and xs.max() <= x1 + 1.5
        assert ys.min() >= y0 - 1.5 and ys.max() <= y1 + 1.5


# --------------------------------------------------------------------------- colour


def _on_mix_line(fill, color) -> bool:
    """Whether ``fill`` is ``color`` mixed with white or with black (to rounding)."""
    t = np.linspace(0.0, 1.0, 1001)[:, None]
    c = np.asarray(color, dtype=float)
    f = np.asarray(fill, dtype=float)
    to_white = c + (255.0 - c) * t
    to_black = c * (1 - t)
    return bool(min(np.abs(to_white - f).max(axis=1).min(), np.abs(to_black - f).max(axis=1).min()) <= 1.0)


@pytest.mark.parametrize("color", [GLOW_COLORS[0], GLOW_COLORS[3], (90, 200, 30)])
def test_magic_and_tech_take_every_fill_from_the_glow_colour(color):
    for group in (MAGIC, TECH, BATTLE):
        fills = {op.fill for kind in group for seed in range(8) for op in _ops(kind, seed, color=color)}
        fills |= {op.outline for kind in group for seed in range(8) for op in _ops(kind, seed, color=color) if op.outline}
        bad = [f for f in fills if not _on_mix_line(f, color)]
        assert not bad, f"{group}: fills not derived from {color}: {bad[:5]}"
        assert color in fills  # the saturated colour itself shows (the glow)
        assert any(min(f) >= 200 for f in fills)  # and a white-hot core


def test_glow_color_draws_from_the_shared_pool():
    rng = np.random.default_rng(0)
    pool = np.asarray(GLOW_COLORS, dtype=float)
    picks = [glow_color(rng) for _ in range(200)]
    nearest = [int(np.argmin(np.abs(pool - np.asarray(c)).sum(axis=1))) for c in picks]
    assert len(set(nearest)) == len(GLOW_COLORS)
    assert all(np.abs(pool[k] - np.asarray(c)).max() <= 40 for k, c in zip(nearest, picks))
    assert tone(COLOR, 0.0) == COLOR and tone(COLOR, 1.0) == (255, 255, 255) and tone(COLOR, -1.0) == (0, 0, 0)


# --------------------------------------------------------------------------- shape tells magic from tech


def _mask(kind: str, seed: int, size: float = 64.0) -> np.ndarray:
    canvas = Canvas(int(3 * size), int(3 * size), (0, 0, 0), (0, 0, 0))
    return canvas.footprint(_ops(kind, seed, size, 1, origin=(1.2 * size, 1.5 * size)))


def _straight_edge_share(mask: np.ndarray, min_run: int = 24) -> float:
    """Share of the mask's edge pixels that lie on a straight line (any angle) at least ``min_run`` px long.

    A Hough transform: every edge pixel votes for the lines through it (1 degree, 1 px bins); pixels on a
    line with ``min_run`` votes count as straight. Circles and curved ribbons only have short straight bits.
    """
    p = np.pad(mask, 1)
    inner = p[1:-1, 1:-1] & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    ys, xs = np.nonzero(mask & ~inner)
    theta = np.deg2rad(np.arange(180))
    rho = np.round(xs[:, None] * np.cos(theta) + ys[:, None] * np.sin(theta)).astype(int)
    rho -= rho.min()
    straight = np.zeros(len(xs), dtype=bool)
    for j in range(len(theta)):
        votes = np.bincount(rho[:, j])
        straight |= votes[rho[:, j]] >= min_run
    return float(straight.mean())


def test_magic_and_tech_differ_in_shape():
    magic = np.array([_straight_edge_share(_mask(k, s)) for k in MAGIC for s in range(20)])
    tech = np.array([_straight_edge_share(_mask(k, s)) for k in TECH for s in range(20)])
    assert tech.mean() > magic.mean() + 0.25, (magic.mean(), tech.mean())
    # a single threshold on this one statistic already sorts most effects
    values = np.concatenate([magic, tech])
    best = max(((tech > t).mean() + (magic <= t).mean()) / 2 for t in values)
    assert best >= 0.78, best
