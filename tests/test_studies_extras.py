"""The input-gradient studies: class visualisation and adversarial examples, on a tiny CNN trained on a tiny game world."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
import torch

from visionlab.data.folders import load_split
from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.models.checkpoint import load_classifier
from visionlab.report.locale.uk_studies_extras import CATALOGUE
from visionlab.runs import RunFolder
from visionlab.studies import STUDY_FILE, run_study
from visionlab.studies.adversarial import fgsm, pgd
from visionlab.studies.class_visualisation import AscentSettings, ascend_class, start_image
from visionlab.studies.inputs import load_pixels, pixel_classifier, spread_over_classes
from visionlab.studies.options import StudyOptions
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path]:
    """A tiny game world and a tiny CNN trained on it: ``(data, run)``.

    The manual's variant 3 (day / night scenes): a two-layer CNN learns it in a few epochs at 32 px
    (validation accuracy 0.875 when this was written), so the attacks have correct answers to spoil.
    """
    root = tmp_path_factory.mktemp("studies_extras")
    write_dataset(root / "world", 48, seed=3, spec=SceneSpec(width=64, height=64, variant=3))
    run = train_classifier(ClassifyConfig(data=str(root / "world" / "classify"), out=str(root / "run"), backbone="tiny_cnn", weights="none",
                                          mode="full", epochs=6, lr=1e-2, scheduler="cosine", img_size=32, quiet=True, amp="off"))
    return root / "world" / "classify", Path(run)


def _model(run: Path):
    return load_classifier(RunFolder(run).checkpoint())


def _val_pixels(run: Path, pre) -> tuple[torch.Tensor, torch.Tensor]:
    val = load_split(RunFolder(run).split_path)["val"]
    return load_pixels(val, list(range(len(val))), pre)


def test_class_visualisation_raises_every_class_and_leaves_the_model_as_found(world) -> None:
    _, run = world
    model, meta = _model(run)
    model.train()
    model.head[-1].weight.requires_grad_(False)  # a mix of flags to restore
    flags = [p.requires_grad for p in model.parameters()]
    pre = meta["preprocess"]
    # The defaults are tuned on ImageNet backbones at 224 px; the tiny CNN's logit gradients are weaker, so a lighter penalty.
    settings = AscentSettings(steps=60, tv_weight=10.0, jitter=2)
    with pixel_classifier(model, pre) as forward:
        for k in range(len(meta["classes"])):
            start = start_image(pre.crop_size, pre.mean, settings.noise, seed=k)
            kept = start.clone()
            r = ascend_class(forward, k, start, settings, seed=k)
            # The class's odds against the others rise at least e^2 (7.4) times, and its probability rises.
            assert r.margin_end >= r.margin_start + 2.0, (k, r.margin_start, r.margin_end)
            assert r.prob_end > r.prob_start and r.logit_end > r.logit_start
            assert torch.equal(start, kept)
            assert r.image.shape == (3, pre.crop_size, pre.crop_size) and 0 <= r.image.min() and r.image.max() <= 1
    assert model.training and [p.requires_grad for p in model.parameters()] == flags
    assert all(p.is_contiguous() for p in model.parameters())  # channels_last inside the block only
    assert all(p.grad is None for p in model.parameters())  # the image got gradients, the weights none


def test_class_visualisation_is_seeded(world) -> None:
    _, run = world
    model, meta = _model(run)
    pre = meta["preprocess"]
    settings = AscentSettings(steps=10)
    with pixel_classifier(model, pre) as forward:
        images = [ascend_class(forward, 1, start_image(pre.crop_size, pre.mean, settings.noise, seed), settings, seed).image
                  for seed in (5, 5, 6)]
    assert torch.equal(images[0], images[1])
    assert not torch.equal(images[0], images[2])


def test_fgsm_at_epsilon_zero_changes_nothing(world) -> None:
    _, run = world
    model, meta = _model(run)
    x, y = _val_pixels(run, meta["preprocess"])
    with pixel_classifier(model, meta["preprocess"]) as forward:
        adv = fgsm(forward, x, y, 0.0)
        assert torch.equal(adv, x)
        with torch.no_grad():
            assert torch.equal(forward(adv).argmax(1), forward(x).argmax(1))


def test_attacks_stay_in_the_ball_and_lower_accuracy(world) -> None:
    _, run = world
    model, meta = _model(run)
    x, y = _val_pixels(run, meta["preprocess"])
    kept = x.clone()
    fgsm_acc, pgd_acc = {}, {}
    with pixel_classifier(model, meta["preprocess"]) as forward:
        with torch.no_grad():
            clean = float((forward(x).argmax(1) == y).float().mean())
        for e in (2, 8, 32):
            eps = e / 255
            g = torch.Generator().manual_seed(e)
            for name, adv, accs in (("fgsm", fgsm(forward, x, y, eps), fgsm_acc), ("pgd", pgd(forward, x, y, eps, 5, 2.5 * eps / 5, g), pgd_acc)):
                assert float((adv - x).abs().max()) <= eps + 1e-6, (name, e)
                assert float(adv.min()) >= 0 and float(adv.max()) <= 1
                with torch.no_grad():
                    accs[e] = float((forward(adv).argmax(1) == y).float().mean())
    assert torch.equal(x, kept)
    assert clean >= 0.7, "the tiny model must classify most images for the attacks to have something to spoil"
    assert fgsm_acc[32] < clean and pgd_acc[32] < clean
    assert sum(pgd_acc.values()) <= sum(fgsm_acc.values())


def test_images_are_spread_over_the_classes() -> None:
    labels = [0] * 10 + [1] * 3 + [2] * 10
    picked = spread_over_classes(labels, 11, seed=0)  # in turn: 0 1 2, 0 1 2, 0 1 2, then class 1 has run out: 0 2
    got = [labels[i] for i in picked]
    assert picked == sorted(set(picked)) and [got.count(k) for k in range(3)] == [4, 3, 4]
    assert spread_over_classes(labels, 11, seed=0) == picked and spread_over_classes(labels, 11, seed=1) != picked
    assert len(spread_over_classes(labels, 99, seed=0)) == 23


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _check_record(record: dict, folder: Path) -> None:
    on_disk = json.loads((folder / STUDY_FILE).read_text())
    assert on_disk["outcome"]["text"] == record["outcome"]["text"]
    assert record["plots"] and all((folder / p).is_file() and (folder / p).stat().st_size > 1000 for p in record["plots"])
    texts = [*record["table"]["header"], record["outcome"]["template"], record["setup"]["template"]]
    for t in texts:
        assert t in CATALOGUE, f"no Ukrainian for {t!r}"
        assert _fields(CATALOGUE[t]) == _fields(t)


def test_both_studies_run_end_to_end(world, tmp_path: Path) -> None:
    data, run = world
    cv = run_study("class-visualisation", data, tmp_path / "cv", StudyOptions(run=str(run), steps=15, quiet=True))
    _check_record(cv, tmp_path / "cv")
    assert [r[0] for r in cv["table"]["rows"]] == ["day_scene", "night_scene"]
    assert all((tmp_path / "cv" / c["image"]).is_file() for c in cv["results"]["classes"])

    adv = run_study("adversarial", data, tmp_path / "adv", StudyOptions(run=str(run), images=8, epsilons=(32.0, 0.0, 2.0), quiet=True))
    _check_record(adv, tmp_path / "adv")
    rows, clean = adv["table"]["rows"], adv["results"]["clean_accuracy"]
    assert [r[0] for r in rows] == [0.0, 2.0, 32.0]
    assert rows[0][1] == clean and rows[0][2] == clean  # epsilon 0: both attacks leave the images as they are
    assert rows[2][2] < clean
    assert len(adv["results"]["images"]) == 8 and sorted(adv["results"]["per_class"].values()) == [4, 4]
