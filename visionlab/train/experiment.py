"""The coursework's experiment: the same segmenter with a pretrained encoder and from scratch.

Both arms get the same data, split, seed, epochs and settings; only the encoder's initial
weights differ. Classical baselines are scored on the same test images for reference.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from visionlab.errors import ParamError, RunFolderError
from visionlab.evaluate.plots import plot_miou_curves
from visionlab.evaluate.segment import evaluate_segmenter, resolve_mask_split
from visionlab.runs import RunFolder
from visionlab.segment import load_segmenter
from visionlab.train.config import SegmentConfig
from visionlab.train.fit import read_history
from visionlab.train.segment import train_segmenter
from visionlab.utils.files import atomic_write, write_csv_rows, write_json

ARMS = ("pretrained", "scratch")
# Settings that may differ between a reused run and the experiment's own arm.
_FREE_KEYS = {"out", "pretrained", "quiet", "workers", "device", "download"}


def epochs_to_reach(history: list[dict], target: float) -> tuple[int | None, float | None]:
    """The first epoch whose validation mIoU reaches ``target`` and the training seconds until then."""
    elapsed = 0.0
    for row in history:
        elapsed += float(row.get("train_seconds", row["seconds"]))
        if float(row["val_miou"]) >= target:
            return int(row["epoch"]), elapsed
    return None, None


def _arm_row(name: str, path: Path, target: float) -> dict:
    run = RunFolder(path)
    cfg = run.load_config()
    history = read_history(run.history_path)
    test = run.metrics("test") if run.eval_metrics_path("test").is_file() else run.metrics()
    seconds = [float(r.get("train_seconds", r["seconds"])) for r in history]
    reach_epoch, reach_seconds = epochs_to_reach(history, target)
    return {
        "model": name, "run": str(path), "split": test["split"], "miou": test["miou"], "pixel_accuracy": test["pixel_accuracy"],
        "mean_class_accuracy": test["mean_class_accuracy"], "seconds_per_epoch": sum(seconds) / max(len(seconds), 1),
        "epochs": len(history), "best_val_miou": max(float(r["val_miou"]) for r in history),
        "epochs_to_target": reach_epoch, "seconds_to_target": reach_seconds,
        "trainable_parameters": cfg["parameters"]["trainable"], "total_parameters": cfg["parameters"]["total"],
    }


def _check_reusable(run: RunFolder, cfg: SegmentConfig) -> None:
    saved = run.load_config()["config"]
    mine = cfg.to_dict()
    diff = [k for k in mine if k not in _FREE_KEYS and saved.get(k) != mine[k]]
    if diff or not saved.get("pretrained"):
        raise ParamError("reuse_pretrained", f"reuse_pretrained: {run.path} cannot be the pretrained arm: it was trained with other settings "
                                             f"({', '.join(diff) or 'pretrained=False'}); run the experiment without it")


def _baseline_rows(run: Path, names: list[str], quiet: bool) -> list[dict]:
    split = "test" if RunFolder(run).eval_dir("test").is_dir() else "val"
    items = resolve_mask_split(run, None, split)
    rows = []
    for name in names:
        seg = load_segmenter(name, k=None)
        m, _, _ = evaluate_segmenter(seg, items, quiet=quiet)
        rows.append({"model": f"{name} (classical, clusters matched to classes per image)", "run": "", "split": split,
                     "miou": m["miou"], "pixel_accuracy": m["pixel_accuracy"], "mean_class_accuracy": m["mean_class_accuracy"],
                     "seconds_per_epoch": None, "epochs": 0, "best_val_miou": None, "epochs_to_target": None, "seconds_to_target": None,
                     "trainable_parameters": 0, "total_parameters": 0})
    return rows


def _plot(rows: list[dict], out: Path) -> Path:
    """Validation mIoU of each trained arm against epochs and training time."""
    series = {}
    for row in rows:
        if row["run"]:
            history = read_history(RunFolder(row["run"]).history_path)
            seconds = np.cumsum([float(r.get("train_seconds", r["seconds"])) for r in history])
            series[row["model"]] = (seconds.tolist(), [float(r["val_miou"]) for r in history])
    return plot_miou_curves(series, out, "Pretrained encoder vs from scratch")


def format_table(rows: list[dict]) -> str:
    """A Markdown table of the experiment."""
    head = "| model | mIoU | pixel acc | s/epoch | epochs to target | training s to target | trainable / total params |"
    lines = [head, "|" + "---|" * 7]
    for r in rows:
        spe = "-" if r["seconds_per_epoch"] is None else f"{r['seconds_per_epoch']:.1f}"
        reach = "-" if not r["run"] else (str(r["epochs_to_target"]) if r["epochs_to_target"] else f"not in {r['epochs']}")
        reach_s = "-" if r["seconds_to_target"] is None else f"{r['seconds_to_target']:.0f}"
        params = "-" if not r["total_parameters"] else f"{r['trainable_parameters']:,} / {r['total_parameters']:,}"
        lines.append(f"| {r['model']} | {r['miou']:.4f} | {r['pixel_accuracy']:.4f} | {spe} | {reach} | {reach_s} | {params} |")
    return "\n".join(lines)


def run_encoder_experiment(cfg: SegmentConfig, out: str | Path, *, target_miou: float = 0.5, baselines: tuple[str, ...] = ("otsu", "kmeans"),
                           reuse_pretrained: str | Path | None = None, resume: bool = False) -> dict:
    """Train ``cfg`` with a pretrained encoder and from scratch; compare them (and baselines) on the test split.

    Args:
        cfg: Settings shared by both arms (``out`` and ``pretrained`` are set per arm).
        out: Experiment folder: ``pretrained/`` and ``scratch/`` runs, ``table.md``, ``table.csv``,
            ``experiment.json`` and ``curves.png``.
        target_miou: Validation mIoU for the "epochs to reach" column.
        baselines: Classical baselines scored on the same test images.
        reuse_pretrained: An existing run with the same settings to use as the pretrained arm.
        resume: Continue an arm's run that a stopped experiment began (``visionlab lab --resume``).

    Returns:
        ``{"rows": [...], "target_miou": ..., "table": markdown}``.

    Raises:
        RunFolderError: ``out`` holds an experiment already, or ``reuse_pretrained`` is not a run.
        ParamError: ``reuse_pretrained`` was trained with other settings.
    """
    out = Path(out)
    if (out / "experiment.json").exists():
        raise RunFolderError(f"{out} already holds an experiment; choose another folder (nothing was overwritten)")
    arms = {}
    for arm in ARMS:
        if arm == "pretrained" and reuse_pretrained is not None:
            reused = RunFolder(reuse_pretrained).require()
            _check_reusable(reused, cfg)
            arms[arm] = reused.path
            continue
        arm_cfg = replace(cfg, out=str(out / arm), pretrained=arm == "pretrained")
        arms[arm] = train_segmenter(arm_cfg, resume=resume and RunFolder(out / arm).is_run())
    rows = [_arm_row(f"{cfg.model}/{RunFolder(arms[a]).load_config()['config']['encoder'] or 'default'} {a}", arms[a], target_miou) for a in ARMS]
    rows += _baseline_rows(arms["scratch"], list(baselines), cfg.quiet)
    table = format_table(rows)
    _write_text(out / "table.md", f"Target validation mIoU: {target_miou}\n\n{table}\n")
    write_csv_rows(out / "table.csv", rows)
    _plot(rows, out / "curves.png")
    result = {"rows": rows, "target_miou": target_miou, "table": table, "config": cfg.to_dict()}
    write_json(out / "experiment.json", result)
    return result


def _write_text(path: Path, text: str) -> Path:
    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    return atomic_write(path, write)
