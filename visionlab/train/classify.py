"""``visionlab train classify``: from a folder of images to a trained, evaluated classifier."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import torch

from visionlab import runs
from visionlab.data.folders import ImageList, load_classification_splits, load_split, save_split
from visionlab.evaluate.plots import plot_history
from visionlab.evaluate.report import write_evaluation
from visionlab.models import Classifier, get_classifier
from visionlab.models.weights import IMAGENET_PREPROCESS, Preprocess
from visionlab.train.checkpoint import load_state_into, load_train_state, save_classifier, save_train_state
from visionlab.train.config import ClassifyConfig
from visionlab.train.distributed import DistContext, barrier, init_distributed
from visionlab.train.trainers import FrozenTrainer, LoopTrainer, Trainer
from visionlab.utils.device import resolve_amp, resolve_device
from visionlab.utils.files import write_csv_rows

EpochHook = Callable[[int, dict], None]


@dataclass
class Setup:
    """What every stage of a run needs."""

    cfg: ClassifyConfig
    run: Path
    ctx: DistContext
    device: torch.device
    amp: torch.dtype | None
    splits: dict[str, ImageList]
    model: Classifier
    preprocess: Preprocess

    @property
    def classes(self) -> list[str]:
        return self.splits["train"].classes


def build_model(cfg: ClassifyConfig, num_classes: int) -> tuple[Classifier, Preprocess]:
    """The registry model for ``cfg`` and the preprocessing its weights entry prescribes."""
    torch.manual_seed(cfg.seed)  # the new head's initialisation
    weights = None if cfg.weights.lower() == "none" else cfg.weights
    model = get_classifier(cfg.backbone, num_classes=num_classes, weights=weights, dropout=cfg.dropout, download=cfg.download)
    base = model.weights.preprocess if model.weights is not None else IMAGENET_PREPROCESS
    return model, base.at_size(cfg.img_size)


def _prepare(cfg: ClassifyConfig, resume: bool) -> tuple[ClassifyConfig, Path, dict[str, ImageList]]:
    out = Path(cfg.out)
    if resume:
        saved = runs.load_config(out) if (out / runs.CONFIG).is_file() else None
        if saved is None:
            raise runs.RunFolderError(f"--resume: {out} holds no run to resume (no {runs.CONFIG}); drop --resume to start one")
        keep = {"epochs": cfg.epochs, "quiet": cfg.quiet, "workers": cfg.workers, "out": cfg.out}
        cfg = replace(ClassifyConfig.from_dict(saved["config"]), **keep)
        return cfg, out, load_split(out / runs.SPLIT)
    cfg.validate()
    runs.check_new_run(out)  # before any work, and on every rank
    splits = load_classification_splits(cfg.data, cfg.val_fraction, cfg.seed)
    return cfg, out, splits


def _start(cfg: ClassifyConfig, resume: bool) -> Setup:
    device = resolve_device(cfg.device)
    ctx = init_distributed(device)
    cfg, run, splits = _prepare(cfg, resume)
    model, pre = build_model(cfg, len(splits["train"].classes))
    model.to(device)
    if ctx.is_main and not resume:
        runs.prepare_new_run(run)
        save_split(run / runs.SPLIT, splits)
        extra = {
            "classes": splits["train"].classes,
            "counts": {k: v.class_counts() for k, v in splits.items()},
            "weights": model.weights.describe() if model.weights else None,
            "preprocess": pre.to_dict(),
            "world_size": ctx.world_size,
        }
        runs.save_config(run, cfg.to_dict(), extra)
    barrier(ctx)
    return Setup(cfg, run, ctx, device, resolve_amp(cfg.amp, device), splits, model, pre)


def _read_history(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# Loss changes below this do not count as improvement (for best checkpoints and early stopping).
MIN_DELTA = 1e-4


def _is_better(row: dict, best: dict | None) -> bool:
    """Higher validation accuracy wins; at equal accuracy, a clearly lower validation loss."""
    if best is None or row["val_acc"] > best["val_acc"]:
        return True
    return row["val_acc"] == best["val_acc"] and row["val_loss"] < best["val_loss"] - MIN_DELTA


def _fit(trainer: Trainer, s: Setup, on_epoch_end: EpochHook | None) -> None:
    """Epoch loop with best/last checkpoints, history, early stopping and resumable state."""
    state_path = s.run / runs.TRAIN_STATE
    history = _read_history(s.run / runs.HISTORY)
    start, best, bad = 0, None, 0
    if state_path.is_file():
        state = load_train_state(state_path)
        load_state_into(s.model, s.run / runs.LAST)
        trainer.load_state(state)
        start, best, bad = int(state["epoch"]), state["best"], int(state["bad_epochs"])
        history = history[:start]
    for epoch in range(start, s.cfg.epochs):
        row = trainer.run_epoch(epoch)
        row = {"epoch": epoch + 1, **row}
        improved = _is_better(row, best)
        best, bad = (row, 0) if improved else (best, bad + 1)
        history.append(row)
        if s.ctx.is_main:
            save_classifier(s.run / runs.LAST, s.model, s.classes, s.preprocess, {"epoch": epoch + 1})
            if improved:
                save_classifier(s.run / runs.BEST, s.model, s.classes, s.preprocess, {"epoch": epoch + 1, **row})
            save_train_state(state_path, {"epoch": epoch + 1, "best": best, "bad_epochs": bad, **trainer.state_dict()})
            write_csv_rows(s.run / runs.HISTORY, history)
        if not s.cfg.quiet and s.ctx.is_main:
            print(
                f"epoch {epoch + 1}/{s.cfg.epochs}  train loss {row['train_loss']:.4f} acc {row['train_acc']:.4f}  "
                f"val loss {row['val_loss']:.4f} acc {row['val_acc']:.4f}  ({row['seconds']:.1f}s)",
                flush=True,
            )
        if on_epoch_end is not None:
            on_epoch_end(epoch + 1, row)
        if s.cfg.patience and bad >= s.cfg.patience:
            if not s.cfg.quiet and s.ctx.is_main:
                print(f"early stop: no validation improvement for {bad} epochs", flush=True)
            break
    if s.ctx.is_main and history:
        plot_history(history, s.run / "plots" / "curves.png")


def _final_evaluation(trainer: Trainer, s: Setup) -> dict:
    load_state_into(s.model, s.run / runs.BEST)
    metrics = {}
    for split in ("val", "test"):
        if split in s.splits:
            probs, labels = trainer.probabilities(split)
            items = s.splits[split]
            metrics[split] = write_evaluation(s.run, split, probs, labels, items.paths, items.root, s.classes)
    return metrics


def train_classifier(cfg: ClassifyConfig, *, resume: bool = False, on_epoch_end: EpochHook | None = None) -> Path:
    """Train, checkpoint and evaluate a classifier; returns the run folder.

    Args:
        cfg: The run's configuration (saved as ``config.json``).
        resume: Continue the run in ``cfg.out`` from its last completed epoch.
        on_epoch_end: Called with ``(epoch, history_row)`` after each epoch's files are written.

    Raises:
        DatasetError, RunFolderError, WeightsUnavailableError: With the fix in the message.

    Example:
        >>> run = train_classifier(ClassifyConfig(data="data/classify", out="runs/r1",
        ...                                       backbone="efficientnet_lite0"))  # doctest: +SKIP
    """
    s = _start(cfg, resume)
    trainer: Trainer = (FrozenTrainer if s.cfg.mode == "frozen" else LoopTrainer)(s)
    _fit(trainer, s, on_epoch_end)
    barrier(s.ctx)
    if s.ctx.is_main:
        _final_evaluation(trainer, s)
    barrier(s.ctx)
    trainer.close()
    return s.run

