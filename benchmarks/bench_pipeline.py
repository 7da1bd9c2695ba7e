"""Segment-then-classify pipeline over a folder of game-world scenes (issue: compare-pipeline).

Goals:
1. report images per second of the whole pipeline (segment, split into objects, classify, write)
   over 100 scenes with 3 characters each (``--quick``: 30);
2. classifying the regions in batches is at least 2x faster than region by region (the manual's
   loop), on the same crops, repetitions interleaved, medians compared.

Needs the main job's runs (``bash scripts/run_main.sh``): ``--classifier`` and ``--segmenter``
default to ``runs/demo/classify`` and ``runs/demo/segment``.

    .venv/bin/python benchmarks/bench_pipeline.py [--quick] [--classifier RUN] [--segmenter RUN]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.pipeline import PipelineOptions, RegionClassifier, crop_region, find_regions, resolve_classes, run_pipeline
from visionlab.segment import SegmentationPredictor, load_segmenter

GOAL = 2.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="30 scenes, 3 repetitions")
    ap.add_argument("--classifier", default="runs/demo/classify")
    ap.add_argument("--segmenter", default="runs/demo/segment")
    args = ap.parse_args()
    for run in (args.classifier, args.segmenter):
        if not (Path(run) / "config.json").is_file():
            raise SystemExit(f"{run} is not a run folder; run the main job first (bash scripts/run_main.sh) or pass --classifier/--segmenter")
    n, reps = (30, 3) if args.quick else (100, 5)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, {n} scenes of 256x256 with 3 characters")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_dataset(tmp / "world", n, seed=123, spec=SceneSpec(n_characters=3))
        images = tmp / "world" / "segment" / "images"
        summary = run_pipeline(args.classifier, args.segmenter, [images], tmp / "out", PipelineOptions(split_touching=True))
        print(f"[1] whole pipeline: {summary['n_images']} images in {summary['seconds']:.1f}s = {summary['images_per_second']:.2f} images/s "
              f"({summary['regions']} regions; classification {summary['classify_seconds']:.1f}s of it)")
        crops = _crops(args.segmenter, sorted(images.iterdir()))
    clf = RegionClassifier(args.classifier)
    clf.probabilities(crops[:4])  # warm-up
    batched, single = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        together = clf.probabilities(crops)
        batched.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        alone = np.concatenate([clf.probabilities([c]) for c in crops])
        single.append(time.perf_counter() - t0)
    b, s = statistics.median(batched), statistics.median(single)
    same = float((together.argmax(1) == alone.argmax(1)).mean())
    print(f"[2] {len(crops)} regions ({clf.folded} batch norms folded): batched (batch {clf.batch_size}) {b:.2f}s, one by one {s:.2f}s (medians of {reps}); "
          f"same labels on {100 * same:.1f}%")
    print(f"RATIO batched region classification speed-up = {s / b:.2f}x (goal >= {GOAL}: {'MET' if s / b >= GOAL else 'NOT MET'})")


def _crops(segmenter: str, files: list[Path]) -> list:
    seg = load_segmenter(segmenter)
    class_ids = resolve_classes(None, seg.classes.names)
    crops = []
    for _, image, ids in SegmentationPredictor(seg).predict_paths(files):
        regions, _ = find_regions(ids, class_ids, split_touching=True)
        crops += [crop_region(image, r, 8, False) for r in regions]
    return crops


if __name__ == "__main__":
    main()
