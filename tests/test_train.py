"""Training runs on tiny models: modes, cached features, resume, reproducibility, run folders."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import make_blob_dataset
from PIL import Image
from safetensors.torch import load_file

from visionlab.data.augment import AugmentConfig
from visionlab.data.preprocess import Preprocess
from visionlab.data.transforms import eval_transform
from visionlab.errors import DatasetError, ParamError, RunFolderError
from visionlab.evaluate.classify import evaluate_run
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig

NO_AUG = AugmentConfig(crop_scale_min=1.0, hflip=False, color_jitter=0.0, rotation=0.0)


def tiny_cfg(data: Path, out: Path, **kw) -> ClassifyConfig:
    base = dict(backbone="tiny_cnn", weights="none", img_size=32, epochs=6, lr=3e-2, batch_size=8, quiet=True, amp="off", scheduler="none")
    base.update(kw)
    return ClassifyConfig(data=str(data), out=str(out), **base)


def history(run: Path) -> list[dict]:
    with open(run / "history.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_frozen_run_writes_every_artefact(blobs_dir: Path, tmp_path: Path) -> None:
    run = train_classifier(tiny_cfg(blobs_dir, tmp_path / "run"))
    for f in ["config.json", "split.json", "best.safetensors", "last.safetensors", "history.csv", "metrics.json",
              "plots/curves.png", "plots/confusion_val.png", "plots/confusion_val_normalized.png", "plots/roc_val.png"]:
        assert (run / f).is_file(), f
    cfg = json.loads((run / "config.json").read_text())
    assert cfg["config"]["seed"] == 0 and "torch" in cfg["versions"] and cfg["classes"] == ["blue", "red"]
    m = json.loads((run / "metrics.json").read_text())
    for key in ["accuracy", "precision_macro", "recall_macro", "f1_macro", "roc_auc", "per_class", "confusion_matrix", "n_images", "split"]:
        assert key in m
    assert m["split"] == "val" and m["n_images"] == 10 and len(history(run)) == 6
    assert m["accuracy"] >= 0.9


def test_cached_features_learn_as_well_as_the_plain_loop(tmp_path: Path) -> None:
    """Frozen mode on cached features vs. the manual's loop (full forward each epoch, head only)."""
    data = make_blob_dataset(tmp_path / "d", n_per_class=30, seed=1)
    cached = train_classifier(tiny_cfg(data, tmp_path / "cached", augment=NO_AUG))
    # finetune with head_epochs >= epochs trains only the head, forwarding every image every epoch
    plain = train_classifier(tiny_cfg(data, tmp_path / "plain", mode="finetune", head_epochs=99, augment=NO_AUG, channels_last=False))
    acc_cached = json.loads((cached / "metrics.json").read_text())["accuracy"]
    acc_plain = json.loads((plain / "metrics.json").read_text())["accuracy"]
    assert acc_cached >= 0.85 and acc_cached >= acc_plain - 0.05
    # Same data, same seed, same head init: the two paths see identical features, so the
    # first-epoch losses agree closely (differences come from batch order only).
    h_c, h_p = history(cached), history(plain)
    assert abs(float(h_c[0]["train_loss"]) - float(h_p[0]["train_loss"])) < 0.1


@pytest.mark.parametrize("mode", ["finetune", "full"])
def test_image_loop_modes_learn_and_train_the_right_parameters(blobs_dir: Path, tmp_path: Path, mode: str) -> None:
    run = train_classifier(tiny_cfg(blobs_dir, tmp_path / mode, mode=mode, head_epochs=1, unfreeze_top=1, epochs=4, lr=1e-2))
    first = load_file(str(tmp_path / mode / "best.safetensors"))
    init = train_classifier.__globals__["build_model"](tiny_cfg(blobs_dir, tmp_path / "x"), 2)[0].state_dict()
    stem_changed = not torch.equal(first["backbone.stem.0.weight"], init["backbone.stem.0.weight"])
    stage_changed = not torch.equal(first["backbone.stage.0.weight"], init["backbone.stage.0.weight"])
    assert stage_changed
    assert stem_changed == (mode == "full")  # finetune with unfreeze_top=1 never touches the stem
    assert json.loads((run / "metrics.json").read_text())["accuracy"] >= 0.8


def test_same_seed_same_run(blobs_dir: Path, tmp_path: Path) -> None:
    a = train_classifier(tiny_cfg(blobs_dir, tmp_path / "a", epochs=3))
    b = train_classifier(tiny_cfg(blobs_dir, tmp_path / "b", epochs=3))
    for key in ("train_loss", "val_loss"):
        assert [r[key] for r in history(a)] == [r[key] for r in history(b)]


class Interrupt(Exception):
    pass


