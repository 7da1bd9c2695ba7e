"""Compare: CAM vs segmentation measures by hand, the CAM's way back onto the image, and the command end to end."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch
from conftest import make_blob_dataset
from test_segment import make_rects_dataset, tiny_config
from torchvision.transforms import InterpolationMode
from torchvision.transforms import v2 as T

from visionlab.compare import CompareOptions, compare_images, compare_maps, format_summary
from visionlab.errors import ConfigError, ParamError, RunFolderError, UnknownNameError
from visionlab.explain.geometry import cam_to_image, crop_window
from visionlab.models.weights import Preprocess
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig
from visionlab.train.segment import train_segmenter

# --- compare_maps by hand ------------------------------------------------------------------------


def test_cam_entirely_inside_the_region_has_all_its_mass_there():
    cam = np.zeros((6, 6), np.float32)
    cam[1:3, 1:3] = [[1.0, 0.5], [0.25, 0.75]]
    region = np.zeros((6, 6), bool)
    region[0:4, 0:4] = True
    m = compare_maps(cam, region)
    assert m["cam_mass_in_region"] == pytest.approx(1.0)
    assert m["region_area_share"] == pytest.approx(16 / 36)
    assert m["mass_over_chance"] == pytest.approx(36 / 16)
    assert m["pointing_hit"] == 1.0


def test_uniform_cam_has_the_chance_mass():
    cam = np.full((5, 8), 0.6, np.float32)
    region = np.zeros((5, 8), bool)
    region[1:4, 2:7] = True  # 15 of 40 pixels
    m = compare_maps(cam, region)
    assert m["cam_mass_in_region"] == pytest.approx(15 / 40)
    assert m["region_area_share"] == pytest.approx(15 / 40)
    assert m["mass_over_chance"] == pytest.approx(1.0)
    assert m["pointing_hit"] == 0.0  # first maximum: pixel (0, 0), outside


def test_top_k_iou_by_hand():
    cam = (np.arange(20, dtype=np.float32) / 19).reshape(4, 5)  # distinct values; top 20% = 4 pixels: 16..19
    region = np.zeros(20, bool)
    region[[10, 15, 16, 17]] = True
    region = region.reshape(4, 5)
    m = compare_maps(cam, region, threshold="topk", top_percent=20)
    assert m["threshold_value"] == pytest.approx(16 / 19)
    assert m["iou"] == pytest.approx(2 / 6)  # overlap {16, 17}, union {10, 15, 16, 17, 18, 19}
    assert m["cam_mass_in_region"] == pytest.approx((10 + 15 + 16 + 17) / sum(range(20)))
    assert m["pointing_hit"] == 0.0  # the maximum, pixel 19, is outside
    assert compare_maps(cam, region, threshold="topk", top_percent=40)["iou"] == pytest.approx(3 / 9)  # top 8: 12..19, overlap {15, 16, 17}


def test_otsu_on_a_two_level_cam_keeps_exactly_the_high_level():
    cam = np.full((10, 12), 0.2, np.float32)
    cam[2:6, 3:9] = 0.9
    m = compare_maps(cam, cam > 0.5)
    assert 0.2 <= m["threshold_value"] < 0.9
    assert m["iou"] == 1.0 and m["pointing_hit"] == 1.0
    shifted = np.zeros_like(cam, dtype=bool)
    shifted[2:6, 5:11] = True  # 16 of 24 pixels overlap, union 32
    assert compare_maps(cam, shifted)["iou"] == pytest.approx(16 / 32)


def test_empty_region_and_empty_cam():
    cam = np.zeros((4, 4), np.float32)
    cam[1, 1] = 1.0
    empty = np.zeros((4, 4), bool)
    m = compare_maps(cam, empty)
    assert m["cam_mass_in_region"] == 0.0 and m["region_area_share"] == 0.0
    assert m["mass_over_chance"] is None and m["iou"] == 0.0 and m["pointing_hit"] == 0.0
    none = compare_maps(np.zeros((4, 4), np.float32), empty, threshold="topk")
    assert none["iou"] is None and none["cam_mass_in_region"] == 0.0


def test_bad_threshold_settings():
    cam, region = np.random.default_rng(0).random((4, 4)), np.ones((4, 4), bool)
    with pytest.raises(ConfigError, match="otsu"):
        compare_maps(cam, region, threshold="mean")
    with pytest.raises(ConfigError, match="top_percent"):
        compare_maps(cam, region, threshold="topk", top_percent=0)


# --- the CAM on the original image ---------------------------------------------------------------


@pytest.mark.parametrize("size", [(40, 64), (64, 40), (50, 50), (21, 30)])
@pytest.mark.parametrize("pre", [Preprocess(37, 32, (0.5,) * 3, (0.5,) * 3), Preprocess(26, 32, (0.5,) * 3, (0.5,) * 3)])
def test_cam_goes_back_onto_the_crop_of_the_original(size, pre):
    """A ramp of original x (or y) coordinates pushed through the eval geometry comes back where it was."""
    h, w = size
    geo = T.Compose([T.Resize(pre.resize_size, interpolation=InterpolationMode.BILINEAR, antialias=True), T.CenterCrop(pre.crop_size)])
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32) + 0.5  # pixel centres
    rh, rw, top, left = crop_window(pre, h, w)
    def placed(ramp, n, rn, offset):
        resized = ramp * rn / n  # pixel centres in resized coordinates
        u = resized - offset  # ... and in crop coordinates
        seen = (u >= 0) & (u < pre.crop_size)
        clean = (resized > 3) & (resized < rn - 3) & (u > 1) & (u < pre.crop_size - 1)  # away from resize borders and padding
        return seen, clean

    seen_x, clean_x = placed(xs, w, rw, left)
    seen_y, clean_y = placed(ys, h, rh, top)
    seen, core = seen_x & seen_y, clean_x & clean_y
    assert core.any()
    for axis, ramp in ((1, xs), (0, ys)):
        n, rn, offset = (w, rw, left) if axis == 1 else (h, rh, top)
        crop = geo(torch.from_numpy(ramp)[None])[0].numpy()
        assert crop.shape == (pre.crop_size, pre.crop_size)
        # The crop's pixels sit where crop_window says (checked away from the antialiasing borders).
        j = np.arange(pre.crop_size)
        inner = (offset + j >= 2) & (offset + j < rn - 2)
        line = crop[pre.crop_size // 2, :] if axis == 1 else crop[:, pre.crop_size // 2]
        np.testing.assert_allclose(line[inner], ((offset + j + 0.5) * n / rn)[inner], atol=0.1 * n / rn)  # antialiasing jitters < 0.1 px
        # Inside the crop window the coordinate comes back (bilinear of a linear ramp).
        back = cam_to_image(crop, pre, h, w)
        assert back.shape == (h, w)
        np.testing.assert_allclose(back[core], ramp[core], atol=0.15 * n / rn)
    # Outside the window (either axis) the CAM is 0; inside a positive map stays positive.
    back = cam_to_image(np.ones((pre.crop_size, pre.crop_size), np.float32), pre, h, w)
    assert (back[~seen] == 0).all() and (back[seen] > 0.99).all()


def test_whole_crop_of_ones_marks_the_window():
    pre = Preprocess(37, 32, (0.5,) * 3, (0.5,) * 3)
    back = cam_to_image(np.ones((32, 32), np.float32), pre, 40, 64)
    rh, rw, top, left = crop_window(pre, 40, 64)
    assert (rh, rw, top, left) == (37, 59, 2, 14)
    cols = np.flatnonzero(back.max(0) > 0)
    rows = np.flatnonzero(back.max(1) > 0)
    # Original pixel x is seen when its centre (x + 0.5) * 59 / 64 lies in [14, 46).
    assert (cols[0], cols[-1]) == (15, 49) and (rows[0], rows[-1]) == (2, 36)
    assert back.max() == pytest.approx(1.0)


# --- end to end ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs_and_images(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    blobs = make_blob_dataset(root / "blobs", n_per_class=6, size=32, classes=("red", "blue"))
    cls_run = train_classifier(ClassifyConfig(data=str(blobs), out=str(root / "cls"), backbone="tiny_cnn", weights="none",
                                              img_size=32, epochs=1, quiet=True, amp="off"))
    rects = make_rects_dataset(root / "rects", n=10)
    seg_run = train_segmenter(tiny_config(rects, root / "seg", epochs=2))
    test = make_rects_dataset(root / "test", n=3, seed=5, sizes=[(40, 64), (64, 40), (50, 50)])
    return cls_run, seg_run, test / "images"


def test_compare_end_to_end(runs_and_images, tmp_path):
    cls_run, seg_run, images = runs_and_images
    out = tmp_path / "cmp"
    summary = compare_images(cls_run, [images], seg_run, out, CompareOptions(concept_classes=("red", "green"), batch_size=2, device="cpu"))
    for key in ("classifier", "segmenter", "concept_classes", "threshold", "n_images", "overall", "per_class", "images", "empty_regions"):
        assert key in summary
    assert summary["concept_classes"] == ["red", "green"] and summary["threshold"] == {"method": "otsu", "top_percent": None}
    assert summary["n_images"] == 3 == summary["overall"]["n_images"]
    assert sum(m["n_images"] for m in summary["per_class"].values()) == 3
    assert summary["empty_regions"] == sum(r["region_area_share"] == 0 for r in summary["images"])
    sizes = set()
    for row in summary["images"]:
        sizes.add((row["height"], row["width"]))
        for k in ("cam_mass_in_region", "region_area_share", "pointing_hit", "confidence"):
            assert 0.0 <= row[k] <= 1.0, (k, row)
        assert row["iou"] is None or 0.0 <= row["iou"] <= 1.0
        assert (out / "figures" / f"{row['name']}.png").is_file()
    assert sizes == {(40, 64), (64, 40), (50, 50)}
    overall = summary["overall"]
    assert 0 <= overall["cam_mass_in_region"] <= 1 and 0 <= overall["region_area_share"] <= 1
    assert json.loads((out / "summary.json").read_text())["n_images"] == 3
    with open(out / "per_image.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert len(table) == 3 and {"cam_mass_in_region", "iou", "region_area_share", "pointing_hit"} <= set(table[0])
    text = format_summary(summary, out)
    assert "CAM mass in red+green" in text and "Otsu threshold" in text and "pointing" in text

    # Again with top-k, into the same folder (an earlier compare output may be replaced).
    again = compare_images(cls_run, [images], seg_run, out, CompareOptions(concept_classes=("red",), threshold="topk", top_percent=10, device="cpu"))
    assert again["threshold"] == {"method": "topk", "top_percent": 10}
    assert "top 10% of pixels" in format_summary(again, out)
    # Red alone covers less than red + green, image by image.
    for a, b in zip(again["images"], summary["images"]):
        assert a["region_area_share"] <= b["region_area_share"] and a["cam_mass_in_region"] <= b["cam_mass_in_region"] + 1e-6


def test_bad_concept_classes_list_the_segmenter_classes(runs_and_images, tmp_path):
    cls_run, seg_run, images = runs_and_images
    with pytest.raises(UnknownNameError, match="background, red, green"):
        compare_images(cls_run, [images], seg_run, tmp_path / "a", CompareOptions(concept_classes=("person",)))
    with pytest.raises(UnknownNameError, match="^concept_classes: the segmenter has no class 'character'"):  # no default
        compare_images(cls_run, [images], seg_run, tmp_path / "b")
    with pytest.raises(UnknownNameError, match="blue, red"):
        compare_images(cls_run, [images], seg_run, tmp_path / "c", CompareOptions(concept_classes=("red",), target_class="green"))
    with pytest.raises(ParamError, match="^threshold: unknown threshold 'half'; choose one of: "):
        compare_images(cls_run, [images], seg_run, tmp_path / "d", CompareOptions(concept_classes=("red",), threshold="half"))
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(RunFolderError, match="busy holds other files; choose a new or empty out folder"):
        compare_images(cls_run, [images], seg_run, busy, CompareOptions(concept_classes=("red",)))
    assert not any(p.exists() for p in (tmp_path / "a", tmp_path / "b", tmp_path / "c", tmp_path / "d"))
