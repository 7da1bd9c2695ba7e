"""Defaults for real data: partial mode (top blocks on cached activations), recipes, the time budget, shared segmentation defaults."""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import make_blob_dataset
from PIL import Image
from safetensors.torch import load_file

from visionlab.data.folders import ImageList
from visionlab.errors import ParamError
from visionlab.evaluate.classify import evaluate_run
from visionlab.models import get_classifier
from visionlab.models.classifier import Classifier
from visionlab.models.registry import list_classifiers
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig
from visionlab.train.fit import FitPlan, TimeBudget, fit
from visionlab.train.optim import make_optimizer, make_scheduler, reschedule
from visionlab.train.partial import shift_maps
from visionlab.train.recipes import RECIPES, apply_recipe, choose_recipe, median_short_side


def tiny_cfg(data: Path, out: Path, **kw) -> ClassifyConfig:
    base = dict(backbone="tiny_cnn", weights="none", img_size=32, epochs=4, lr=3e-2, batch_size=8, quiet=True, amp="off", scheduler="none",
                mode="partial", unfreeze_top=1)
    base.update(kw)
    return ClassifyConfig(data=str(data), out=str(out), **base)


@pytest.mark.parametrize("name", list_classifiers())
def test_split_reproduces_the_backbone(name: str) -> None:
    model = get_classifier(name, num_classes=3, weights=None).eval()
    x = torch.randn(2, 3, 64, 64)
    trunk, top = model.split(1)
    with torch.no_grad():
        torch.testing.assert_close(top(trunk(x)), model.forward_features(x))
    top_ids = {id(p) for p in top.parameters()}
    assert top_ids and not top_ids & {id(p) for p in trunk.parameters()}  # a real cut, sharing the model's parameters
    assert top_ids <= {id(p) for p in model.backbone.parameters()}


def test_split_refuses_what_it_cannot_cut() -> None:
    model = get_classifier("tiny_cnn", num_classes=2, weights=None)
    with pytest.raises(ParamError, match="between 1 and 1"):
        model.split(2)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())
    unpooled = Classifier("plain", net, 4, 2, [net[0]], "backbone.0")
    with pytest.raises(ParamError, match="use mode finetune"):
        unpooled.split(1)


def test_shift_maps_moves_the_content_by_whole_cells() -> None:
    maps = torch.arange(2 * 3 * 6 * 6, dtype=torch.float32).view(2, 3, 6, 6)
    seen = set()
    for seed in range(20):
        out = shift_maps(maps, 1, torch.Generator().manual_seed(seed))
        assert out.shape == maps.shape
        # the inner 4x4 of any shift is the input's 4x4 window offset by (dy, dx) in {-1, 0, 1}
        match = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                 if torch.equal(out[:, :, 1:5, 1:5], maps[:, :, 1 + dy : 5 + dy, 1 + dx : 5 + dx])]
        assert len(match) == 1
        seen.add(match[0])
    assert len(seen) > 3  # the offsets vary
    assert torch.equal(shift_maps(maps, 0, torch.Generator()), maps)
    small = maps[:, :, :2, :2]
    assert torch.equal(shift_maps(small, 1, torch.Generator()), small)


def test_partial_trains_only_the_top_and_learns(tmp_path: Path) -> None:
    data = make_blob_dataset(tmp_path / "d", n_per_class=24, seed=2)
    torch.manual_seed(0)
    start = get_classifier("tiny_cnn", num_classes=3, weights=None).state_dict()
    run = train_classifier(tiny_cfg(data, tmp_path / "run", seed=0, tta_flip=True))
    best = load_file(str(run / "best.safetensors"))
    # the stem (the frozen trunk) is where it started, BatchNorm statistics included; the top stage moved
    for k, v in start.items():
        if k.startswith("backbone.stem"):
            torch.testing.assert_close(best[k], v, msg=k)
    assert any(not torch.equal(best[k], v) for k, v in start.items() if k.startswith("backbone.stage"))
    assert not torch.equal(best["backbone.stage.1.running_mean"], start["backbone.stage.1.running_mean"])  # its BatchNorm trains
    m = json.loads((run / "metrics.json").read_text())
    assert m["accuracy"] >= 0.9
    assert json.loads((run / "config.json").read_text())["config"]["mode"] == "partial"
    assert (run / "ood.json").is_file()
    # `visionlab eval` runs the whole model on the images, flip-averaged like the run: the same verdicts as the cache's
    again = evaluate_run(run, split="val")
    assert again["accuracy"] == m["accuracy"] and again["roc_auc"] == pytest.approx(m["roc_auc"], abs=0.02)
    # `visionlab predict` averages the same two views
    from visionlab.data.images import load_rgb
    from visionlab.data.transforms import eval_transform
    from visionlab.models.checkpoint import load_classifier
    from visionlab.predict import predict_paths

    images = sorted((data / "red").iterdir())[:3]
    rows = predict_paths(run, images)
    model, meta = load_classifier(run / "best.safetensors")
    x = torch.stack([eval_transform(meta["preprocess"])(load_rgb(p)) for p in images])
    with torch.no_grad():
        one = model.eval()(x).softmax(1)
        both = (one + model(x.flip(-1)).softmax(1)) / 2
    got = torch.tensor([row["confidence"] for row in rows])
    # predict runs in bf16 where the CPU has it: agreement to 2e-3, and closer to the average than to one view
    assert (got - both.max(1).values).abs().max() < 2e-3 and all(row["ood"] is not None for row in rows)
    assert (got - both.max(1).values).abs().sum() < (got - one.max(1).values).abs().sum()


