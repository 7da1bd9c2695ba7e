"""Deletion and insertion curves: known answers on a hand-made model, the explain files, the report section."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from visionlab.explain.measures import curve_auc, curve_fractions, deletion_insertion_curves, pixel_ranks, random_maps
from visionlab.explain.stage import CURVE_KEYS, ExplainOptions, explain_images, format_summary
from visionlab.report import Lab, md_block
from visionlab.report.document import Bullets, Gallery, Table
from visionlab.report.sections.explain import CURVE_COLUMNS, gradcam_section
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig

SIZE = 32


class RegionModel(nn.Module):
    """Class 1's logit is 10 x (mean of channel 0 inside ``region`` - 0.5); class 0's is 0."""

    def __init__(self, region: tuple[slice, slice]) -> None:
        super().__init__()
        self.region = region

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        m = x[:, 0, self.region[0], self.region[1]].mean((1, 2))
        return torch.stack([torch.zeros_like(m), 10 * (m - 0.5)], 1)


def _curves(model: nn.Module, cams: np.ndarray, steps: int = 10) -> tuple[np.ndarray, dict]:
    rng = np.random.default_rng(0)
    fractions = curve_fractions(steps)
    orders = {"cam": pixel_ranks(cams, rng), "random": pixel_ranks(random_maps(len(cams), (4, 4), (SIZE, SIZE), rng), rng)}
    x = torch.ones(len(cams), 3, SIZE, SIZE)
    return fractions, deletion_insertion_curves(model, x, orders, np.ones(len(cams), int), fractions, batch_size=7)


def _ramp(toward_top_left: bool, n: int = 16) -> np.ndarray:
    """CAMs falling from one corner to the opposite one (0 to 1, min-max like a CAM)."""
    i, j = np.mgrid[:SIZE, :SIZE]
    ramp = (i + j) / (2 * (SIZE - 1))
    return np.repeat((1 - ramp if toward_top_left else ramp)[None].astype(np.float32), n, axis=0)


def test_a_cam_on_the_evidence_beats_random_and_one_elsewhere_loses() -> None:
    model = RegionModel((slice(0, 8), slice(0, 8))).train()  # the evidence: the top-left 8x8 pixels
    fractions, on = _curves(model, _ramp(toward_top_left=True))
    assert model.training  # restored
    _, off = _curves(model, _ramp(toward_top_left=False))
    for got in (on, off):  # the shared end points: the whole image, and the mean-colour image
        for order in ("cam", "random"):
            assert got[order]["deletion"][:, 0] == pytest.approx(torch.sigmoid(torch.tensor(5.0)).item(), abs=1e-5)
            assert got[order]["deletion"][:, -1] == pytest.approx(torch.sigmoid(torch.tensor(-5.0)).item(), abs=1e-5)
            np.testing.assert_allclose(got[order]["insertion"][:, ::-1][:, [0, -1]], got[order]["deletion"][:, [0, -1]])
    auc = {name: {k: curve_auc(v, fractions).mean() for k, v in got["cam"].items()} for name, got in (("on", on), ("off", off))}
    rand = {k: curve_auc(v, fractions).mean() for k, v in on["random"].items()}
    # Pointing at the region: the first 10% of the pixels delete or insert nearly all of it.
    assert auc["on"]["deletion"] < 0.1 < rand["deletion"] - 0.2
    assert auc["on"]["insertion"] > 0.9 > rand["insertion"] + 0.2
    # Pointing at the opposite corner: the region goes last, so the CAM order loses to chance on both curves.
    assert auc["off"]["deletion"] > rand["deletion"] + 0.2
    assert auc["off"]["insertion"] < rand["insertion"] - 0.2
    np.testing.assert_array_equal(off["random"]["deletion"], on["random"]["deletion"])  # same seed, same random order


def test_each_step_deletes_exactly_its_share_even_on_a_flat_map() -> None:
    # The logit reads the whole image, so the probability measures how many pixels are left; a CAM
    # that is 0 everywhere is all ties (pytorch-grad-cam's percentile threshold would delete all or none).
    model = RegionModel((slice(0, SIZE), slice(0, SIZE)))
    fractions, got = _curves(model, np.zeros((2, SIZE, SIZE), np.float32), steps=8)
    kept = 1 - np.array([round(f * SIZE * SIZE) for f in fractions]) / (SIZE * SIZE)
    expected = 1 / (1 + np.exp(-10 * (kept - 0.5)))
    for order in ("cam", "random"):
        np.testing.assert_allclose(got[order]["deletion"], np.tile(expected, (2, 1)), atol=1e-5)
        np.testing.assert_allclose(got[order]["insertion"], np.tile(expected[::-1], (2, 1)), atol=1e-5)


def test_ranks_are_a_permutation_and_ties_are_not_raster_order() -> None:
    rng = np.random.default_rng(3)
    cam = np.zeros((1, 16, 16), np.float32)
    cam[0, 10, 10] = 1.0
    ranks = pixel_ranks(cam, rng)[0]
    assert sorted(ranks.ravel()) == list(range(256)) and ranks[10, 10] == 0
    assert ranks[:2].mean() == pytest.approx(128, abs=40)  # the top rows are not deleted first
    maps = random_maps(3, (4, 4), (16, 16), rng)
    assert maps.shape == (3, 16, 16) and 0 <= maps.min() and maps.max() <= 1
    assert curve_auc(np.array([1.0, 0.5, 0.0]), np.array([0.0, 0.5, 1.0])) == pytest.approx(0.5)


def _corner_data(root: Path, n: int = 10) -> Path:
    """Class = colour of a square in the top-left corner, noise elsewhere (labelled class folders)."""
    rng = np.random.default_rng(0)
    for c, colour in (("red", (230, 30, 30)), ("blue", (30, 30, 230))):
        (root / c).mkdir(parents=True)
        for i in range(n):
            arr = rng.integers(60, 200, (SIZE, SIZE, 3)).astype(np.uint8)
            arr[2:12, 2:12] = colour
            Image.fromarray(arr).save(root / c / f"{c}{i}.png")
    return root


@pytest.fixture(scope="module")
def explained(tmp_path_factory) -> tuple[Path, Path]:
    """A tiny classifier trained for 3 epochs, explained with curves on 12 of its 20 images."""
    tmp = tmp_path_factory.mktemp("curves")
    data = _corner_data(tmp / "data")
    run = train_classifier(ClassifyConfig(data=str(data), out=str(tmp / "run"), backbone="tiny_cnn", weights="none", mode="full",
                                          img_size=SIZE, epochs=3, lr=1e-2, quiet=True, amp="off"))
    explain_images(run, [data], opts=ExplainOptions(curve_images=12, curve_steps=5, batch_size=8))
    return run, data


def test_explain_writes_the_curves_and_their_plot(explained) -> None:
    run, data = explained
    out = run / "explain" / "gradcam"
    s = json.loads((out / "cam_metrics.json").read_text())
    assert {"overall", "per_class", "conf_original"} <= set(s) | set(s["overall"])  # the old keys stay
    d = s["deletion_insertion"]
    assert d["fractions"] == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert (d["n_images"], d["n_images_explained"], d["curve_images"], d["capped"]) == (12, 20, 12, True) and d["seconds"] > 0
    assert {c: m["n_images"] for c, m in d["per_class"].items()} == {"blue": 6, "red": 6}  # spread over both folders
    for group in [d["overall"], *d["per_class"].values()]:
        assert set(group) == {"n_images", "deletion", "insertion", "deletion_random", "insertion_random"}
        assert all(len(v) == 6 for k, v in group.items() if k != "n_images")
    # The summary's AUC means are the AUCs of the mean curves (the trapezoid rule is linear).
    for k in CURVE_KEYS:
        curve = k.replace("_auc", "")
        assert s["overall"][k] == pytest.approx(float(curve_auc(np.array(d["overall"][curve]), np.array(d["fractions"]))), abs=1e-4)
    rows = (out / "per_image.csv").read_text().splitlines()
    header = rows[0].split(",")
    assert set(CURVE_KEYS) <= set(header)
    filled = [r.split(",")[header.index("deletion_auc")] for r in rows[1:]]
    assert sum(v != "" for v in filled) == 12
    with Image.open(out / d["plot"]) as im:
        assert im.width > 800 and im.height > 300
    assert "deletion/insertion curves on 12 of 20 images" in format_summary(s)
    assert json.loads((run / "metrics.json").read_text())["cam"]["gradcam"]["deletion_insertion"]["n_images"] == 12


def test_no_curves_and_unlabelled_images(explained, tmp_path: Path) -> None:
    run, data = explained
    off = explain_images(run, [data / "red"], out=tmp_path / "off", opts=ExplainOptions(curve_images=0))
    assert "deletion_insertion" not in off and off["overall"]["deletion_auc"] is None
    assert not (tmp_path / "off" / "deletion_insertion.png").exists()
    loose = tmp_path / "loose"
    loose.mkdir()
    for i in range(3):
        Image.open(data / "blue" / f"blue{i}.png").save(loose / f"photo{i}.png")
    s = explain_images(run, [loose], out=tmp_path / "loose_out", opts=ExplainOptions(curve_images=64))
    d = s["deletion_insertion"]
    assert d["n_images"] == 3 and not d["capped"] and d["per_class"] == {} and s["overall"]["insertion_auc"] is not None
    assert (tmp_path / "loose_out" / "deletion_insertion.png").is_file()


def _lab(root: Path, explain_dir: Path) -> Lab:
    return Lab(root, {"format": "visionlab-lab/1", "variant": "v", "classes": ["red", "blue"], "config": {"stages": ["explain"]},
                      "started": "t", "seconds": 1.0, "machine": {"device": "cpu", "threads": 2},
                      "stages": {"explain": {"dir": str(explain_dir), "seconds": 1.0}}})


def test_report_shows_the_curves_and_still_renders_old_folders(explained, tmp_path: Path) -> None:
    run, _ = explained
    s = json.loads((run / "explain" / "gradcam" / "cam_metrics.json").read_text())
    lab = _lab(tmp_path, run / "explain")
    blocks = gradcam_section(lab)
    table = next(b for b in blocks if isinstance(b, Table) and b.header == CURVE_COLUMNS)
    o = s["overall"]
    assert table.rows[0] == ["all", "12", f"{o['deletion_auc']:.3f}", f"{o['deletion_auc_random']:.3f}", f"{o['insertion_auc']:.3f}",
                             f"{o['insertion_auc_random']:.3f}"]
    assert [r[:2] for r in table.rows[1:]] == [["blue", "6"], ["red", "6"]]
    sentences = [x for b in blocks if isinstance(b, Bullets) for x in b.items]
    outcome = next(x for x in sentences if x.startswith("Deletion/insertion curves on 12 of 20 images"))
    assert f"(deletion AUC {o['deletion_auc']:.3f} against {o['deletion_auc_random']:.3f})" in outcome
    assert ("falls faster" in outcome) == (round(o["deletion_auc"], 3) < round(o["deletion_auc_random"], 3))
    assert ("gradcam", outcome) in lab.facts
    assert any("deletion_insertion" in p.name for b in blocks if isinstance(b, Gallery) for p in b.pictures)
    assert "| all | 12 |" in md_block(table)
    # An explain folder written before the curves existed: same section, without them.
    old = tmp_path / "old" / "gradcam"
    old.mkdir(parents=True)
    for f in (run / "explain" / "gradcam").glob("gallery_*.png"):
        (old / f.name).write_bytes(f.read_bytes())
    for k in ("deletion_insertion",):
        s.pop(k)
    for group in [s["overall"], *s["per_class"].values()]:
        for k in CURVE_KEYS:
            group.pop(k)
    (old / "cam_metrics.json").write_text(json.dumps(s))
    old_blocks = gradcam_section(_lab(tmp_path, tmp_path / "old"))
    assert not any(isinstance(b, Table) and b.header == CURVE_COLUMNS for b in old_blocks)
    assert any(isinstance(b, Table) for b in old_blocks)
