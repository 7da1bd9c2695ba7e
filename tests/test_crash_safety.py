"""A training run killed with SIGKILL at any instant resumes to the run it would have been.

Each trainer (classify, segment, distill) runs once uninterrupted, and once as a chain: a subprocess killed
at a seeded point (while an epoch's files are written, at its commit point, while they move into place,
or between epochs), resumed and killed again, and so on, then resumed to the end. The chain must end with
the same weights, bit for bit (CPU runs here are deterministic), and the same history.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml
from conftest import make_blob_dataset
from safetensors.torch import load_file

from visionlab import cli
from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.errors import RunFolderError
from visionlab.lab import resolve_config_path, resume_lab
from visionlab.train.config import SegAugmentConfig, SegmentConfig
from visionlab.train.segment import train_segmenter
from visionlab.utils.commit import STAGING, commit_files, recover_commit
from visionlab.utils.faults import ENV
from visionlab.utils.files import read_json

pytestmark = pytest.mark.slow

# Named kill points and how many times one epoch passes each (see visionlab.utils.commit and train/fit.py).
POINTS = {"commit.write": 3, "commit.marked": 1, "commit.move": 3, "epoch.committed": 1}
EPOCHS = 4


def kill_chain(seed: int) -> list[str]:
    """One ``NAME#K`` kill per point, in a seeded order, each at most one epoch's passes of its point into a process."""
    rng = random.Random(seed)
    names = rng.sample(sorted(POINTS), len(POINTS))
    return [f"{name}#{rng.randint(1, POINTS[name])}" for name in names]


def visionlab(args: list[str], kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ENV} | {"OMP_NUM_THREADS": "1"}
    if kill_at:
        env[ENV] = kill_at
    return subprocess.run([sys.executable, "-m", "visionlab", *args], env=env, capture_output=True, text=True, timeout=600)


def history_rows(run: Path) -> list[dict]:
    with open(run / "history.csv", newline="", encoding="utf-8") as f:
        return [{k: v for k, v in row.items() if not k.endswith("seconds")} for row in csv.DictReader(f)]  # times differ


def assert_same_run(straight: Path, resumed: Path) -> None:
    for name in ("last.safetensors", "best.safetensors"):
        a, b = load_file(str(straight / name)), load_file(str(resumed / name))
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), name
    assert history_rows(resumed) == history_rows(straight)
    assert [r["epoch"] for r in history_rows(resumed)] == [str(e) for e in range(1, EPOCHS + 1)]
    assert not (resumed / STAGING).exists()


def killed_and_resumed(args: list[str], out: Path, seed: int) -> Path:
    """Run ``args --out out`` killed at each point of a seeded chain, resuming after each kill, then to the end."""
    resume: list[str] = []
    for spec in kill_chain(seed):
        proc = visionlab([*args, "--out", str(out), *resume], kill_at=spec)
        assert proc.returncode == -signal.SIGKILL, f"{spec}: exit {proc.returncode}\n{proc.stderr[-2000:]}"
        resume = ["--resume"] if (out / "config.json").is_file() else []
    proc = visionlab([*args, "--out", str(out), *resume])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