def test_partial_flip_averaging_is_symmetric(tmp_path: Path) -> None:
    """With tta_flip an image and its mirror image get the same probabilities: they share their two views."""
    data = make_blob_dataset(tmp_path / "d", n_per_class=12, seed=3, size=32)
    for f in list((data / "red").iterdir())[:4]:
        Image.open(f).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(data / "red" / f"mirror_{f.name}")
    from visionlab.train.classify import _start
    from visionlab.train.partial import PartialTrainer

    # img_size 28: the eval resize is to 32 (the identity here) and the centre crop takes 2 px off each side, symmetrically
    s = _start(tiny_cfg(data, tmp_path / "run", tta_flip=True, val_fraction=0.5, img_size=28), resume=False)
    assert (s.preprocess.resize_size, s.preprocess.crop_size) == (32, 28)
    trainer = PartialTrainer(s)
    val = s.splits["val"]
    probs, _ = trainer.probabilities("val")
    names = {p: i for i, p in enumerate(val.paths)}
    pairs = [(names[p], names[p.replace("mirror_", "")]) for p in val.paths if "mirror_" in p and p.replace("mirror_", "") in names]
    plain = trainer._run_top(trainer.eval_maps["val"], np.arange(len(val)), head=True).softmax(1).numpy()
    assert pairs  # the seeded split puts at least one image and its mirror in val
    averaged_gap = max(np.abs(probs[a] - probs[b]).max() for a, b in pairs)
    plain_gap = max(np.abs(plain[a] - plain[b]).max() for a, b in pairs)
    assert averaged_gap < 1e-5 and plain_gap > 1e-3
    trainer.close()


def _images(root: Path, side: int, n: int = 6) -> ImageList:
    (root / "a").mkdir(parents=True)
    for i in range(n):
        Image.new("RGB", (side + i % 2, side * 2)).save(root / "a" / f"{i}.png")
    return ImageList(root, ["a"], [f"a/{i}.png" for i in range(n)], [0] * n)


def test_auto_recipe_follows_the_image_size_and_backbone(tmp_path: Path) -> None:
    small, large = _images(tmp_path / "s", 32), _images(tmp_path / "l", 96)
    assert median_short_side(small) == 32
    cfg = ClassifyConfig(data="d", out="o", backbone="efficientnet_lite0")
    assert choose_recipe(cfg, small) == "small-images"
    assert choose_recipe(cfg, large) == "standard"
    assert choose_recipe(replace(cfg, backbone="resnet18"), small) == "standard"  # not measured there
    assert choose_recipe(replace(cfg, recipe="standard"), small) == "standard"


def test_a_recipe_changes_only_options_left_at_their_defaults() -> None:
    cfg = ClassifyConfig(data="d", out="o", backbone="efficientnet_lite0", epochs=3, lr=0.01)
    out, changed = apply_recipe(cfg, "small-images")
    assert out.epochs == 3 and out.lr == 0.01 and "epochs" not in changed and "lr" not in changed
    assert out.mode == "partial" and out.img_size == RECIPES["small-images"]["img_size"] and out.recipe == "small-images"
    assert apply_recipe(cfg, "standard") == (replace(cfg, recipe="standard"), {})


