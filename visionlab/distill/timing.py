"""Timing the networks' forward passes in PyTorch and in ONNX Runtime, and the student's speed-ups."""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from visionlab.errors import ConfigError
from visionlab.segment import LoadedSegmenter, SegmentationPredictor

ROUND_SECONDS = 2.0  # a model slower than this per forward runs once per round, not ``block`` times


def time_network(models: dict[str, LoadedSegmenter], images: list[np.ndarray], batch: int, rounds: int = 5, block: int = 5) -> dict[str, float]:
    """Median milliseconds per image of each network's forward pass.

    Each of ``rounds`` rounds runs every model ``block`` times in a row (fewer when that takes more
    than ``ROUND_SECONDS``: DeepLabV3 at 520 px and batch 8 takes seconds), so a change in the
    machine's speed touches all models alike; a model's first forward after another model's is
    slowed by the other's idle threads and evicted caches, which the median discounts. All models
    see the same images, each with its own preprocessing, under the settings
    :class:`SegmentationPredictor` uses (batch norms folded; bf16 autocast and channels_last where
    native). Models exported to ONNX run in ONNX Runtime the same way.
    """
    predictors = {k: SegmentationPredictor(m, batch_size=batch) for k, m in models.items()}
    inputs = {k: torch.stack([p.prepare(im) for im in (images * batch)[:batch]]) for k, p in predictors.items()}
    times: dict[str, list[float]] = {k: [] for k in models}
    repeats = {}
    for k, p in predictors.items():
        t0 = time.perf_counter()
        p.logits(inputs[k])  # warm-up: kernels are chosen on first use
        repeats[k] = max(1, min(block, int(ROUND_SECONDS / (time.perf_counter() - t0))))
    for _ in range(rounds):
        for k, p in predictors.items():
            for _ in range(repeats[k]):
                t0 = time.perf_counter()
                p.logits(inputs[k])
                times[k].append((time.perf_counter() - t0) * 1000 / batch)
    return {k: statistics.median(v) for k, v in times.items()}


RUNTIMES = {"pytorch": "PyTorch", "onnxruntime": "ONNX Runtime"}
BATCHES = (1, 8)


def time_runtimes(models: dict[str, LoadedSegmenter], images: list[np.ndarray], rounds: int = 6,
                  runtimes: tuple[str, ...] = tuple(RUNTIMES), block: int = 5) -> dict[str, dict[str, dict[int, float]]]:
    """``{runtime: {role: {batch: ms per image}}}`` for each model in PyTorch and in ONNX Runtime.

    Timed with :func:`time_network`: ``rounds`` of ``block`` forwards at batch 1, half as many rounds
    at batch 8. Each network is exported to ONNX (checked against PyTorch on ``images``) in a temporary folder.
    Runtimes are timed one after the other: mixing ONNX Runtime with PyTorch lets each runtime's
    idle threads slow the other (a small student's batch-1 forward in ONNX Runtime took 2.6 ms
    alternating with PyTorch forwards against 1.8 ms alone on a 2-core CPU).
    """
    from visionlab.export import OnnxNetwork, onnx_twin

    unknown = set(runtimes) - set(RUNTIMES)
    if unknown:
        raise ConfigError(f"unknown runtime(s) {sorted(unknown)}; choose from {', '.join(RUNTIMES)}")
    native = {k: m for k, m in models.items() if not isinstance(m.model, OnnxNetwork)}
    timed = {"pytorch": native} if "pytorch" in runtimes else {}
    with tempfile.TemporaryDirectory(prefix="visionlab-onnx-") as tmp:
        if "onnxruntime" in runtimes:
            timed["onnxruntime"] = {}
            for k, m in models.items():
                try:
                    timed["onnxruntime"][k] = onnx_twin(m, images[:4], Path(tmp) / f"{k}.onnx") if k in native else m
                except Exception as exc:  # torch.onnx raises many types; the PyTorch timing still stands
                    warnings.warn(f"{k} ({m.name}) was not timed in ONNX Runtime: its export failed ({exc})", stacklevel=2)
        result: dict[str, dict[str, dict[int, float]]] = {}
        for runtime, ms in timed.items():
            if ms:
                per_batch = {b: time_network(ms, images[:b], b, rounds if b == 1 else max(1, rounds // 2), block) for b in BATCHES}
                result[runtime] = {k: {b: per_batch[b][k] for b in BATCHES} for k in ms}
    return result


def speedups(times: dict[str, dict[str, dict[int, float]]]) -> dict:
    """The student's speed-up over the teacher within each runtime, and with each model in its fastest one."""
    out: dict = {"by_runtime": {}, "best": {}}
    for runtime, roles in times.items():
        if {"teacher", "student"} <= set(roles):
            out["by_runtime"][runtime] = {b: roles["teacher"][b] / roles["student"][b] for b in BATCHES}
    for b in BATCHES:
        best = {role: min((roles[role][b], runtime) for runtime, roles in times.items() if role in roles) for role in ("teacher", "student")}
        out["best"][b] = {"speedup": best["teacher"][0] / best["student"][0], "teacher": best["teacher"], "student": best["student"]}
    return out
