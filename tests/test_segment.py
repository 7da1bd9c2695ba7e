"""Segmentation: models, fast dilated convolutions, training, evaluation, the segment command, the experiment."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from visionlab import cli
from visionlab.data.masks import load_mask, save_mask_png
from visionlab.errors import CheckpointMismatchError, DatasetError, ParamError, UnknownNameError, WeightsUnavailableError
from visionlab.models.segmenters import SegPreprocess, build_segmenter, get_arch, list_archs, load_pretrained, upsample_bilinear
from visionlab.segment import SegmentationPredictor, load_segmenter, output_names
from visionlab.train.config import SegAugmentConfig, SegmentConfig
from visionlab.train.losses import DiceLoss, SegLoss, class_weights
from visionlab.train.segment import train_segmenter
from visionlab.utils.device import gemm_dilated_convs
from visionlab.utils.files import read_json

COLORS = [(0, 0, 0), (220, 40, 40), (40, 200, 60)]


def make_rects_dataset(root, n=24, size=48, seed=0, sizes=None):
    """Black background with one red and one green rectangle; classes are the colours (trivially learnable)."""
    rng = np.random.default_rng(seed)
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    for i in range(n):
        h, w = sizes[i % len(sizes)] if sizes else (size, size)
        ids = np.zeros((h, w), np.uint8)
        for cls in (1, 2):
            y0, x0 = rng.integers(0, h // 2), rng.integers(0, w // 2)
            ids[y0:y0 + rng.integers(h // 6, h // 2), x0:x0 + rng.integers(w // 6, w // 2)] = cls
        image = np.asarray(COLORS, np.uint8)[ids]
        noisy = np.clip(image.astype(int) + rng.integers(-20, 21, image.shape), 0, 255).astype(np.uint8)
        Image.fromarray(noisy).save(root / "images" / f"r{i:03d}.png")
        save_mask_png(ids, root / "masks" / f"r{i:03d}.png", COLORS)
    (root / "classes.json").write_text(json.dumps({"classes": ["background", "red", "green"], "colors": [list(c) for c in COLORS]}))
    return root


def tiny_config(data, out, **kw) -> SegmentConfig:
    base = dict(data=str(data), out=str(out), model="tiny_unet", pretrained=False, epochs=12, batch_size=4, lr=1e-2,
                img_size=(48, 48), quiet=True, amp="off", augment=SegAugmentConfig(scale_min=0.7, color_jitter=0.0))
    return SegmentConfig(**{**base, **kw})


@pytest.fixture(scope="module")
def rects_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("seg")
    data = make_rects_dataset(root / "rects", n=30)
    return data, train_segmenter(tiny_config(data, root / "run"))


# --- models -----------------------------------------------------------------------------------

@pytest.mark.parametrize("dilation", [8, 12, 36])
def test_gemm_dilated_conv_matches_conv2d(dilation):
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(16, 8, 3, padding=dilation, dilation=dilation, bias=True)
    x = torch.randn(2, 16, 20, 30).contiguous(memory_format=torch.channels_last)
    expected = F.conv2d(x, conv.weight, conv.bias, padding=dilation, dilation=dilation)
    with torch.no_grad(), gemm_dilated_convs(conv):
        assert type(conv).__name__ == "GemmConv2d"
        got = conv(x)
    assert type(conv) is torch.nn.Conv2d  # restored on exit
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, atol=1e-4, rtol=1e-4)


def test_gemm_leaves_small_dilations_and_strides_alone():
    convs = torch.nn.Sequential(torch.nn.Conv2d(4, 4, 3, padding=2, dilation=2), torch.nn.Conv2d(4, 4, 3, stride=2, padding=12, dilation=12))
    with gemm_dilated_convs(convs):
        assert [type(c).__name__ for c in convs] == ["Conv2d", "Conv2d"]


def test_every_architecture_gives_logits_at_input_size():
    for arch in list_archs():
        model = build_segmenter(arch, 3).eval()
        with torch.no_grad():
            out = model(torch.zeros(1, 3, 64, 96))
        assert out.shape == (1, 3, 64, 96), arch


def test_compact_lraspp_student_needs_multiples_of_16_and_traces_to_any_size(tmp_path):
    model = build_segmenter("lraspp", 3, "compact").eval()
    assert get_arch("lraspp").pad_for("compact") == 16 and get_arch("lraspp").pad_for("mobilenet_v3_large") == 1
    x = torch.randn(2, 3, 64, 96)
    with torch.no_grad():
        out = model(x)
        assert out.shape == (2, 3, 64, 96) and out.dtype == torch.float32
        # exports trace it: the traced graph must resize for another input size, as exports declare
        traced = torch.jit.trace(model, x[:1])
        other = torch.randn(1, 3, 96, 128)
        assert torch.allclose(traced(other), model(other), atol=1e-5)
    data = make_rects_dataset(tmp_path / "d", n=8)
    with pytest.raises(ParamError, match="^img_size 40 64: lraspp needs both sides at least 32 and multiples of 16"):
        train_segmenter(tiny_config(data, tmp_path / "run", model="lraspp", encoder="compact", img_size=(40, 64)))


@pytest.mark.parametrize("shape, size", [((2, 8, 40, 40), (160, 160)), ((1, 3, 17, 23), (50, 31)), ((1, 2, 40, 40), (20, 20))])
def test_upsample_bilinear_matches_interpolate(shape, size):
    x = torch.randn(shape, generator=torch.Generator().manual_seed(0))
    expected = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
    assert torch.allclose(upsample_bilinear(x, size), expected, atol=1e-5)
    assert torch.allclose(upsample_bilinear(x.bfloat16().contiguous(memory_format=torch.channels_last), size),
                          F.interpolate(x.bfloat16().float(), size=size, mode="bilinear", align_corners=False), atol=1e-5)
    with torch.autocast("cpu", dtype=torch.bfloat16):  # the products stay in fp32 under autocast
        inside = upsample_bilinear(x, size)
    assert inside.dtype == torch.float32 and torch.allclose(inside, expected, atol=1e-5)


def test_compact_lraspp_is_torchvisions_head_with_the_classifier_moved_before_the_upsampling():
    model = build_segmenter("lraspp", 5, "compact").eval()
    for m in model.modules():  # non-trivial batch-norm statistics
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    net = model.net
    x = torch.randn(2, 3, 64, 96, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        reference = F.interpolate(net.classifier(net.backbone(x)), size=(64, 96), mode="bilinear", align_corners=False)  # LRASPPHead.forward
        assert torch.allclose(model(x), reference, atol=1e-4)


@pytest.mark.parametrize("unlabelled_rows", [2, 0])
def test_dice_loss_is_smps_in_value_and_gradient(unlabelled_rows):
    from segmentation_models_pytorch.losses import DiceLoss as SmpDice

    g = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 5, 12, 10, generator=g, requires_grad=True)
    target = torch.randint(0, 5, (3, 12, 10), generator=g)
    target[:, :unlabelled_rows] = 255
    target[target == 3] = 4  # class 3 absent: it must count zero
    ours, ref = DiceLoss(255)(logits, target), SmpDice(mode="multiclass", ignore_index=255)(logits, target)
    assert ours.item() == pytest.approx(ref.item(), abs=1e-6) and 0 < ours.item() < 1
    g_ours, = torch.autograd.grad(ours, logits)
    g_ref, = torch.autograd.grad(ref, logits)
    assert torch.allclose(g_ours, g_ref, atol=1e-7) and g_ours[:, :, :unlabelled_rows].abs().sum() == 0  # ignored pixels get no gradient


def test_seg_loss_is_weighted_cross_entropy_plus_dice_from_one_log_softmax():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(2, 4, 9, 7, generator=g, requires_grad=True)
    target = torch.randint(0, 4, (2, 9, 7), generator=g)
    target[0, 0] = 255
    weight = torch.tensor([0.5, 1.0, 2.0, 1.5])
    ours = SegLoss(255, weight, dice_weight=0.5)(logits, target)
    ref = torch.nn.CrossEntropyLoss(weight=weight, ignore_index=255)(logits, target) + 0.5 * DiceLoss(255)(logits, target)
    assert ours.item() == pytest.approx(ref.item(), abs=1e-6)
    g_ours, = torch.autograd.grad(ours, logits)
    g_ref, = torch.autograd.grad(ref, logits)
    assert torch.allclose(g_ours, g_ref, atol=1e-7)


def test_unet_lite0_encoder_gets_the_bundled_weights():
    scratch = build_segmenter("unet", 4, "efficientnet_lite0")
    pre = build_segmenter("unet", 4, "efficientnet_lite0", pretrained_encoder=True)
    stem = "conv_stem.weight"
    assert pre.encoder_weights is not None and scratch.encoder_weights is None
    assert not torch.equal(pre.encoder_module.state_dict()[stem], scratch.encoder_module.state_dict()[stem])
    from visionlab.models.zoo import LITE0_WEIGHTS

    assert torch.equal(pre.encoder_module.state_dict()[stem], LITE0_WEIGHTS.load_state_dict()[stem])


def test_unknown_arch_or_encoder_lists_choices():
    with pytest.raises(UnknownNameError, match="unet"):
        build_segmenter("segformer", 3)
    with pytest.raises(UnknownNameError, match="resnet34"):
        build_segmenter("unet", 3, "vgg16")


def test_missing_pretrained_file_names_file_and_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(WeightsUnavailableError) as err:
        load_pretrained("deeplabv3_resnet50")
    assert "deeplabv3_resnet50_coco-cd0a2569.pth" in str(err.value)
    assert str(tmp_path / "hub" / "checkpoints") in str(err.value)


def test_unknown_segmenter_name_lists_the_options():
    with pytest.raises(UnknownNameError, match="deeplabv3_resnet50.*otsu"):
        load_segmenter("not_a_model")


def test_predictor_returns_masks_at_original_size():
    seg = load_segmenter("lraspp_mobilenet_v3_large", random_weights=True)
    predictor = SegmentationPredictor(seg, device="cpu", batch_size=2)
    images = [np.zeros((50, 80, 3), np.uint8), np.full((90, 40, 3), 128, np.uint8), np.zeros((50, 80, 3), np.uint8)]
    masks = predictor.predict(images)
    assert [m.shape for m in masks] == [(50, 80), (90, 40), (50, 80)]
    assert predictor.prepare(images[1]).shape[-1] == 520  # short side resized to the weights' 520
    assert all(m.max() < 21 for m in masks)


def test_predictor_folds_batch_norms_and_predicts_the_same(rects_run):
    data, run = rects_run
    seg = load_segmenter(run)
    images = [np.asarray(Image.open(p).convert("RGB")) for p in sorted((data / "images").iterdir())[:6]]
    folded, plain = SegmentationPredictor(seg, amp="off"), SegmentationPredictor(seg, amp="off", fold=False)
    assert folded.folded > 0 and plain.folded == 0 and plain.network is seg.model and folded.network is not seg.model
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in folded.network.modules())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in seg.model.modules())  # the loaded model itself is left as it was
    x = torch.stack([folded.prepare(im) for im in images])
    assert torch.allclose(folded.logits(x), plain.logits(x), atol=1e-4)
    assert all(np.array_equal(a, b) for a, b in zip(folded.predict(images), plain.predict(images)))


def test_tta_flip_predicts_the_mean_of_the_image_and_its_mirror(rects_run):
    data, run = rects_run
    seg = load_segmenter(run)
    assert seg.preprocess.tta_flip is False
    images = [np.asarray(Image.open(p).convert("RGB")) for p in sorted((data / "images").iterdir())[:4]]
    plain = SegmentationPredictor(seg, amp="off", fold=False)
    x = torch.stack([plain.prepare(im) for im in images])
    flipped = SegmentationPredictor(dataclasses.replace(seg, preprocess=dataclasses.replace(seg.preprocess, tta_flip=True)), amp="off", fold=False)
    both = flipped.logits(x)
    assert torch.allclose(both, (plain.logits(x) + plain.logits(x.flip(-1)).flip(-1)) / 2, atol=1e-5)
    # the averaged prediction is mirror-symmetric: the mirror image's logits are the image's mirrored; one view's are not
    assert torch.allclose(flipped.logits(x.flip(-1)), both.flip(-1), atol=1e-5)
    assert not torch.allclose(plain.logits(x.flip(-1)), plain.logits(x).flip(-1), atol=1e-3)


def test_tta_flip_is_saved_with_the_run_and_read_back(tmp_path):
    data = make_rects_dataset(tmp_path / "d", n=12)
    run = train_segmenter(tiny_config(data, tmp_path / "run", epochs=1, tta_flip=True))
    seg = load_segmenter(run)
    assert seg.preprocess.tta_flip is True and seg.describe()["preprocess"]["tta_flip"] is True
    assert SegPreprocess.from_dict({k: v for k, v in seg.preprocess.to_dict().items() if k != "tta_flip"}).tta_flip is False  # older runs
    assert read_json(run / "config.json")["config"]["tta_flip"] is True


def test_output_names_are_distinct(tmp_path):
    paths = [tmp_path / "a" / "x.png", tmp_path / "b" / "x.png", tmp_path / "a" / "y.png"]
    assert output_names(paths) == ["a__x", "b__x", "y"]


def test_class_weights_favour_rare_classes():
    w = class_weights([900, 100, 0, 25])
    # frequencies 0.9, 0.1, 0.025 -> median 0.1 -> sqrt(0.1/0.9), 1, sqrt(0.1/0.025) = 2; absent class -> 1
    assert w.tolist() == pytest.approx([(1 / 9) ** 0.5, 1.0, 1.0, 2.0])


# --- training, evaluation and the segment command ----------------------------------------------

def test_tiny_unet_learns_the_rectangles(rects_run):
    _, run = rects_run
    test = read_json(run / "eval" / "test" / "metrics.json")
    assert test["miou"] > 0.85, test["per_class_iou"]
    assert set(test["per_class_iou"]) == {"background", "red", "green"}
    for key in ("pixel_accuracy", "miou", "per_class_iou", "mean_class_accuracy", "fw_iou", "per_image_iou", "confusion_matrix"):
        assert key in test
    assert len(test["per_image_iou"]) == test["n_images"] == 4
    history = (run / "history.csv").read_text().splitlines()
    assert len(history) == 13 and "val_miou" in history[0]
    config = read_json(run / "config.json")
    assert config["task"] == "segment" and config["parameters"]["total"] > 0
    for name in ("best.safetensors", "last.safetensors", "split.json", "plots/curves.png", "plots/confusion_test.png", "plots/worst_test.png"):
        assert (run / name).is_file(), name


def test_resume_continues_the_history(tmp_path):
    data = make_rects_dataset(tmp_path / "d", n=12)
    cfg = tiny_config(data, tmp_path / "run", epochs=1)
    train_segmenter(cfg)
    train_segmenter(tiny_config(data, tmp_path / "run", epochs=2), resume=True)
    rows = (tmp_path / "run" / "history.csv").read_text().splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["1", "2"]


def test_bad_mask_stops_training_before_it_starts(tmp_path):
    data = make_rects_dataset(tmp_path / "d", n=8)
    Image.fromarray(np.full((48, 48), 7, np.uint8)).save(data / "masks" / "r003.png")
    with pytest.raises(DatasetError, match=r"r003\.png.*7"):
        train_segmenter(tiny_config(data, tmp_path / "run"))
    assert not (tmp_path / "run").exists()


def test_training_window_is_cut_from_the_resized_image_without_rescaling():
    from torchvision import tv_tensors

    from visionlab.data.seg_dataset import seg_train_transform

    ids = torch.arange(96 * 96).reshape(96, 96)  # every pixel's position readable from its mask value
    image = tv_tensors.Image(torch.zeros(3, 96, 96, dtype=torch.uint8))
    settings = dict(scale_min=1.0, hflip=False, color_jitter=0.0)
    resized = seg_train_transform((48, 48), (0.0,) * 3, (1.0,) * 3, **settings)(image, tv_tensors.Mask(ids))[1]
    assert resized.shape == (48, 48) and len(resized.unique()) == 48 * 48
    torch.manual_seed(0)
    corners = set()
    for _ in range(6):
        x, y = seg_train_transform((48, 48), (0.0,) * 3, (1.0,) * 3, crop=32, **settings)(image, tv_tensors.Mask(ids))
        assert x.shape == (3, 32, 32) and y.shape == (32, 32)
        top, left = [int(v) for v in torch.nonzero(resized == y[0, 0])[0]]
        assert torch.equal(y, resized[top:top + 32, left:left + 32])  # a window at the 48-px scale, not the whole image shrunk
        corners.add((top, left))
    assert len(corners) > 1  # the window moves


def test_training_on_windows_predicts_whole_images(tmp_path):
    data = make_rects_dataset(tmp_path / "d", n=30)
    run = train_segmenter(tiny_config(data, tmp_path / "run", augment=SegAugmentConfig(scale_min=1.0, color_jitter=0.0, crop=32)))
    assert read_json(run / "config.json")["config"]["augment"]["crop"] == 32
    test = read_json(run / "eval" / "test" / "metrics.json")
    assert test["miou"] > 0.8, test["per_class_iou"]
    seg = load_segmenter(run)
    assert seg.preprocess.size == (48, 48)  # predicts at img_size, the scale its windows were cut at
    image = np.asarray(Image.open(sorted((data / "images").iterdir())[0]).convert("RGB"))
    assert SegmentationPredictor(seg, amp="off").predict([image])[0].shape == (48, 48)


@pytest.mark.parametrize("crop", [40, 24, 96])
def test_training_window_must_fit_the_architecture_and_the_image(crop):
    cfg = SegmentConfig(data="d", out="o", img_size=(64, 64), augment=SegAugmentConfig(crop=crop))
    with pytest.raises(ParamError, match=f"^augment.crop {crop}: .*multiple of 16 and at most img_size's longer side") as err:
        cfg.validate(pad_to=16)
    assert err.value.param == "augment.crop"


def test_img_size_must_fit_the_architecture(tmp_path):
    data = make_rects_dataset(tmp_path / "d", n=8)
    with pytest.raises(ParamError, match="^img_size 50 64: unet needs both sides at least 32 and multiples of 32"):
        train_segmenter(tiny_config(data, tmp_path / "run", model="unet", encoder="efficientnet_lite0", img_size=(50, 64)))


def test_segment_command_writes_masks_at_original_size(rects_run, tmp_path, capsys):
    data, run = rects_run
    folder = make_rects_dataset(tmp_path / "odd", n=3, sizes=[(40, 56), (64, 30), (48, 48)])
    out = tmp_path / "out"
    assert cli.main(["segment", str(folder / "images"), "--model", str(run), "--out", str(out), "--amp", "off"]) == 0
    assert "3 images segmented" in capsys.readouterr().out
    summary = read_json(out / "summary.json")
    assert summary["n_images"] == 3
    classes = load_segmenter(run).classes
    for row in summary["images"]:
        image = Image.open(row["path"])
        mask = load_mask(out / "masks" / f"{row['name']}.png", classes, image.size)
        assert mask.shape == (image.height, image.width)
        assert sum(row["classes"].values()) == pytest.approx(1.0)
        truth = load_mask(folder / "masks" / f"{row['name']}.png", classes)
        assert (mask == truth).mean() > 0.8  # the trained model, run through the command, is right
        assert (out / "overlays" / f"{row['name']}.png").is_file() and (out / "figures" / f"{row['name']}.png").is_file()
    assert cli.main(["segment", str(folder / "images"), "--model", str(run), "--out", str(data)]) == 2  # foreign folder refused


def test_eval_command_on_another_dataset(rects_run, tmp_path, capsys):
    _, run = rects_run
    other = make_rects_dataset(tmp_path / "other", n=5, seed=3)
    assert cli.main(["eval", str(run), "--data", str(other), "--split", "test"]) == 0
    out = capsys.readouterr().out
    assert "mIoU" in out
    m = read_json(run / "metrics.json")
    assert m["n_images"] == 5 and m["split"] == "test"


def test_eval_refuses_a_dataset_with_other_classes(rects_run, tmp_path):
    _, run = rects_run
    other = make_rects_dataset(tmp_path / "other", n=3)
    (other / "classes.json").write_text(json.dumps({"classes": ["a", "b", "c"]}))
    from visionlab.evaluate.segment import evaluate_segmentation_run

    with pytest.raises(DatasetError, match="same classes"):
        evaluate_segmentation_run(run, data=other, split="test")


def test_classifier_checkpoint_is_not_a_segmenter(tmp_path):
    from visionlab.models import get_classifier
    from visionlab.models.checkpoint import load_segmenter as load_seg_ckpt
    from visionlab.models.checkpoint import save_classifier
    from visionlab.models.weights import IMAGENET_PREPROCESS

    save_classifier(tmp_path / "c.safetensors", get_classifier("tiny_cnn", num_classes=2, weights=None), ["a", "b"], IMAGENET_PREPROCESS)
    with pytest.raises(CheckpointMismatchError, match="not a segmenter"):
        load_seg_ckpt(tmp_path / "c.safetensors")


@pytest.mark.slow
def test_experiment_compares_pretrained_and_scratch(tmp_path, capsys):
    data = make_rects_dataset(tmp_path / "d", n=16, size=64)
    out = tmp_path / "exp"
    args = ["experiment", str(data), "--out", str(out), "--epochs", "2", "--img-size", "64", "64", "--batch-size", "4",
            "--baselines", "otsu", "--quiet", "--target-miou", "0.01"]
    assert cli.main(args) == 0
    result = read_json(out / "experiment.json")
    rows = {r["model"].split()[-1] if r["run"] else "otsu": r for r in result["rows"]}
    assert set(rows) == {"pretrained", "scratch", "otsu"}
    assert rows["pretrained"]["total_parameters"] == rows["scratch"]["total_parameters"] > 1_000_000
    assert rows["pretrained"]["epochs_to_target"] == 1
    for name in ("table.md", "table.csv", "curves.png", "pretrained/best.safetensors", "scratch/best.safetensors"):
        assert (out / name).is_file(), name
    assert "| model | mIoU" in capsys.readouterr().out


def test_epochs_to_reach_counts_training_time_until_the_target():
    from visionlab.train.experiment import epochs_to_reach

    history = [{"epoch": "1", "val_miou": "0.2", "train_seconds": "10", "seconds": "12"},
               {"epoch": "2", "val_miou": "0.6", "train_seconds": "11", "seconds": "13"},
               {"epoch": "3", "val_miou": "0.7", "train_seconds": "9", "seconds": "10"}]
    assert epochs_to_reach(history, 0.5) == (2, 21.0)
    assert epochs_to_reach(history, 0.9) == (None, None)


def test_freeze_encoder_counts_and_keeps_its_batchnorm_still():
    model = build_segmenter("tiny_unet", 3)
    total = model.parameter_counts()["total"]
    encoder = sum(p.numel() for p in model.encoder_module.parameters())
    model.freeze_encoder()
    model.train()
    assert model.parameter_counts() == {"total": total, "trainable": total - encoder}
    assert not any(m.training for m in model.encoder_module.modules())
    assert model.net.decoder.training
