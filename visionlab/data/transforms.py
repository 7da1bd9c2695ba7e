"""Training augmentation (the manual's, configurable) and evaluation preprocessing (from weights)."""

from __future__ import annotations

from collections.abc import Callable

import torch
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms import v2 as T

from visionlab.data.augment import AugmentConfig
from visionlab.data.preprocess import Preprocess


def _interp(name: str) -> InterpolationMode:
    return InterpolationMode(name)


def train_transform(aug: AugmentConfig, pre: Preprocess) -> T.Compose:
    """Augmentation for PIL images or uint8 tensors, ending in a normalized float tensor (C, H, W)."""
    steps: list[torch.nn.Module] = [T.ToImage()]
    steps.append(
        T.RandomResizedCrop(pre.crop_size, scale=(aug.crop_scale_min, 1.0), interpolation=_interp(pre.interpolation), antialias=True)
    )
    if aug.hflip:
        steps.append(T.RandomHorizontalFlip())
    if aug.color_jitter > 0:
        j = aug.color_jitter
        steps.append(T.ColorJitter(brightness=j, contrast=j, saturation=j))
    if aug.rotation > 0:
        steps.append(T.RandomRotation(aug.rotation))
    steps += [T.ToDtype(torch.float32, scale=True), T.Normalize(pre.mean, pre.std)]
    return T.Compose(steps)


def eval_transform(pre: Preprocess) -> T.Compose:
    """Resize, centre crop and normalize exactly as the weights entry prescribes."""
    return T.Compose(
        [
            T.ToImage(),
            T.Resize(pre.resize_size, interpolation=_interp(pre.interpolation), antialias=True),
            T.CenterCrop(pre.crop_size),
            T.ToDtype(torch.float32, scale=True),
            T.Normalize(pre.mean, pre.std),
        ]
    )


def mirrored(transform: T.Compose) -> T.Compose:
    """``transform`` followed by a horizontal flip: the second view of flip-averaged evaluation."""
    return T.Compose([transform, T.RandomHorizontalFlip(p=1.0)])


def decode_transform(pre: Preprocess) -> Callable[[Image.Image], torch.Tensor]:
    """What is cached when images are decoded once: a uint8 ``(3, H, W)`` tensor.

    It is shrunk so its short side is the eval resize size; smaller images are kept as they are
    (upscaling them before the random crop would only cost memory).
    """
    shrink = T.Resize(pre.resize_size, interpolation=_interp(pre.interpolation), antialias=True)

    def decode(img: Image.Image) -> torch.Tensor:
        t = T.functional.to_image(img)
        return shrink(t) if min(t.shape[-2:]) > pre.resize_size else t

    return decode
