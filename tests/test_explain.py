"""CAMs: shape and range, agreement with pytorch-grad-cam, model left as found, measures that can fail."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from visionlab.compare import compare_maps
from visionlab.data.transforms import AugmentConfig
from visionlab.errors import UnknownNameError
from visionlab.explain import METHODS, Explainer
from visionlab.explain.measures import mask_measures, perturbation_confidences
from visionlab.explain.stage import ExplainOptions, explain_images
from visionlab.models import get_classifier, list_classifiers
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig


@pytest.mark.parametrize("name", list_classifiers())
def test_every_backbone_yields_a_cam(name: str) -> None:
    torch.manual_seed(0)
    model = get_classifier(name, num_classes=3, weights=None)
    with Explainer(model) as ex:
        cams, probs = ex(torch.randn(2, 3, 64, 64))
    assert cams.shape == (2, 64, 64) and probs.shape == (2, 3)
    assert np.isfinite(cams).all() and cams.min() >= 0 and cams.max() <= 1 + 1e-6


@pytest.mark.parametrize(("name", "method"), [(n, "gradcam") for n in ("tiny_cnn", "efficientnet_lite0", "resnet18")]
                         + [(n, m) for m in METHODS if m != "gradcam" for n in ("tiny_cnn", "resnet18") if (n, m) != ("resnet18", "scorecam")])  # a minute
def test_batched_maps_agree_with_pytorch_grad_cam_one_by_one(name: str, method: str) -> None:
    torch.manual_seed(1)
    model = get_classifier(name, num_classes=4, weights=None).eval()
    x = torch.randn(3, 3, 96, 96)
    targets = [0, 2, 3]
    with Explainer(model, method) as ex:
        ours, _ = ex(x, targets)
    layer = dict(model.named_modules())[model.cam_layer]
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    with METHODS[method](model=model, target_layers=[layer]) as ref_cam:
        ref = np.concatenate([ref_cam(input_tensor=x[i : i + 1], targets=[ClassifierOutputTarget(t)]) for i, t in enumerate(targets)])
    assert np.abs(ours - ref).max() <= 1e-4


def test_model_is_left_as_found() -> None:
    model = get_classifier("tiny_cnn", num_classes=2, weights=None)
    model.freeze_backbone()
    model.train()
    flags = [p.requires_grad for p in model.parameters()]
    layer = dict(model.named_modules())[model.cam_layer]
    with Explainer(model, "gradcam++") as ex:
        ex(torch.randn(2, 3, 32, 32))
    assert model.training and [p.requires_grad for p in model.parameters()] == flags
    assert not layer._forward_hooks and not layer._backward_hooks
    assert all(p.grad is None for p in model.parameters())
    assert all(p.is_contiguous() for p in model.parameters())  # channels_last undone


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_runs(method: str) -> None:
    model = get_classifier("tiny_cnn", num_classes=2, weights=None)
    with Explainer(model, method) as ex:
        cams, _ = ex(torch.randn(2, 3, 32, 32), [1, 0])
    assert cams.shape == (2, 32, 32)


def test_bad_layer_and_method_list_the_choices() -> None:
    model = get_classifier("resnet18", num_classes=2, weights=None)
    with pytest.raises(UnknownNameError, match="^layer: .*layer4"):
        Explainer(model, layer="backbone.layer9")
    with pytest.raises(UnknownNameError, match="^method: .*gradcam"):
        Explainer(model, method="magic")


def test_mask_measures_by_hand() -> None:
    cam = np.zeros((4, 4), np.float32)
    cam[0, 0], cam[0, 1], cam[3, 3] = 1.0, 0.5, 0.5
    mask = np.zeros((4, 4), bool)
    mask[0, :2] = True
    m = mask_measures(cam, mask)
    assert m["energy_in_mask"] == pytest.approx(1.5 / 2.0)
    assert m["pointing_hit"] == 1.0 and m["area_share"] == pytest.approx(2 / 16)
    assert m["iou"] == pytest.approx(2 / 3)  # on: 3 pixels, mask: 2, overlap: 2


def test_an_all_zero_cam_misses_the_pointing_game_in_explain_and_compare() -> None:
    cam = np.zeros((4, 4), np.float32)
    mask = np.zeros((4, 4), bool)
    mask[0, 0] = True  # argmax of an all-zero map is the top-left pixel: inside this mask
    assert mask_measures(cam, mask)["pointing_hit"] == 0.0
    assert compare_maps(cam, mask)["pointing_hit"] == 0.0
    cam[0, 0] = 0.3
    assert mask_measures(cam, mask)["pointing_hit"] == 1.0 and compare_maps(cam, mask)["pointing_hit"] == 1.0


class _SeenInputs(torch.nn.Module):
    """Two logits from the share of non-zero input pixels; remembers every batch it saw."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append(x.clone())
        kept = (x != 0).float().mean((1, 2, 3))
        return torch.stack([kept, 1 - kept], 1)


