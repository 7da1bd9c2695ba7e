"""Tests of the animal sprites (fox, bear, cat, wolf, bird) in visionlab.data.synth.sprites_animals."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from visionlab.data.synth.palette import CharacterPalette
from visionlab.data.synth.sprites import ROLES, SPRITES, make_sprite, place, pose
from visionlab.data.synth.sprites_animals import ANIMAL_KINDS, POSTURES, SPECIES

MAMMALS = ("fox", "bear", "cat", "wolf")
PAL_A = CharacterPalette((200, 60, 40), (60, 120, 200), (255, 220, 40))
PAL_B = CharacterPalette((60, 160, 80), (130, 70, 170), (80, 230, 255))
ANCHORS = ("hand", "head", "head_top", "mouth")


def _build(kind: str, seed: int, airborne: bool, palette: CharacterPalette = PAL_A):
    return make_sprite(np.random.default_rng(seed), kind, palette, airborne)


def _all_points(sprite) -> np.ndarray:
    return np.concatenate([part.points for part in sprite.parts])


def _area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _visible_pixels(sprite, px_per_unit: float = 200.0) -> np.ndarray:
    """Pixel count of each part left visible after drawing all parts in order (index 0 = background)."""
    pts = _all_points(sprite)
    origin = pts.min(axis=0) - 0.05
    size = np.ceil((pts.max(axis=0) - origin + 0.05) * px_per_unit).astype(int)
    layer = Image.new("I", (int(size[0]), int(size[1])), 0)
    draw = ImageDraw.Draw(layer)
    for k, part in enumerate(sprite.parts, start=1):
        draw.polygon(((part.points - origin) * px_per_unit).ravel().tolist(), fill=k)
    return np.bincount(np.asarray(layer).ravel(), minlength=len(sprite.parts) + 1)


def test_kinds_are_registered():
    assert set(ANIMAL_KINDS) == {"fox", "bear", "cat", "wolf", "bird"}
    for kind in ANIMAL_KINDS:
        assert kind in SPRITES
    assert set(SPECIES) == set(MAMMALS)


@pytest.mark.parametrize("kind", ANIMAL_KINDS)
@pytest.mark.parametrize("airborne", [False, True])
def test_sprites_build_with_unit_size_and_feet_on_the_ground(kind, airborne):
    for seed in range(20):
        sprite = _build(kind, seed, airborne)
        assert sprite.kind == kind
        assert len(sprite.parts) >= 10
        for part in sprite.parts:
            assert part.points.ndim == 2 and part.points.shape[1] == 2 and len(part.points) >= 3
            assert np.isfinite(part.points).all()
            assert part.role in ROLES
            assert len(part.fill) == 3 and all(isinstance(v, int) and 0 <= v <= 255 for v in part.fill)
        pts = _all_points(sprite)
        height = float(pts[:, 1].max() - pts[:, 1].min())
        width = float(pts[:, 0].max() - pts[:, 0].min())
        assert 0.6 <= height <= 1.3, (kind, seed, airborne, height)
        assert 0.3 <= width <= 1.5, (kind, seed, airborne, width)
        assert -0.05 <= float(pts[:, 1].max()) <= 0.15, (kind, seed, airborne)
        assert abs(float(pts[:, 0].mean())) < 0.5  # roughly centred on the feet
        json.dumps(sprite.pose)  # recorded in annotations


@pytest.mark.parametrize("kind", ANIMAL_KINDS)
def test_sprites_are_deterministic(kind):
    for seed in (0, 7, 123):
        for airborne in (False, True):
            a, b = _build(kind, seed, airborne), _build(kind, seed, airborne)
            assert len(a.parts) == len(b.parts)
            for pa, pb in zip(a.parts, b.parts):
                np.testing.assert_array_equal(pa.points, pb.points)
                assert pa.fill == pb.fill and pa.detail == pb.detail
            assert a.pose == b.pose and a.anchors == b.anchors
    shapes = {tuple(np.round(_all_points(_build(kind, seed, False)).sum(axis=0), 6)) for seed in range(8)}
    assert len(shapes) > 4  # seeds change the drawing


@pytest.mark.parametrize("kind", ANIMAL_KINDS)
def test_anchors_lie_on_the_sprite(kind):
    for seed in range(20):
        for airborne in (False, True):
            sprite = _build(kind, seed, airborne)
            assert set(ANCHORS) <= set(sprite.anchors)
            pts = _all_points(sprite)
            lo, hi = pts.min(axis=0) - 0.02, pts.max(axis=0) + 0.02
            for name in ANCHORS:
                point = np.asarray(sprite.anchors[name], dtype=float)
                assert np.isfinite(point).all()
                assert (lo <= point).all() and (point <= hi).all(), (kind, seed, name, point)
            head, top, mouth = (np.asarray(sprite.anchors[n]) for n in ("head", "head_top", "mouth"))
            assert top[1] < head[1]  # head top above the head centre
            assert mouth[0] > head[0]  # facing right: the mouth is ahead of the head centre
            assert head[1] < -0.3 * np.ptp(pts[:, 1])  # the head is well above the feet


@pytest.mark.parametrize("kind", ANIMAL_KINDS)
def test_large_parts_take_palette_colours(kind):
    for seed in range(12):
        airborne = seed % 3 == 2
        a, b = _build(kind, seed, airborne, PAL_A), _build(kind, seed, airborne, PAL_B)
        assert len(a.parts) == len(b.parts)
        for pa, pb in zip(a.parts, b.parts):  # the palette changes colours only, never shapes
            np.testing.assert_array_equal(pa.points, pb.points)
        changed = np.array([pa.fill != pb.fill for pa, pb in zip(a.parts, b.parts)])
        visible = _visible_pixels(a)[1:]
        silhouette = visible.sum()
        assert visible[changed].sum() >= 0.85 * silhouette, (kind, seed)
        for k, part in enumerate(a.parts):
            if _area(part.points) * 200.0**2 > 0.1 * silhouette:
                assert changed[k], (kind, seed, k, part.fill)


@pytest.mark.parametrize("kind", MAMMALS)
def test_mammals_appear_on_four_legs_and_upright(kind):
    postures = [_build(kind, seed, seed % 2 == 1).pose["posture"] for seed in range(40)]
    assert set(postures) == set(POSTURES)
    share = postures.count("upright") / len(postures)
    assert 0.25 <= share <= 0.75


def test_upright_mammals_are_taller_than_four_legged_ones():
    for kind in MAMMALS:
        ratio: dict[str, list[float]] = {p: [] for p in POSTURES}
        for seed in range(30):
            sprite = _build(kind, seed, False)
            pts = _all_points(sprite)
            ratio[sprite.pose["posture"]].append(float(np.ptp(pts[:, 1]) / np.ptp(pts[:, 0])))
        assert np.mean(ratio["upright"]) > np.mean(ratio["four_legs"]), kind


def test_birds_fly_only_when_airborne():
    for seed in range(20):
        assert _build("bird", seed, True).pose["posture"] == "flying"
        assert _build("bird", seed, False).pose["posture"] == "standing"


def test_sprites_render_at_small_and_large_sizes():
    for kind in ANIMAL_KINDS:
        sprite = _build(kind, 3, False)
        for facing in ("left", "right"):
            posed = pose(sprite, facing, 5.0)
            for scale in (40.0, 130.0):
                ops = place(posed, scale, 100.0, 150.0)
                assert ops and all(np.isfinite(np.asarray(op.geom)).all() for op in ops)
            assert set(posed.anchors) >= set(ANCHORS)
