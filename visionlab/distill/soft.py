"""Soft targets: the teacher's logits augmented together with the image, and the distillation loss.

``alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE`` (Hinton et al.).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torchvision import tv_tensors

from visionlab.data.masks import MaskList
from visionlab.data.seg_dataset import MaskDataset


class SoftTargetDataset(MaskDataset):
    """Image, teacher labels and teacher logits, augmented together.

    Targets come packed as one ``(1 + K, H, W)`` float tensor: channel 0 the hard label, then
    the logits (upsampled bilinearly to the image size when decoded, resampled nearest by the
    geometric augmentation, like masks).
    """

    def __init__(self, items: MaskList, soft_paths: list[Path], transform: Callable, max_mb: int = 2048) -> None:
        super().__init__(items, transform, max_mb)
        self.soft_paths = soft_paths
        self.soft_cache: list[torch.Tensor | None] = [None] * len(items)

    def soft(self, i: int, size: tuple[int, int]) -> torch.Tensor:
        """The teacher's logits for pair ``i`` at ``size`` (H, W), float16, decoded once while the cache has room."""
        hit = self.soft_cache[i]
        if hit is None:
            logits = torch.from_numpy(np.load(self.soft_paths[i])).float()[None]
            hit = F.interpolate(logits, size=size, mode="bilinear", align_corners=False)[0].half()
            if self.cached_bytes + hit.numel() * 2 <= self.max_bytes:
                self.soft_cache[i] = hit
                self.cached_bytes += hit.numel() * 2
        return hit

    def fill(self) -> None:
        """Decode every image, mask and soft target now (before loader workers fork, so they share the cache)."""
        for i in range(len(self)):
            image, _ = self.decoded(i)
            h, w = image.shape[-2:]
            self.soft(i, (h, w))

    def __getitem__(self, i: int):
        image, mask = self.decoded(i)
        h, w = image.shape[-2:]
        soft = self.soft(i, (h, w))
        x, y, s = self.transform(tv_tensors.Image(image), tv_tensors.Mask(mask), tv_tensors.Mask(soft))
        target = torch.cat([y.as_subclass(torch.Tensor)[None].float(), s.as_subclass(torch.Tensor).float()])
        return x.as_subclass(torch.Tensor), target, i


class DistillLoss(nn.Module):
    """``alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(s, hard)`` per labelled pixel."""

    weight: torch.Tensor | None  # a buffer: the class weights of the cross-entropy term, or None

    def __init__(self, ignore_index: int, temperature: float = 2.0, alpha: float = 0.7, weight: torch.Tensor | None = None) -> None:
        super().__init__()
        self.ignore_index, self.temperature, self.alpha = ignore_index, temperature, alpha
        self.register_buffer("weight", weight if weight is not None else None)

    @staticmethod
    def labels(target: torch.Tensor) -> torch.Tensor:
        """The hard labels inside a packed target (what accuracy is counted on)."""
        return target[:, 0].long()

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """The loss of a batch: ``logits`` (N, K, H, W) against packed targets (N, 1 + K, H, W)."""
        hard, teacher = self.labels(target), target[:, 1:]
        ce = F.cross_entropy(logits, hard, weight=self.weight, ignore_index=self.ignore_index)
        t = self.temperature
        kl = F.kl_div(F.log_softmax(logits / t, 1), F.log_softmax(teacher / t, 1), log_target=True, reduction="none").sum(1)
        keep = (hard != self.ignore_index).float()
        kd = (kl * keep).sum() / keep.sum().clamp(min=1.0) * t * t
        return self.alpha * kd + (1 - self.alpha) * ce
