"""Cached backbone features for the studies that train only a head: computed once, shared between studies.

The frozen arms of ``freezing``, and ``augmentation``, ``schedule`` and ``batch-size``, all train the
head of a frozen backbone on the same images. Their features are computed once per (backbone,
weights, input size, images, view) and kept in ``<studies folder>/.features/`` as one file per split
and view, so a second study (or a rerun) on the same data reads them back instead of running the
backbone again. View 0 is the plain image (the evaluation transform); view ``v > 0`` is an augmented
view drawn with its own seed, so asking for more views later reuses the first ones.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from visionlab.data.augment import AugmentConfig
from visionlab.data.dataset import ImageListDataset
from visionlab.data.folders import ImageList
from visionlab.data.transforms import eval_transform, train_transform
from visionlab.models import get_classifier
from visionlab.models.weights import IMAGENET_PREPROCESS
from visionlab.studies.common import StudyContext
from visionlab.train.features import FeatureStore, extract_features
from visionlab.train.optim import epoch_seed
from visionlab.utils.device import resolve_amp, resolve_device
from visionlab.utils.files import atomic_write, read_json, write_json

CACHE_DIR = ".features"


@dataclass
class FeatureBank:
    """Pooled features of the training views and of the validation images.

    Attributes:
        train: ``(V * N, F)``: row ``v * N + i`` is view ``v`` of training image ``i`` (view 0 plain).
        val: ``(M, F)`` plain validation features.
        train_labels, val_labels: ``(N,)`` and ``(M,)``.
        classes: Class names in label order.
        views: ``V``.
        seconds: Time the backbone took over these images and views, as measured when each part was computed
            (a part read from the cache counts what it cost then).
        cached: Whether every part came from the cache.
        img_size: The input size the features were computed at.
    """

    train: FeatureStore
    val: FeatureStore
    train_labels: torch.Tensor
    val_labels: torch.Tensor
    classes: list[str]
    views: int
    seconds: float
    img_size: int
    cached: bool

    @property
    def num_features(self) -> int:
        """``F``."""
        return int(self.train.array.shape[1])


def feature_bank(ctx: StudyContext, views: int = 1, img_size: int | None = None) -> FeatureBank:
    """The features of the study's split under ``views`` training views (cached; see the module docstring).

    Args:
        ctx: The study (its split, backbone, weights and seed).
        views: Training views: the plain one and ``views - 1`` augmented ones.
        img_size: Input size; default the options' ``img_size``, else the weights entry's.
    """
    o, splits = ctx.opts, ctx.splits()
    model = get_classifier(o.backbone, num_classes=len(splits["train"].classes), weights=None if o.weights.lower() == "none" else o.weights,
                           download=o.download)
    model.freeze_backbone()
    pre = (model.weights.preprocess if model.weights is not None else IMAGENET_PREPROCESS).at_size(img_size or o.img_size, o.crop_pct)
    augment = AugmentConfig()
    device = resolve_device("auto")
    model.to(device)
    seconds, computed = 0.0, False
    parts: dict[str, list[np.ndarray]] = {"train": [], "val": []}
    for split, view in [("train", v) for v in range(views)] + [("val", 0)]:
        items = splits[split]
        path = ctx.out.parent / CACHE_DIR / f"{_key(o.backbone, o.weights, pre.to_dict(), items, view, o.seed, augment)}.npy"
        if not path.is_file():
            t0 = time.perf_counter()
            torch.manual_seed(epoch_seed(o.seed, -1 - view))  # each augmented view has its own draws
            transform = eval_transform(pre) if view == 0 else train_transform(augment, pre)
            store = extract_features(model, ImageListDataset(items, transform), batch_size=64, device=device,
                                     amp=resolve_amp("auto", device), channels_last=True, quiet=o.quiet, name=f"{split} view {view}")
            path.parent.mkdir(parents=True, exist_ok=True)
            write_json(path.with_suffix(".json"), {"seconds": round(time.perf_counter() - t0, 3), "split": split, "view": view,
                                                    "images": len(items)})
            atomic_write(path, functools.partial(_save, array=store.array))  # last: a part with its .npy is complete
            store.close()
            computed = True
        seconds += float(read_json(path.with_suffix(".json"))["seconds"])
        parts[split].append(np.load(path, allow_pickle=False))
    labels = {k: torch.tensor(splits[k].labels, dtype=torch.long) for k in ("train", "val")}
    return FeatureBank(_store(np.concatenate(parts["train"])), _store(parts["val"][0]), labels["train"], labels["val"],
                       list(splits["train"].classes), views, seconds, pre.crop_size, not computed)


def _save(path: Path, *, array: np.ndarray) -> None:
    with open(path, "wb") as f:  # atomic_write's temporary name lacks the .npy suffix np.save would add
        np.save(f, array, allow_pickle=False)


def _store(array: np.ndarray) -> FeatureStore:
    store = FeatureStore(array.shape[0], array.shape[1], max_ram_mb=2**20, folder=None, name="bank")
    store.write(array.astype(np.float32), np.arange(array.shape[0]))
    return store


def _key(backbone: str, weights: str, preprocess: dict, items: ImageList, view: int, seed: int, augment: AugmentConfig) -> str:
    """A name for one split's features under one view: changes when any input of the features changes."""
    files = [(p, (items.root / p).stat().st_size, (items.root / p).stat().st_mtime_ns) for p in items.paths]
    spec = {"backbone": backbone, "weights": weights, "preprocess": preprocess, "root": str(items.root.resolve()), "files": files,
            "labels": items.labels, "view": view, "seed": seed if view else None, "augment": asdict(augment) if view else None}
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:24]