@pytest.mark.parametrize("mode", ["frozen", "full"])
def test_interrupted_run_resumes_to_the_same_result(blobs_dir: Path, tmp_path: Path, mode: str) -> None:
    straight = train_classifier(tiny_cfg(blobs_dir, tmp_path / "straight", mode=mode, epochs=4))

    def stop_after_two(epoch: int, row: dict) -> None:
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train_classifier(tiny_cfg(blobs_dir, tmp_path / "cut", mode=mode, epochs=4), on_epoch_end=stop_after_two)
    assert len(history(tmp_path / "cut")) == 2 and not (tmp_path / "cut" / "metrics.json").exists()
    resumed = train_classifier(tiny_cfg(blobs_dir, tmp_path / "cut", mode=mode, epochs=4), resume=True)
    assert [r["epoch"] for r in history(resumed)] == ["1", "2", "3", "4"]
    assert [r["val_loss"] for r in history(resumed)] == [r["val_loss"] for r in history(straight)]
    a, b = load_file(str(straight / "last.safetensors")), load_file(str(resumed / "last.safetensors"))
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_existing_run_is_never_overwritten(blobs_dir: Path, tmp_path: Path) -> None:
    run = train_classifier(tiny_cfg(blobs_dir, tmp_path / "run", epochs=1))
    before = (run / "best.safetensors").read_bytes()
    with pytest.raises(RunFolderError, match="already holds a run"):
        train_classifier(tiny_cfg(blobs_dir, run, epochs=1))
    assert (run / "best.safetensors").read_bytes() == before
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    with pytest.raises(RunFolderError, match="not empty"):
        train_classifier(tiny_cfg(blobs_dir, tmp_path / "other", epochs=1))
    assert (tmp_path / "other" / "keep.txt").read_text() == "mine"
    with pytest.raises(RunFolderError, match="resume: .* holds no run to resume"):
        train_classifier(tiny_cfg(blobs_dir, tmp_path / "fresh", epochs=1), resume=True)


def test_multiclass_with_test_split_and_eval(tmp_path: Path) -> None:
    for part, n, seed in [("train", 20, 0), ("val", 6, 1), ("test", 6, 2)]:
        make_blob_dataset(tmp_path / "d" / part, n_per_class=n, seed=seed)
    run = train_classifier(tiny_cfg(tmp_path / "d", tmp_path / "run", epochs=5))
    m = json.loads((run / "metrics.json").read_text())
    assert m["split"] == "test" and m["n_images"] == 18 and len(m["per_class"]) == 3
    assert m["roc_auc"] is not None and (run / "plots" / "roc_test.png").is_file()
    assert (run / "eval" / "val" / "metrics.json").is_file()
    again = evaluate_run(run, split="test")
    assert again["accuracy"] == pytest.approx(m["accuracy"], abs=0.06)  # full model vs cached features
    with pytest.raises(DatasetError, match="class folder"):
        make_blob_dataset(tmp_path / "other", n_per_class=3, classes=("red", "blue"))
        evaluate_run(run, data=tmp_path / "other")


