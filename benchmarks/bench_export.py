"""Is an exported model faster in ONNX Runtime than in PyTorch on this CPU? (issue: distill-export)

For each segmentation run given (default: the main job's segmenter and its distilled student),
the run is exported to ONNX in a temporary folder and the network's forward pass is timed at its
training input size, batch 1 and batch 8, on real images:

- ``torch``: how visionlab runs it (bf16 autocast and channels_last on CPUs with native bf16),
- ``torch fp32``: plain fp32 eager,
- ``onnxruntime``: the exported file, fp32, CPUExecutionProvider with the same thread count.

Repetitions are interleaved and medians compared; the ratio printed is PyTorch (visionlab's way)
time over ONNX Runtime time (above 1: ONNX Runtime is faster).

    .venv/bin/python benchmarks/bench_export.py [RUN ...] [--reps N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from visionlab.data.images import load_rgb
from visionlab.evaluate.segment import resolve_mask_split
from visionlab.export import export_run
from visionlab.models.onnx import OnnxNetwork
from visionlab.segment import SegmentationPredictor, load_segmenter


def _inputs(run: Path, batch: int) -> torch.Tensor:
    seg = load_segmenter(run)
    items = resolve_mask_split(run, None, "val")
    predictor = SegmentationPredictor(seg, amp="off")
    images = [np.asarray(load_rgb(items.image_path(i % len(items)))) for i in range(batch)]
    return torch.stack([predictor.prepare(im) for im in images])


def _time(fn, x: torch.Tensor) -> float:
    t0 = time.perf_counter()
    fn(x)
    return (time.perf_counter() - t0) * 1000 / len(x)


def bench_run(run: Path, reps: int) -> None:
    seg = load_segmenter(run)
    with tempfile.TemporaryDirectory() as tmp:
        path = export_run(run, "onnx", Path(tmp) / "model.onnx")["path"]
        ort = OnnxNetwork(path)
        ours = SegmentationPredictor(seg)
        fp32 = SegmentationPredictor(load_segmenter(run), amp="off")
        ways = {"torch": ours.logits, "torch fp32": fp32.logits, "onnxruntime": lambda x: ort(x)}
        for batch in (1, 8):
            x = _inputs(run, batch)
            for fn in ways.values():
                fn(x)  # warm-up
            times = {k: [] for k in ways}
            for _ in range(reps):
                for k, fn in ways.items():
                    times[k].append(_time(fn, x))
            med = {k: statistics.median(v) for k, v in times.items()}
            cells = "  ".join(f"{k} {v:.1f}" for k, v in med.items())
            ratio = med["torch"] / med["onnxruntime"]
            print(f"{seg.model.arch}/{seg.model.encoder} {tuple(x.shape[-2:])} batch {batch}: ms/image {cells}  "
                  f"RATIO torch/onnxruntime = {ratio:.2f}x ({'ONNX Runtime faster' if ratio > 1 else 'PyTorch faster'})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="*", default=["runs/demo/segment", "runs/demo/distill"])
    ap.add_argument("--reps", type=int, default=10)
    args = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; medians of {args.reps} interleaved repetitions")
    for run in args.runs:
        if not (Path(run) / "config.json").is_file():
            raise SystemExit(f"{run} is not a run folder; run the main job first (bash scripts/run_main.sh) or pass run folders")
        bench_run(Path(run), args.reps)


if __name__ == "__main__":
    main()
