"""The lab on the user's own photos: what each stage needs, what is skipped and why, and the manual's recipe end to end."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import make_photo_dataset, save_random_torchvision_weights

from visionlab.cli import main
from visionlab.data.masks import VOC_CLASSES
from visionlab.data.variants import get_variant
from visionlab.errors import ConfigError, WeightsUnavailableError
from visionlab.lab import LabConfig, run_lab
from visionlab.lab.plan import GAME_WORLD_TRAINED, MASKS_TRAINED, PRETRAINED, plan_lab

DEEPLAB = "deeplabv3_resnet50_coco-cd0a2569.pth"
RESNET18 = "resnet18-f37072fd.pth"


@pytest.fixture
def torch_home(tmp_path, monkeypatch) -> Path:
    """An empty torch hub cache: no torchvision file is at hand (as offline on a fresh machine)."""
    home = tmp_path / "torch"
    monkeypatch.setenv("TORCH_HOME", str(home))
    return home


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> Path:
    return make_photo_dataset(tmp_path_factory.mktemp("photos") / "photos", n_per_class=8)


def photo_config(photos: Path, **changes) -> LabConfig:
    return LabConfig.from_dict({"variant": "cats-vs-scenes", "data": {"source": "folder", "path": str(photos)}, "quiet": True, **changes})


def test_on_photos_offline_the_segment_stages_are_skipped_with_the_file_to_get(torch_home, photos):
    plan = plan_lab(photo_config(photos))
    assert plan.stages == ("classify", "explain")  # EfficientNet-Lite0's weights ship in a package
    assert set(plan.skipped) == {"segment", "experiment", "compare", "pipeline", "walkmap", "distill"}
    seg = plan.skipped["segment"]
    assert DEEPLAB in seg.reason and str(torch_home / "hub" / "checkpoints") in seg.reason and "--download" in seg.fix
    assert "https://download.pytorch.org/models/" + DEEPLAB in seg.fix
    assert plan.skipped["compare"].reason == "needs the segment stage, which is skipped"
    assert "game-world" in plan.skipped["walkmap"].reason and "game_world" in plan.skipped["walkmap"].fix


def test_on_photos_the_segmenter_is_one_made_for_photos_never_a_game_world_one(torch_home, photos):
    save_random_torchvision_weights(torch_home, "deeplabv3_resnet50")
    plan = plan_lab(photo_config(photos))
    assert (plan.segmenter, plan.pretrained) == (PRETRAINED, "deeplabv3_resnet50")
    assert plan.stages == ("classify", "explain", "segment", "compare", "pipeline", "distill")
    assert "masks" in plan.skipped["experiment"].reason and "segment.data" in plan.skipped["experiment"].fix
    assert "walkmap" in plan.skipped
    game_concept = plan_lab(photo_config(photos, compare={"concept_classes": ["character"]}))
    assert "compare" not in game_concept.stages and "not classes of the segmenter" in game_concept.skipped["compare"].reason
    masks = plan_lab(photo_config(photos, segment={"data": str(photos)}))
    assert masks.segmenter == MASKS_TRAINED and "experiment" in masks.stages  # a mask dataset of the user's: trained on it
    game = plan_lab(LabConfig.from_yaml("game_world"))
    assert game.segmenter == GAME_WORLD_TRAINED and not game.skipped


@pytest.mark.parametrize("stages, error, named", [
    (["classify", "segment", "walkmap"], ConfigError, "walkmap cannot run"),
    (["classify", "segment", "experiment"], ConfigError, "experiment cannot run"),
    (["classify", "segment"], WeightsUnavailableError, DEEPLAB),
])
def test_a_listed_stage_that_cannot_run_is_an_error_before_anything(torch_home, photos, tmp_path, stages, error, named):
    if error is ConfigError:
        save_random_torchvision_weights(torch_home, "deeplabv3_resnet50")
    with pytest.raises(error, match=named) as err:
        run_lab(photo_config(photos, stages=stages), tmp_path / "lab")
    assert "nothing was run" in str(err.value).lower()
    assert not (tmp_path / "lab").exists()  # nothing trained, nothing written


def test_a_folder_lab_offline_runs_what_it_can_and_the_report_says_why_not_the_rest(torch_home, photos, tmp_path, capsys):
    config = tmp_path / "mine.yaml"
    config.write_text(yaml.safe_dump({"variant": "cats-vs-scenes", "classify": {"backbone": "tiny_cnn", "weights": "none", "mode": "full",
                                                                               "epochs": 1, "img_size": 64}}))
    assert main(["lab", str(config), "--data", str(photos), "--out", str(tmp_path / "lab")]) == 0
    out = capsys.readouterr().out
    assert f"skipping segment: needs {DEEPLAB}" in out
    assert "colour shortcut check: a logistic regression on colour histograms scores" in out  # your own photos get the check too
    manifest = json.loads((tmp_path / "lab" / "lab.json").read_text())
    assert set(manifest["stages"]) == {"data", "classify", "explain"}
    report = (tmp_path / "lab" / "report.md").read_text()
    for stage in ("segment", "compare", "pipeline", "walkmap", "distill", "experiment"):
        assert f"| {stage} |" in report, f"the skipped {stage} stage is listed with its reason"
    assert report.count("Skipped: ") >= 5  # the sections of skipped stages say why, not "not in stages:"
    assert "your images in" in report and "no masks: measures that need none" in report
    assert "Colour shortcut check:" in report and "(shortcut.json)" in report
    assert "character" not in report.lower().replace("characters", "")  # no game-world class anywhere


def test_the_manual_recipe_says_which_files_are_missing_before_training(torch_home, photos, tmp_path, capsys):
    assert main(["lab", "manual", "--variant", "18", "--data", str(photos), "--out", str(tmp_path / "lab")]) != 0
    err = capsys.readouterr().err
    assert RESNET18 in err and DEEPLAB in err and "--download" in err
    assert not (tmp_path / "lab").exists()


def test_the_manual_recipe_end_to_end_on_photos(torch_home, photos, tmp_path, monkeypatch):
    """The manual's models with random weights under torchvision's own file names: the real loading code runs.

    DeepLabV3 sees 128 px instead of its published 520 here: at 520 its forward takes seconds per photo on
    2 cores, and the test is about what runs on which images, not about DeepLabV3's accuracy.
    """
    from visionlab.models import segmenters

    save_random_torchvision_weights(torch_home, "resnet18", "deeplabv3_resnet50", "mobilenet_v3_large")
    spec = segmenters.PRETRAINED["deeplabv3_resnet50"]
    assert spec.weights.preprocess.resize_size == 520  # the manual's size, as torchvision publishes it
    small = replace(spec.weights.preprocess, resize_size=128, crop_size=128)
    monkeypatch.setitem(segmenters.PRETRAINED, "deeplabv3_resnet50", replace(spec, weights=replace(spec.weights, preprocess=small)))
    cfg = LabConfig.from_yaml("manual", variant=18, data=photos)
    c, d = cfg.classify, cfg.distill
    assert (c.backbone, c.mode, c.epochs, c.lr, c.scheduler, c.step_size, c.gamma, c.batch_size, c.dropout) == (
        "resnet18", "frozen", 10, 1e-3, "step", 5, 0.1, 32, 0.3)
    assert (cfg.explain.layer, cfg.segment.photo_model, cfg.pipeline.min_area, d.student, d.lr) == (
        "layer4[-1].conv2", "deeplabv3_resnet50", 500, "lraspp_mobilenet_v3_large", 1e-4)
    cfg = replace(cfg, quiet=True, classify=replace(c, epochs=2, feature_views=2), distill=replace(d, epochs=1, timing_rounds=1))  # shorter, same recipe
    lab = run_lab(cfg, tmp_path / "lab")

    manifest = json.loads((lab / "lab.json").read_text())
    assert list(manifest["stages"]) == ["data", "classify", "explain", "segment", "compare", "pipeline", "distill"]
    assert manifest["plan"]["pretrained"] == "deeplabv3_resnet50"
    cam = json.loads(next((lab / "classify" / "explain").glob("*/cam_metrics.json")).read_text())
    assert cam["layer"] == "layer4[-1].conv2" and cam["target_layer"] == "backbone.layer4.1.conv2"  # the manual's spelling, resolved
    compare = json.loads((lab / "compare" / "summary.json").read_text())
    assert tuple(compare["concept_classes"]) == get_variant(18).voc_concept  # the variant's VOC classes, never a game-world one
    assert "VOC classes of variant 18" in manifest["stages"]["compare"]["concept_source"]
    pipeline = json.loads((lab / "pipeline" / "summary.json").read_text())
    assert pipeline["n_images"] == len(json.loads((lab / "classify" / "split.json").read_text())["splits"]["val"])
    assert pipeline["scores"] == {} or not pipeline["scores"].get("scored_images")  # no ground truth: no score
    assert pipeline["options"]["min_area"] == 500 and set(pipeline["classes"]) == set(VOC_CLASSES) - {"background"}
    distill_cfg = json.loads((lab / "distill" / "config.json").read_text())["distill"]
    assert (distill_cfg["teacher"], distill_cfg["student"], distill_cfg["lr"]) == ("deeplabv3_resnet50", "lraspp_mobilenet_v3_large", 1e-4)
    assert len(list((lab / "distill" / "pseudo" / "masks").iterdir())) == len(list(photos.rglob("*.png")))  # the student's own photos
    assert {r["role"] for r in json.loads((lab / "distill" / "distill" / "comparison.json").read_text())["rows"]} == {"teacher", "student"}
    report = (lab / "report.md").read_text()
    assert "applied through 1 cached augmented views" in report and "not trained on these images" in report
    assert "Not scored: these images come with no ground truth" in report and "label accuracy" not in report


def test_only_the_listed_stages_files_are_required(torch_home):
    cfg = LabConfig.from_dict({"stages": ["segment"], "classify": {"backbone": "resnet18"}, "quiet": True})
    assert plan_lab(cfg).stages == ("segment",)  # the classifier's missing file does not matter: no classifier is trained
    with pytest.raises(WeightsUnavailableError, match=RESNET18):
        plan_lab(replace(cfg, stages=("classify", "segment")))


def test_the_lab_passes_unfreeze_top_to_partial_mode(photos, tmp_path):
    """tiny_cnn has two blocks: partial mode can train only its last one, which the default (2) refuses and unfreeze_top: 1 runs."""
    from visionlab.errors import ParamError

    classify = {"backbone": "tiny_cnn", "weights": "none", "mode": "partial", "epochs": 1, "img_size": 32}
    with pytest.raises(ParamError, match="unfreeze_top must be between 1 and 1"):
        run_lab(photo_config(photos, classify=classify, stages=["classify"]), tmp_path / "default")
    run_lab(photo_config(photos, classify={**classify, "unfreeze_top": 1}, stages=["classify"]), tmp_path / "lab")
    config = json.loads((tmp_path / "lab" / "classify" / "config.json").read_text())["config"]
    assert (config["mode"], config["unfreeze_top"]) == ("partial", 1)
