"""``visionlab train segment``: from image/mask pairs to a trained, evaluated segmenter."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader

from visionlab.data.mask_splits import load_mask_splits, load_mask_splits_file, save_mask_splits
from visionlab.data.masks import MaskList, mask_statistics
from visionlab.data.seg_dataset import MaskDataset, seg_eval_transform, seg_train_transform
from visionlab.evaluate.seg_metrics import ConfusionAccumulator, segmentation_metrics
from visionlab.evaluate.segment import evaluate_segmentation_run
from visionlab.models.checkpoint import load_segmenter_state, save_segmenter
from visionlab.models.segmenters import Segmenter, SegPreprocess, arch_preprocess, build_segmenter, get_arch
from visionlab.train.config import SegmentConfig
from visionlab.train.distributed import (
    SINGLE_PROCESS,
    DistContext,
    ShardedPermutation,
    all_reduce_sum,
    barrier,
    broadcast_buffers,
    init_distributed,
    main_first,
    rank0_value,
)
from visionlab.train.fit import EpochHook, FitPlan, TimeBudget, fit
from visionlab.train.loop import train_one_epoch
from visionlab.train.losses import SegLoss, class_weights
from visionlab.train.optim import epoch_seed, make_optimizer, make_scheduler, reschedule
from visionlab.train.start import RunStart, start_run
from visionlab.utils.clock import take_start
from visionlab.utils.device import autocast, resolve_amp, resolve_device
from visionlab.utils.progress import progress
from visionlab.utils.tensors import class_ids


@dataclass
class SegSetup:
    """What a segmentation trainer needs: the settings, the run folder, the data and the model.

    Attributes:
        cfg: The run's settings.
        run: The run folder.
        device: Where the model trains.
        amp: The autocast precision, ``None`` for fp32.
        splits: The data split (``train``, ``val`` and maybe ``test``).
        model: The network being trained.
        preprocess: Its input preprocessing (resize, mean/std, padding).
        stats: Mask statistics per split (``pixel_counts`` weigh the classes).
        ctx: This process's place in a torchrun job.
    """

    cfg: SegmentConfig
    run: Path
    device: torch.device
    amp: torch.dtype | None
    splits: dict[str, MaskList]
    model: Segmenter
    preprocess: SegPreprocess
    stats: dict
    ctx: DistContext = SINGLE_PROCESS


def build_model(cfg: SegmentConfig, num_classes: int) -> tuple[Segmenter, SegPreprocess]:
    """The segmenter for ``cfg`` and its preprocessing (the encoder weights' mean/std)."""
    torch.manual_seed(cfg.seed)
    model = build_segmenter(cfg.model, num_classes, cfg.encoder, pretrained_encoder=cfg.pretrained, download=cfg.download)
    return model, arch_preprocess(model, cfg.img_size, cfg.tta_flip)


def _prepare(cfg: SegmentConfig, resume: bool, ctx: DistContext) -> tuple[SegmentConfig, RunStart, dict[str, MaskList], dict]:
    start = start_run(cfg.out, resume=resume, validate=lambda: cfg.validate(get_arch(cfg.model).pad_for(cfg.encoder)), ctx=ctx)
    cfg = start.settings(cfg)
    if start.saved is not None:
        return cfg, start, load_mask_splits_file(start.run.split_path), start.saved["dataset"]
    splits = load_mask_splits(cfg.data, cfg.val_fraction, cfg.test_fraction, cfg.seed)
    # checks every mask before any training (rank 0 reads them; the others get its counts)
    stats = main_first(ctx, lambda: {k: mask_statistics(v) for k, v in splits.items()})
    return cfg, start, splits, stats


def _start(cfg: SegmentConfig, resume: bool) -> SegSetup:
    device = resolve_device(cfg.device)
    ctx = init_distributed(device)
    cfg, start, splits, stats = _prepare(cfg, resume, ctx)
    classes = splits["train"].classes
    model, pre = build_model(cfg, classes.num_classes)
    model.to(device)
    if ctx.is_main and not start.resuming:
        extra = {
            "task": "segment",
            "classes": classes.to_dict(),
            "counts": {k: len(v) for k, v in splits.items()},
            "dataset": stats,
            "encoder_weights": model.encoder_weights.describe() if model.encoder_weights else None,
            "preprocess": pre.to_dict(),
            "parameters": model.parameter_counts(),
        }
        start.create(cfg.to_dict(), {**extra, "world_size": ctx.world_size}, lambda path: save_mask_splits(path, splits))
    barrier(ctx)
    return SegSetup(cfg, start.run.path, device, resolve_amp(cfg.amp, device), splits, model, pre, stats, ctx)


class SegTrainer:
    """Trains on augmented crops; validates on resized images (pixel accuracy, mIoU).

    Args:
        s: The run's settings, data and model.
        train_set: Replaces the training images' dataset (distillation trains on the teacher's outputs).
        criterion: Replaces the training loss, called as ``criterion(logits, targets)``.
        target_labels: Maps a batch's training targets to the class ids that training accuracy is
            counted on, for targets that are not class ids themselves (distillation's packed soft
            targets); default: the targets are the class ids.
    """

    def __init__(self, s: SegSetup, train_set: MaskDataset | None = None, criterion: nn.Module | None = None,
                 target_labels: Callable[[torch.Tensor], torch.Tensor] | None = None) -> None:
        self.s, cfg = s, s.cfg
        classes = s.splits["train"].classes
        self.classes = classes
        self.target_labels = target_labels
        if cfg.channels_last:
            s.model.to(memory_format=torch.channels_last)
        s.model.freeze_encoder(cfg.freeze_encoder)
        height, width = cfg.img_size
        size, mean, std = (height, width), s.preprocess.mean, s.preprocess.std
        aug = cfg.augment
        self.datasets = {
            k: MaskDataset(v, seg_train_transform(size, mean, std, aug.scale_min, aug.hflip, aug.color_jitter, aug.crop) if k == "train"
                           else seg_eval_transform(size, mean, std), cfg.cache_mb)
            for k, v in s.splits.items()
        }
        if train_set is not None:
            self.datasets["train"] = train_set
        for ds in self.datasets.values():
            ds.fill()
        weight = class_weights(s.stats["train"]["pixel_counts"]) if cfg.class_weights == "balanced" else None
        # validation scores hard labels even when training uses soft targets
        self.val_criterion = SegLoss(classes.ignore_index, weight, cfg.dice_weight if cfg.loss == "ce+dice" else 0.0).to(s.device)
        self.criterion = criterion.to(s.device) if criterion is not None else self.val_criterion
        params = [p for p in s.model.parameters() if p.requires_grad]
        # DistributedDataParallel averages the gradients of the ranks' shards after each backward pass
        self.net: nn.Module = DistributedDataParallel(s.model) if s.ctx.enabled else s.model
        self.optimizer = make_optimizer([{"params": params, "lr": cfg.lr}], cfg.weight_decay, cfg.optimizer)
        self.scheduler = make_scheduler(self.optimizer, cfg.scheduler, cfg.epochs, cfg.step_size, cfg.gamma)

    def run_epoch(self, epoch: int) -> dict:
        """Train one epoch, then validate.

        Args:
            epoch: The epoch's index from 0; it seeds the epoch's crops and order.

        Returns:
            The epoch's history row: ``train_loss``, ``train_acc`` (pixels), ``val_loss``, ``val_acc``,
            ``val_miou``, ``lr``, ``train_seconds`` and ``seconds``.
        """
        t0 = time.perf_counter()
        cfg, s = self.s.cfg, self.s
        torch.manual_seed(epoch_seed(cfg.seed, epoch))
        sampler = ShardedPermutation(len(self.datasets["train"]), s.ctx, epoch_seed(cfg.seed, epoch))  # this rank's share
        loader = DataLoader(self.datasets["train"], batch_size=cfg.batch_size, sampler=sampler,
                            num_workers=cfg.workers, drop_last=len(sampler) > cfg.batch_size)
        lr = self.optimizer.param_groups[0]["lr"]
        stats = train_one_epoch(self.net, loader, self.optimizer, s.device, s.amp, cfg.channels_last, cfg.quiet,
                                f"epoch {epoch + 1}", self.criterion, self.classes.ignore_index, self.target_labels)
        self.scheduler.step()
        broadcast_buffers(s.model, s.ctx)  # every rank holds what rank 0 saves
        train_seconds = time.perf_counter() - t0
        loss_sum, correct, count = all_reduce_sum([stats.loss_sum, stats.correct, stats.count], s.ctx)
        val = self.validate("val")  # the whole split on every rank: exact, and small next to training
        return {"train_loss": loss_sum / max(count, 1), "train_acc": correct / max(count, 1), "val_loss": val["loss"], "val_acc": val["pixel_accuracy"],
                "val_miou": val["miou"], "lr": lr, "train_seconds": train_seconds, "seconds": time.perf_counter() - t0}

    @torch.no_grad()
    def validate(self, split: str) -> dict:
        """Loss, pixel accuracy and mIoU on ``split`` at the training resolution."""
        s, cfg = self.s, self.s.cfg
        model = s.model
        was_training = model.training
        model.eval()
        acc = ConfusionAccumulator(self.classes.num_classes, self.classes.ignore_index)
        loss_sum, n = 0.0, 0
        loader = DataLoader(self.datasets[split], batch_size=cfg.batch_size, num_workers=cfg.workers)
        try:
            for x, y, _ in progress(loader, split, cfg.quiet):
                x = x.to(s.device).contiguous(memory_format=torch.channels_last) if cfg.channels_last else x.to(s.device)
                y = y.to(s.device)
                with autocast(s.device, s.amp):
                    logits = model(x)
                logits = logits.float()
                loss_sum += float(self.val_criterion(logits, y)) * len(x)
                n += len(x)
                acc.update(class_ids(logits, 1), y)
        finally:
            model.train(was_training)
        m = segmentation_metrics(acc.matrix, self.classes.names)
        return {"loss": loss_sum / max(n, 1), "pixel_accuracy": m["pixel_accuracy"], "miou": m["miou"]}

    def state_dict(self) -> dict:
        """The optimizer's and the LR schedule's state, saved in ``train_state.pt`` for resuming."""
        return {"optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict()}

    def load_state(self, state: dict) -> None:
        """Restore what :meth:`state_dict` returned."""
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])

    def replan(self, epochs: int, done: int) -> None:
        """Fit the learning-rate schedule to ``epochs`` in all, ``done`` of them run (a time budget's plan)."""
        cfg = self.s.cfg
        self.scheduler = reschedule(self.optimizer, cfg.scheduler, epochs, done, cfg.step_size, cfg.gamma)

    def after_fit_seconds(self, epoch_s: float) -> float:
        """Estimated seconds of the final evaluation (val and test at the images' own size) after an epoch of ``epoch_s``.

        An epoch ran the network forward and backward (about three forward passes) over train and
        forward over val at the training size; the final evaluation runs it over val and test at the
        images' own size, counted here as twice the pixels.
        """
        n = {k: len(v) for k, v in self.datasets.items()}
        return epoch_s * 2 * (n["val"] + n.get("test", 0)) / (3 * n["train"] + n["val"])


