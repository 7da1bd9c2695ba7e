"""The two ways a classification epoch runs: on cached features (frozen) or on images."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader

from visionlab.data.dataset import DecodedCacheDataset, ImageListDataset
from visionlab.data.folders import ImageList
from visionlab.data.preprocess import Preprocess
from visionlab.data.transforms import decode_transform, eval_transform, mirrored, train_transform
from visionlab.models import Classifier
from visionlab.predict import predict_logits
from visionlab.train.config import ClassifyConfig
from visionlab.train.distributed import DistContext, ShardedPermutation, all_reduce_sum, broadcast_buffers
from visionlab.train.features import FeatureStore, IndexedConcat, extract_features, head_logits, train_head_epoch
from visionlab.train.loop import train_one_epoch
from visionlab.train.optim import epoch_seed, make_optimizer, make_scheduler, reschedule


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
        """The class names, in label order."""
        return self.splits["train"].classes


def eval_views(cfg: ClassifyConfig, pre: Preprocess) -> list:
    """The evaluation views of every image: as the weights prescribe, and its mirror image with ``tta_flip``."""
    plain = eval_transform(pre)
    return [plain, mirrored(plain)] if cfg.tta_flip else [plain]


def mean_view_logits(logits: torch.Tensor, n: int) -> torch.Tensor:
    """Logits ``(V * N, K)`` of ``V`` views of ``N`` images -> ``(N, K)``: the log of the mean softmax (one view: unchanged)."""
    views = logits.shape[0] // n
    if views == 1:
        return logits
    return logits.view(views, n, -1).softmax(2).mean(0).log()


def extract_views(s: Setup, split: str, transforms: list, name: str, **kwargs) -> FeatureStore:
    """Run the model once over every image of ``split`` under each transform: row ``v * N + i`` holds view ``v`` of image ``i``.

    What is stored is ``forward_features``, or ``kwargs["forward"]``; the other keywords go to
    :func:`~visionlab.train.features.extract_features` as well.
    """
    parts = [ImageListDataset(s.splits[split], t) for t in transforms]
    cfg = s.cfg
    return extract_features(
        s.model, parts[0] if len(parts) == 1 else IndexedConcat(parts), batch_size=max(cfg.batch_size, 64), device=s.device, amp=s.amp,
        channels_last=cfg.channels_last, workers=cfg.workers, max_ram_mb=cfg.feature_cache_mb, cache_dir=s.run / "cache", name=name,
        ctx=s.ctx, quiet=cfg.quiet, **kwargs,
    )


class Trainer(Protocol):
    """A classification trainer: :class:`FrozenTrainer` or :class:`LoopTrainer`."""

    def run_epoch(self, epoch: int) -> dict:
        """Train epoch ``epoch`` (from 0), validate, and return the epoch's history row."""
        ...

    def probabilities(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities ``(N, K)`` and labels ``(N,)`` of every image of ``split``."""
        ...

    def state_dict(self) -> dict:
        """The optimizer's and schedule's state, saved after each epoch for resuming."""
        ...

    def load_state(self, state: dict) -> None:
        """Restore what :meth:`state_dict` returned."""
        ...

    def replan(self, epochs: int, done: int) -> None:
        """Fit the learning-rate schedule to ``epochs`` in all, ``done`` of them run."""
        ...

    def close(self) -> None:
        """Release what the trainer holds on disk."""
        ...


class _Base:
    def __init__(self, s: Setup) -> None:
        self.s = s
        self.cfg = s.cfg

    def _finish_setup(self, groups: list[dict]) -> None:
        self.optimizer = make_optimizer(groups, self.cfg.weight_decay, self.cfg.optimizer)
        self.scheduler = make_scheduler(self.optimizer, self.cfg.scheduler, self.cfg.epochs, self.cfg.step_size, self.cfg.gamma)

    def state_dict(self) -> dict:
        """The optimizer's and the LR schedule's state, saved in ``train_state.pt`` for resuming."""
        return {"optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict()}

    def replan(self, epochs: int, done: int) -> None:
        """Fit the learning-rate schedule to ``epochs`` in all, ``done`` of them run (a time budget's plan)."""
        self.scheduler = reschedule(self.optimizer, self.cfg.scheduler, epochs, done, self.cfg.step_size, self.cfg.gamma)

    def close(self) -> None:
        """Release what the trainer holds on disk; nothing by default."""

    def load_state(self, state: dict) -> None:
        """Restore what :meth:`state_dict` returned."""
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])


