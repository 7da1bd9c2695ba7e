"""How much faster is a distilled student than its teacher on this CPU? (issue: distill-export)

Two pairings, timed with :func:`visionlab.distill.time_runtimes`: network forward only, each model in
PyTorch (the settings visionlab predicts with: folded batch norms, bf16 autocast and channels_last
where native) and in ONNX Runtime (fp32, the exported file a game engine loads), batch 1 and batch 8,
medians of rounds of 5 forwards per model, one runtime after the other. The ratio printed for the goal
takes each model in its faster runtime; the ratios within each runtime follow.

1. the main job's pair: its U-Net/EfficientNet-Lite0 teacher against its distilled student, LR-ASPP
   on the compact plain-convolution encoder (``--teacher``/``--student`` run folders; default
   ``runs/demo/segment`` and ``runs/demo/distill``), at the teacher's input size;
2. the manual's pair: DeepLabV3-ResNet50 against LR-ASPP-MobileNetV3 at 520 px (torchvision's
   COCO/VOC architectures; random weights, because their files are not available offline: speed
   does not depend on the weights' values). PyTorch only unless ``--manual-onnx`` (slow: minutes).

    .venv/bin/python benchmarks/bench_distill_speed.py [--teacher RUN] [--student RUN] [--rounds N] [--manual-onnx]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from visionlab.distill import BATCHES, RUNTIMES, speedups, time_runtimes
from visionlab.segment import load_segmenter

GOAL = 10.0


def _report(name: str, models: dict, images: list[np.ndarray], rounds: int, runtimes: tuple[str, ...], block: int = 5) -> None:
    times = time_runtimes(models, images, rounds, runtimes, block)
    speed = speedups(times)
    for b in BATCHES:
        best = speed["best"][b]
        (t_ms, t_rt), (s_ms, s_rt) = best["teacher"], best["student"]
        within = ", ".join(f"{RUNTIMES[rt]} {s[b]:.2f}x" for rt, s in speed["by_runtime"].items())
        print(f"{name} batch {b}: teacher {t_ms:.1f} ms/image ({RUNTIMES[t_rt]}), student {s_ms:.2f} ms/image ({RUNTIMES[s_rt]})  "
              f"RATIO {best['speedup']:.2f}x (goal >= {GOAL:.0f}: {'MET' if best['speedup'] >= GOAL else 'NOT MET'}); within {within}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--teacher", default="runs/demo/segment")
    ap.add_argument("--student", default="runs/demo/distill")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--manual-onnx", action="store_true", help="also time the manual's pair in ONNX Runtime")
    args = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, medians of {args.rounds} rounds of 5 forwards per model")
    rng = np.random.default_rng(0)
    if (Path(args.teacher) / "config.json").is_file() and (Path(args.student) / "config.json").is_file():
        teacher, student = load_segmenter(args.teacher), load_segmenter(args.student)
        size = teacher.preprocess.input_size(256, 256)
        scenes = [rng.integers(0, 255, (256, 256, 3), dtype=np.uint8) for _ in range(8)]
        _report(f"main job {teacher.model.arch}/{teacher.model.encoder} -> {student.model.arch}/{student.model.encoder} at {size}",
                {"teacher": teacher, "student": student}, scenes, args.rounds, tuple(RUNTIMES))
    else:
        print(f"skipped the main job's pair: {args.teacher} or {args.student} is not a run (run bash scripts/run_main.sh)")
    photos = [rng.integers(0, 255, (520, 520, 3), dtype=np.uint8) for _ in range(8)]
    models = {"teacher": load_segmenter("deeplabv3_resnet50", random_weights=True),
              "student": load_segmenter("lraspp_mobilenet_v3_large", random_weights=True)}
    _report("manual's pair deeplabv3_resnet50 -> lraspp_mobilenet_v3_large at 520x520", models, photos, 2,
            tuple(RUNTIMES) if args.manual_onnx else ("pytorch",), block=3)


if __name__ == "__main__":
    main()
