"""How much faster is a distilled student than its teacher on this CPU? (issue: distill-export)

Two pairings, timed with :func:`visionlab.distill.time_network` (network forward only, the
settings visionlab predicts with, medians of interleaved repetitions, batch 1 and batch 8):

1. the main job's pair: its U-Net/EfficientNet-Lite0 teacher against its distilled student, LR-ASPP
   on the compact plain-convolution encoder (``--teacher``/``--student`` run folders; default
   ``runs/demo/segment`` and ``runs/demo/distill``), at the teacher's input size;
2. the manual's pair: DeepLabV3-ResNet50 against LR-ASPP-MobileNetV3 at 520 px (torchvision's
   COCO/VOC architectures; random weights, because their files are not available offline: speed
   does not depend on the weights' values).

    .venv/bin/python benchmarks/bench_distill_speed.py [--teacher RUN] [--student RUN] [--reps N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from visionlab.distill import time_network
from visionlab.segment import load_segmenter

GOAL = 10.0


def _report(name: str, models: dict, images: list[np.ndarray], reps: int) -> None:
    for batch in (1, 8):
        ms = time_network(models, images, batch, reps)
        ratio = ms["teacher"] / ms["student"]
        print(f"{name} batch {batch}: teacher {ms['teacher']:.1f} ms/image, student {ms['student']:.1f} ms/image  "
              f"RATIO {ratio:.2f}x (goal >= {GOAL:.0f}: {'MET' if ratio >= GOAL else 'NOT MET'})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--teacher", default="runs/demo/segment")
    ap.add_argument("--student", default="runs/demo/distill")
    ap.add_argument("--reps", type=int, default=10)
    args = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, medians of {args.reps} interleaved repetitions")
    rng = np.random.default_rng(0)
    if (Path(args.teacher) / "config.json").is_file() and (Path(args.student) / "config.json").is_file():
        teacher, student = load_segmenter(args.teacher), load_segmenter(args.student)
        size = teacher.preprocess.input_size(256, 256)
        scenes = [rng.integers(0, 255, (256, 256, 3), dtype=np.uint8) for _ in range(8)]
        _report(f"main job {teacher.model.arch}/{teacher.model.encoder} -> {student.model.arch}/{student.model.encoder} at {size}",
                {"teacher": teacher, "student": student}, scenes, args.reps)
    else:
        print(f"skipped the main job's pair: {args.teacher} or {args.student} is not a run (run bash scripts/run_main.sh)")
    photos = [rng.integers(0, 255, (520, 520, 3), dtype=np.uint8) for _ in range(8)]
    models = {"teacher": load_segmenter("deeplabv3_resnet50", random_weights=True),
              "student": load_segmenter("lraspp_mobilenet_v3_large", random_weights=True)}
    _report("manual's pair deeplabv3_resnet50 -> lraspp_mobilenet_v3_large at 520x520", models, photos, max(3, args.reps // 3))


if __name__ == "__main__":
    main()