def test_early_stopping(blobs_dir: Path, tmp_path: Path) -> None:
    run = train_classifier(tiny_cfg(blobs_dir, tmp_path / "run", epochs=30, patience=2, lr=1e-6))
    assert len(history(run)) < 30


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["full", "frozen"])
def test_torchrun_two_processes(blobs_dir: Path, tmp_path: Path, mode: str) -> None:
    """Two ranks on gloo: a sampler per rank, one set of files written by rank 0."""
    import subprocess
    import sys

    torchrun = Path(sys.executable).with_name("torchrun")
    out = tmp_path / "run"
    r = subprocess.run(
        [str(torchrun), "--standalone", "--nproc_per_node=2", f"--log-dir={tmp_path / 'torchelastic'}", "-m", "visionlab", "train", "classify", str(blobs_dir),
         "--out", str(out), "--backbone", "tiny_cnn", "--weights", "none", "--mode", mode, "--epochs", "2",
         "--img-size", "32", "--lr", "0.03", "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.count("run folder:") == 1  # only rank 0 reports
    assert len(history(out)) == 2
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["world_size"] == 2
    assert json.loads((out / "metrics.json").read_text())["n_images"] == 10


def test_augmented_feature_views(blobs_dir: Path, tmp_path: Path) -> None:
    """feature_views=3: one clean and two augmented cached views; epochs cycle through them."""
    run = train_classifier(tiny_cfg(blobs_dir, tmp_path / "run", feature_views=3, epochs=6, feature_cache_mb=0))
    rows = history(run)
    assert len(rows) == 6
    assert (run / "cache").is_dir() and not any((run / "cache").iterdir())  # disk cache used, then removed
    assert json.loads((run / "metrics.json").read_text())["accuracy"] >= 0.8


def test_feature_cache_spills_to_disk(blobs_dir: Path, tmp_path: Path) -> None:
    from visionlab.train.features import FeatureStore

    store = FeatureStore(1000, 300, max_ram_mb=1, folder=tmp_path / "cache", name="train")
    path = store.path
    assert path is not None and path.is_file()
    store.write(np.ones((2, 300), np.float32), np.array([3, 7]))
    assert store.tensor(np.array([7])).sum() == 300
    store.close()
    assert not path.exists()
    small = FeatureStore(10, 8, max_ram_mb=1, folder=tmp_path / "cache", name="val")
    assert small.path is None


def test_decode_cache_respects_its_memory_limit(blobs_dir: Path) -> None:
    from visionlab.data.dataset import DecodedCacheDataset
    from visionlab.data.folders import scan_class_folders
    from visionlab.data.transforms import decode_transform
    from visionlab.models.weights import IMAGENET_PREPROCESS

    items, _ = scan_class_folders(blobs_dir)
    pre = IMAGENET_PREPROCESS.at_size(32)
    ds = DecodedCacheDataset(items, decode_transform(pre), eval_transform(pre), max_mb=0)
    ds.max_bytes = 10 * 3 * 32 * 32  # room for ten 32x32 images
    ds.fill()
    assert sum(c is not None for c in ds.cache) == 10 and ds.cached_bytes <= ds.max_bytes
    x, y, i = ds[47]  # beyond the cache: decoded on access, same result shape
    assert x.shape == (3, 32, 32) and i == 47


def test_optimizer_is_fused_adam_on_the_cpu_and_steps_like_plain_adam():
    from visionlab.train.optim import make_optimizer

    g = torch.Generator().manual_seed(0)
    ours, ref = (torch.nn.Linear(6, 3) for _ in range(2))
    ref.load_state_dict(ours.state_dict())
    start = [p.detach().clone() for p in ours.parameters()]
    opt = make_optimizer([{"params": ours.parameters(), "lr": 1e-2}], weight_decay=1e-3)
    plain = torch.optim.Adam(ref.parameters(), lr=1e-2, weight_decay=1e-3)
    assert opt.defaults["fused"] is True and plain.defaults["fused"] is None
    for _ in range(3):
        x = torch.randn(5, 6, generator=g)
        for model, o in ((ours, opt), (ref, plain)):
            o.zero_grad()
            model(x).square().sum().backward()
            o.step()
    for a, b, a0 in zip(ours.parameters(), ref.parameters(), start):
        assert torch.allclose(a, b, atol=1e-6) and (a - a0).abs().max() > 1e-2  # the weights moved, as plain Adam moved them


def _edge_cue_dataset(root: Path, n: int = 24) -> Path:
    """Two classes told apart only by a 3-px stripe on the left edge of 64-px images (the centre is noise from one pool)."""
    rng = np.random.default_rng(0)
    for name, colour in (("red_edge", (220, 30, 30)), ("blue_edge", (30, 30, 220))):
        (root / name).mkdir(parents=True)
        for i in range(n):
            img = rng.integers(90, 160, (64, 64, 3), dtype=np.uint8)
            img[:, :3] = colour
            Image.fromarray(img).save(root / name / f"{i}.png")
    return root


def test_crop_pct_one_shows_the_classifier_the_border_the_centre_crop_cuts(tmp_path: Path) -> None:
    data = _edge_cue_dataset(tmp_path / "edges")
    whole = train_classifier(tiny_cfg(data, tmp_path / "whole", crop_pct=1.0, epochs=12))
    cropped = train_classifier(tiny_cfg(data, tmp_path / "cropped", epochs=12))  # the weights entry's ratio: resize 37, crop 32
    saved = {run.name: json.loads((run / "config.json").read_text())["preprocess"] for run in (whole, cropped)}
    assert saved["whole"]["resize_size"] == saved["whole"]["crop_size"] == 32 and saved["cropped"]["resize_size"] == 37
    assert json.loads((whole / "metrics.json").read_text())["accuracy"] >= 0.9  # the cue is seen, and learnt
    img = Image.open(sorted((data / "red_edge").iterdir())[0]).convert("RGB")

    def left_column_red_minus_blue(pre: dict) -> float:
        x = eval_transform(Preprocess.from_dict(pre))(img)
        return float(x[0, :, 0].mean() - x[2, :, 0].mean())

    assert left_column_red_minus_blue(saved["whole"]) > 2.0 and abs(left_column_red_minus_blue(saved["cropped"])) < 0.5


def test_preprocess_at_size_keeps_the_ratio_unless_told() -> None:
    pre = Preprocess(256, 224, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
    assert pre.at_size(288).resize_size == 329 and pre.at_size(None) is pre
    assert pre.at_size(None, 1.0) == Preprocess(224, 224, pre.mean, pre.std) and pre.at_size(256, 1.0).resize_size == 256
    assert pre.at_size(200, 0.5).resize_size == 400


@pytest.mark.parametrize("pct", [0.0, -0.5, 1.5])
def test_crop_pct_outside_zero_one_is_refused(blobs_dir: Path, tmp_path: Path, pct: float) -> None:
    with pytest.raises(ParamError, match="crop_pct is the share"):
        train_classifier(tiny_cfg(blobs_dir, tmp_path / "run", crop_pct=pct))
    assert not (tmp_path / "run").exists()
