"""Frozen transfer learning: the whole `visionlab train classify` process vs the manual's loop.

About 250 training and 150 validation game-world images of 500x375 (JPEG), EfficientNet-Lite0
with its bundled ImageNet weights (the backbone that works offline), 10 epochs. The baseline is
the manual's loop written out below: the same backbone, the manual's transforms, batch 32, Adam
1e-3 on the head, StepLR(5, 0.1), the full network run on every image every epoch.

Goal: ratio (manual seconds / visionlab seconds) >= 10 at equal or better validation accuracy.

    .venv/bin/python benchmarks/bench_frozen_vs_manual.py [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from common import ManualFolder, Timer, make_presplit, manual_epoch, manual_transforms
from torch.utils.data import DataLoader

from visionlab.models import get_classifier


def run_visionlab(data: Path, out: Path, epochs: int) -> tuple[float, float]:
    cmd = [sys.executable, "-m", "visionlab", "train", "classify", str(data), "--out", str(out),
           "--backbone", "efficientnet_lite0", "--mode", "frozen", "--epochs", str(epochs), "--quiet"]
    with Timer() as t:
        subprocess.run(cmd, check=True)
    acc = json.loads((out / "eval" / "val" / "metrics.json").read_text())["accuracy"]
    return t.seconds, acc


def run_manual(data: Path, epochs: int) -> tuple[float, float]:
    with Timer() as t:
        torch.manual_seed(0)
        model = get_classifier("efficientnet_lite0", num_classes=2)
        pre = model.weights.preprocess
        for p in model.backbone.parameters():
            p.requires_grad = False
        train_tf, val_tf = manual_transforms(pre.mean, pre.std)
        train = DataLoader(ManualFolder(data / "train", train_tf), batch_size=32, shuffle=True)
        val = DataLoader(ManualFolder(data / "val", val_tf), batch_size=32)
        opt = torch.optim.Adam(model.head.parameters(), lr=1e-3)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.1)
        best = 0.0
        for _ in range(epochs):
            manual_epoch(model, train, opt, train=True)
            sched.step()
            best = max(best, manual_epoch(model, val, opt, train=False)[0])
    return t.seconds, best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=None, help="folder for data and runs (default: a temporary one)")
    ap.add_argument("--epochs", type=int, default=10)
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="vl-bench-frozen-"))
    data = make_presplit(work / "data", 250, 150, 500, 375)
    ours_s, ours_acc = run_visionlab(data, work / f"run-{len(list(work.glob('run-*')))}", args.epochs)
    manual_s, manual_acc = run_manual(data, args.epochs)
    print(f"threads: {torch.get_num_threads()}  images: 250 train / 150 val, 500x375, {args.epochs} epochs")
    print(f"manual loop:      {manual_s:8.1f} s   best val accuracy {manual_acc:.4f}")
    print(f"visionlab frozen: {ours_s:8.1f} s   val accuracy (best checkpoint) {ours_acc:.4f}   (whole process)")
    print(f"RATIO speedup = {manual_s / ours_s:.2f}x (goal >= 10), accuracy {'>=' if ours_acc >= manual_acc else '<'} manual")


if __name__ == "__main__":
    main()
