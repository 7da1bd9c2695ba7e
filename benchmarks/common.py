"""Shared pieces of the benchmarks: game-world datasets of a given shape, and the manual's loop."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms as T

from visionlab.data.images import load_rgb
from visionlab.data.synth import SceneSpec, write_dataset


def make_presplit(out: Path, n_train: int, n_val: int, width: int, height: int, fmt: str = "jpg", seed: int = 0) -> Path:
    """A game-world dragons-vs-robots set laid out as ``out/train|val/<kind>/*``."""
    if (out / "train").is_dir():
        return out
    raw = out.parent / f"{out.name}-raw"
    write_dataset(raw, n_train + n_val, seed=seed, spec=SceneSpec(width=width, height=height), image_format=fmt)
    for kind_dir in sorted((raw / "classify").iterdir()):
        files = sorted(kind_dir.iterdir())
        cut = len(files) * n_train // (n_train + n_val)
        for part, chunk in (("train", files[:cut]), ("val", files[cut:])):
            dest = out / part / kind_dir.name
            dest.mkdir(parents=True, exist_ok=True)
            for f in chunk:
                shutil.copy2(f, dest / f.name)
    return out


class ManualFolder(Dataset):
    """The lab manual's dataset: decode with PIL every time, PIL transforms."""

    def __init__(self, root: Path, transform) -> None:
        self.classes = sorted(p.name for p in root.iterdir())
        self.items = [(f, i) for i, c in enumerate(self.classes) for f in sorted((root / c).iterdir())]
        self.transform = transform

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        path, label = self.items[i]
        return self.transform(load_rgb(path)), label


def manual_transforms(mean, std, crop: int = 224, resize: int = 256):
    """The manual's train and validation transforms (normalized with the weights' mean/std)."""
    train = T.Compose([
        T.RandomResizedCrop(crop), T.RandomHorizontalFlip(), T.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2),
        T.RandomRotation(15), T.ToTensor(), T.Normalize(mean, std),
    ])
    val = T.Compose([T.Resize(resize), T.CenterCrop(crop), T.ToTensor(), T.Normalize(mean, std)])
    return train, val


def manual_epoch(model: nn.Module, loader: DataLoader, optimizer, train: bool) -> tuple[float, int]:
    """One epoch of the manual's loop (full network forward, fp32); returns (accuracy, images)."""
    model.train(train)
    criterion = nn.CrossEntropyLoss()
    correct = total = 0
    with torch.set_grad_enabled(train):
        for x, y in loader:
            out = model(x)
            loss = criterion(out, y)
            if train:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            correct += int((out.argmax(1) == y).sum())
            total += len(y)
    return correct / max(total, 1), total


class Timer:
    def __enter__(self) -> Timer:
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.t0
