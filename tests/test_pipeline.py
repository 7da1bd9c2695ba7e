"""The segment-then-classify pipeline: regions per object, scoring against true instances, the command."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from visionlab import cli
from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.errors import UnknownNameError
from visionlab.pipeline import Region, crop_region, find_regions, match_regions, pooled_scores, resolve_classes, score_image
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig, SegAugmentConfig, SegmentConfig
from visionlab.train.segment import train_segmenter
from visionlab.utils.files import read_json


def disc(shape, cy, cx, r):
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    return (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r


def test_objects_with_overlapping_boxes_are_separate_regions():
    ids = np.zeros((40, 40), np.uint8)
    ids[5:35, 5:9] = 3  # an L: vertical bar ...
    ids[31:35, 5:35] = 3  # ... and its foot
    ids[12:22, 15:25] = 3  # a square inside the L's bounding box, not touching it
    regions, skipped = find_regions(ids, {3: "character"}, min_area=10)
    assert [r.area for r in regions] == [4 * 30 + 4 * 26, 100] and skipped == 0
    assert regions[1].box == (15, 12, 25, 22)


def test_diagonal_contact_does_not_join_objects():
    ids = np.zeros((10, 10), np.uint8)
    ids[0:4, 0:4] = 1
    ids[4:8, 4:8] = 1  # touches the first square only at a corner
    regions, _ = find_regions(ids, {1: "character"}, min_area=1)
    assert len(regions) == 2


def test_touching_discs_are_split_only_when_asked():
    shape = (60, 100)
    ids = (disc(shape, 30, 30, 18) | disc(shape, 30, 64, 18)).astype(np.uint8)  # overlap: one blob with a neck
    one, _ = find_regions(ids, {1: "character"}, min_area=10)
    two, _ = find_regions(ids, {1: "character"}, min_area=10, split_touching=True, min_distance=20)
    assert len(one) == 1 and len(two) == 2
    assert sum(r.area for r in two) == one[0].area  # every pixel goes to one of the two
    left, right = sorted(two, key=lambda r: r.box[0])
    assert left.full_mask(shape)[30, 20] and right.full_mask(shape)[30, 75]


def test_small_regions_are_skipped_and_counted():
    ids = np.zeros((30, 30), np.uint8)
    ids[0:10, 0:10] = 2
    ids[20:23, 20:23] = 2
    regions, skipped = find_regions(ids, {2: "character"}, min_area=50)
    assert len(regions) == 1 and skipped == 1


def test_crop_is_padded_clipped_and_optionally_masked():
    image = np.full((20, 20, 3), 200, np.uint8)
    region = Region((2, 3, 6, 8), "character", 4, np.zeros((5, 4), bool))
    region.mask[0, 0] = True
    crop = crop_region(image, region, pad=4, mask_background=True)
    assert crop.size == (10, 12)  # x 0..10 (clipped at 0), y 0..12
    arr = np.asarray(crop)
    assert tuple(arr[3, 2]) == (200, 200, 200) and tuple(arr[0, 0]) == (127, 127, 127)


def test_matching_and_scores_by_hand():
    shape = (20, 20)
    instances = np.zeros(shape, np.int64)
    instances[0:10, 0:10] = 1  # dragon, 100 px
    instances[10:20, 10:20] = 2  # robot, 100 px
    instances[0:2, 18:20] = 3  # robot, 4 px
    good = Region((0, 0, 10, 8), "character", 80, np.ones((8, 10), bool))  # IoU 80/100 with 1
    poor = Region((10, 10, 20, 14), "character", 40, np.ones((4, 10), bool))  # IoU 40/100 with 2: no match
    matches = match_regions([good, poor], instances, {1: "dragon", 2: "robot", 3: "robot"})
    assert [(r, i) for r, i, _ in matches] == [(0, 1)] and matches[0][2] == pytest.approx(0.8)
    s = score_image([good, poor], ["robot", "robot"], instances, {1: "dragon", 2: "robot", 3: "robot"})
    assert s == {"true_objects": 3, "regions": 2, "matched": 1, "labelled": 1, "correct_labels": 0, "exact_count": False}
    pooled = pooled_scores([{"score": s}, {"score": {"true_objects": 1, "regions": 1, "matched": 1, "correct_labels": 1, "exact_count": True}}])
    assert pooled["region_recall"] == pytest.approx(2 / 4) and pooled["region_precision"] == pytest.approx(2 / 3)
    assert pooled["label_accuracy"] == pytest.approx(1 / 2) and pooled["exact_count_accuracy"] == pytest.approx(1 / 2)


def test_characters_without_a_class_of_their_own_are_counted_but_not_label_scored():
    """Battle vs peaceful: the class is the scene's, so a matched region's label is not right or wrong."""
    instances = np.zeros((20, 20), np.int64)
    instances[0:10, 0:10] = 1
    region = Region((0, 0, 10, 10), "character", 100, np.ones((10, 10), bool))
    s = score_image([region], ["battle_scene"], instances, {1: None})
    assert s["matched"] == 1 and s["labelled"] == 0 and s["correct_labels"] == 0
    pooled = pooled_scores([{"score": s}])
    assert pooled["region_recall"] == 1.0 and pooled["label_accuracy"] is None and pooled["labelled"] == 0


def test_unknown_class_lists_the_segmenter_classes():
    with pytest.raises(UnknownNameError, match="^classes: unknown segmentation class 'enemy'; .*sky, terrain"):
        resolve_classes(("enemy",), ("sky", "terrain", "character"))
    with pytest.raises(UnknownNameError, match="^classes: .*no 'character' class"):
        resolve_classes(None, ("background", "person"))


@pytest.fixture(scope="module")
def world_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipe")
    world = root / "world"
    write_dataset(world, 16, seed=3, spec=SceneSpec(width=96, height=96, n_characters=2))
    cls = train_classifier(ClassifyConfig(data=str(world / "classify"), out=str(root / "cls"), backbone="tiny_cnn", weights="none",
                                          epochs=1, batch_size=8, img_size=64, quiet=True, amp="off"))
    seg = train_segmenter(SegmentConfig(data=str(world / "segment"), out=str(root / "seg"), model="tiny_unet", pretrained=False, epochs=1,
                                        batch_size=4, img_size=(96, 96), quiet=True, amp="off", augment=SegAugmentConfig(color_jitter=0.0)))
    return world, cls, seg


def test_pipeline_command_writes_everything_and_scores_game_scenes(world_runs, tmp_path, capsys):
    world, cls, seg = world_runs
    out = tmp_path / "out"
    args = ["pipeline", str(world / "segment" / "images"), "--classifier", str(cls), "--segmenter", str(seg),
            "--out", str(out), "--min-area", "1", "--classes", "character", "terrain"]
    assert cli.main(args) == 0
    assert "regions" in capsys.readouterr().out
    summary = read_json(out / "summary.json")
    assert summary["n_images"] == 16 and len(summary["images"]) == 16
    assert summary["scores"]["scored_images"] == 16 and summary["scores"]["true_objects"] >= 16
    one = read_json(out / "regions" / "scene_00000.json")
    assert {"box", "seg_class", "area", "label", "confidence", "probabilities"} <= set(one["regions"][0])
    assert (out / "annotated" / "scene_00000.png").is_file() and (out / "regions.csv").is_file()
    assert Image.open(out / "annotated" / "scene_00000.png").size == (96, 96)


def test_no_region_is_an_empty_result_not_an_error(world_runs, tmp_path):
    world, cls, seg = world_runs
    from scipy import ndimage

    from visionlab.pipeline import PipelineOptions, run_pipeline
    from visionlab.segment import SegmentationPredictor, load_segmenter

    scene = world / "segment" / "images" / "scene_00001.png"
    opts = PipelineOptions(classes=("character",), min_area=10**6)
    summary = run_pipeline(cls, seg, [scene], tmp_path / "o", opts)
    # every character region the segmenter finds (4-connected) is under the huge min_area: all are skipped and counted
    loaded = load_segmenter(seg)
    ids = SegmentationPredictor(loaded, opts.device, opts.amp, opts.batch_size).predict([np.asarray(Image.open(scene).convert("RGB"))])[0]
    n_character_regions = ndimage.label(ids == loaded.classes.names.index("character"))[1]
    assert n_character_regions >= 1
    assert summary["regions"] == 0 and summary["images_without_regions"] == 1 and summary["skipped_small"] == n_character_regions
    assert read_json(tmp_path / "o" / "regions" / "scene_00001.json")["regions"] == []
    assert (tmp_path / "o" / "regions.csv").read_text().splitlines() == ["image,box,seg_class,area,label,confidence,ood,ood_score"]


def test_annotation_outlines_each_region_in_its_label_colour():
    from visionlab.pipeline import LABEL_COLORS, annotate

    image = np.zeros((20, 20, 3), np.uint8)
    region = Region((4, 4, 10, 10), "character", 36, np.ones((6, 6), bool))
    out = np.asarray(annotate(image, [region], ["robot"], [0.9], ["dragon", "robot"]))
    assert tuple(out[9, 6]) == LABEL_COLORS[1]  # bottom edge of the region
    assert tuple(out[6, 6]) == (0, 0, 0)  # the inside stays as it was
    assert tuple(image[9, 6]) == (0, 0, 0)  # the input is not modified