def test_train_classify_reports_the_recipe(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = make_blob_dataset(tmp_path / "d", n_per_class=8, seed=4)
    run = train_classifier(tiny_cfg(data, tmp_path / "run", recipe="small-images", epochs=1, unfreeze_top=1, quiet=False, img_size=None))
    out = capsys.readouterr().out
    assert "recipe small-images: mode" not in out  # mode, epochs, unfreeze_top were set: only the rest is reported
    assert "recipe small-images: img_size 160" in out and "time budget 25.0 min" in out
    saved = json.loads((run / "config.json").read_text())["config"]
    assert saved["recipe"] == "small-images" and saved["img_size"] == 160 and saved["optimizer"] == "adamw" and saved["epochs"] == 1


class _FakeTrainer:
    """Epochs that claim ``seconds`` each without taking them; records the schedule's replans."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.replans, self.ran = seconds, [], []

    def run_epoch(self, epoch: int) -> dict:
        self.ran.append(epoch)
        return {"train_loss": 1.0, "val_loss": 1.0, "val_acc": 0.5 + epoch / 100, "lr": 0.1, "seconds": self.seconds}

    def state_dict(self) -> dict:
        return {}

    def load_state(self, state: dict) -> None:
        pass

    def replan(self, epochs: int, done: int) -> None:
        self.replans.append((epochs, done))


def _plan(run: Path, budget: TimeBudget | None, epochs: int = 10) -> FitPlan:
    run.mkdir(exist_ok=True)
    return FitPlan(run=run, epochs=epochs, patience=0, score="val_acc", save_model=lambda p, e: p.write_text(str(e["epoch"])),
                   load_model=lambda p: None, describe=lambda r: "", quiet=True, epoch_of=lambda p: int(p.read_text()), budget=budget)


def test_time_budget_plans_the_epochs_that_fit(tmp_path: Path) -> None:
    trainer = _FakeTrainer(seconds=10.0)
    # 44 s less 2% and 5 s after the fit leave 38 s once the first (fake, instant) 10 s epoch is done: three more
    budget = TimeBudget(44.0, time.perf_counter(), after_fit=lambda s: s / 2)
    history = fit(trainer, _plan(tmp_path / "a", budget))
    assert len(history) == 4 and trainer.replans == [(4, 1)]
    state = torch.load(tmp_path / "a" / "train_state.pt", weights_only=False)
    assert state["planned_epochs"] == 4
    # resumed, the plan stands (the budget's clock restarted, it plans no more)
    again = _FakeTrainer(seconds=1.0)
    assert len(fit(again, _plan(tmp_path / "a", TimeBudget(3600.0, time.perf_counter())))) == 4 and again.ran == []
    # a budget larger than the epochs need keeps them all and leaves the schedule alone
    roomy = _FakeTrainer(seconds=1.0)
    assert len(fit(roomy, _plan(tmp_path / "b", TimeBudget(3600.0, time.perf_counter())))) == 10 and roomy.replans == []
    # no budget: no plan
    plain = _FakeTrainer(seconds=1e6)
    assert len(fit(plain, _plan(tmp_path / "c", None, epochs=3))) == 3
    assert len(fit(plain, _plan(tmp_path / "c", None, epochs=5))) == 5 and plain.ran == [0, 1, 2, 3, 4]  # resumed with more epochs
    # a budget already spent still runs the first epoch, then stops
    late = _FakeTrainer(seconds=10.0)
    assert len(fit(late, _plan(tmp_path / "d", TimeBudget(5.0, time.perf_counter() - 60)))) == 1 and late.replans == [(1, 1)]


def test_reschedule_continues_the_new_schedule() -> None:
    p = torch.nn.Parameter(torch.zeros(1))
    opt = make_optimizer([{"params": [p], "lr": 1.0}], 0.0, "adamw")
    sched = make_scheduler(opt, "cosine", 10, 5, 0.1)
    p.grad = torch.zeros(1)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx((1 + math.cos(math.pi / 10)) / 2)
    sched = reschedule(opt, "cosine", 4, 1, 5, 0.1)
    assert opt.param_groups[0]["lr"] == pytest.approx((1 + math.cos(math.pi / 4)) / 2)
    for _ in range(3):
        opt.step()
        sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-9)  # the shorter schedule ends at zero
    assert isinstance(opt, torch.optim.AdamW)


def test_bad_new_options_are_refused() -> None:
    with pytest.raises(ParamError, match="time_budget"):
        ClassifyConfig(data="d", out="o", time_budget=0).validate()
    with pytest.raises(ParamError, match="tta_flip"):
        ClassifyConfig(data="d", out="o", mode="full", tta_flip=True).validate()
    with pytest.raises(ParamError, match="label_smoothing"):
        ClassifyConfig(data="d", out="o", label_smoothing=1.0).validate()
    with pytest.raises(ParamError, match="optimizer"):
        ClassifyConfig(data="d", out="o", optimizer="sgd").validate()


def test_train_segment_plans_its_epochs_within_a_budget(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from test_segment import make_rects_dataset, tiny_config

    from visionlab.train.segment import train_segmenter

    data = make_rects_dataset(tmp_path / "rects", n=16)
    t0 = time.perf_counter()
    probe = train_segmenter(tiny_config(data, tmp_path / "probe", epochs=2))
    two_epochs = time.perf_counter() - t0
    # a budget of about four runs of two epochs: far fewer than the 500 allowed, and more than one
    run = train_segmenter(tiny_config(data, tmp_path / "run", epochs=500, time_budget=4 * two_epochs / 60, quiet=False))
    out = capsys.readouterr().out
    planned = torch.load(run / "train_state.pt", weights_only=False)["planned_epochs"]
    rows = (run / "history.csv").read_text().strip().splitlines()[1:]
    assert 1 < planned < 500 and len(rows) == planned
    plans = [line for line in out.splitlines() if line.startswith("time budget")]
    assert plans and f"running {planned} of at most 500 epochs" in plans[-1]  # the last plan said is the one that ran
    assert (run / "eval" / "test" / "metrics.json").is_file() and (probe / "eval" / "test" / "metrics.json").is_file()


def test_the_lab_trains_its_segmenter_with_train_segments_defaults() -> None:
    from visionlab.lab.config import LabConfig, SegmentSection
    from visionlab.lab.stages import segment_config
    from visionlab.train.config import SegmentConfig

    defaults = SegmentConfig(data="d", out="o")
    section = SegmentSection()
    assert (section.loss, section.class_weights, section.lr, section.batch_size) == (defaults.loss, defaults.class_weights, defaults.lr,
                                                                                    defaults.batch_size)
    lab = segment_config(LabConfig(), Path("d"), Path("o"))
    for name in ("loss", "class_weights", "lr", "optimizer", "weight_decay", "scheduler", "augment", "dice_weight", "batch_size", "tta_flip"):
        assert getattr(lab, name) == getattr(defaults, name), name
    assert segment_config(LabConfig(segment=SegmentSection(batch_size=2)), Path("d"), Path("o")).batch_size == 2
    assert segment_config(LabConfig(segment=SegmentSection(tta_flip=True)), Path("d"), Path("o")).tta_flip is True
    cropless = segment_config(LabConfig(segment=SegmentSection(scale_min=1.0)), Path("d"), Path("o")).augment
    assert (cropless.scale_min, cropless.hflip, cropless.color_jitter) == (1.0, defaults.augment.hflip, defaults.augment.color_jitter)
    windows = segment_config(LabConfig(segment=SegmentSection(img_size=(160, 160), train_crop=128)), Path("d"), Path("o"))
    assert (windows.img_size, windows.augment.crop) == ((160, 160), 128)


def test_the_budget_clock_starts_with_the_command() -> None:
    from visionlab.utils.clock import mark_command_start, take_start

    mark_command_start()
    marked = take_start()
    time.sleep(0.01)
    assert time.perf_counter() - marked >= 0.01
    assert take_start() > marked  # taken once: the next run counts from its own start


def test_the_report_describes_a_partial_run(tmp_path: Path) -> None:
    """The report's model table counts what partial mode trains (top stages + head), and says the augmentation was not applied."""
    from visionlab.report.i18n import Translator
    from visionlab.report.sections.classify import augmentation_text, classifier_parameters, training_settings
    from visionlab.report.sections.dataset import frozen_notes

    data = make_blob_dataset(tmp_path / "data", n_per_class=8)
    run = train_classifier(tiny_cfg(data, tmp_path / "run", epochs=1))
    c = json.loads((run / "config.json").read_text())["config"]
    model = get_classifier("tiny_cnn", num_classes=3, weights=None)
    _, top = model.split(1)
    expected = sum(p.numel() for p in top.parameters()) + sum(p.numel() for p in model.head_parameters())
    counts = classifier_parameters(run / "best.safetensors", "partial", 1)
    assert counts["trainable"] == expected < counts["total"]  # was every parameter: partial fell through to "full"
    assert counts == classifier_parameters(run / "best.safetensors", "finetune", 1)  # the same blocks train as in finetune

    t = Translator("en")
    rows = dict(map(tuple, training_settings(t, c, {})))
    assert rows["top stages"].startswith("the top 1 stages") and rows["feature views"] == "1"
    assert augmentation_text(t, c).startswith("not applied: the frozen stages' activations")
    assert augmentation_text(t, {**c, "feature_views": 3}).startswith("applied through 2 cached augmented views")
    assert augmentation_text(t, {**c, "mode": "full"}).startswith("applied to every training image")
    (note,) = frozen_notes(t, c)
    assert "mode partial, feature_views 1" in note.text and "not applied" in note.text
    (note,) = frozen_notes(t, {**c, "feature_views": 3})
    assert "mode partial, feature_views 3" in note.text and "2 augmented view(s)" in note.text
    assert frozen_notes(t, {**c, "mode": "finetune"}) == [] and not t.missing