def train_segmenter(cfg: SegmentConfig, *, resume: bool = False, on_epoch_end: EpochHook | None = None) -> Path:
    """Train, checkpoint and evaluate a segmenter; returns the run folder.

    The best epoch (validation mIoU) is evaluated at the images' original size on ``val`` and,
    when the data has one, ``test``; the last evaluated split's metrics are in ``metrics.json``.

    Args:
        cfg: The run's configuration (saved as ``config.json``).
        resume: Continue the run in ``cfg.out`` from its last completed epoch.
        on_epoch_end: Called with ``(epoch, history_row)`` after each epoch's files are written.

    Returns:
        The run folder: ``config.json``, ``split.json``, checkpoints, ``history.csv``,
        ``eval/<split>/metrics.json`` (pixel accuracy, mIoU, per-class IoU...) and ``plots/``.

    Raises:
        DatasetError, ConfigError, RunFolderError, WeightsUnavailableError: With the fix in the message.

    Example:
        >>> train_segmenter(SegmentConfig(data="world/segment", out="runs/seg"))  # doctest: +SKIP
    """
    started = take_start()  # the command's start when run from the command line
    s = _start(cfg, resume)
    trainer = SegTrainer(s)
    classes = s.splits["train"].classes
    budget = TimeBudget(s.cfg.time_budget * 60, started, trainer.after_fit_seconds) if s.cfg.time_budget else None
    plan = FitPlan(
        run=s.run, epochs=s.cfg.epochs, patience=s.cfg.patience, score="val_miou",
        save_model=lambda path, extra: save_segmenter(path, s.model, classes, s.preprocess, extra),
        load_model=lambda path: load_segmenter_state(s.model, path),
        describe=lambda r: (f"train loss {r['train_loss']:.4f} pixel acc {r['train_acc']:.4f}  "
                            f"val loss {r['val_loss']:.4f} pixel acc {r['val_acc']:.4f} mIoU {r['val_miou']:.4f}"),
        quiet=s.cfg.quiet, is_main=s.ctx.is_main, barrier=lambda: barrier(s.ctx), budget=budget,
        agree=lambda n: rank0_value(n, s.ctx),
    )
    fit(trainer, plan, on_epoch_end)
    evaluate_best(s)
    return s.run


def evaluate_best(s: SegSetup) -> None:
    """Evaluate the run's best epoch on ``val`` and ``test`` (rank 0 under torchrun, the others wait)."""
    barrier(s.ctx)
    if s.ctx.is_main:
        for split in ("val", "test"):
            if split in s.splits:
                evaluate_segmentation_run(s.run, split=split, device=s.cfg.device, amp=s.cfg.amp, quiet=s.cfg.quiet)
    barrier(s.ctx)
