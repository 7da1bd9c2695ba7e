"""Flip test-time augmentation for a trained segmenter: what it buys (test mIoU) and what it costs (inference time).

For each segmentation run given (default ``runs/demo/segment``, the main job's), the same trained
network is evaluated on the run's test split twice through visionlab's own evaluation
(:func:`~visionlab.evaluate.segment.evaluate_segmenter`, masks at the images' own size): as one view
(``tta_flip`` off) and as the mean of the image's and its mirror image's logits (on), whatever the run
was trained with. Then ``SegmentationPredictor.predict`` over the same images is timed both ways in
this process, repetitions interleaved, medians: the RATIO is the time with the mirror over the time
without (about 2 expected: a second forward pass per image).

    .venv/bin/python benchmarks/bench_segment_tta.py [RUN ...] [--reps 3] [--markdown]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np
import torch
from bench_segment_infer import timed_interleaved  # the benchmarks folder is on the path when run as a script

from visionlab.data.images import load_rgb
from visionlab.evaluate.segment import evaluate_segmenter, resolve_mask_split
from visionlab.segment import SegmentationPredictor, load_segmenter


def measure(run: Path, reps: int) -> dict:
    """Test mIoU and predict time of ``run``'s segmenter without and with the mirror view."""
    seg = load_segmenter(run)
    items = resolve_mask_split(run, None, "test")
    views = {flip: dataclasses.replace(seg, preprocess=dataclasses.replace(seg.preprocess, tta_flip=flip)) for flip in (False, True)}
    miou = {flip: evaluate_segmenter(s, items)[0]["miou"] for flip, s in views.items()}
    images = [np.asarray(load_rgb(items.image_path(i))) for i in range(len(items))]
    predictors = {flip: SegmentationPredictor(s) for flip, s in views.items()}
    seconds = timed_interleaved({flip: (lambda p=p: p.predict(images)) for flip, p in predictors.items()}, reps)
    return {"run": str(run), "trained_with_flip": seg.preprocess.tta_flip, "images": len(images), "miou": miou[False],
            "miou_flip": miou[True], "ms_per_image": 1000 * seconds[False] / len(images),
            "ms_per_image_flip": 1000 * seconds[True] / len(images)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="*", default=["runs/demo/segment"], help="segmentation run folders with a test split")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--markdown", action="store_true", help="one table row per run")
    args = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; test split of each run, medians of {args.reps} interleaved repetitions")
    rows = []
    for run in map(Path, args.runs):
        if not (run / "config.json").is_file():
            print(f"skipped {run}: not a run folder (bash scripts/run_main.sh makes runs/demo/segment)")
            continue
        r = measure(run, args.reps)
        rows.append(r)
        print(f"{run}: test mIoU {r['miou']:.4f} -> {r['miou_flip']:.4f} with the mirror ({r['miou_flip'] - r['miou']:+.4f}) on {r['images']} "
              f"images; predict {r['ms_per_image']:.1f} -> {r['ms_per_image_flip']:.1f} ms/image, "
              f"RATIO {r['ms_per_image_flip'] / r['ms_per_image']:.2f}x")
    if args.markdown and rows:
        print("\n| run | test mIoU | with the mirror | gain | ms/image | with the mirror |\n| --- | --- | --- | --- | --- | --- |")
        for r in rows:
            print(f"| {r['run']} | {r['miou']:.3f} | {r['miou_flip']:.3f} | {r['miou_flip'] - r['miou']:+.3f} | {r['ms_per_image']:.1f} | "
                  f"{r['ms_per_image_flip']:.1f} |")
    if len(rows) > 1:
        gains = [r["miou_flip"] - r["miou"] for r in rows]
        print(f"over {len(rows)} runs: gain mean {np.mean(gains):+.4f}, min {min(gains):+.4f}, max {max(gains):+.4f}; "
              f"higher on {sum(g > 0 for g in gains)}")


if __name__ == "__main__":
    main()
