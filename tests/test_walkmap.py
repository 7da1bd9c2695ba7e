"""Walkability maps: tile rules on hand-made grids, game-world geometry, and the file outputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import visionlab.walkmap as wm
from visionlab.data.masks import VOC, SegClasses, class_ids_by_name
from visionlab.data.synth import SYNTH_CLASSES, SYNTH_COLORS, SceneSpec, write_dataset
from visionlab.errors import ConfigError, RunFolderError, UnknownNameError
from visionlab.segment import LoadedSegmenter
from visionlab.walkmap import FREE, HAZARD, SOLID, STAND

F, T, S, H = FREE, STAND, SOLID, HAZARD
TERRAIN, PLATFORM, WATER = (SYNTH_CLASSES.index(c) for c in ("terrain", "platform", "water"))


def blow_up(tiles: list[str], tile: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel masks from a tile blueprint: 'S' solid, 'W' water, '.' empty."""
    plan = np.array([list(row) for row in tiles])
    block = np.ones((tile, tile), dtype=bool)
    return np.kron(plan == "S", block).astype(bool), np.kron(plan == "W", block).astype(bool)


# --- tile_grid -----------------------------------------------------------------------------------

def test_tile_grid_hand_made_scene():
    # ground with a pool, a two-tile platform, a ceiling tile above the platform's left tile
    solid, hazard = blow_up(["......",
                             "..S...",
                             "......",
                             "..SS..",
                             "......",
                             "SSSSWS"], tile=4)
    grid = wm.tile_grid(solid, hazard, tile=4, clearance=2)
    expected = np.array([[F, F, T, F, F, F],   # on top of the ceiling: the top edge counts as free
                         [F, F, S, F, F, F],
                         [F, F, F, T, F, F],   # left platform tile: the ceiling leaves 1 free tile < 2
                         [F, F, S, S, F, F],
                         [T, T, F, F, F, T],   # under the platform: no clearance; over water: nothing to stand on
                         [S, S, S, S, H, S]], dtype=np.uint8)
    assert grid.dtype == np.uint8
    np.testing.assert_array_equal(grid, expected)
    # clearance 1 needs only the tile itself: the left platform tile and the tiles under the platform stand too
    grid1 = wm.tile_grid(solid, hazard, tile=4, clearance=1)
    assert grid1[2, 2] == STAND and grid1[4, 2] == STAND and grid1[4, 3] == STAND
    # clearance 3: the top row's standing tile still counts the rows above the image as free
    grid3 = wm.tile_grid(solid, hazard, tile=4, clearance=3)
    assert grid3[0, 2] == STAND and grid3[2, 3] == STAND and grid3[2, 2] == FREE
    assert grid3[4, 0] == STAND and grid3[4, 5] == STAND


def test_tile_grid_fill_threshold():
    solid = np.zeros((8, 4), dtype=bool)
    solid[6:, :] = True  # half of the bottom tile
    none = np.zeros_like(solid)
    np.testing.assert_array_equal(wm.tile_grid(solid, none, tile=4, clearance=1, fill=0.5), [[T], [S]])
    np.testing.assert_array_equal(wm.tile_grid(solid, none, tile=4, clearance=1, fill=0.6), [[F], [F]])


def test_tile_grid_partial_edge_tiles():
    # 10 x 6 px with 4 px tiles: 3 x 2 tiles, the last row 2 px high and the last column 2 px wide
    solid = np.zeros((10, 6), dtype=bool)
    solid[8, :] = True  # one of the two pixel rows of the last tile row: share 0.5 (0.125 if padded)
    none = np.zeros_like(solid)
    grid = wm.tile_grid(solid, none, tile=4, clearance=2)
    np.testing.assert_array_equal(grid, [[F, F], [T, T], [S, S]])
    assert wm.tile_grid(solid, none, tile=4, clearance=2, fill=0.75)[2].tolist() == [F, F]
    # a 2-px-wide last column counts its own 8 px: 4 solid px make it solid
    solid = np.zeros((4, 6), dtype=bool)
    solid[:2, 4:] = True
    assert wm.tile_grid(solid, np.zeros_like(solid), tile=4, clearance=1).tolist() == [[F, S]]


