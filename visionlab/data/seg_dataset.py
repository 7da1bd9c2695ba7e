"""Torch datasets of image/mask pairs with joint augmentation (torchvision transforms v2)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch.utils.data import Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2 as T

from visionlab.data.images import load_rgb
from visionlab.data.masks import MaskList, load_mask


def seg_train_transform(size: tuple[int, int], mean, std, scale_min: float = 0.5, hflip: bool = True, color_jitter: float = 0.2,
                        crop: int = 0) -> Callable:
    """Random scale-crop and flip applied to image and mask alike (nearest for the mask); jitter on the image.

    ``crop`` > 0 then cuts a random ``crop`` x ``crop`` window (each side at most ``size``'s) out of the
    ``size`` image without resizing it: the network trains at the scale it predicts at, on fewer pixels.
    """
    steps = [T.RandomResizedCrop(size, scale=(scale_min, 1.0), ratio=(3 / 4, 4 / 3), antialias=True)]
    if crop:
        steps.append(T.RandomCrop((min(crop, size[0]), min(crop, size[1]))))
    if hflip:
        steps.append(T.RandomHorizontalFlip())
    if color_jitter > 0:
        steps.append(T.ColorJitter(color_jitter, color_jitter, color_jitter))
    return T.Compose([*steps, *_to_input(mean, std)])


def seg_eval_transform(size: tuple[int, int], mean, std) -> Callable:
    """Resize image (antialiased) and mask (nearest) to ``size``."""
    return T.Compose([T.Resize(size, antialias=True), *_to_input(mean, std)])


def _to_input(mean, std) -> list:
    return [T.ToDtype({tv_tensors.Image: torch.float32, "others": None}, scale=True), T.Normalize(mean, std)]


class MaskDataset(Dataset):
    """``(image (3, H, W) float, mask (H, W) long, index)`` for every pair of a :class:`MaskList`.

    Images and masks are decoded once and kept as uint8 tensors (up to ``max_mb``), so epochs
    after the first only augment.
    """

    def __init__(self, items: MaskList, transform: Callable, max_mb: int = 2048) -> None:
        self.items = items
        self.transform = transform
        self.cache: list[tuple[torch.Tensor, torch.Tensor] | None] = [None] * len(items)
        self.max_bytes = max_mb * 2**20
        self.cached_bytes = 0

    def __len__(self) -> int:
        return len(self.items)

    def decoded(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The pair ``i`` as uint8 tensors ``(3, H, W)`` and ``(H, W)``, decoded once."""
        hit = self.cache[i]
        if hit is not None:
            return hit
        image = load_rgb(self.items.image_path(i))
        mask = load_mask(self.items.mask_path(i), self.items.classes, image.size)
        pair = (torch.from_numpy(np.array(image)).permute(2, 0, 1).contiguous(), torch.from_numpy(np.array(mask)))
        size = pair[0].numel() + pair[1].numel()
        if self.cached_bytes + size <= self.max_bytes:
            self.cache[i] = pair
            self.cached_bytes += size
        return pair

    def fill(self) -> None:
        """Decode everything now (before loader workers fork, so they share the cache)."""
        for i in range(len(self)):
            self.decoded(i)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor, int]:
        image, mask = self.decoded(i)
        x, y = self.transform(tv_tensors.Image(image), tv_tensors.Mask(mask))
        return x.as_subclass(torch.Tensor), y.as_subclass(torch.Tensor).long(), i