@pytest.fixture(scope="module")
def scenes(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("crash")
    write_dataset(root / "world", 16, seed=5, spec=SceneSpec(width=48, height=48, n_characters=2))
    write_dataset(root / "extra", 6, seed=6, spec=SceneSpec(width=48, height=48, n_characters=2))
    return root


def test_classify_survives_sigkill(tmp_path: Path) -> None:
    data = make_blob_dataset(tmp_path / "blobs", n_per_class=12, classes=("red", "blue"))
    args = ["train", "classify", str(data), "--backbone", "tiny_cnn", "--weights", "none", "--mode", "full", "--img-size", "32",
            "--epochs", str(EPOCHS), "--lr", "0.03", "--batch-size", "8", "--scheduler", "cosine", "--amp", "off", "--quiet"]
    straight = visionlab([*args, "--out", str(tmp_path / "straight")])
    assert straight.returncode == 0, straight.stderr[-2000:]
    assert_same_run(tmp_path / "straight", killed_and_resumed(args, tmp_path / "killed", seed=0))


def test_segment_survives_sigkill(scenes: Path, tmp_path: Path) -> None:
    args = ["train", "segment", str(scenes / "world" / "segment"), "--model", "tiny_unet", "--scratch", "--epochs", str(EPOCHS),
            "--batch-size", "4", "--img-size", "48", "48", "--amp", "off", "--quiet"]
    straight = visionlab([*args, "--out", str(tmp_path / "straight")])
    assert straight.returncode == 0, straight.stderr[-2000:]
    assert_same_run(tmp_path / "straight", killed_and_resumed(args, tmp_path / "killed", seed=2))


def test_distill_survives_sigkill(scenes: Path, tmp_path: Path) -> None:
    teacher = train_segmenter(SegmentConfig(data=str(scenes / "world" / "segment"), out=str(tmp_path / "teacher"), model="tiny_unet",
                                            pretrained=False, epochs=1, batch_size=4, img_size=(48, 48), quiet=True, amp="off",
                                            augment=SegAugmentConfig(color_jitter=0.0)))
    args = ["distill", str(scenes / "extra" / "segment" / "images"), "--teacher", str(teacher), "--student", "tiny_unet",
            "--data", str(scenes / "world" / "segment"), "--epochs", str(EPOCHS), "--img-size", "48", "48", "--amp", "off", "--quiet"]
    straight = visionlab([*args, "--out", str(tmp_path / "straight")])
    assert straight.returncode == 0, straight.stderr[-2000:]
    assert_same_run(tmp_path / "straight", killed_and_resumed(args, tmp_path / "killed", seed=3))


def test_an_unmarked_commit_is_undone_and_a_marked_one_finished(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")
    stage = tmp_path / STAGING
    stage.mkdir()
    (stage / "a.txt").write_text("new a")  # killed before the commit point: the old pair stands
    assert recover_commit(tmp_path) == "discarded"
    assert (tmp_path / "a.txt").read_text() == "old a" and not stage.exists()
    commit_files(tmp_path, {"a.txt": lambda p: p.write_text("new a"), "b.txt": lambda p: p.write_text("new b")})
    assert [(tmp_path / n).read_text() for n in ("a.txt", "b.txt")] == ["new a", "new b"] and not stage.exists()
    stage.mkdir()  # killed after the commit point with one file moved: the rest is moved on recovery
    (stage / "b.txt").write_text("newer b")
    (stage / "COMMITTED").write_text('["a.txt", "b.txt"]')
    (tmp_path / "a.txt").write_text("newer a")
    assert recover_commit(tmp_path) == "finished"
    assert [(tmp_path / n).read_text() for n in ("a.txt", "b.txt")] == ["newer a", "newer b"] and not stage.exists()
    assert recover_commit(tmp_path) is None


def test_lab_resume_continues_from_the_stage_that_did_not_finish(tmp_path: Path, capsys) -> None:
    cfg = yaml.safe_load(resolve_config_path("tiny").read_text(encoding="utf-8"))
    cfg["segment"]["epochs"] = 2
    cfg["stages"] = ["classify", "explain", "segment", "compare", "distill"]
    (tmp_path / "lab.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    straight = visionlab(["lab", str(tmp_path / "lab.yaml"), "--out", str(tmp_path / "straight"), "--no-report", "--quiet"])
    assert straight.returncode == 0, straight.stderr[-2000:]
    # Killed after the segmenter's first epoch (the classifier trains one): segment has begun, not finished.
    killed = visionlab(["lab", str(tmp_path / "lab.yaml"), "--out", str(tmp_path / "lab"), "--quiet"], kill_at="epoch.committed#2")
    assert killed.returncode == -signal.SIGKILL
    lab = tmp_path / "lab"
    assert list(read_json(lab / "lab.json")["stages"]) == ["data", "classify", "explain"]
    assert len(history_rows(lab / "segment")) == 1
    classifier = (lab / "classify" / "best.safetensors").stat().st_mtime_ns
    assert cli.main(["lab", "--resume", str(lab), "--variant", "5"]) == 2
    assert "--resume continues a lab with the settings in its lab.json; drop --variant" in capsys.readouterr().err
    resumed = visionlab(["lab", "--resume", str(lab)])
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "data, classify, explain finished; running segment, compare, distill" in resumed.stdout
    manifest = read_json(lab / "lab.json")
    assert list(manifest["stages"]) == ["data", "classify", "explain", "segment", "compare", "distill"] and len(manifest["resumed"]) == 1
    assert (lab / "classify" / "best.safetensors").stat().st_mtime_ns == classifier  # a finished stage is not run again
    for run in ("segment", "distill"):
        a, b = load_file(str(tmp_path / "straight" / run / "last.safetensors")), load_file(str(lab / run / "last.safetensors"))
        assert all(torch.equal(a[k], b[k]) for k in a), run
    a, b = (read_json(root / "compare" / "summary.json") for root in (lab, tmp_path / "straight"))
    assert (a["overall"], a["per_class"]) == (b["overall"], b["per_class"])
    assert (lab / "report.html").is_file()  # the report, which the killed run never reached


def test_lab_resume_refuses_a_folder_without_a_lab(tmp_path: Path) -> None:
    with pytest.raises(RunFolderError, match=r"holds no lab \(lab.json is missing\)"):
        resume_lab(tmp_path)
