"""Segmentation defaults: the previous `train segment` defaults against today's, on the same scenes in one run.

The stand-in for real street scenes: game-world scenes of variant 5 (characters holding weapons, several
per scene), whose `weapon` class is thin and rare like poles and bicyclists. Every arm trains the same
U-Net (EfficientNet-Lite0 encoder) on the same split for the same epochs; the table gives test mIoU, the
rarest class's IoU and wall-clock minutes. Arms:

  previous  cross-entropy, no class weights, Adam 1e-3 (`train segment`'s defaults before this benchmark)
  default   the defaults `train segment` and the lab share now (cross-entropy + Dice, balanced weights, Adam 3e-3)
  and any extra arms named with --arms (lr1e-3: the defaults at Adam 1e-3; adamw: AdamW 1e-3, weight decay 0.01).

    .venv/bin/python benchmarks/bench_segment_defaults.py [--n 300] [--epochs 8] [--size 160] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.train.config import SegmentConfig
from visionlab.train.segment import train_segmenter

ARMS = {
    "previous": {"loss": "ce", "class_weights": "none", "lr": 1e-3},
    "default": {},
    "lr1e-3": {"lr": 1e-3},
    "adamw": {"optimizer": "adamw", "weight_decay": 0.01},
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=300, help="scenes (70/15/15 train/val/test)")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--size", type=int, default=160, help="scene and training size in px")
    p.add_argument("--variant", type=int, default=5)
    p.add_argument("--arms", nargs="+", default=["previous", "default"], choices=sorted(ARMS))
    p.add_argument("--work", type=Path, default=None)
    args = p.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-seg-"))
    data = work / "scenes"
    write_dataset(data, args.n, seed=5, spec=SceneSpec(width=args.size, height=args.size, n_characters=3, variant=args.variant))
    rows = []
    for arm in args.arms:
        cfg = SegmentConfig(data=str(data / "segment"), out=str(work / arm), epochs=args.epochs, img_size=(args.size, args.size), quiet=True,
                            **ARMS[arm])  # type: ignore[arg-type]
        t0 = time.perf_counter()
        run = train_segmenter(cfg)
        minutes = (time.perf_counter() - t0) / 60
        m = json.loads((run / "eval" / "test" / "metrics.json").read_text())
        per_class = {k: v for k, v in m["per_class_iou"].items() if v is not None}
        share = dict(zip(m["classes"], (sum(r) for r in m["confusion_matrix"]), strict=True))
        rare = min(per_class, key=share.__getitem__)  # the class with the fewest true test pixels
        rows.append((arm, m["miou"], rare, per_class[rare], minutes, cfg.loss, cfg.class_weights, cfg.optimizer, cfg.lr))
        print(f"{arm}: test mIoU {m['miou']:.4f}  {rare} IoU {per_class[rare]:.4f}  {minutes:.1f} min", flush=True)
    print(f"\nvariant {args.variant}, {args.n} scenes of {args.size} px, {args.epochs} epochs, one run per arm, same split")
    print("| arm | loss | class weights | optimizer | lr | test mIoU | rarest class IoU | minutes |")
    print("|---|---|---|---|---|---|---|---|")
    for arm, miou, rare, iou, minutes, loss, weights, opt, lr in rows:
        print(f"| {arm} | {loss} | {weights} | {opt} | {lr:g} | {miou:.4f} | {rare} {iou:.4f} | {minutes:.1f} |")
    base = rows[0][1]
    for arm, miou, *_ in rows[1:]:
        print(f"{arm} vs {rows[0][0]}: mIoU {miou - base:+.4f}")


if __name__ == "__main__":
    main()
