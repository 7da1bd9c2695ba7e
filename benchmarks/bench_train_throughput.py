"""finetune/full training throughput (images/s): visionlab's loop vs the manual's loop.

Same model (EfficientNet-Lite0, all layers trainable), same game-world images (500x375 JPEG),
same batch size. The manual decodes every JPEG each epoch with PIL transforms in fp32; visionlab
decodes once, augments uint8 tensors, runs channels_last with bf16 autocast where the CPU
supports it. Throughput counts every training image over all epochs, including visionlab's
one-time decode. Epochs of the two loops alternate, so machine drift hits both alike.
Goal: ratio >= 1.5.

    .venv/bin/python benchmarks/bench_train_throughput.py [--epochs 3] [--n 192]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch
from common import ManualFolder, Timer, make_presplit, manual_epoch, manual_transforms
from torch.utils.data import DataLoader

from visionlab.data.dataset import DecodedCacheDataset
from visionlab.data.folders import scan_class_folders
from visionlab.data.transforms import AugmentConfig, decode_transform, train_transform
from visionlab.models import get_classifier
from visionlab.train.loop import train_one_epoch
from visionlab.utils.device import resolve_amp


def build_manual(data: Path, batch: int):
    torch.manual_seed(0)
    model = get_classifier("efficientnet_lite0", num_classes=2)
    pre = model.weights.preprocess
    train_tf, _ = manual_transforms(pre.mean, pre.std)
    loader = DataLoader(ManualFolder(data, train_tf), batch_size=batch, shuffle=True)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    return lambda: manual_epoch(model, loader, opt, train=True)[1]


def build_ours(data: Path, batch: int, workers: int):
    """Returns (one-time decode, epoch function); the decode is timed as part of visionlab's total."""
    torch.manual_seed(0)
    model = get_classifier("efficientnet_lite0", num_classes=2).to(memory_format=torch.channels_last)
    pre = model.weights.preprocess
    items, _ = scan_class_folders(data)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    device = torch.device("cpu")
    amp = resolve_amp("auto", device)
    ds = DecodedCacheDataset(items, decode_transform(pre), train_transform(AugmentConfig(), pre))
    loader = DataLoader(ds, batch_size=batch, shuffle=True, num_workers=workers, persistent_workers=workers > 0)
    return ds.fill, lambda: train_one_epoch(model, loader, opt, device, amp, channels_last=True).count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=192, help="training images")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="vl-bench-train-"))
    data = make_presplit(work / "data", args.n, 2, 500, 375) / "train"
    manual_epoch_fn = build_manual(data, args.batch)
    fill, ours_epoch_fn = build_ours(data, args.batch, args.workers)
    m_s = o_s = 0.0
    m_n = o_n = 0
    with Timer() as t:
        fill()
    o_s += t.seconds
    # Epochs alternate between the two loops so that both see the same machine conditions.
    for _ in range(args.epochs):
        with Timer() as t:
            m_n += manual_epoch_fn()
        m_s += t.seconds
        with Timer() as t:
            o_n += ours_epoch_fn()
        o_s += t.seconds
    print(f"threads {torch.get_num_threads()}, {args.n} images 500x375, {args.epochs} epochs, batch {args.batch}, full training")
    print(f"manual loop: {m_n / m_s:7.2f} img/s  ({m_s:.1f} s)")
    print(f"visionlab:   {o_n / o_s:7.2f} img/s  ({o_s:.1f} s, amp {resolve_amp('auto', torch.device('cpu'))})")
    print(f"RATIO throughput = {(o_n / o_s) / (m_n / m_s):.2f}x (goal >= 1.5)")


if __name__ == "__main__":
    main()