@pytest.mark.parametrize("kind", ["flat", "blocky", "zero", "smooth"])
def test_keep_top_keeps_exactly_a_fifth_of_the_pixels_even_with_ties(kind: str) -> None:
    h = w = 20
    maps = {"flat": np.full((h, w), 0.5), "zero": np.zeros((h, w)),
            "blocky": np.kron(np.arange(16, dtype=float).reshape(4, 4) / 15, np.ones((5, 5))),  # 16 blocks of 25 equal pixels
            "smooth": np.add.outer(np.arange(h), np.arange(w)) / (h + w)}
    cams = np.stack([maps[kind]] * 2).astype(np.float32)
    model = _SeenInputs()
    out = perturbation_confidences(model, torch.ones(2, 3, h, w), cams, np.array([0, 0]))
    kept, removed = model.seen
    assert ((kept != 0).all(1).sum((1, 2)) == 80).all() and ((removed != 0).all(1).sum((1, 2)) == 320).all()  # 20% of 400
    assert out["keep_top"] == pytest.approx([1 / (1 + np.exp(0.6))] * 2, abs=1e-6)  # class 0 of softmax(0.2, 0.8)
    assert out["remove_top"] == pytest.approx([1 / (1 + np.exp(-0.6))] * 2, abs=1e-6)  # class 0 of softmax(0.8, 0.2)
    if kind == "blocky":  # the three brightest blocks (75 px) and 5 px of the fourth
        assert (kept[0, 0, 15:, 15:] != 0).all() and (kept[0, 0, 15:, 10:15] != 0).all() and (kept[0, 0, 15:, 5:10] != 0).all()
        assert int((kept[0, 0, 15:, :5] != 0).sum()) == 5


def _corner_task(root: Path, n: int = 24, size: int = 32) -> Path:
    """Class = colour of a square that always sits in the top-left quarter; noise elsewhere."""
    rng = np.random.default_rng(0)
    for c, colour in (("red", (230, 30, 30)), ("blue", (30, 30, 230))):
        (root / "data" / c).mkdir(parents=True)
        (root / "masks").mkdir(exist_ok=True)
        for i in range(n):
            arr = rng.integers(60, 200, (size, size, 3)).astype(np.uint8)
            arr[2:12, 2:12] = colour
            Image.fromarray(arr).save(root / "data" / c / f"{c}{i}.png")
            mask = np.zeros((size, size), np.uint8)
            mask[2:12, 2:12] = 255
            Image.fromarray(mask).save(root / "masks" / f"{c}{i}.png")
    return root


def test_cam_mass_concentrates_on_the_evidence(tmp_path: Path) -> None:
    root = _corner_task(tmp_path)
    no_aug = AugmentConfig(crop_scale_min=1.0, hflip=False, color_jitter=0.0, rotation=0.0)
    run = train_classifier(ClassifyConfig(data=str(root / "data"), out=str(tmp_path / "run"), backbone="tiny_cnn", weights="none",
                                          mode="full", img_size=32, epochs=8, lr=1e-2, quiet=True, augment=no_aug, amp="off"))
    summary = explain_images(run, [root / "data"], opts=ExplainOptions(masks=str(root / "masks")))
    overall = summary["overall"]
    # The 10x10 square grows by the eval resize (32 -> 37 px, then a 32 px centre crop).
    assert overall["area_share"] == pytest.approx((10 * 37 / 32) ** 2 / 1024, rel=0.2)
    assert overall["energy_in_mask"] >= 2.5 * overall["area_share"]
    metrics = json.loads((run / "metrics.json").read_text())
    assert "gradcam" in metrics["cam"]
    out = run / "explain" / "gradcam"
    assert (out / "gallery_red.png").is_file() and (out / "gallery_blue.png").is_file()
    heat = np.load(out / "heatmaps" / "red0.npy")
    assert heat.shape == (32, 32) and 0 <= heat.min() and heat.max() <= 1.001


def test_unknown_target_class_and_odd_image_modes(tmp_path: Path) -> None:
    root = _corner_task(tmp_path, n=4)
    run = train_classifier(ClassifyConfig(data=str(root / "data"), out=str(tmp_path / "run"), backbone="tiny_cnn", weights="none",
                                          img_size=32, epochs=1, quiet=True))
    with pytest.raises(UnknownNameError, match="^target_class: .*blue, red"):
        explain_images(run, [root / "data"], opts=ExplainOptions(target_class="green"))
    odd = tmp_path / "odd"
    odd.mkdir()
    base = Image.open(root / "data" / "red" / "red0.png")
    base.convert("L").save(odd / "gray.png")
    base.convert("RGBA").save(odd / "rgba.png")
    base.convert("P").save(odd / "palette.png")
    summary = explain_images(run, [odd], out=tmp_path / "out", opts=ExplainOptions(target_class="red"))
    assert summary["overall"]["n_images"] == 3 and summary["overall"]["energy_in_mask"] is None


def test_explain_command_line(tmp_path: Path, capsys) -> None:
    from visionlab.cli import main

    root = _corner_task(tmp_path, n=4)
    run = train_classifier(ClassifyConfig(data=str(root / "data"), out=str(tmp_path / "run"), backbone="tiny_cnn", weights="none",
                                          img_size=32, epochs=1, quiet=True))
    code = main(["explain", str(run), str(root / "data"), "--masks", str(root / "masks"), "--method", "layercam", "--out", str(tmp_path / "cams")])
    assert code == 0
    out = capsys.readouterr().out
    assert "CAM mass in object" in out and "native resolution 8x8" in out
    assert len(list((tmp_path / "cams" / "images").iterdir())) == 8
    assert main(["explain", str(run), str(root / "data"), "--layer", "nope"]) == 2
    assert "backbone.stage" in capsys.readouterr().err
