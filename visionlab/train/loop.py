"""Plain training and evaluation loops over image batches (finetune and full modes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import DataLoader

from visionlab.utils.device import autocast, fp32_grouped_convs, to_device
from visionlab.utils.progress import progress
from visionlab.utils.tensors import class_ids


@dataclass
class StepStats:
    """Running loss and accuracy sums (per image, or per labelled pixel for segmentation)."""

    loss_sum: float = 0.0
    correct: int = 0
    count: int = 0

    def add(self, loss: torch.Tensor, logits: torch.Tensor, y: torch.Tensor, ignore_index: int | None = None) -> None:
        """Count one batch.

        Args:
            loss: The batch's mean loss (a scalar).
            logits: ``(B, K)`` or ``(B, K, H, W)``.
            y: Class ids ``(B,)`` or ``(B, H, W)``.
            ignore_index: Target value left out of the counts (segmentation's unlabelled pixels).
        """
        keep = y != ignore_index if ignore_index is not None else torch.ones_like(y, dtype=torch.bool)
        n = int(keep.sum())
        self.loss_sum += float(loss) * n
        self.correct += int(((class_ids(logits, 1) == y) & keep).sum())
        self.count += n

    @property
    def loss(self) -> float:
        """Mean loss per counted image or pixel."""
        return self.loss_sum / max(self.count, 1)

    @property
    def acc(self) -> float:
        """Share of counted images or pixels predicted right."""
        return self.correct / max(self.count, 1)


def train_one_epoch(
    model: nn.Module,
    loader: DataLoader,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    amp: torch.dtype | None,
    channels_last: bool,
    quiet: bool = True,
    desc: str = "train",
    criterion: nn.Module | None = None,
    ignore_index: int | None = None,
    target_labels: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> StepStats:
    """One pass over ``loader``; the model is left in train mode.

    Args:
        model: The network (or its DistributedDataParallel wrapper).
        loader: ``(x, y, index)`` batches.
        optimizer: Steps once per batch.
        device: Where the batches go.
        amp: Autocast precision, ``None`` for fp32; fp16 scales the loss against underflow.
        channels_last: Feed the inputs in channels_last memory format.
        quiet: No progress bar.
        desc: The progress bar's label.
        criterion: Loss on ``(logits, y)`` in fp32; default cross-entropy.
        ignore_index: Target value left out of the accuracy (segmentation's unlabelled pixels).
        target_labels: Maps ``y`` to the class ids accuracy is counted on, when the targets are not
            class ids themselves (distillation's packed soft targets); default: ``y``.

    Returns:
        The epoch's loss and accuracy sums.
    """
    model.train()
    stats = StepStats()
    criterion = criterion or nn.CrossEntropyLoss()
    # fp16 needs loss scaling against underflow; bf16 and fp32 do not.
    scaler = torch.amp.GradScaler(device.type, enabled=amp is torch.float16)
    with fp32_grouped_convs(model, enabled=device.type == "cpu" and amp is torch.bfloat16):
        for x, y, _ in progress(loader, desc, quiet):
            x, y = to_device(x, device, channels_last), y.to(device)
            with autocast(device, amp):
                logits = model(x)  # (B, K)
                loss = criterion(logits.float(), y)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            labels = target_labels(y) if target_labels is not None else y
            stats.add(loss.detach(), logits.detach(), labels, ignore_index)
    return stats
