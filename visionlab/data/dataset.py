"""Torch datasets over an :class:`~visionlab.data.folders.ImageList`."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.utils.data import Dataset

from visionlab.data.folders import ImageList
from visionlab.data.images import load_rgb


class ImageListDataset(Dataset):
    """Decodes an image per access and applies ``transform``; returns ``(tensor, label, index)``."""

    def __init__(self, items: ImageList, transform: Callable) -> None:
        self.items = items
        self.paths = items.abs_paths()
        self.transform = transform

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int, int]:
        return self.transform(load_rgb(self.paths[i])), self.items.labels[i], i


class DecodedCacheDataset(Dataset):
    """Decodes every image once (resized, uint8) and augments the cached tensors afterwards.

    The manual's loop decodes each JPEG every epoch; for multi-epoch training the decode and
    the large-image resize dominate the data side. The cache holds ``(3, H, W)`` uint8 tensors
    at the evaluation resize size (about 0.25 MB per 256x341 image).
    """

    def __init__(self, items: ImageList, decode: Callable, transform: Callable, max_mb: int = 4096) -> None:
        self.items = items
        self.paths = items.abs_paths()
        self.decode = decode
        self.transform = transform
        self.cache: list[torch.Tensor | None] = [None] * len(self.paths)
        self.max_bytes = max_mb * 2**20  # past this, images are decoded on every access instead
        self.cached_bytes = 0

    def __len__(self) -> int:
        return len(self.paths)

    def fill(self) -> None:
        """Decode everything now (in the main process, so loader workers share the cache)."""
        for i in range(len(self.paths)):
            self._get(i)

    def _get(self, i: int) -> torch.Tensor:
        cached = self.cache[i]
        if cached is None:
            cached = self.decode(load_rgb(self.paths[i])).as_subclass(torch.Tensor).contiguous()
            if self.cached_bytes + cached.numel() <= self.max_bytes:  # uint8: one byte per element
                self.cache[i] = cached
                self.cached_bytes += cached.numel()
        return cached

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int, int]:
        return self.transform(self._get(i)), self.items.labels[i], i
