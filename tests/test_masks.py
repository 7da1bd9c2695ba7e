"""Segmentation masks: palettes, mask files of every mode, classes.json, dataset layouts, splits, statistics."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visionlab.data.masks import (
    VOC,
    VOC_CLASSES,
    MaskList,
    SegClasses,
    load_mask,
    mask_statistics,
    read_classes_json,
    save_mask_png,
    scan_mask_dataset,
    split_mask_list,
    voc_palette,
)
from visionlab.data.synth import SYNTH_CLASSES, SceneSpec, write_dataset
from visionlab.errors import ConfigError, DatasetError

THREE = SegClasses(("bg", "road", "car"), ((0, 0, 0), (128, 64, 128), (0, 0, 142)), 255)


def _ids(seed: int = 0, shape=(12, 10), n: int = 3, ignore: int = 255) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, n, shape).astype(np.uint8)
    ids[rng.random(shape) < 0.1] = ignore
    return ids


def _write_classes(folder: Path, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "classes.json"
    path.write_text(json.dumps({"classes": list(THREE.names), **extra}), encoding="utf-8")
    return path


def _write_pairs(folder: Path, stems: list[str], size=(10, 12), seed: int = 0) -> None:
    """images/<stem>.jpg and masks/<stem>.png (P mode) under ``folder``."""
    rng = np.random.default_rng(seed)
    (folder / "images").mkdir(parents=True, exist_ok=True)
    for i, stem in enumerate(stems):
        Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(folder / "images" / f"{stem}.jpg")
        save_mask_png(_ids(seed + i, (size[1], size[0])), folder / "masks" / f"{stem}.png", THREE.colors)


# --- palette and classes --------------------------------------------------------------------


def test_voc_palette_known_colours() -> None:
    pal = voc_palette()
    assert pal.shape == (256, 3) and pal.dtype == np.uint8
    assert pal[0].tolist() == [0, 0, 0] and pal[1].tolist() == [128, 0, 0]
    assert pal[2].tolist() == [0, 128, 0] and pal[3].tolist() == [128, 128, 0] and pal[4].tolist() == [0, 0, 128]
    assert pal[255].tolist() == [224, 224, 192]
    assert np.array_equal(voc_palette(21), pal[:21])
    assert len(VOC_CLASSES) == 21 and VOC.num_classes == 21 and VOC.colors[15] == tuple(pal[15].tolist())


def test_seg_classes_dict_round_trip_and_colorize() -> None:
    assert SegClasses.from_dict(THREE.to_dict()) == THREE
    plain = SegClasses.from_dict({"classes": ["a", "b"]})
    assert not plain.has_colors and plain.colors == ((0, 0, 0), (128, 0, 0)) and plain.ignore_index == 255
    assert SegClasses.from_dict(plain.to_dict()) == plain
    rgb = THREE.colorize(np.array([[0, 1], [2, 255]]))
    assert rgb.dtype == np.uint8 and rgb.shape == (2, 2, 3)
    assert rgb[0, 1].tolist() == [128, 64, 128] and rgb[1, 1].tolist() == [255, 255, 255]
    assert THREE.colorize(np.array([[7, -1]]))[0].tolist() == [[255, 255, 255]] * 2


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ({"classes": ["a", "b", "a"]}, "duplicate class names"),
        ({"classes": ["a", "b"], "colors": [[0, 0, 0]]}, "one \\[r, g, b\\] per class \\(2\\), got 1"),
        ({"classes": ["a", "b"], "colors": [[0, 0, 0], [0, 0, 300]]}, "0..255"),
        ({"classes": ["a", "b", "c"], "ignore_index": 1}, "collides with class id 1"),
        ({"classes": ["a"], "ignore_index": 256}, "8-bit"),
        ({"classes": []}, "non-empty list"),
        ({"colors": [[0, 0, 0]]}, "non-empty list"),
        ({"classes": [f"c{i}" for i in range(256)]}, "at most 255 classes"),
    ],
)
def test_read_classes_json_errors(tmp_path: Path, content: dict, match: str) -> None:
    path = tmp_path / "classes.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(DatasetError, match=match) as err:
        read_classes_json(path)
    assert str(path) in str(err.value)


def test_read_classes_json_missing_and_invalid(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="does not exist"):
        read_classes_json(tmp_path / "classes.json")
    (tmp_path / "classes.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DatasetError, match="not valid JSON"):
        read_classes_json(tmp_path / "classes.json")


def test_read_classes_json_defaults(tmp_path: Path) -> None:
    classes = read_classes_json(_write_classes(tmp_path, colors=[list(c) for c in THREE.colors], ignore_index=200))
    assert classes == SegClasses(THREE.names, THREE.colors, 200)


# --- mask files ---------------------------------------------------------------------------


def test_palette_png_round_trip(tmp_path: Path) -> None:
    ids = _ids()
    path = save_mask_png(ids, tmp_path / "sub" / "m.png", THREE.colors)
    with Image.open(path) as img:
        assert img.mode == "P"
        pal = np.asarray(img.getpalette()[: 256 * 3]).reshape(-1, 3)
    assert pal[1].tolist() == [128, 64, 128] and pal[255].tolist() == [224, 224, 192]
    back = load_mask(path, THREE, image_size=(10, 12))
    assert back.dtype == np.uint8 and np.array_equal(back, ids)
    assert [p.name for p in path.parent.iterdir()] == ["m.png"]


@pytest.mark.parametrize("mode", ["L", "I;16", "I"])
def test_grey_and_16_bit_masks(tmp_path: Path, mode: str) -> None:
    ids = _ids(1)
    dtype = {"L": np.uint8, "I;16": np.uint16, "I": np.int32}[mode]
    path = tmp_path / ("m.tif" if mode == "I" else "m.png")  # Pillow writes 32-bit ids to TIFF, not PNG
    Image.fromarray(ids.astype(dtype)).save(path)
    with Image.open(path) as img:
        assert img.mode == mode
    assert np.array_equal(load_mask(path, THREE), ids)


def test_16_bit_mask_with_bad_ids(tmp_path: Path) -> None:
    arr = _ids(2).astype(np.uint16)
    arr[0, 0], arr[0, 1] = 1000, 7
    Image.fromarray(arr).save(tmp_path / "wide.png")
    with Image.open(tmp_path / "wide.png") as img:
        assert img.mode == "I;16"
    with pytest.raises(DatasetError, match=r"wide\.png.*7, 1000.*0\.\.2.*ignore index 255"):
        load_mask(tmp_path / "wide.png", THREE)


def test_binary_mode_mask(tmp_path: Path) -> None:
    bits = _ids(3, n=2, ignore=0).astype(bool)
    Image.fromarray(bits).save(tmp_path / "b.png")
    assert np.array_equal(load_mask(tmp_path / "b.png", THREE), bits.astype(np.uint8))


def test_out_of_range_ids_name_file_and_ids(tmp_path: Path) -> None:
    ids = _ids(4)
    ids[0, :3] = [3, 9, 128]
    save_mask_png(ids, tmp_path / "bad_ids.png", THREE.colors)
    with pytest.raises(DatasetError, match=r"bad_ids\.png.*3, 9, 128.*0\.\.2") as err:
        load_mask(tmp_path / "bad_ids.png", THREE)
    assert "255" in str(err.value)


@pytest.mark.parametrize("alpha", [False, True])
def test_colour_mask_round_trip(tmp_path: Path, alpha: bool) -> None:
    ids = _ids(5)
    rgb = THREE.colorize(ids)
    if alpha:
        rgb = np.dstack([rgb, np.full(ids.shape, 255, np.uint8)])
    Image.fromarray(rgb).save(tmp_path / "c.png")
    assert np.array_equal(load_mask(tmp_path / "c.png", THREE), ids)


def test_colour_mask_with_unknown_colour(tmp_path: Path) -> None:
    rgb = THREE.colorize(_ids(6))
    rgb[0, 0] = (12, 34, 56)
    Image.fromarray(rgb).save(tmp_path / "painted.png")
    with pytest.raises(DatasetError, match=r"painted\.png.*\(12, 34, 56\)"):
        load_mask(tmp_path / "painted.png", THREE)


def test_colour_mask_without_colours(tmp_path: Path) -> None:
    Image.fromarray(THREE.colorize(_ids(7))).save(tmp_path / "c.png")
    plain = SegClasses.from_dict({"classes": list(THREE.names)})
    with pytest.raises(DatasetError, match=r"c\.png.*add \"colors\""):
        load_mask(tmp_path / "c.png", plain)


def test_size_mismatch_names_both_sizes(tmp_path: Path) -> None:
    save_mask_png(_ids(shape=(12, 10)), tmp_path / "m.png", THREE.colors)
    with pytest.raises(DatasetError, match=r"m\.png.*10x12.*20x30"):
        load_mask(tmp_path / "m.png", THREE, image_size=(20, 30))


def test_corrupt_and_missing_mask(tmp_path: Path) -> None:
    (tmp_path / "junk.png").write_bytes(b"not a png at all")
    with pytest.raises(DatasetError, match=r"junk\.png"):
        load_mask(tmp_path / "junk.png", THREE)
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(DatasetError, match=r"empty\.png.*empty"):
        load_mask(tmp_path / "empty.png", THREE)
    full = tmp_path / "cut.png"
    save_mask_png(_ids(shape=(64, 64)), full, THREE.colors)
    full.write_bytes(full.read_bytes()[:80])
    with pytest.raises(DatasetError, match=r"cut\.png"):
        load_mask(full, THREE)


# --- dataset layouts ----------------------------------------------------------------------


def test_game_world_flat_layout(tmp_path: Path) -> None:
    write_dataset(tmp_path / "w", 6, seed=0, spec=SceneSpec(width=64, height=64))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        splits = scan_mask_dataset(tmp_path / "w" / "segment")
    items = splits["all"]
    assert list(splits) == ["all"] and len(items) == 6
    assert items.classes.names == SYNTH_CLASSES and items.classes.has_colors
    assert items.images[0] == "images/scene_00000.png" and items.masks[0] == "masks/scene_00000.png"
    mask = load_mask(items.mask_path(0), items.classes, (64, 64))
    assert mask.shape == (64, 64) and mask.max() < len(SYNTH_CLASSES)
    assert MaskList.from_dict(json.loads(json.dumps(items.to_dict()))) == items
    with pytest.raises(DatasetError, match="segment"):
        scan_mask_dataset(tmp_path / "w")


def test_presplit_layout(tmp_path: Path) -> None:
    root = tmp_path / "d"
    _write_classes(root)
    _write_pairs(root / "train", ["b", "a", "c"])
    _write_pairs(root / "val", ["v1", "v0"], seed=5)
    (root / "train" / "images" / ".hidden.jpg").write_bytes(b"x")
    (root / "train" / "masks" / "notes.txt").write_text("hi")
    splits = scan_mask_dataset(root)
    assert sorted(splits) == ["train", "val"]
    assert splits["train"].images == ["train/images/a.jpg", "train/images/b.jpg", "train/images/c.jpg"]
    assert splits["val"].masks == ["val/masks/v0.png", "val/masks/v1.png"]
    assert splits["val"].mask_path(0).is_file() and splits["train"].classes.names == THREE.names


def _write_voc(root: Path, ids: list[str], lists: dict[str, list[str]] | None) -> Path:
    rng = np.random.default_rng(0)
    (root / "JPEGImages").mkdir(parents=True)
    for i, stem in enumerate(ids):
        Image.fromarray(rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)).save(root / "JPEGImages" / f"{stem}.jpg")
        save_mask_png(_ids(i, n=21), root / "SegmentationClass" / f"{stem}.png", VOC.colors)
    for name, listed in (lists or {}).items():
        sets = root / "ImageSets" / "Segmentation"
        sets.mkdir(parents=True, exist_ok=True)
        (sets / f"{name}.txt").write_text("\n".join(listed) + "\n")
    return root


def test_voc_layout_with_image_sets(tmp_path: Path) -> None:
    ids = ["2007_000032", "2007_000039", "2007_000063", "2008_000001"]
    lists = {"train": ["2007_000063", "2007_000032"], "val": ["2008_000001"], "trainval": ids[:3]}
    voc = _write_voc(tmp_path / "VOCdevkit" / "VOC2012", ids, lists)
    for root in (voc, voc.parent):
        splits = scan_mask_dataset(root)
        assert sorted(splits) == ["train", "val"]
        assert splits["train"].images == ["JPEGImages/2007_000032.jpg", "JPEGImages/2007_000063.jpg"]
        assert splits["val"].masks == ["SegmentationClass/2008_000001.png"]
        assert splits["train"].classes == VOC and splits["train"].root == voc
    stats = mask_statistics(splits["train"])
    assert len(stats["pixel_counts"]) == 21


def test_voc_layout_without_image_sets_and_missing_ids(tmp_path: Path) -> None:
    voc = _write_voc(tmp_path / "voc", ["a", "b"], None)
    Image.new("RGB", (10, 12)).save(voc / "JPEGImages" / "no_mask.jpg")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert scan_mask_dataset(voc)["all"].images == ["JPEGImages/a.jpg", "JPEGImages/b.jpg"]
    sets = voc / "ImageSets" / "Segmentation"
    sets.mkdir(parents=True)
    (sets / "train.txt").write_text("a\nghost\nno_mask\n")
    with pytest.raises(DatasetError, match=r"train\.txt.*no image .* for ghost.*no mask .* for ghost, no_mask"):
        scan_mask_dataset(voc)


def test_image_without_mask_is_skipped_with_one_warning(tmp_path: Path) -> None:
    root = tmp_path / "d"
    _write_classes(root)
    _write_pairs(root, ["a", "b"])
    for stem in ("lonely1", "lonely2"):
        Image.new("RGB", (10, 12)).save(root / "images" / f"{stem}.png")
    with pytest.warns(UserWarning, match=r"2 image\(s\).*lonely1\.png, lonely2\.png") as record:
        items = scan_mask_dataset(root)["all"]
    assert len(record) == 1 and items.images == ["images/a.jpg", "images/b.jpg"]


def test_mask_with_other_extension_is_matched(tmp_path: Path) -> None:
    root = tmp_path / "d"
    _write_classes(root)
    _write_pairs(root, ["a"])
    (root / "masks" / "a.png").rename(root / "masks" / "a.bmp")
    assert scan_mask_dataset(root)["all"].masks == ["masks/a.bmp"]


def test_empty_missing_and_unlabelled_datasets(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="does not exist"):
        scan_mask_dataset(tmp_path / "nope")
    root = tmp_path / "d"
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    with pytest.raises(DatasetError, match=r"no classes\.json.*\"classes\": \[") as err:
        scan_mask_dataset(root)
    assert '"ignore_index": 255' in str(err.value)
    _write_classes(root)
    with pytest.raises(DatasetError, match=r"no image/mask pairs in .*images and .*masks"):
        scan_mask_dataset(root)
    with pytest.raises(DatasetError, match="not a segmentation dataset"):
        scan_mask_dataset(tmp_path)


# --- splits and statistics ----------------------------------------------------------------


def _fake_list(n: int) -> MaskList:
    return MaskList(Path("/data"), [f"images/{i}.jpg" for i in range(n)], [f"masks/{i}.png" for i in range(n)], THREE)


def test_split_mask_list_is_deterministic_and_disjoint() -> None:
    items = _fake_list(20)
    a = split_mask_list(items, 0.2, 0.1, seed=1)
    b = split_mask_list(items, 0.2, 0.1, seed=1)
    c = split_mask_list(items, 0.2, 0.1, seed=2)
    assert {k: len(v) for k, v in a.items()} == {"train": 14, "val": 4, "test": 2}
    assert all(a[k].images == b[k].images and a[k].masks == b[k].masks for k in a)
    assert a["val"].images != c["val"].images
    sets = [set(s.images) for s in a.values()]
    assert set().union(*sets) == set(items.images) and sum(map(len, sets)) == 20
    assert sorted(split_mask_list(items, 0.3, 0.0, seed=0)) == ["train", "val"]


def test_split_mask_list_small_and_bad_fractions() -> None:
    assert {k: len(v) for k, v in split_mask_list(_fake_list(3), 0.01, 0.01, seed=0).items()} == {"train": 1, "val": 1, "test": 1}
    with pytest.raises(DatasetError, match="2 image/mask pair"):
        split_mask_list(_fake_list(2), 0.5, 0.2, seed=0)
    with pytest.raises(ConfigError, match=r"^val fraction 0\.0 and test fraction 0\.0 must satisfy 0 < val < 1"):
        split_mask_list(_fake_list(10), 0.0, 0.0, seed=0)
    with pytest.raises(ConfigError, match=r"^val fraction 0\.6 and test fraction 0\.4 must satisfy .*val \+ test < 1"):
        split_mask_list(_fake_list(10), 0.6, 0.4, seed=0)


def test_mask_statistics_match_numpy(tmp_path: Path) -> None:
    root = tmp_path / "d"
    _write_classes(root)
    _write_pairs(root, ["a", "b", "c"], seed=3)
    items = scan_mask_dataset(root)["all"]
    masks = [_ids(3 + i, (12, 10)) for i in range(3)]
    counts = sum(np.bincount(m.ravel(), minlength=256) for m in masks)
    stats = mask_statistics(items)
    assert stats["pixel_counts"] == counts[:3].tolist()
    assert stats["ignored_pixels"] == int(counts[255]) > 0
    assert stats["images_with_class"] == [sum(int((m == k).any()) for m in masks) for k in range(3)]


def test_mask_statistics_errors(tmp_path: Path) -> None:
    root = tmp_path / "d"
    _write_classes(root)
    _write_pairs(root, ["a", "b"])
    items = scan_mask_dataset(root)["all"]
    save_mask_png(np.zeros((5, 5), np.uint8), root / "masks" / "b.png", THREE.colors)
    with pytest.raises(DatasetError, match=r"b\.png.*5x5.*10x12"):
        mask_statistics(items)
    save_mask_png(_ids(shape=(12, 10)), root / "masks" / "b.png", THREE.colors)
    (root / "images" / "a.jpg").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match=r"a\.jpg"):
        mask_statistics(items)
