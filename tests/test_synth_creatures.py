"""Tests of the dinosaur and mythical-creature sprites (variant 16)."""

import itertools

import numpy as np
import pytest
from PIL import Image, ImageDraw

from visionlab.data.synth import sprites_creatures as sc
from visionlab.data.synth.palette import CharacterPalette
from visionlab.data.synth.sprites import SPRITES, Sprite

PALETTE_A = CharacterPalette((200, 60, 40), (240, 200, 80), (90, 200, 255))
PALETTE_B = CharacterPalette((40, 110, 190), (120, 200, 90), (255, 62, 62))
SEEDS = range(20)


def build(kind: str, seed: int, airborne: bool, palette: CharacterPalette = PALETTE_A) -> Sprite:
    return SPRITES[kind](np.random.default_rng(seed), palette, airborne)


def all_points(sprite: Sprite) -> np.ndarray:
    return np.concatenate([part.points for part in sprite.parts])


def area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def silhouette(sprite: Sprite, size: int = 64) -> np.ndarray:
    """Boolean mask of the sprite fitted (aspect kept) into a size x size square, feet at the bottom centre."""
    pts = all_points(sprite)
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    scale = (size - 2) / max(x1 - x0, y1 - y0)
    offset = np.array([size / 2 - scale * (x0 + x1) / 2, size - 1 - scale * y1])
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    for part in sprite.parts:
        draw.polygon((part.points * scale + offset).ravel().tolist(), fill=1)
    return np.asarray(image) > 0


def test_kinds_are_registered_and_split_into_two_classes():
    assert set(sc.DINOSAURS).isdisjoint(sc.MYTHICAL)
    assert len(sc.DINOSAURS) == len(sc.MYTHICAL) == 4
    assert "dragon" not in sc.CREATURE_KINDS
    for kind in sc.CREATURE_KINDS:
        assert kind in SPRITES


@pytest.mark.parametrize("kind", sc.CREATURE_KINDS)
def test_every_kind_builds_normalised_sprites(kind):
    for seed, airborne in itertools.product(SEEDS, (False, True)):
        sprite = build(kind, seed, airborne)
        assert sprite.kind == kind and len(sprite.parts) >= 10
        pts = all_points(sprite)
        assert pts.ndim == 2 and pts.shape[1] == 2 and np.isfinite(pts).all()
        (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
        assert 0.7 <= y1 - y0 <= 1.3, (kind, seed, airborne, y1 - y0)
        assert -0.05 <= y1 <= 0.15, (kind, seed, airborne, y1)
        assert x1 - x0 <= sc.MAX_WIDTH + 1e-6, (kind, seed, x1 - x0)
        assert x0 < 0.0 < x1  # the feet (x = 0) lie under the body
        for part in sprite.parts:
            assert part.points.shape[0] >= 3 and part.role == "body"
            assert all(isinstance(c, int) and 0 <= c <= 255 for c in part.fill)
        assert sprite.pose["leaping"] is airborne
        assert sprite.pose == build(kind, seed, airborne).pose


@pytest.mark.parametrize("kind", sc.CREATURE_KINDS)
def test_anchors_lie_within_the_sprite(kind):
    for seed, airborne in itertools.product(SEEDS, (False, True)):
        sprite = build(kind, seed, airborne)
        assert {"head", "head_top", "mouth"} <= set(sprite.anchors)
        pts = all_points(sprite)
        (x0, y0), (x1, y1) = pts.min(axis=0) - 0.02, pts.max(axis=0) + 0.02
        for name, (x, y) in sprite.anchors.items():
            assert x0 <= x <= x1 and y0 <= y <= y1, (kind, seed, name)
        hx, hy = sprite.anchors["head"]
        assert sprite.anchors["head_top"][1] < hy  # the top of the head is above its centre
        assert hy < y1 - 0.1 * (y1 - y0)  # no head lies on the ground


@pytest.mark.parametrize("kind", sc.CREATURE_KINDS)
def test_builds_are_deterministic(kind):
    for airborne in (False, True):
        a, b = build(kind, 7, airborne), build(kind, 7, airborne)
        assert [p.fill for p in a.parts] == [p.fill for p in b.parts]
        assert all(np.array_equal(p.points, q.points) for p, q in zip(a.parts, b.parts))
        assert a.anchors == b.anchors
    assert not np.array_equal(all_points(build(kind, 1, False)), all_points(build(kind, 2, False)))


@pytest.mark.parametrize("kind", sc.CREATURE_KINDS)
def test_large_parts_take_palette_colours(kind):
    for seed, airborne in itertools.product(range(8), (False, True)):
        a, b = build(kind, seed, airborne, PALETTE_A), build(kind, seed, airborne, PALETTE_B)
        areas = np.array([area(p.points) for p in a.parts])
        assert len(a.parts) == len(b.parts)
        for part_a, part_b, part_area in zip(a.parts, b.parts, areas):
            if part_area > 0.1 * areas.sum():
                assert part_a.fill != part_b.fill, (kind, seed)
        changed = sum(s for p, q, s in zip(a.parts, b.parts, areas) if p.fill != q.fill)
        assert changed >= 0.85 * areas.sum(), (kind, seed, changed / areas.sum())


@pytest.mark.parametrize("kind", sc.CREATURE_KINDS)
def test_poses_vary(kind):
    poses = {str(sorted(build(kind, seed, False).pose.items())) for seed in SEEDS}
    assert len(poses) >= 10
    heights = [np.ptp(all_points(build(kind, seed, False))[:, 1]) for seed in SEEDS]
    widths = [np.ptp(all_points(build(kind, seed, False))[:, 0]) for seed in SEEDS]
    assert np.std(widths) > 0.01 and np.std(heights) > 0.01


def test_winged_kinds_spread_their_wings_in_flight():
    for kind in ("griffin", "phoenix"):
        flying = {build(kind, seed, True).pose["wings"] for seed in SEEDS}
        grounded = {build(kind, seed, False).pose["wings"] for seed in SEEDS}
        assert flying <= {"up", "down"} and len(flying) == 2
        assert "folded" in grounded


def test_the_two_classes_differ_in_silhouette():
    ious = []
    for seed in range(6):
        for dino, myth in itertools.product(sc.DINOSAURS, sc.MYTHICAL):
            a = silhouette(build(dino, seed, seed % 2 == 1))
            b = silhouette(build(myth, seed, seed % 2 == 1))
            ious.append((a & b).sum() / (a | b).sum())
    assert np.mean(ious) < 0.8, np.mean(ious)
    same = [(silhouette(build(k, s, False)) & silhouette(build(k, s + 1, False))).sum()
            / (silhouette(build(k, s, False)) | silhouette(build(k, s + 1, False))).sum()
            for k in sc.CREATURE_KINDS for s in range(3)]
    assert np.mean(same) > np.mean(ious)  # a kind looks more like itself than like the other class