def test_tile_grid_hazard_wins_and_blocks():
    solid, hazard = blow_up(["..", "SS"], tile=4)
    hazard[4:, :4] = True  # bottom-left tile is both: hazard
    hazard[5:, 4:] = True  # bottom-right tile: all solid, 3/4 hazard -> hazard
    grid = wm.tile_grid(solid, hazard, tile=4, clearance=1)
    np.testing.assert_array_equal(grid, [[F, F], [H, H]])
    # a hazard tile above ground blocks the clearance of the tile under it... and is not stood on
    solid, hazard = blow_up(["W", ".", "S"], tile=2)
    assert wm.tile_grid(solid, hazard, tile=2, clearance=2).tolist() == [[H], [F], [S]]
    assert wm.tile_grid(solid, hazard, tile=2, clearance=1).tolist() == [[H], [T], [S]]


def test_tile_grid_rejects_bad_options():
    m = np.zeros((4, 4), dtype=bool)
    with pytest.raises(ConfigError, match="^tile: 0 "):
        wm.tile_grid(m, m, tile=0, clearance=1)
    with pytest.raises(ConfigError, match="^clearance: 0 "):
        wm.tile_grid(m, m, tile=2, clearance=0)
    with pytest.raises(ConfigError, match=r"^fill: 1\.5 "):
        wm.WalkmapOptions(fill=1.5)
    with pytest.raises(ValueError, match=r"^solid \(4, 4\) and hazard \(2, 4\) must be non-empty \(H, W\) masks of one size"):
        wm.tile_grid(m, m[:2], tile=2, clearance=1)


# --- classes -------------------------------------------------------------------------------------

def test_walkmap_from_mask_uses_class_ids():
    ids = np.zeros((8, 8), dtype=np.uint8)  # sky
    ids[6:, :] = TERRAIN
    ids[6:, 4:] = WATER
    ids[2:4, 4:] = PLATFORM
    ids[4:6, :2] = SYNTH_CLASSES.index("character")  # characters do not block
    grid = wm.walkmap_from_mask(ids, [TERRAIN, PLATFORM], [WATER], tile=2, clearance=1)
    np.testing.assert_array_equal(grid, [[F, F, T, T],
                                         [F, F, S, S],
                                         [T, T, F, F],   # a character stands here; nothing stands over water
                                         [S, S, H, H]])
    # platform alone walkable: the ground row is free space
    grid = wm.walkmap_from_mask(ids, [PLATFORM], [], tile=2, clearance=1)
    assert grid[3].tolist() == [F, F, F, F] and grid[0].tolist() == [F, F, T, T]


def test_class_ids_and_unknown_names():
    assert class_ids_by_name(["platform", "terrain", "platform"], SYNTH_CLASSES, "walkable") == [PLATFORM, TERRAIN]
    with pytest.raises(UnknownNameError, match="^walkable: ") as err:
        class_ids_by_name(["terrain", "lava"], SYNTH_CLASSES, "walkable")
    msg = str(err.value)
    assert "'lava'" in msg and ", ".join(SYNTH_CLASSES) in msg


def test_resolve_classes_defaults_and_errors():
    assert wm.resolve_classes(wm.WalkmapOptions(), SYNTH_CLASSES) == (["terrain", "platform"], ["water"])
    assert wm.resolve_classes(wm.WalkmapOptions(walkable=("building",), hazard=()), SYNTH_CLASSES) == (["building"], [])
    assert wm.resolve_classes(wm.WalkmapOptions(), ("sky", "terrain")) == (["terrain"], [])
    with pytest.raises(UnknownNameError, match="^walkable: ") as err:
        wm.resolve_classes(wm.WalkmapOptions(), VOC.names)
    assert "person" in str(err.value)
    with pytest.raises(ConfigError, match="^hazard: .*water"):
        wm.resolve_classes(wm.WalkmapOptions(walkable=("terrain", "water")), SYNTH_CLASSES)


