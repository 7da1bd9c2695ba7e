"""Recipes: sets of :class:`~visionlab.train.config.ClassifyConfig` values measured to win on a kind of data.

A recipe changes only the options a user left at their defaults, so ``--recipe small-images --epochs 3``
runs the recipe with three epochs. ``auto`` (the default) picks ``small-images`` for training images of
at most :data:`SMALL_SIDE_PX` on their short side (CIFAR-10's 32x32 photos, icons, sprites) with a
backbone it was measured on (EfficientNet-Lite0), and ``standard``, the lab manual's settings, for
everything else.
"""

from __future__ import annotations

import statistics
from dataclasses import fields, replace

from PIL import Image

from visionlab.data.folders import ImageList
from visionlab.train.config import ClassifyConfig

SMALL_SIDE_PX = 64  # median short side (px) at or below which auto picks small-images
SMALL_IMAGES_BACKBONES = ("efficientnet_lite0",)  # where auto picks small-images: the backbone its cut was measured on
_SAMPLE = 200  # training images whose headers auto reads

# Measured on 2 CPU cores, one run each (README, "Defaults on real data"; benchmarks/bench_small_images.py):
# ten classes of 32x32 game-world characters, 8,000/2,000/2,000 train/val/test images: the standard recipe
# (frozen linear probe at 224 px) 0.5845 test accuracy in 3.0 min, small-images 0.8915 in 6.0 min; crops of ten
# real photos: 0.8870 against 0.9025; at CIFAR-10's size (40,000 training images) small-images 0.9578 in 22.7 min.
RECIPES: dict[str, dict[str, object]] = {
    "standard": {},
    "small-images": {
        "mode": "partial",  # the top blocks fine-tune on cached activations of the frozen lower blocks
        "img_size": 160,  # 32 px images upscaled 5x: 0.884 against 0.847 at 128 px (exploratory runs), for 1.7x the time
        "unfreeze_top": 3,  # EfficientNet-Lite0: its last two stages and the 1x1 head convolution (the last stage and the head convolution alone: 0.70)
        "epochs": 6,
        "batch_size": 128,
        "lr": 3e-3,  # the head's; the top blocks' is lr x backbone_lr_factor = 1e-3
        "backbone_lr_factor": 1 / 3,
        "optimizer": "adamw",
        "weight_decay": 0.05,
        "label_smoothing": 0.1,
        "scheduler": "cosine",
        "tta_flip": True,
        "time_budget": 25.0,  # minutes; plans fewer epochs on large sets or slow machines
    },
}


def median_short_side(items: ImageList, sample: int = _SAMPLE) -> int:
    """The median short side in pixels of (an evenly spaced sample of) ``items``' images, read from their headers."""
    paths = items.abs_paths()
    step = max(1, len(paths) // sample)
    sides = []
    for path in paths[::step][:sample]:
        with Image.open(path) as im:
            sides.append(min(im.size))
    return int(statistics.median(sides))


def choose_recipe(cfg: ClassifyConfig, train: ImageList) -> str:
    """The recipe ``cfg.recipe`` names; for ``auto``, the one the training images call for."""
    if cfg.recipe != "auto":
        return cfg.recipe
    if cfg.backbone not in SMALL_IMAGES_BACKBONES:
        return "standard"
    return "small-images" if median_short_side(train) <= SMALL_SIDE_PX else "standard"


def apply_recipe(cfg: ClassifyConfig, name: str) -> tuple[ClassifyConfig, dict[str, object]]:
    """``cfg`` with recipe ``name``'s values on the fields still at their defaults; also returns what it changed.

    The returned config names the recipe it ran (``recipe`` is never ``auto`` afterwards).
    """
    defaults = {f.name: f.default for f in fields(ClassifyConfig)}
    changed = {k: v for k, v in RECIPES[name].items() if getattr(cfg, k) == defaults[k] and v != defaults[k]}
    return replace(cfg, recipe=name, **changed), changed  # type: ignore[arg-type]
