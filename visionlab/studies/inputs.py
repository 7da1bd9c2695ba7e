"""What the studies that take gradients with respect to the input share: pixel images and a classifier of pixels.

``class-visualisation`` and ``adversarial`` both change an image in pixel space (values in [0, 1],
before the weights entry's normalisation) and need the gradient of the logits with respect to it.
:func:`pixel_classifier` gives them a function of pixel images, with the model in eval mode and its
parameters frozen (no weight gradients are computed), and puts the model back as it was found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn
from torchvision.transforms import v2 as T

from visionlab.data.dataset import ImageListDataset
from visionlab.data.folders import ImageList
from visionlab.data.preprocess import Preprocess
from visionlab.data.transforms import eval_transform

PixelClassifier = Callable[[torch.Tensor], torch.Tensor]  # pixel images (B, 3, H, W) in [0, 1] -> logits (B, K)


def normalise(x: torch.Tensor, pre: Preprocess) -> torch.Tensor:
    """Pixel images ``(B, 3, H, W)`` in [0, 1] -> the network's input (the weights entry's mean and std)."""
    mean = torch.tensor(pre.mean, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(pre.std, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


@contextmanager
def pixel_classifier(model: nn.Module, pre: Preprocess) -> Iterator[PixelClassifier]:
    """Within the block: a function from pixel images to logits; the model in eval mode with frozen parameters.

    The input keeps its gradient (the caller asks for it); the parameters get none. On exit the
    model's mode, every parameter's ``requires_grad`` flag and the contiguous memory format are restored.

    Example:
        >>> with pixel_classifier(model, meta["preprocess"]) as f:  # doctest: +SKIP
        ...     logits = f(torch.rand(2, 3, 224, 224))              # (2, K)
    """
    was_training = model.training
    flags = [p.requires_grad for p in model.parameters()]
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    # Same values, faster CPU convolutions (EfficientNet-Lite0, one 224 px image forward and backward, one CPU thread:
    # 98 ms against 139 ms contiguous); undone on exit like Explainer does.
    model.to(memory_format=torch.channels_last)
    try:
        yield lambda x: model(normalise(x, pre).contiguous(memory_format=torch.channels_last))
    finally:
        model.to(memory_format=torch.contiguous_format)
        for p, flag in zip(model.parameters(), flags):
            p.requires_grad_(flag)
        model.train(was_training)


def pixel_transform(pre: Preprocess) -> T.Compose:
    """The evaluation transform without its normalisation: resize, centre crop, float pixels in [0, 1]."""
    steps = [s for s in eval_transform(pre).transforms if not isinstance(s, T.Normalize)]
    return T.Compose(steps)


def load_pixels(items: ImageList, indices: list[int], pre: Preprocess) -> tuple[torch.Tensor, torch.Tensor]:
    """The images at ``indices`` as pixels ``(N, 3, S, S)`` in [0, 1] (the evaluation resize and crop) and their labels ``(N,)``."""
    data = ImageListDataset(items, pixel_transform(pre))
    images, labels = zip(*[data[i][:2] for i in indices])
    return torch.stack([x.as_subclass(torch.Tensor) for x in images]), torch.tensor(labels, dtype=torch.long)


def spread_over_classes(labels: list[int], n: int, seed: int) -> list[int]:
    """Up to ``n`` indices taken in turn from each class (a seeded order within each class), sorted."""
    rng = np.random.default_rng(seed)
    label_array = np.asarray(labels)
    queues = [list(rng.permutation(np.flatnonzero(label_array == k))) for k in np.unique(label_array)]
    picks: list[int] = []
    while len(picks) < n and any(queues):
        for q in queues:
            if q and len(picks) < n:
                picks.append(int(q.pop(0)))
    return sorted(picks)


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """A pixel image ``(3, H, W)`` in [0, 1] -> ``(H, W, 3)`` uint8."""
    return (x.detach().cpu().clamp(0, 1).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)


def file_stem(name: str) -> str:
    """A class name as a safe file-name part."""
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "class"
