"""Training under torchrun with two gloo processes: classify (full and partial), segment and distill.

Each run goes through tests/ddp_worker.py, which records every rank's training indices per epoch and a
hash of its weights at the end, so the tests see what each rank did, not only rank 0's files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.train.classify import build_model as build_classifier
from visionlab.train.config import ClassifyConfig, SegAugmentConfig, SegmentConfig
from visionlab.train.distributed import DistContext, ShardedPermutation
from visionlab.train.segment import build_model, train_segmenter

pytestmark = pytest.mark.slow

WORKER = Path(__file__).with_name("ddp_worker.py")
TORCHRUN = Path(sys.executable).with_name("torchrun")
# Two ranks at batch B/2 take the same images per step as one process at batch B; they differ in BatchNorm's
# batch statistics (each rank normalizes with its own half batch) and float summation order. Measured on this
# tiny U-Net: parameters 1.5% apart after training moved them 4.6%; the bound: 5%, and under half the movement.
EQUIVALENCE_RTOL = 0.05


def launch(nproc: int, record: Path, args: list[str]) -> subprocess.CompletedProcess:
    # torchrun's logs go beside the record (its default, a new /tmp/torchelastic_* folder per launch, stays behind)
    cmd = [str(TORCHRUN), "--standalone", f"--nproc-per-node={nproc}", f"--log-dir={record.parent / 'torchelastic'}", str(WORKER), str(record), *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={**__import__("os").environ, "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    return r


def ranks(record: Path, n: int) -> list[dict]:
    return [json.loads((record / f"rank{r}.json").read_text()) for r in range(n)]


def assert_ranks_agree_on_disjoint_shards(views: list[dict], n_train: int, epochs: int) -> None:
    assert len({v["weights"][-1] for v in views}) == 1  # every rank ends with the same weights
    for epoch in range(epochs):
        shards = [set(v["indices"][epoch]) for v in views]
        assert not shards[0] & shards[1]  # no image on both ranks
        assert len(shards[0]) == len(shards[1]) == n_train // 2  # equal steps; at most one image left out, none repeated


def relative_gap(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    keys = [k for k in a if a[k].is_floating_point() and "running_" not in k]  # parameters; BatchNorm's statistics are rank 0's batches
    num = sum(float((a[k] - b[k]).norm() ** 2) for k in keys) ** 0.5
    return num / sum(float(a[k].norm() ** 2) for k in keys) ** 0.5


@pytest.fixture(scope="module")
def scenes(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ddp")
    write_dataset(root / "world", 22, seed=5, spec=SceneSpec(width=48, height=48, n_characters=2))
    write_dataset(root / "extra", 8, seed=6, spec=SceneSpec(width=48, height=48, n_characters=2))
    return root


def segment_args(data: Path, out: Path, batch: int, epochs: int = 2) -> list[str]:
    return ["train", "segment", str(data), "--out", str(out), "--model", "tiny_unet", "--scratch", "--epochs", str(epochs),
            "--batch-size", str(batch), "--img-size", "48", "48", "--scale-min", "1.0", "--no-flip", "--jitter", "0", "--amp", "off",
            "--quiet"]


def test_sharded_permutation_splits_one_order_into_the_single_process_batches() -> None:
    one = list(ShardedPermutation(10, DistContext(), seed=3))
    shards = [list(ShardedPermutation(10, DistContext(rank=r, world_size=2), seed=3)) for r in range(2)]
    assert sorted(one) == list(range(10)) and one == torch.randperm(10, generator=torch.Generator().manual_seed(3)).tolist()
    for step in range(2):  # batch 4 in one process == batch 2 on each of two ranks
        assert sorted(one[4 * step : 4 * step + 4]) == sorted(shards[0][2 * step : 2 * step + 2] + shards[1][2 * step : 2 * step + 2])
    odd = [list(ShardedPermutation(7, DistContext(rank=r, world_size=2), seed=0)) for r in range(2)]
    assert len(odd[0]) == len(odd[1]) == 3 and not set(odd[0]) & set(odd[1])  # equal lengths, nothing repeated


def test_segment_under_torchrun_matches_one_process_and_resumes(scenes: Path, tmp_path: Path) -> None:
    data = scenes / "world" / "segment"
    launch(2, tmp_path / "rec2", segment_args(data, tmp_path / "two", batch=2))
    launch(1, tmp_path / "rec1", segment_args(data, tmp_path / "one", batch=4))
    n_train = json.loads((tmp_path / "two" / "config.json").read_text())["counts"]["train"]
    assert_ranks_agree_on_disjoint_shards(ranks(tmp_path / "rec2", 2), n_train, epochs=2)
    assert json.loads((tmp_path / "two" / "config.json").read_text())["world_size"] == 2
    two, one = load_file(str(tmp_path / "two" / "last.safetensors")), load_file(str(tmp_path / "one" / "last.safetensors"))
    classes = len(json.loads((data / "classes.json").read_text())["classes"])
    start = build_model(SegmentConfig(data=str(data), out="unused", model="tiny_unet", pretrained=False, img_size=(48, 48)), classes)[0].state_dict()
    gap, moved = relative_gap(two, one), relative_gap(one, start)
    print(f"relative weight gap, 2 ranks at B/2 vs 1 process at B: {gap:.2e}; training moved the weights {moved:.2e}")
    assert gap <= EQUIVALENCE_RTOL and gap < moved / 2, (gap, moved)  # closer to each other than to where training started
    # resume under torchrun: one more epoch on both ranks, still in step
    launch(2, tmp_path / "rec3", [*segment_args(data, tmp_path / "two", batch=2, epochs=3), "--resume"])
    assert [r["epoch"] for r in _history(tmp_path / "two")] == ["1", "2", "3"]
    assert len({v["weights"][-1] for v in ranks(tmp_path / "rec3", 2)}) == 1


def test_classify_under_torchrun_matches_one_process_and_resumes(tmp_path: Path) -> None:
    from conftest import make_blob_dataset

    data = make_blob_dataset(tmp_path / "blobs", n_per_class=17, classes=("red", "blue"))  # 27 training images: one left out of 2 shards

    def args(out: str, batch: int, epochs: int = 2) -> list[str]:
        return ["train", "classify", str(data), "--out", str(tmp_path / out), "--backbone", "tiny_cnn", "--weights", "none", "--mode", "full",
                "--img-size", "32", "--epochs", str(epochs), "--batch-size", str(batch), "--lr", "0.01", "--crop-scale-min", "1",
                "--no-flip", "--jitter", "0", "--rotation", "0", "--dropout", "0", "--amp", "off", "--quiet"]

    launch(2, tmp_path / "rec2", args("two", 4))
    launch(1, tmp_path / "rec1", args("one", 8))
    n_train = sum(json.loads((tmp_path / "two" / "config.json").read_text())["counts"]["train"].values())
    assert_ranks_agree_on_disjoint_shards(ranks(tmp_path / "rec2", 2), n_train, epochs=2)
    two, one = load_file(str(tmp_path / "two" / "last.safetensors")), load_file(str(tmp_path / "one" / "last.safetensors"))
    start = build_classifier(ClassifyConfig(data=str(data), out="unused", backbone="tiny_cnn", weights="none", img_size=32), 2)[0].state_dict()
    gap, moved = relative_gap(two, one), relative_gap(one, start)
    print(f"classify: relative weight gap, 2 ranks at B/2 vs 1 process at B: {gap:.2e}; training moved the weights {moved:.2e}")
    # tiny_cnn normalizes each step with BatchNorm statistics of 4 images per rank instead of 8 (measured: 15% apart
    # after moving 35%), so the bound is looser than segmentation's, whose statistics span every pixel of the batch
    assert gap < moved / 2, (gap, moved)
    launch(2, tmp_path / "rec3", [*args("two", 4, epochs=3), "--resume"])
    assert [r["epoch"] for r in _history(tmp_path / "two")] == ["1", "2", "3"]
    assert len({v["weights"][-1] for v in ranks(tmp_path / "rec3", 2)}) == 1


def test_partial_classify_under_torchrun_trains_what_one_process_trains(tmp_path: Path) -> None:
    """partial mode: the ranks share the caching and each trains the top on every cached map, as one process does."""
    from conftest import make_blob_dataset

    data = make_blob_dataset(tmp_path / "blobs", n_per_class=13, classes=("red", "blue"))

    def args(out: str) -> list[str]:
        return ["train", "classify", str(data), "--out", str(tmp_path / out), "--backbone", "tiny_cnn", "--weights", "none", "--mode", "partial",
                "--unfreeze-top", "1", "--img-size", "32", "--epochs", "2", "--batch-size", "8", "--lr", "0.01", "--amp", "off", "--quiet"]

    launch(2, tmp_path / "rec2", args("two"))
    launch(1, tmp_path / "rec1", args("one"))
    views = ranks(tmp_path / "rec2", 2)
    assert len({v["weights"][-1] for v in views}) == 1  # every rank ends with the same weights
    two, one = load_file(str(tmp_path / "two" / "last.safetensors")), load_file(str(tmp_path / "one" / "last.safetensors"))
    assert relative_gap(two, one) < 1e-4  # the same maps, the same steps: only float summation order may differ
    assert json.loads((tmp_path / "two" / "metrics.json").read_text())["accuracy"] == json.loads((tmp_path / "one" / "metrics.json").read_text())["accuracy"]


def _history(run: Path) -> list[dict]:
    import csv

    with open(run / "history.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_distill_under_torchrun_matches_one_process_and_resumes(scenes: Path, tmp_path: Path) -> None:
    teacher = train_segmenter(SegmentConfig(data=str(scenes / "world" / "segment"), out=str(tmp_path / "teacher"), model="tiny_unet",
                                            pretrained=False, epochs=1, batch_size=4, img_size=(48, 48), quiet=True, amp="off",
                                            augment=SegAugmentConfig(color_jitter=0.0)))

    def args(out: str, batch: int, epochs: int = 2) -> list[str]:
        return ["distill", str(scenes / "extra" / "segment" / "images"), str(scenes / "world" / "segment" / "images"), "--teacher",
                str(teacher), "--student", "tiny_unet", "--out", str(tmp_path / out), "--epochs", str(epochs), "--batch-size", str(batch),
                "--img-size", "48", "48", "--scale-min", "1.0", "--no-flip", "--jitter", "0", "--amp", "off", "--quiet"]

    r = launch(2, tmp_path / "rec", args("student", 2))
    assert r.stdout.count("student run:") == 1  # rank 0 reports
    out = tmp_path / "student"
    n_train = json.loads((out / "config.json").read_text())["counts"]["train"]
    assert_ranks_agree_on_disjoint_shards(ranks(tmp_path / "rec", 2), n_train, epochs=2)
    assert (out / "distill" / "comparison.json").is_file() and len(_history(out)) == 2
    launch(1, tmp_path / "rec1", args("one", 4))
    two, one = load_file(str(out / "last.safetensors")), load_file(str(tmp_path / "one" / "last.safetensors"))
    classes = len(json.loads((scenes / "world" / "segment" / "classes.json").read_text())["classes"])
    start = build_model(SegmentConfig(data="x", out="unused", model="tiny_unet", pretrained=False, img_size=(48, 48)), classes)[0].state_dict()
    gap, moved = relative_gap(two, one), relative_gap(one, start)
    print(f"distill: relative weight gap, 2 ranks at B/2 vs 1 process at B: {gap:.2e}; training moved the weights {moved:.2e}")
    # measured: 6.0% apart after moving 14% (BatchNorm over 2 crops per rank instead of 4, at distill's higher learning rate)
    assert gap < 0.10 and gap < 0.6 * moved, (gap, moved)
    launch(2, tmp_path / "rec3", [*args("student", 2, epochs=3), "--resume"])
    assert [r["epoch"] for r in _history(out)] == ["1", "2", "3"]
    assert len({v["weights"][-1] for v in ranks(tmp_path / "rec3", 2)}) == 1
