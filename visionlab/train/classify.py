"""``visionlab train classify``: from a folder of images to a trained, evaluated classifier."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from visionlab.data.check import warn_quick_check
from visionlab.data.dataset import ImageListDataset
from visionlab.data.folders import ImageList, load_classification_splits, load_split, save_split
from visionlab.data.shortcut import check_split
from visionlab.data.transforms import eval_transform
from visionlab.evaluate.report import write_evaluation
from visionlab.models import Classifier, get_classifier
from visionlab.models.checkpoint import load_state_into, save_classifier
from visionlab.models.ood import MAX_REFERENCE, fit_ood, reference_indices, save_ood
from visionlab.models.weights import IMAGENET_PREPROCESS, Preprocess
from visionlab.runs import RunFolder
from visionlab.train.config import ClassifyConfig
from visionlab.train.distributed import DistContext, barrier, init_distributed, rank0_value
from visionlab.train.features import extract_features
from visionlab.train.fit import EpochHook, FitPlan, TimeBudget, fit
from visionlab.train.partial import PartialTrainer
from visionlab.train.recipes import apply_recipe, choose_recipe
from visionlab.train.start import RunStart, start_run
from visionlab.train.trainers import FrozenTrainer, LoopTrainer, Setup, Trainer
from visionlab.utils.clock import take_start
from visionlab.utils.device import resolve_amp, resolve_device
from visionlab.utils.files import write_json

TRAINERS: dict[str, Callable[[Setup], Trainer]] = {"frozen": FrozenTrainer, "partial": PartialTrainer}  # finetune and full: LoopTrainer


def build_model(cfg: ClassifyConfig, num_classes: int) -> tuple[Classifier, Preprocess]:
    """The registry model for ``cfg`` and the preprocessing its weights entry prescribes."""
    torch.manual_seed(cfg.seed)  # the new head's initialisation
    weights = None if cfg.weights.lower() == "none" else cfg.weights
    model = get_classifier(cfg.backbone, num_classes=num_classes, weights=weights, dropout=cfg.dropout, download=cfg.download)
    base = model.weights.preprocess if model.weights is not None else IMAGENET_PREPROCESS
    return model, base.at_size(cfg.img_size, cfg.crop_pct)


def _prepare(cfg: ClassifyConfig, resume: bool, ctx: DistContext) -> tuple[ClassifyConfig, RunStart, dict[str, ImageList]]:
    start = start_run(cfg.out, resume=resume, validate=cfg.validate, ctx=ctx)  # before any work; rank 0 checks the folder
    cfg = start.settings(cfg)
    if start.resuming:
        return cfg, start, load_split(start.run.split_path)
    splits = load_classification_splits(cfg.data, cfg.val_fraction, cfg.seed)
    return _with_recipe(cfg, splits["train"], ctx), start, splits


def _with_recipe(cfg: ClassifyConfig, train: ImageList, ctx: DistContext) -> ClassifyConfig:
    """``cfg`` with its recipe applied (``config.json`` then holds the values that ran); says what changed."""
    name = choose_recipe(cfg, train)
    cfg, changed = apply_recipe(cfg, name)
    cfg.validate()
    if changed and ctx.is_main and not cfg.quiet:
        print(f"recipe {name}: " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in changed.items()), flush=True)
    return cfg


def _start(cfg: ClassifyConfig, resume: bool) -> Setup:
    device = resolve_device(cfg.device)
    ctx = init_distributed(device)
    cfg, start, splits = _prepare(cfg, resume, ctx)
    model, pre = build_model(cfg, len(splits["train"].classes))
    model.to(device)
    if ctx.is_main and not start.resuming:
        warn_quick_check(splits)  # cheap: byte hashes only; warns about split leakage and class imbalance
        extra = {
            "classes": splits["train"].classes,
            "counts": {k: v.class_counts() for k, v in splits.items()},
            "weights": model.weights.describe() if model.weights else None,
            "preprocess": pre.to_dict(),
            "world_size": ctx.world_size,
        }
        start.create(cfg.to_dict(), extra, lambda path: save_split(path, splits))
    barrier(ctx)
    return Setup(cfg, start.run.path, ctx, device, resolve_amp(cfg.amp, device), splits, model, pre)


def _after_fit_seconds(s: Setup) -> Callable[[float], float]:
    """The time a run needs after its last epoch (final evaluation, out-of-distribution features), from one epoch's.

    Cached modes evaluate from their caches (a few seconds); the others run the backbone over val, test
    and up to 2,000 training images, where an epoch ran it (about three times as costly, with the backward
    pass) over train and once over val.
    """
    n = {k: len(v) for k, v in s.splits.items()}
    if s.cfg.mode in ("frozen", "partial"):
        return lambda epoch_s: 0.1 * epoch_s + 5.0
    after = 2 * n["val"] + n.get("test", 0) + min(n["train"], MAX_REFERENCE)
    return lambda epoch_s: epoch_s * after / (3 * n["train"] + n["val"])


def _fit(trainer: Trainer, s: Setup, on_epoch_end: EpochHook | None, started: float) -> None:
    budget = TimeBudget(s.cfg.time_budget * 60, started, _after_fit_seconds(s)) if s.cfg.time_budget else None
    plan = FitPlan(
        run=s.run, epochs=s.cfg.epochs, patience=s.cfg.patience, score="val_acc",
        save_model=lambda path, extra: save_classifier(path, s.model, s.classes, s.preprocess, extra),
        load_model=lambda path: load_state_into(s.model, path),
        describe=lambda r: f"train loss {r['train_loss']:.4f} acc {r['train_acc']:.4f}  val loss {r['val_loss']:.4f} acc {r['val_acc']:.4f}",
        quiet=s.cfg.quiet, is_main=s.ctx.is_main, barrier=lambda: barrier(s.ctx), budget=budget,
        agree=lambda n: rank0_value(n, s.ctx),
    )
    fit(trainer, plan, on_epoch_end)


def _final_evaluation(trainer: Trainer, s: Setup) -> dict:
    load_state_into(s.model, RunFolder(s.run).best_path)
    metrics = {}
    for split in ("val", "test"):
        if split in s.splits:
            probs, labels = trainer.probabilities(split)
            items = s.splits[split]
            metrics[split] = write_evaluation(s.run, split, probs, labels, items.paths, items.root, s.classes)
    return metrics


def _ood_features(trainer: Trainer, s: Setup, split: str, indices: torch.Tensor | None = None) -> torch.Tensor:
    """Pooled features of ``split`` (rows ``indices``) under the eval preprocessing, from the best weights.

    A frozen run already holds them: its backbone never changed and its first cached view of every
    image is the unaugmented one; a partial run runs its top blocks over its cached activations.
    Other modes run the backbone once more over the images.
    """
    rows = np.arange(len(s.splits[split])) if indices is None else indices.numpy()
    if isinstance(trainer, FrozenTrainer):
        store = trainer.train_feats if split == "train" else trainer.eval_feats[split]
        return store.tensor(rows)
    if isinstance(trainer, PartialTrainer):
        return trainer.pooled_features(split, rows)
    items = s.splits[split] if indices is None else s.splits[split].subset(indices.numpy())
    cfg = s.cfg
    store = extract_features(s.model, ImageListDataset(items, eval_transform(s.preprocess)), batch_size=max(cfg.batch_size, 64),
                             device=s.device, amp=s.amp, channels_last=cfg.channels_last, workers=cfg.workers,
                             max_ram_mb=cfg.feature_cache_mb, cache_dir=s.run / "cache", name=f"ood_{split}", quiet=cfg.quiet)
    try:
        return store.tensor()
    finally:
        store.close()


def _fit_ood(trainer: Trainer, s: Setup) -> None:
    """Fit the out-of-distribution flag (``ood.json``, ``ood.safetensors``) with the best weights loaded."""
    n_train = len(s.splits["train"])
    keep = reference_indices(n_train, seed=s.cfg.seed)
    detector = fit_ood(_ood_features(trainer, s, "train", keep), _ood_features(trainer, s, "val"), s.cfg.ood_pass_rate,
                       max_reference=len(keep), n_train=n_train)
    save_ood(detector, RunFolder(s.run))


def _check_shortcut(s: Setup) -> None:
    """Write ``shortcut.json``: how well colour alone tells the split's classes apart (:mod:`visionlab.data.shortcut`).

    An image that can no longer be read (changed or removed since training read it) skips the check with a warning:
    the trained run stays as it is.
    """
    try:
        result = check_split(s.splits["train"], s.splits["val"], seed=s.cfg.seed)
    except OSError as exc:
        warnings.warn(f"colour shortcut check skipped, no shortcut.json: {exc}", stacklevel=2)
        return
    if result is not None:
        write_json(RunFolder(s.run).shortcut_path, result)


def train_classifier(cfg: ClassifyConfig, *, resume: bool = False, on_epoch_end: EpochHook | None = None) -> Path:
    """Train, checkpoint and evaluate a classifier; returns the run folder.

    Args:
        cfg: The run's configuration (saved as ``config.json``).
        resume: Continue the run in ``cfg.out`` from its last completed epoch.
        on_epoch_end: Called with ``(epoch, history_row)`` after each epoch's files are written.

    Returns:
        The run folder: ``config.json``, ``split.json``, ``best.safetensors``/``last.safetensors``,
        ``history.csv``, ``metrics.json`` (the validation split's), ``plots/`` and the out-of-distribution
        flag's ``ood.json`` and ``ood.safetensors`` (see :mod:`visionlab.models.ood`), and the colour shortcut check's
        ``shortcut.json`` (see :mod:`visionlab.data.shortcut`).

    Raises:
        DatasetError, RunFolderError, WeightsUnavailableError: With the fix in the message.

    Example:
        >>> run = train_classifier(ClassifyConfig(data="data/classify", out="runs/r1",
        ...                                       backbone="efficientnet_lite0"))  # doctest: +SKIP
    """
    started = take_start()  # the command's start when run from the command line
    s = _start(cfg, resume)
    trainer: Trainer = TRAINERS.get(s.cfg.mode, LoopTrainer)(s)
    _fit(trainer, s, on_epoch_end, started)
    barrier(s.ctx)
    if s.ctx.is_main:
        _final_evaluation(trainer, s)
        _fit_ood(trainer, s)
        _check_shortcut(s)
    barrier(s.ctx)
    trainer.close()
    return s.run

