"""Large sets in frozen mode: the whole feature pass vs the backbone's own forward time.

50,000 game-world images of 32x32 (CIFAR-10's shape) written as PNG files, EfficientNet-Lite0 at
160 px. (a) the backbone alone: forward_features on ready-made tensors, same batch size and
precision; (b) visionlab's feature pass: decode every file, resize, normalize, forward, store the
features (on disk past the RAM limit). Goal: b / a <= 1.5, with memory bounded (peak RSS printed).

    .venv/bin/python benchmarks/bench_feature_pass.py [--n 50000] [--work DIR]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import torch

from visionlab.data.dataset import ImageListDataset
from visionlab.data.folders import scan_class_folders
from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.data.transforms import eval_transform
from visionlab.models import get_classifier
from visionlab.train.features import extract_features
from visionlab.utils.device import resolve_amp


def backbone_only(model, n: int, batch: int, size: int, amp) -> float:
    x = torch.randn(batch, 3, size, size).contiguous(memory_format=torch.channels_last)
    model.eval()
    with torch.inference_mode(), torch.autocast("cpu", dtype=amp, enabled=amp is not None):
        model.forward_features(x)  # warm-up
        t0 = time.perf_counter()
        done = 0
        while done < n:
            b = min(batch, n - done)
            model.forward_features(x[:b])
            done += b
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--size", type=int, default=160)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--workers", type=int, default=0, help="loader workers (0 measured faster on 2 cores)")
    ap.add_argument("--ram-mb", type=int, default=64, help="feature cache RAM limit (small, to exercise the disk path)")
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="vl-bench-features-"))
    if not (work / "data" / "synth.json").is_file():
        t0 = time.perf_counter()
        write_dataset(work / "data", args.n, seed=0, spec=SceneSpec(width=32, height=32))
        print(f"rendered {args.n} scenes of 32x32 in {time.perf_counter() - t0:.0f}s")
    items, _ = scan_class_folders(work / "data" / "classify")
    model = get_classifier("efficientnet_lite0", num_classes=2).to(memory_format=torch.channels_last)
    amp = resolve_amp("auto", torch.device("cpu"))
    pre = model.weights.preprocess.at_size(args.size)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    store = extract_features(
        model, ImageListDataset(items, eval_transform(pre)), batch_size=args.batch, device=torch.device("cpu"), amp=amp,
        channels_last=True, workers=args.workers, max_ram_mb=args.ram_mb, cache_dir=work / "cache", name="train",
    )
    ours = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    alone = backbone_only(model, len(items), args.batch, args.size, amp)
    print(f"threads {torch.get_num_threads()}, {len(items)} images at {args.size}px, batch {args.batch}, amp {amp}, workers {args.workers}")
    print(f"backbone forward alone: {alone:8.1f} s  ({len(items) / alone:.0f} img/s)")
    print(f"visionlab feature pass: {ours:8.1f} s  ({len(items) / ours:.0f} img/s), features on {'disk: ' + str(store.path) if store.path else 'RAM'}")
    print(f"peak RSS before {rss0:.0f} MB, after feature pass {rss1:.0f} MB (features: {store.array.nbytes / 2**20:.0f} MB)")
    print(f"RATIO feature pass / backbone = {ours / alone:.3f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
