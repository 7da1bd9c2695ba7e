"""Optimizer and learning-rate schedule factories, and per-epoch seeds: one place for every trainer."""

from __future__ import annotations

import torch

OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}


def make_optimizer(groups: list[dict], weight_decay: float, kind: str = "adam") -> torch.optim.Optimizer:
    """Adam (weight decay as L2 in the gradient) or AdamW (decoupled decay) over parameter ``groups``, fused.

    Fused means one kernel over all parameters, on CPU and CUDA.

    Fused, a step over the U-Net/EfficientNet-Lite0's 176 tensors took 10.4 ms on a 2-core CPU against
    41 ms unfused, the compact LR-ASPP's 1.6 against 4.9.
    """
    groups = [{**g, "params": list(g["params"])} for g in groups]
    devices = {p.device.type for g in groups for p in g["params"]}
    return OPTIMIZERS[kind](groups, weight_decay=weight_decay, fused=True if devices <= {"cpu", "cuda"} else None)


def make_scheduler(opt: torch.optim.Optimizer, kind: str, epochs: int, step_size: int, gamma: float) -> torch.optim.lr_scheduler.LRScheduler:
    """Per-epoch LR schedule: the manual's StepLR, cosine annealing, or constant."""
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=step_size, gamma=gamma)
    if kind == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda _: 1.0)


def reschedule(opt: torch.optim.Optimizer, kind: str, epochs: int, done: int, step_size: int, gamma: float) -> torch.optim.lr_scheduler.LRScheduler:
    """A new schedule of ``epochs`` in all, advanced past the ``done`` epochs already run (for a time budget's plan)."""
    for group in opt.param_groups:
        group["lr"] = group["initial_lr"]  # the schedules compute each epoch's rate from the previous one
    scheduler = make_scheduler(opt, kind, epochs, step_size, gamma)
    for _ in range(done):
        scheduler.step()
    return scheduler


def epoch_seed(seed: int, epoch: int) -> int:
    """One seed per epoch, so that a resumed run draws the same dropout masks, crops and orders."""
    return seed * 100_003 + epoch