# --- geometry ------------------------------------------------------------------------------------

def test_geometry_masks_exact_pixels():
    annotation = {"width": 16, "height": 16, "meta": {
        "terrain": [[0, 12], [8, 12], [16, 12]],
        "platforms": [[2, 4, 6, 6]],
        "water": [[8, 12, 16, 16]],  # a pool: the half ellipse under its top edge, centre (12, 12), radii 4 x 4
    }}
    solid, hazard = wm.geometry_masks(annotation)
    want_hazard = np.zeros((16, 16), dtype=bool)
    want_hazard[12, 8:16] = want_hazard[13, 8:16] = True
    want_hazard[14, 9:15] = True
    want_hazard[15, 10:14] = True
    want_solid = np.zeros((16, 16), dtype=bool)
    want_solid[12:, :] = True
    want_solid &= ~want_hazard  # the pool is drawn over the ground
    want_solid[4:6, 2:6] = True
    np.testing.assert_array_equal(hazard, want_hazard)
    np.testing.assert_array_equal(solid, want_solid)
    # a terrain boulder (distractor) is solid: an ellipse in its box, 1.85 radii tall above the ground
    annotation["meta"]["distractors"] = [{"type": "blob", "class": "terrain", "box": [0, 12 - 1.85 * 2, 4, 12]}]
    solid2, _ = wm.geometry_masks(annotation)
    assert solid2[9:12, 1:3].all() and not solid2[8, 0] and not (solid2 & ~solid)[:, 4:].any()


def test_find_annotation(tmp_path: Path):
    root = tmp_path / "world"
    (root / "segment" / "images").mkdir(parents=True)
    (root / "annotations").mkdir()
    img = root / "segment" / "images" / "scene_00000.png"
    Image.new("RGB", (4, 4)).save(img)
    (root / "annotations" / "scene_00000.json").write_text(json.dumps({"width": 4, "height": 4, "meta": {"terrain": []}}))
    assert wm.find_annotation(img) is None  # no synth.json: not a game-world dataset
    (root / "synth.json").write_text("{}")
    assert wm.find_annotation(img)["width"] == 4
    other = root / "segment" / "images" / "mine.png"
    Image.new("RGB", (4, 4)).save(other)
    assert wm.find_annotation(other) is None


def test_tile_scores():
    truth = np.array([[F, T], [S, S]])
    pred = np.array([[T, T], [S, H]])
    s = wm.tile_scores(pred, truth)
    assert s == {"tile_accuracy": 0.5, "stand_precision": 0.5, "stand_recall": 1.0, "n_tiles": 4}
    s = wm.tile_scores(np.full((2, 2), F), np.full((2, 2), F))
    assert s["tile_accuracy"] == 1.0 and s["stand_precision"] is None and s["stand_recall"] is None


# --- game world ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    write_dataset(out, 3, seed=0, spec=SceneSpec(width=96, height=96, n_characters=2))
    return out


def true_ids(image_path: Path) -> np.ndarray:
    return np.asarray(Image.open(image_path.parent.parent / "masks" / f"{image_path.stem}.png"))


def test_geometry_agrees_with_rendered_masks(world: Path):
    walkable, hazard = [TERRAIN, PLATFORM], [WATER]
    for path in sorted((world / "segment" / "images").glob("*.png")):
        annotation = wm.find_annotation(path)
        solid, haz = wm.geometry_masks(annotation)
        ids = true_ids(path)
        assert solid.shape == ids.shape
        assert (solid == np.isin(ids, walkable)).mean() > 0.95  # pixels: only occluders (characters, plants) differ
        truth = wm.tile_grid(solid, haz, tile=8, clearance=2)
        pred = wm.walkmap_from_mask(ids, walkable, hazard, tile=8, clearance=2)
        assert truth.shape == (12, 12) and (truth == STAND).any()
        assert wm.tile_scores(pred, truth)["tile_accuracy"] >= 0.9


