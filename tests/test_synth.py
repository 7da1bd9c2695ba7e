"""Tests of the procedural game-world generator (visionlab.data.synth)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visionlab.data.synth import (
    IGNORE_INDEX,
    KINDS,
    SYNTH_CLASSES,
    SYNTH_COLORS,
    SceneSpec,
    colorize_mask,
    render_many,
    render_scene,
    write_dataset,
)

CHARACTER = SYNTH_CLASSES.index("character")
SMALL = SceneSpec(64, 64)
MEDIUM = SceneSpec(128, 128)


def _scenes(spec: SceneSpec, n: int, start: int = 0):
    return list(render_many(range(start, start + n), spec))


# --------------------------------------------------------------------------- API and determinism


def test_scene_arrays_have_documented_types():
    scene = render_scene(0, SceneSpec(96, 72))
    assert scene.image.shape == (72, 96, 3) and scene.image.dtype == np.uint8
    assert scene.mask.shape == (72, 96) and scene.mask.dtype == np.uint8
    assert scene.instances.shape == (72, 96) and scene.instances.dtype == np.uint16
    assert scene.mask.max() < len(SYNTH_CLASSES)
    assert len(SYNTH_COLORS) == len(SYNTH_CLASSES) and IGNORE_INDEX == 255
    json.dumps(scene.meta)  # plain Python types only
    for key in ("seed", "theme", "time_of_day", "terrain", "platforms", "water", "buildings"):
        assert key in scene.meta
    terrain = np.asarray(scene.meta["terrain"])
    assert terrain[0, 0] == 0 and terrain[-1, 0] == 96 and np.all(np.diff(terrain[:, 0]) > 0)


def test_same_seed_same_scene_and_different_seed_differs():
    a, b, c = render_scene(11, MEDIUM), render_scene(11, MEDIUM), render_scene(12, MEDIUM)
    assert np.array_equal(a.image, b.image)
    assert np.array_equal(a.mask, b.mask)
    assert np.array_equal(a.instances, b.instances)
    assert a.characters == b.characters and a.meta == b.meta
    assert not np.array_equal(a.image, c.image)


def test_forced_kind_and_spec_validation():
    for kind in KINDS:
        assert all(s.characters[0].kind == kind for s in _scenes(SceneSpec(48, 48, kind=kind), 6))
    with pytest.raises(ValueError, match="kind"):
        SceneSpec(kind="cat")
    with pytest.raises(ValueError, match="^n_characters=0 must be between 1 and 32"):
        SceneSpec(n_characters=0)
    with pytest.raises(ValueError, match="^scene size 8x8 is too small; use at least 16x16"):
        SceneSpec(8, 8)


def test_theme_does_not_depend_on_forced_kind():
    for seed in range(10):
        dragon = render_scene(seed, SceneSpec(48, 48, kind="dragon"))
        robot = render_scene(seed, SceneSpec(48, 48, kind="robot"))
        assert dragon.meta["theme"] == robot.meta["theme"]
        assert dragon.meta["time_of_day"] == robot.meta["time_of_day"]


# --------------------------------------------------------------------------- masks and instances


def test_instances_match_character_mask_and_bboxes():
    for seed in range(24):
        spec = SceneSpec(128, 96, n_characters=1 + seed % 3)
        scene = render_scene(seed, spec)
        assert np.array_equal(scene.instances > 0, scene.mask == CHARACTER)
        ids = sorted(int(v) for v in np.unique(scene.instances) if v)
        assert ids == [c.instance_id for c in scene.characters] == list(range(1, len(ids) + 1))
        assert [c.main for c in scene.characters] == [True] + [False] * (len(ids) - 1)
        for c in scene.characters:
            ys, xs = np.nonzero(scene.instances == c.instance_id)
            assert c.bbox == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
            assert c.kind in KINDS and c.facing in ("left", "right")
            assert 0.0 <= c.occluded_fraction <= 1.0


def test_three_characters_get_three_instance_ids():
    for scene in _scenes(SceneSpec(128, 128, n_characters=3), 8):
        assert len(scene.characters) == 3
        assert set(np.unique(scene.instances)) == {0, 1, 2, 3}


def _within_class_variance(image: np.ndarray, mask: np.ndarray) -> float:
    img = image.astype(np.float64)
    total = 0.0
    for k in np.unique(mask):
        px = img[mask == k]
        total += ((px - px.mean(0)) ** 2).sum()
    return total


def test_mask_is_aligned_with_image():
    """Colours are most uniform within classes at zero shift: the mask is not offset."""
    for scene in _scenes(MEDIUM, 12, start=100):
        aligned = _within_class_variance(scene.image, scene.mask)
        for axis in (0, 1):
            for shift in (-2, 2):
                shifted = np.roll(scene.mask, shift, axis=axis)
                assert aligned < _within_class_variance(scene.image, shifted)


def _edge_fraction(image: np.ndarray, mask: np.ndarray, threshold: int = 40) -> float:
    """Share of mask-boundary pixel pairs whose colours differ strongly."""
    img = image.astype(np.int32)
    hits = total = 0
    for axis in (0, 1):
        a = [slice(None)] * 2
        b = [slice(None)] * 2
        a[axis], b[axis] = slice(None, -1), slice(1, None)
        boundary = mask[tuple(a)] != mask[tuple(b)]
        diff = np.abs(img[tuple(a)] - img[tuple(b)]).sum(-1)
        hits += int((diff[boundary] > threshold).sum())
        total += int(boundary.sum())
    return hits / max(total, 1)


def test_class_boundaries_sit_on_image_edges():
    scenes = _scenes(MEDIUM, 30, start=200)
    aligned = np.mean([_edge_fraction(s.image, s.mask) for s in scenes])
    shifted = np.mean([_edge_fraction(s.image, np.roll(s.mask, 3, axis=1)) for s in scenes])
    assert aligned > 0.7
    assert shifted < aligned - 0.2


def test_sky_and_terrain_look_different():
    diffs = []
    for scene in _scenes(MEDIUM, 30, start=300):
        sky = scene.image[scene.mask == SYNTH_CLASSES.index("sky")].mean(0)
        ground = scene.image[scene.mask == SYNTH_CLASSES.index("terrain")].mean(0)
        diffs.append(np.abs(sky - ground).sum())
    assert np.median(diffs) > 60 and min(diffs) > 15


def test_colorize_mask():
    mask = np.array([[0, 7], [255, 3]], dtype=np.uint8)
    rgb = colorize_mask(mask)
    assert rgb.shape == (2, 2, 3)
    assert tuple(rgb[0, 1]) == SYNTH_COLORS[7] and tuple(rgb[1, 0]) == (0, 0, 0)


# --------------------------------------------------------------------------- content statistics


def test_all_classes_appear_across_scenes():
    seen = set()
    for scene in _scenes(SMALL, 50):
        seen.update(int(v) for v in np.unique(scene.mask))
    assert seen == set(range(len(SYNTH_CLASSES)))


def test_both_kinds_appear_in_every_theme_and_time_of_day():
    kinds_by = defaultdict(set)
    for scene in _scenes(SceneSpec(32, 32), 150):
        kind = scene.characters[0].kind
        kinds_by[scene.meta["theme"]].add(kind)
        kinds_by[scene.meta["time_of_day"]].add(kind)
    assert len(kinds_by) >= 5 + 3
    assert all(kinds == set(KINDS) for kinds in kinds_by.values()), dict(kinds_by)


@pytest.mark.parametrize("size", [(32, 32), (64, 48), (256, 256), (500, 375), (96, 200)])
def test_main_character_stays_in_central_region(size):
    width, height = size
    n = 8 if width * height > 100_000 else 40
    for scene in _scenes(SceneSpec(width, height), n):
        x0, y0, x1, y1 = scene.characters[0].bbox
        assert 0.15 * width <= x0 < x1 <= 0.85 * width
        assert 0 <= y0 < y1 <= height
        assert scene.characters[0].occluded_fraction <= 0.31


def test_main_character_size_and_occlusion_vary():
    scenes = _scenes(MEDIUM, 60, start=400)
    heights = [(c.bbox[3] - c.bbox[1]) / 128 for c in (s.characters[0] for s in scenes)]
    occluded = [s.characters[0].occluded_fraction for s in scenes]
    assert min(heights) < 0.3 and max(heights) > 0.35 and max(heights) <= 0.47
    assert any(f == 0 for f in occluded) and any(f > 0.05 for f in occluded)
    assert {s.characters[0].facing for s in scenes} == {"left", "right"}


def _character_colors(n: int) -> tuple[np.ndarray, np.ndarray]:
    feats, labels = [], []
    for scene in _scenes(SMALL, n, start=1000):
        feats.append(scene.image[scene.instances == 1].mean(0))
        labels.append(KINDS.index(scene.characters[0].kind))
    return np.asarray(feats), np.asarray(labels)


def test_single_colour_threshold_cannot_tell_kinds_apart():
    feats, labels = _character_colors(200)
    brightness = feats.mean(1, keepdims=True)
    for column in np.concatenate([feats, brightness], axis=1).T:
        best = max(np.mean((column > t) == labels) for t in np.unique(column))
        best = max(best, 1 - min(np.mean((column > t) == labels) for t in np.unique(column)))
        assert best < 0.75


def test_logistic_regression_on_mean_colour_is_weak():
    sklearn = pytest.importorskip("sklearn.linear_model")
    from sklearn.model_selection import cross_val_score

    feats, labels = _character_colors(200)
    accuracy = cross_val_score(sklearn.LogisticRegression(max_iter=1000), feats, labels, cv=5).mean()
    assert accuracy < 0.8


# --------------------------------------------------------------------------- writer


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_write_dataset_layout(tmp_path):
    spec = SceneSpec(64, 48)
    summary = write_dataset(tmp_path / "ds", 6, seed=3, spec=spec)
    root = tmp_path / "ds"
    assert summary == json.loads((root / "synth.json").read_text())
    assert summary["generator"] == "visionlab.synth" and summary["version"] == 1
    assert summary["n"] == 6 and summary["seed"] == 3 and summary["spec"] == asdict(spec)
    assert summary["counts"] == {"dragon": 3, "robot": 3}
    classes = json.loads((root / "segment" / "classes.json").read_text())
    assert classes == {"classes": list(SYNTH_CLASSES), "colors": [list(c) for c in SYNTH_COLORS], "ignore_index": 255}
    for i in range(6):
        stem, kind = f"scene_{i:05d}", KINDS[i % 2]
        assert (root / "classify" / kind / f"{stem}.png").is_file()
        image = Image.open(root / "segment" / "images" / f"{stem}.png")
        mask = Image.open(root / "segment" / "masks" / f"{stem}.png")
        inst = Image.open(root / "segment" / "instances" / f"{stem}.png")
        assert image.mode == "RGB" and image.size == (64, 48)
        assert mask.mode == "L" and inst.mode in ("I;16", "I")
        ann = json.loads((root / "annotations" / f"{stem}.json").read_text())
        assert ann["image"] == f"segment/images/{stem}.png" and (root / ann["image"]).is_file()
        assert (ann["width"], ann["height"]) == (64, 48)
        assert ann["characters"][0]["kind"] == kind and ann["characters"][0]["main"]
        # The annotation's seed reproduces the scene.
        scene = render_scene(ann["seed"], SceneSpec(64, 48, kind=kind))
        assert np.array_equal(np.asarray(mask), scene.mask)
        assert np.array_equal(np.asarray(inst).astype(np.uint16), scene.instances)
        assert np.array_equal(np.asarray(image), scene.image)
    assert not list(root.rglob("*.tmp"))


def test_write_dataset_is_byte_identical_across_runs(tmp_path):
    write_dataset(tmp_path / "a", 5, seed=9, spec=SMALL)
    write_dataset(tmp_path / "b", 5, seed=9, spec=SMALL)
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert len(a) == 5 * 5 + 2 and a == b


def test_write_dataset_jpg_and_unbalanced(tmp_path):
    summary = write_dataset(tmp_path / "j", 4, seed=1, spec=SceneSpec(48, 48), image_format="jpg", balanced=False)
    root = tmp_path / "j"
    assert len(list((root / "segment" / "images").glob("*.jpg"))) == 4
    assert len(list((root / "segment" / "masks").glob("*.png"))) == 4
    assert sum(len(list((root / "classify" / k).glob("*.jpg"))) for k in KINDS) == 4
    assert sum(summary["counts"].values()) == 4


def test_write_dataset_refuses_other_parameters(tmp_path):
    out = tmp_path / "ds"
    first = write_dataset(out, 2, seed=0, spec=SceneSpec(32, 32))
    assert write_dataset(out, 2, seed=0, spec=SceneSpec(32, 32)) == first  # same parameters: fine
    with pytest.raises(FileExistsError, match="another output folder or delete"):
        write_dataset(out, 3, seed=0, spec=SceneSpec(32, 32))
    with pytest.raises(FileExistsError, match=r"already holds a synthetic dataset made with different parameters \(seed: 0 -> 1\)"):
        write_dataset(out, 2, seed=1, spec=SceneSpec(32, 32))


def test_write_dataset_rejects_bad_format(tmp_path):
    with pytest.raises(ValueError, match="jpg.*png|png.*jpg"):
        write_dataset(tmp_path / "x", 1, image_format="gif")
    assert not (tmp_path / "x").exists()


def test_sprite_kinds_are_a_registry():
    from visionlab.data.synth.palette import CharacterPalette
    from visionlab.data.synth.sprites import SPRITES, make_sprite, register_sprite

    assert set(KINDS) <= set(SPRITES)
    palette = CharacterPalette((200, 60, 40), (240, 200, 80), (90, 200, 255))
    assert make_sprite(np.random.default_rng(0), "robot", palette, True).kind == "robot"
    with pytest.raises(ValueError, match="unknown character kind 'pegasus'; valid kinds: adventurer, .*dragon, .*robot"):
        make_sprite(np.random.default_rng(0), "pegasus", palette, False)
    with pytest.raises(ValueError, match="registered twice"):
        register_sprite("dragon")(lambda rng, p, airborne: None)


def test_synth_cli_takes_the_variant(tmp_path, capsys):
    from visionlab.cli import main

    args = ["data", "synth", "--n", "2", "--size", "64", "64"]
    assert main([*args, str(tmp_path / "a")]) == 0 and main([*args, "--variant", "1", str(tmp_path / "b")]) == 0
    for a in sorted((tmp_path / "a").rglob("*.png")):
        assert a.read_bytes() == (tmp_path / "b" / a.relative_to(tmp_path / "a")).read_bytes()  # --variant 1 is today's set
    assert main([*args, "--variant", "26", str(tmp_path / "c")]) == 2
    assert "--variant: no variant 26" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()
    assert main([*args, "--variant", "22", str(tmp_path / "d")]) == 0  # every one of the manual's 25 renders
    assert sorted(p.name for p in (tmp_path / "d" / "classify").iterdir()) == ["game_map", "real_map"]