class FrozenTrainer(_Base):
    """Backbone frozen (BatchNorm included); the head trains on features computed once."""

    def __init__(self, s: Setup) -> None:
        super().__init__(s)
        s.model.freeze_backbone()
        self.views = self.cfg.feature_views
        self._extract_all()
        self._finish_setup([{"params": s.model.head_parameters(), "lr": self.cfg.lr}])

    def _extract(self, split: str, transforms: list) -> FeatureStore:
        """Features of every image of ``split`` under each transform: row ``v * N + i``."""
        return extract_views(self.s, split, transforms, name=split)

    def _extract_all(self) -> None:
        torch.manual_seed(epoch_seed(self.cfg.seed, -1))  # augmented views are reproducible
        pre = self.s.preprocess
        augmented = [train_transform(self.cfg.augment, pre)] * (self.views - 1)
        self.train_feats = self._extract("train", [eval_transform(pre), *augmented])
        self.eval_feats = {k: self._extract(k, eval_views(self.cfg, pre)) for k in self.s.splits if k != "train"}
        self.labels = {k: torch.tensor(v.labels, dtype=torch.long) for k, v in self.s.splits.items()}

    def run_epoch(self, epoch: int) -> dict:
        """Train the head one epoch on this epoch's view of the cached features; validate on ``val``.

        Args:
            epoch: The epoch's index from 0; it seeds the batch order and picks the feature view.

        Returns:
            The history row: ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc``, ``lr``, ``seconds``.
        """
        t0 = time.perf_counter()
        torch.manual_seed(epoch_seed(self.cfg.seed, epoch))
        gen = torch.Generator().manual_seed(epoch_seed(self.cfg.seed, epoch))
        n = len(self.labels["train"])
        view = epoch % self.views
        rows = np.arange(n) + view * n  # (N,) this epoch's view of every training image
        lr = self.optimizer.param_groups[0]["lr"]
        stats = train_head_epoch(self.s.model.head, self.train_feats, self.labels["train"], rows, self.optimizer, self.cfg.batch_size, gen,
                                 self.cfg.label_smoothing)
        self.scheduler.step()
        logits = self._logits("val")
        val_loss = float(torch.nn.functional.cross_entropy(logits, self.labels["val"]))
        val_acc = float((logits.argmax(1) == self.labels["val"]).float().mean())
        return {"train_loss": stats.loss, "train_acc": stats.acc, "val_loss": val_loss, "val_acc": val_acc, "lr": lr, "seconds": time.perf_counter() - t0}

    def probabilities(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities ``(N, K)`` and labels ``(N,)`` of ``split`` from its cached features."""
        return self._logits(split).softmax(1).numpy(), self.labels[split].numpy()

    def _logits(self, split: str) -> torch.Tensor:
        return mean_view_logits(head_logits(self.s.model.head, self.eval_feats[split]), len(self.labels[split]))

    def close(self) -> None:
        """Remove on-disk feature caches (they are recomputed on resume)."""
        for store in [self.train_feats, *self.eval_feats.values()]:
            store.close()


class LoopTrainer(_Base):
    """finetune (head first, then the top of the backbone at a lower LR) and full training."""

    def __init__(self, s: Setup) -> None:
        super().__init__(s)
        cfg, model = self.cfg, s.model
        if cfg.channels_last:
            model.to(memory_format=torch.channels_last)
        pre = s.preprocess
        decode = decode_transform(pre)
        self.datasets = {
            k: DecodedCacheDataset(v, decode, train_transform(cfg.augment, pre) if k == "train" else eval_transform(pre))
            for k, v in s.splits.items()
        }
        for ds in self.datasets.values():
            ds.fill()  # decode once, before workers fork, so they share the cache
        if cfg.mode == "full":
            model.unfreeze_backbone()
            groups = [{"params": list(model.parameters()), "lr": cfg.lr}]
        else:
            model.freeze_backbone(keep_top=cfg.unfreeze_top)
            top = model.backbone_trainable_parameters()
            groups = [{"params": model.head_parameters(), "lr": cfg.lr}, {"params": top, "lr": cfg.lr * cfg.backbone_lr_factor}]
        # DDP syncs the parameters that require grad when it is built, so it is built with the
        # top stages trainable; during the head-only epochs they are simply unused.
        self.net = DistributedDataParallel(model, find_unused_parameters=cfg.mode == "finetune") if s.ctx.enabled else model
        self._finish_setup(groups)

    def _train_loader(self, epoch: int) -> DataLoader:
        """This rank's share of epoch ``epoch``'s seeded order (the whole order in one process; see :class:`ShardedPermutation`)."""
        ds = self.datasets["train"]
        sampler = ShardedPermutation(len(ds), self.s.ctx, epoch_seed(self.cfg.seed, epoch))
        return DataLoader(ds, batch_size=self.cfg.batch_size, sampler=sampler, num_workers=self.cfg.workers, drop_last=False)

    def run_epoch(self, epoch: int) -> dict:
        """Train one epoch on the images (sums reduced over ranks); validate on ``val``.

        Args:
            epoch: The epoch's index from 0; it seeds the epoch and, in finetune mode, decides
                whether the top of the backbone trains yet.

        Returns:
            The history row: ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc``, ``lr``, ``seconds``.
        """
        t0 = time.perf_counter()
        cfg, model = self.cfg, self.s.model
        if cfg.mode == "finetune":
            model.freeze_backbone(keep_top=cfg.unfreeze_top if epoch >= cfg.head_epochs else 0)
        torch.manual_seed(epoch_seed(cfg.seed, epoch))
        lr = self.optimizer.param_groups[0]["lr"]
        loader = self._train_loader(epoch)
        stats = train_one_epoch(self.net, loader, self.optimizer, self.s.device, self.s.amp, cfg.channels_last, cfg.quiet, f"epoch {epoch + 1}",
                                criterion=torch.nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing))
        self.scheduler.step()
        broadcast_buffers(model, self.s.ctx)  # every rank holds what rank 0 saves
        train_loss, train_correct, train_n = all_reduce_sum([stats.loss_sum, stats.correct, stats.count], self.s.ctx)
        logits, labels = self._logits("val")
        val_loss = float(torch.nn.functional.cross_entropy(logits, labels))
        val_acc = float((logits.argmax(1) == labels).float().mean())
        return {"train_loss": train_loss / train_n, "train_acc": train_correct / train_n, "val_loss": val_loss, "val_acc": val_acc, "lr": lr,
                "seconds": time.perf_counter() - t0}

    def _logits(self, split: str) -> tuple[torch.Tensor, torch.Tensor]:
        # Evaluation runs on the full split in every rank: small next to training, and exact.
        loader = DataLoader(self.datasets[split], batch_size=max(self.cfg.batch_size, 64), num_workers=self.cfg.workers)
        logits, labels, _ = predict_logits(self.s.model, loader, self.s.device, self.s.amp, self.cfg.channels_last, self.cfg.quiet, split)
        return logits, labels

    def probabilities(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities ``(N, K)`` and labels ``(N,)`` of ``split``, running the whole model."""
        logits, labels = self._logits(split)
        return logits.softmax(1).numpy(), labels.numpy()