class TruthPredictor:
    """Stands in for SegmentationPredictor: yields each game-world image with its true mask."""

    def __init__(self, seg, device="auto", amp="auto", batch_size=4, seed=0):
        self.batch_size = batch_size

    def predict_paths(self, paths):
        for p in paths:
            yield p, np.asarray(Image.open(p).convert("RGB")), true_ids(p)


def test_walkmap_images_end_to_end(world: Path, tmp_path: Path, monkeypatch):
    seg = LoadedSegmenter("truth", SegClasses(SYNTH_CLASSES, SYNTH_COLORS, 255))
    monkeypatch.setattr(wm, "load_segmenter", lambda spec: seg)
    monkeypatch.setattr(wm, "SegmentationPredictor", TruthPredictor)
    out = tmp_path / "walk"
    summary = wm.walkmap_images("truth", [world / "segment" / "images"], out, wm.WalkmapOptions(tile=8))
    assert summary["n_images"] == 3 and summary["scored_images"] == 3
    assert summary["tile_accuracy"] >= 0.9 and summary["stand_recall"] is not None
    assert summary["options"]["walkable"] == ["terrain", "platform"] and summary["options"]["hazard"] == ["water"]
    assert json.loads((out / "summary.json").read_text())["n_images"] == 3
    for row in summary["images"]:
        name = row["name"]
        assert (out / "overlays" / f"{name}.png").is_file()
        with Image.open(out / "overlays" / f"{name}.png") as im:
            assert im.size == (96, 96) and im.mode == "RGB"
        doc = json.loads((out / "maps" / f"{name}.json").read_text())
        assert set(doc) == {"format", "tile", "rows", "cols", "image_size", "legend", "origin", "walkable", "hazard", "grid"}
        assert doc["format"] == "visionlab-walkmap/1" and doc["tile"] == 8 and doc["image_size"] == [96, 96]
        assert doc["legend"] == {"0": "free", "1": "stand", "2": "solid", "3": "hazard"}
        assert doc["rows"] == row["rows"] == 12 and len(doc["grid"]) == 12 and all(len(r) == doc["cols"] for r in doc["grid"])
        lines = (out / "maps" / f"{name}.csv").read_text().splitlines()
        assert len(lines) == doc["rows"]
        assert [[int(v) for v in line.split(",")] for line in lines] == doc["grid"]
        assert sum(row["counts"].values()) == 144 and row["tile_accuracy"] >= 0.85
    text = wm.format_summary(summary, out)
    assert "tile accuracy" in text and "3 walkmaps" in text
    # a rerun into the same output folder is allowed; a folder of other files is refused
    wm.walkmap_images("truth", [world / "segment" / "images"], out, wm.WalkmapOptions(tile=8))
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("x")
    with pytest.raises(RunFolderError, match="busy holds other files; choose a new or empty out folder"):
        wm.walkmap_images("truth", [world / "segment" / "images"], tmp_path / "busy")
    with pytest.raises(UnknownNameError, match="sky, terrain"):
        wm.walkmap_images("truth", [world / "segment" / "images"], tmp_path / "bad", wm.WalkmapOptions(walkable=("ground",)))


def test_overlay_colours_tiles():
    image = np.full((8, 8, 3), 100, dtype=np.uint8)
    grid = np.array([[F, T], [S, H]], dtype=np.uint8)
    ov = np.asarray(wm.overlay_png(image, grid, 4))
    assert ov.shape == (8, 8, 3)
    assert (ov[1, 1] == 100).all()  # free: untouched
    assert ov[1, 6, 1] > ov[1, 6, 0]  # stand: green
    assert ov[6, 6, 0] > ov[6, 6, 2]  # hazard: red
    assert ov[6, 1, 0] == ov[6, 1, 1] == ov[6, 1, 2]  # solid: grey
    assert (ov[4, 1] < 100).all()  # a grid line
