"""The comparison of teacher and student (``OUT/distill/``): the table, its Markdown and CSV, and a plot.

Milliseconds per image at batch 1 and batched (network only, same input size, stated threads),
parameters, file size, mIoU against ground truth and agreement with the teacher (the student's
mIoU with the teacher's masks as truth).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from visionlab.data.images import load_rgb
from visionlab.data.masks import MaskList
from visionlab.distill.timing import BATCHES, RUNTIMES, speedups, time_runtimes
from visionlab.errors import ConfigError
from visionlab.evaluate.seg_metrics import ConfusionAccumulator, segmentation_metrics
from visionlab.models.segmenters import Segmenter, SegPreprocess
from visionlab.runs import RunFolder
from visionlab.segment import LoadedSegmenter, SegmentationPredictor, load_segmenter
from visionlab.utils.files import atomic_write, write_csv_rows, write_json

if TYPE_CHECKING:
    from visionlab.models.onnx import OnnxNetwork


def agreement(student: LoadedSegmenter, teacher: LoadedSegmenter, images: list[np.ndarray]) -> float:
    """The student's mIoU with the teacher's masks as the truth."""
    acc = ConfusionAccumulator(teacher.classes.num_classes, teacher.classes.ignore_index)
    for s, t in zip(SegmentationPredictor(student).predict(images), SegmentationPredictor(teacher).predict(images)):
        acc.update(s, t)
    return float(segmentation_metrics(acc.matrix, teacher.classes.names)["miou"])


def _network(seg: LoadedSegmenter) -> tuple[Segmenter | OnnxNetwork, SegPreprocess]:
    """The network and its preprocessing (a classical baseline has neither).

    Raises:
        ConfigError: ``seg`` is a classical baseline.
    """
    if seg.model is None or seg.preprocess is None:
        raise ConfigError(f"{seg.name} is a classical baseline; only networks are compared")
    return seg.model, seg.preprocess


def _model_bytes(seg: LoadedSegmenter) -> tuple[int, int | None]:
    model, _ = _network(seg)
    tensors = sum(t.numel() * t.element_size() for t in model.state_dict().values())
    ckpt = RunFolder(seg.run).best_or_none() if seg.run is not None else None
    return tensors, ckpt.stat().st_size if ckpt else None


def compare_with_teacher(teacher: LoadedSegmenter | str, student_run: str | Path, test: MaskList | None, out: str | Path, *,
                         n_images: int = 40, rounds: int = 6, runtimes: tuple[str, ...] = tuple(RUNTIMES), quiet: bool = True) -> dict:
    """The manual's comparison table of teacher and student, written to ``out``.

    Both networks are timed in PyTorch and in ONNX Runtime (:func:`time_runtimes`); ``ms_batch1`` and
    ``ms_batch8`` are each model's time in its faster runtime, which ``runtime_batch1``/``runtime_batch8``
    name. Agreement and mIoU are measured on the test images when there are any, else on the
    student's held-out pseudo-labelled images (then there is no ground truth column).
    """
    from visionlab.evaluate.segment import evaluate_segmenter, resolve_mask_split

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    teacher = load_segmenter(teacher) if isinstance(teacher, (str, Path)) else teacher
    student = load_segmenter(student_run)
    items = test if test is not None else resolve_mask_split(Path(student_run), None, "val")
    sample = [np.asarray(load_rgb(items.image_path(i))) for i in range(min(n_images, len(items)))]
    models = {"teacher": teacher, "student": student}
    times = time_runtimes(models, sample, rounds, runtimes)
    speed = speedups(times)
    gt = {k: evaluate_segmenter(m, test, quiet=quiet)[0]["miou"] for k, m in models.items()} if test is not None else {}
    agree = agreement(student, teacher, sample)
    rows = [_row(role, seg, sample[0], times, speed, gt, agree) for role, seg in models.items()]
    result: dict[str, Any] = {"rows": rows, **{f"speedup_batch{b}": speed["best"][b]["speedup"] for b in BATCHES},
              **{f"speedup_batch{b}_{runtime}": s[b] for runtime, s in speed["by_runtime"].items() for b in BATCHES},
              "runtimes": list(times), "quality_ratio": gt["student"] / gt["teacher"] if gt else None, "threads": torch.get_num_threads(),
              "images": len(sample), "test_images": len(test) if test is not None else 0, "amp": str(SegmentationPredictor(student).amp),
              "timing": f"Network forward only; medians of {rounds} (batch 1) and {max(1, rounds // 2)} (batch 8) rounds of up to 5 "
                        "forwards per model, runtime by runtime"}
    result["table"] = format_table(result)
    write_json(out / "comparison.json", result)
    write_csv_rows(out / "table.csv", rows)

    def write_table(path: Path) -> None:
        path.write_text(result["table"] + "\n", encoding="utf-8")

    atomic_write(out / "table.md", write_table)
    plot_comparison(rows, out / "comparison.png")
    return result


def _row(role: str, seg: LoadedSegmenter, image: np.ndarray, times: dict[str, dict[str, dict[int, float]]], speed: dict,
         gt: dict[str, float], agree: float) -> dict[str, Any]:
    """One row of the table: the model, its input size, its timings, size and quality."""
    model, _ = _network(seg)
    tensors, ckpt = _model_bytes(seg)
    row: dict[str, Any] = {"role": role, "model": _describe(seg), "input": _input_label(seg, image)}
    for b in BATCHES:
        row[f"ms_batch{b}"], row[f"runtime_batch{b}"] = speed["best"][b][role]
    for runtime, roles in times.items():
        row |= {f"ms_batch{b}_{runtime}": roles[role][b] for b in BATCHES if role in roles}
    row |= {"parameters": model.parameter_counts()["total"], "tensor_bytes": tensors, "file_bytes": ckpt,
            "miou_ground_truth": gt.get(role), "agreement_with_teacher": 1.0 if role == "teacher" else agree}
    return row


def _describe(seg: LoadedSegmenter) -> str:
    model, _ = _network(seg)
    return f"{model.arch}/{model.encoder}" + (f" ({seg.run.name})" if seg.run is not None else f" ({seg.name})")


def _input_label(seg: LoadedSegmenter, image: np.ndarray) -> str:
    _, preprocess = _network(seg)
    h, w = preprocess.input_size(*image.shape[:2])
    return f"{h}x{w}"


def _ms(row: dict, key: str) -> str:
    return "-" if row.get(key) is None else f"{row[key]:.1f}"


def format_table(result: dict) -> str:
    """The comparison as Markdown, with what the timings mean."""
    runtimes = result.get("runtimes", ["pytorch"])
    timing_heads = [f"{RUNTIMES[r]} ms/image batch {b}" for r in runtimes for b in BATCHES]
    head = ["role", "model", "input", *timing_heads, "parameters", "file MB", "mIoU (ground truth)", "agreement with teacher (mIoU)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in result["rows"]:
        mb = (r["file_bytes"] or r["tensor_bytes"]) / 2**20
        gt = "-" if r["miou_ground_truth"] is None else f"{r['miou_ground_truth']:.4f}"
        times = [_ms(r, f"ms_batch{b}_{rt}") for rt in runtimes for b in BATCHES]
        lines.append(f"| {r['role']} | {r['model']} | {r['input']} | {' | '.join(times)} | {r['parameters']:,} | {mb:.1f} | {gt} | "
                     f"{r['agreement_with_teacher']:.4f} |")
    lines.append("\n" + speed_sentence(result) + (f" Student/teacher mIoU {result['quality_ratio']:.3f}." if result["quality_ratio"] is not None else "")
                 + f" {result.get('timing', 'Network forward only, medians of repetitions')}, {result['threads']} threads; PyTorch with "
                 f"folded batch norms and autocast {result['amp']}, ONNX Runtime fp32 on the CPU; agreement on {result['images']} images.")
    return "\n".join(lines)


def speed_sentence(result: dict) -> str:
    """How much faster the student is, each model in its faster runtime and within each runtime."""
    roles = {r["role"]: r for r in result["rows"]}
    best = ", ".join(f"{result[f'speedup_batch{b}']:.2f}x at batch {b} (teacher {RUNTIMES.get(roles['teacher'].get(f'runtime_batch{b}'), 'PyTorch')}, "
                     f"student {RUNTIMES.get(roles['student'].get(f'runtime_batch{b}'), 'PyTorch')})" for b in BATCHES)
    within = "; ".join(f"within {RUNTIMES[rt]} {result[f'speedup_batch1_{rt}']:.2f}x and {result[f'speedup_batch8_{rt}']:.2f}x"
                       for rt in result.get("runtimes", []) if f"speedup_batch1_{rt}" in result)
    return f"Speed-up of the student, each model in its faster runtime: {best}" + (f"; {within}." if within else ".")


def plot_comparison(rows: list[dict], path: Path) -> Path:
    """Bars of speed and quality, teacher beside student."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r['role']}\n{r['model'].split(' (')[0]}" for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    bars = axes[0].bar(labels, [r["ms_batch1"] for r in rows], color=["#555", "#2a7"])
    axes[0].bar_label(bars, [RUNTIMES.get(r.get("runtime_batch1") or "", "") for r in rows], fontsize=8)
    axes[0].set_title("ms / image, batch 1, faster runtime")
    axes[1].bar(labels, [r["parameters"] / 1e6 for r in rows], color=["#555", "#2a7"])
    axes[1].set_title("parameters (millions)")
    quality = [r["miou_ground_truth"] if r["miou_ground_truth"] is not None else r["agreement_with_teacher"] for r in rows]
    axes[2].bar(labels, quality, color=["#555", "#2a7"])
    axes[2].set_ylim(0, 1)
    axes[2].set_title("mIoU (ground truth)" if rows[0]["miou_ground_truth"] is not None else "agreement with the teacher")
    fig.tight_layout()
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, format="png"))
    plt.close(fig)
    return path
