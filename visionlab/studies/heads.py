"""Training a classifier's head on a :class:`~visionlab.studies.features.FeatureBank`: one arm of a study.

The same functions as ``visionlab train classify --mode frozen`` (``train_head_epoch``, the
optimizer and schedule builders), without a run folder: an arm is a few hundred milliseconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import f1_score

from visionlab.models.classifier import make_head
from visionlab.studies.features import FeatureBank
from visionlab.train.features import head_logits, train_head_epoch
from visionlab.train.optim import epoch_seed, make_optimizer, make_scheduler


@dataclass
class HeadArm:
    """One arm's settings (the defaults: the lab's frozen recipe without its extras)."""

    name: str
    epochs: int = 30
    lr: float = 3e-3
    batch_size: int = 32
    scheduler: str = "cosine"  # step | cosine | none
    step_size: int = 5
    gamma: float = 0.1
    dropout: float = 0.3
    views: int = 1  # training views used, epoch k trains on view k mod views
    patience: int = 0  # early stopping after this many epochs without a better validation accuracy (0: off)


def train_head(bank: FeatureBank, arm: HeadArm, seed: int, rows: np.ndarray | None = None) -> dict:
    """Train a fresh head on ``bank`` with ``arm``'s settings; validation after every epoch.

    Args:
        bank: Cached features (at least ``arm.views`` views).
        arm: The settings.
        seed: Seeds the head's initialisation, dropout and batch order.
        rows: Indices of the training images used (default: all).

    Returns:
        ``history`` (per epoch: train/val loss and accuracy, lr, seconds), ``epochs_run``, ``stopped_early``,
        the final ``val_acc`` and ``f1_macro``, ``train_acc``, ``gap`` (train minus validation accuracy
        at the last epoch), ``seconds`` (head training only) and ``trainable`` parameters.
    """
    if arm.views > bank.views:
        raise ValueError(f"arm {arm.name} uses {arm.views} views; the bank holds {bank.views}")
    n_all = len(bank.train_labels)
    rows = np.arange(n_all) if rows is None else np.asarray(rows)
    torch.manual_seed(seed)
    head = make_head(bank.num_features, len(bank.classes), arm.dropout)
    optimizer = make_optimizer([{"params": head.parameters(), "lr": arm.lr}], 0.0)
    scheduler = make_scheduler(optimizer, arm.scheduler, arm.epochs, arm.step_size, arm.gamma)
    labels = bank.train_labels[rows]
    history: list[dict] = []
    best, since_best, t0 = -1.0, 0, time.perf_counter()
    for epoch in range(arm.epochs):
        t = time.perf_counter()
        gen = torch.Generator().manual_seed(epoch_seed(seed, epoch))
        torch.manual_seed(epoch_seed(seed, epoch))
        lr = optimizer.param_groups[0]["lr"]
        stats = train_head_epoch(head, bank.train, labels, rows + (epoch % arm.views) * n_all, optimizer, arm.batch_size, gen)
        scheduler.step()
        logits = head_logits(head, bank.val)
        val_loss = float(torch.nn.functional.cross_entropy(logits, bank.val_labels))
        val_acc = float((logits.argmax(1) == bank.val_labels).float().mean())
        history.append({"epoch": epoch + 1, "train_loss": stats.loss, "train_acc": stats.acc, "val_loss": val_loss, "val_acc": val_acc,
                        "lr": lr, "seconds": time.perf_counter() - t})
        best, since_best = (val_acc, 0) if val_acc > best else (best, since_best + 1)
        if arm.patience and since_best >= arm.patience:
            break
    logits = head_logits(head, bank.val)
    last = history[-1]
    return {"history": history, "epochs_run": len(history), "stopped_early": len(history) < arm.epochs, "val_acc": last["val_acc"],
            "f1_macro": float(f1_score(bank.val_labels.numpy(), logits.argmax(1).numpy(), average="macro")), "train_acc": last["train_acc"],
            "gap": last["train_acc"] - last["val_acc"], "seconds": time.perf_counter() - t0,
            "trainable": sum(p.numel() for p in head.parameters())}
