"""Tests of the humanoid sprite kinds (visionlab.data.synth.sprites_people)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from visionlab.data.synth.palette import CharacterPalette, character_palette
from visionlab.data.synth.sprites import SPRITES, Sprite, make_sprite
from visionlab.data.synth.sprites_people import FIGHTERS, HUMANOID_KINDS, MONSTERS, PEOPLE, humanoid_sprite

SEEDS = range(20)
PAL_A = CharacterPalette((202, 52, 46), (40, 160, 160), (255, 222, 40))
PAL_B = CharacterPalette((70, 110, 192), (216, 176, 52), (142, 255, 92))
ALWAYS_ARMED = ("knight", "warrior", "mage")  # their own sword / blade / staff is part of the outfit


def _build(kind: str, seed: int, palette: CharacterPalette | None = None, armed: bool = True,
           airborne: bool | None = None) -> Sprite:
    pal = palette or character_palette(np.random.default_rng(seed + 1000))
    fly = seed % 5 == 4 if airborne is None else airborne
    return humanoid_sprite(np.random.default_rng(seed), pal, kind, armed, fly)


@pytest.fixture(scope="module")
def built() -> dict[str, list[Sprite]]:
    return {kind: [_build(kind, seed) for seed in SEEDS] for kind in HUMANOID_KINDS}


def _points(sprite: Sprite) -> np.ndarray:
    return np.concatenate([part.points for part in sprite.parts])


def _raster(sprite: Sprite, size: int, frame: float = 1.4) -> np.ndarray:
    """(size, size) uint8 map of the index + 1 of the part drawn last at each pixel (0 = empty).

    The frame is ``frame`` units square, feet at the bottom centre, so sprites of every kind share it.
    """
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    scale = size / frame
    for k, part in enumerate(sprite.parts):
        pts = part.points * scale + (size / 2, size - 0.08 * scale)
        draw.polygon([tuple(p) for p in pts.tolist()], fill=k + 1)
    return np.asarray(img)


def _area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


# --------------------------------------------------------------------------- registry and API


def test_every_kind_is_registered_and_builds_through_the_registry():
    assert set(PEOPLE) | set(FIGHTERS) | set(MONSTERS) == set(HUMANOID_KINDS)
    for kind in HUMANOID_KINDS:
        assert kind in SPRITES
        sprite = make_sprite(np.random.default_rng(3), kind, PAL_A, False)
        assert sprite.kind == kind
        direct = humanoid_sprite(np.random.default_rng(3), PAL_A, kind)
        assert np.array_equal(_points(sprite), _points(direct))  # registered builders use armed=True


def test_unknown_kind_is_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="knight"):
        humanoid_sprite(np.random.default_rng(0), PAL_A, "dragon")


# --------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("kind", HUMANOID_KINDS)
def test_geometry_height_feet_and_roles(built, kind):
    for sprite in built[kind]:
        pts = _points(sprite)
        assert np.all(np.isfinite(pts))
        assert all(part.points.ndim == 2 and part.points.shape[1] == 2 and len(part.points) >= 3 for part in sprite.parts)
        height = pts[:, 1].max() - pts[:, 1].min()
        width = pts[:, 0].max() - pts[:, 0].min()
        assert 0.8 <= height <= 1.3, (kind, height)
        assert -0.05 <= pts[:, 1].max() <= 0.15
        assert 0.25 <= width <= 1.6, (kind, width)
        assert abs(float(np.median(pts[:, 0]))) < 0.3  # centred over the feet
        assert all(part.role == "body" for part in sprite.parts)
        assert all(len(part.fill) == 3 and all(0 <= c <= 255 for c in part.fill) for part in sprite.parts)
        json.dumps(sprite.pose)


@pytest.mark.parametrize("kind", HUMANOID_KINDS)
def test_anchors_lie_on_the_sprite(built, kind):
    for sprite in built[kind]:
        assert set(sprite.anchors) == {"hand", "head_top", "head", "mouth"}
        pts = _points(sprite)
        lo, hi = pts.min(axis=0) - 0.03, pts.max(axis=0) + 0.03
        for name, (x, y) in sprite.anchors.items():
            assert lo[0] <= x <= hi[0] and lo[1] <= y <= hi[1], (kind, name)
        head, top, mouth = (np.asarray(sprite.anchors[k]) for k in ("head", "head_top", "mouth"))
        assert top[1] < head[1] < -0.5  # the head is in the upper half, its top above its centre
        assert mouth[0] > head[0] and np.hypot(*(mouth - head)) < 0.25  # the face looks right
        hand = np.asarray(sprite.anchors["hand"])
        assert hand[1] < -0.2 and np.hypot(*(hand - head)) < 0.9  # a hand, not a foot


@pytest.mark.parametrize("kind", HUMANOID_KINDS)
def test_same_seed_same_sprite_and_seeds_differ(kind):
    a, b, c = _build(kind, 7), _build(kind, 7), _build(kind, 8)
    assert len(a.parts) == len(b.parts)
    assert all(np.array_equal(p.points, q.points) and p.fill == q.fill for p, q in zip(a.parts, b.parts))
    assert a.anchors == b.anchors and a.pose == b.pose
    assert len(a.parts) != len(c.parts) or not np.array_equal(_points(a), _points(c))


@pytest.mark.parametrize("kind", HUMANOID_KINDS)
def test_unarmed_keeps_design_and_frees_the_hand(kind):
    for seed in range(10):
        armed, bare = _build(kind, seed), _build(kind, seed, armed=False)
        assert armed.pose["pose"] == bare.pose["pose"]
        fills = iter([p.fill for p in armed.parts])
        assert all(f in fills for f in [p.fill for p in bare.parts])  # the bare parts, in order, are among the armed ones
        assert len(bare.parts) <= len(armed.parts)
        if kind in ALWAYS_ARMED:
            assert len(bare.parts) < len(armed.parts)


def test_designs_vary_within_each_kind(built):
    keys = {"knight": "helmet", "villager": "hat", "adventurer": "hat", "warrior": "shield", "mage": "hat",
            "zombie": "torn_leg", "alien": "locomotion"}
    for kind, key in keys.items():
        assert len({s.pose[key] for s in built[kind]}) >= 2, kind
        assert len({len(s.parts) for s in built[kind]}) >= 3, kind


# --------------------------------------------------------------------------- telling kinds apart by shape


def _silhouettes(kind: str, seeds: range, size: int) -> np.ndarray:
    return np.stack([_raster(_build(kind, s, PAL_A), size) > 0 for s in seeds])


@pytest.mark.parametrize("group", [PEOPLE, FIGHTERS, MONSTERS], ids=["people", "fighters", "monsters"])
def test_kinds_of_a_variant_have_different_silhouettes(group):
    masks = {kind: _silhouettes(kind, SEEDS, 64) for kind in group}
    for a, b in itertools.combinations(group, 2):
        inter = (masks[a] & masks[b]).sum(axis=(1, 2))
        union = (masks[a] | masks[b]).sum(axis=(1, 2))
        assert float(np.mean(inter / union)) < 0.9, (a, b)


@pytest.mark.parametrize("pair", [FIGHTERS, MONSTERS], ids=["fighters", "monsters"])
def test_a_nearest_mean_silhouette_tells_the_two_classes_apart(pair):
    train = {kind: _silhouettes(kind, range(0, 30), 32).mean(axis=0) for kind in pair}
    right = 0
    for truth in pair:
        for mask in _silhouettes(truth, range(100, 130), 32):
            guess = min(pair, key=lambda k: float(((mask - train[k]) ** 2).sum()))
            right += guess == truth
    assert right / 60 >= 0.75


# --------------------------------------------------------------------------- colours come from the palette


@pytest.mark.parametrize("kind", HUMANOID_KINDS)
def test_large_areas_take_their_colours_from_the_palette(kind):
    for seed in range(10):
        a, b = _build(kind, seed, PAL_A), _build(kind, seed, PAL_B)
        assert len(a.parts) == len(b.parts)
        assert all(np.array_equal(p.points, q.points) for p, q in zip(a.parts, b.parts))  # colour only
        changed = np.array([False] + [p.fill != q.fill for p, q in zip(a.parts, b.parts)])
        index = _raster(a, 128)
        drawn = index > 0
        assert changed[index][drawn].mean() >= 0.85, (kind, seed)
        areas = np.array([_area(p.points) for p in a.parts])
        for part, other, area in zip(a.parts, b.parts, areas):
            if area > 0.1 * areas.sum():
                assert part.fill != other.fill, (kind, seed)
        dark = np.array([True] + [max(p.fill) < 64 for p in a.parts])
        assert dark[index][drawn].mean() < 0.06, (kind, seed)  # near-black parts stay small


def test_the_head_follows_the_palette_so_skin_does_not_give_the_kind_away():
    other = CharacterPalette(PAL_B.primary, PAL_B.secondary, PAL_A.accent)  # same fixed-colour eyes
    for kind in HUMANOID_KINDS:
        fractions = []
        for seed in range(10):
            a, b = _build(kind, seed, PAL_A), _build(kind, seed, other)
            changed = np.array([False] + [p.fill != q.fill for p, q in zip(a.parts, b.parts)])
            head, mouth = np.asarray(a.anchors["head"]), np.asarray(a.anchors["mouth"])
            r = np.hypot(*(mouth - head))
            cx, cy = head - (0.4 * (mouth - head)[0], 0.0)
            px = 128 / 1.4
            yy, xx = np.mgrid[0:128, 0:128]
            near = np.hypot(xx - (cx * px + 64), yy - (cy * px + 128 - 0.08 * px)) < 0.5 * r * px
            fractions.append(changed[_raster(a, 128)][near].mean())
        assert np.mean(fractions) >= 0.7, kind
