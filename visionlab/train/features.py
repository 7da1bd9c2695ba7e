"""Frozen transfer learning on cached features.

With a frozen backbone (BatchNorm statistics fixed) the backbone's output for a given input
never changes, so running it every epoch, as the manual's loop does, repeats the same work.
We run it once per image (or per augmented view), keep the pooled features (in RAM, or on
disk past a size limit) and train only the head on them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import ConcatDataset, DataLoader, Dataset, Subset

from visionlab.data.dataset import ImageListDataset
from visionlab.models import Classifier
from visionlab.train.distributed import SINGLE_PROCESS, DistContext, gather_rows
from visionlab.train.loop import StepStats
from visionlab.utils.device import autocast
from visionlab.utils.progress import progress

_TORCH_DTYPES = {np.float32: torch.float32, np.float16: torch.float16}


class FeatureStore:
    """An ``(N, *row_shape)`` array in RAM, or memory-mapped from ``folder`` when large.

    Pooled features are float32 rows; ``partial`` training stores whole activation maps in float16.
    """

    def __init__(self, n: int, row_shape: int | tuple[int, ...], max_ram_mb: int, folder: Path | None, name: str,
                 dtype: type[np.floating] = np.float32) -> None:
        shape = (n, *((row_shape,) if isinstance(row_shape, int) else row_shape))
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        self.path: Path | None = None
        self.array: np.ndarray
        if nbytes > max_ram_mb * 2**20:
            folder = folder or Path(tempfile.mkdtemp(prefix="visionlab-features-"))
            folder.mkdir(parents=True, exist_ok=True)
            self.path = folder / f"{name}.npy"
            self.array = np.lib.format.open_memmap(self.path, mode="w+", dtype=dtype, shape=shape)
        else:
            self.array = np.empty(shape, dtype=dtype)

    def close(self) -> None:
        """Delete the on-disk file, if any; the store is unusable afterwards."""
        if self.path is not None:
            del self.array
            self.path.unlink(missing_ok=True)
            self.path = None

    def write(self, rows: np.ndarray, at: np.ndarray) -> None:
        """Store ``rows`` ``(B, *row_shape)`` as rows ``at`` ``(B,)``."""
        self.array[at] = rows

    def tensor(self, idx: np.ndarray | None = None) -> torch.Tensor:
        """Rows ``idx`` (all rows when ``None``) as a contiguous float32 tensor."""
        rows = self.array if idx is None else self.array[idx]
        return torch.from_numpy(np.ascontiguousarray(rows)).float()

    def __len__(self) -> int:
        return self.array.shape[0]


class IndexedConcat(Dataset):
    """One split's views (datasets of its images) in a row, each item carrying its index in the whole.

    Items are ``(x, y, index)``; :func:`extract_features` writes item ``index`` to row ``index``.

    Args:
        parts: The views, each with the split's ``N`` images: item ``i`` of view ``v`` is row ``v * N + i``.
    """

    def __init__(self, parts: list[ImageListDataset]) -> None:
        self.ds: ConcatDataset[tuple[torch.Tensor, int, int]] = ConcatDataset(parts)

    def __len__(self) -> int:
        return len(self.ds)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int, int]:
        x, y, _ = self.ds[i]
        return x, y, i


@torch.inference_mode()
def extract_features(
    model: Classifier,
    dataset: ImageListDataset | IndexedConcat,
    *,
    batch_size: int,
    device: torch.device,
    amp: torch.dtype | None,
    channels_last: bool,
    workers: int = 0,
    max_ram_mb: int = 2048,
    cache_dir: Path | None = None,
    name: str = "features",
    ctx: DistContext = SINGLE_PROCESS,
    quiet: bool = True,
    forward: Callable[[torch.Tensor], torch.Tensor] | None = None,
    dtype: type[np.floating] = np.float32,
) -> FeatureStore:
    """Run ``model.forward_features`` (or ``forward``) once over ``dataset`` (items ``(x, y, index)``).

    Under torchrun each rank computes a strided shard and the rows are gathered on all ranks.
    The caller's train/eval mode is restored.

    Args:
        model: The classifier whose pooled backbone features are stored.
        dataset: The images; item ``(x, y, index)`` becomes row ``index``.
        batch_size: Images per forward.
        device: Where the model runs.
        amp: Autocast precision, ``None`` for fp32.
        channels_last: Feed the inputs in channels_last memory format.
        workers: DataLoader worker processes.
        max_ram_mb: Past this size the features live in a memory-mapped file.
        cache_dir: The folder of that file; default a new temporary folder.
        name: The file's name (and the progress bar's label).
        ctx: This process's place in a torchrun job.
        quiet: No progress bar.
        forward: What is stored instead of the pooled features, e.g. the activations of the lower blocks.
        dtype: The stored precision.

    Returns:
        The features, one row per item of ``dataset``.
    """
    n = len(dataset)
    shard = Subset(dataset, list(range(ctx.rank, n, ctx.world_size))) if ctx.enabled else dataset
    loader = DataLoader(shard, batch_size=batch_size, shuffle=False, num_workers=workers, persistent_workers=False)
    forward = forward or model.forward_features
    was_training = model.training
    model.eval()
    store: FeatureStore | None = None
    got_idx, got_rows = [], []
    try:
        for x, _, idx in progress(loader, f"features ({name})", quiet):
            x = x.to(device)
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with autocast(device, amp):
                f = forward(x)  # (B, F) or (B, C, h, w)
            rows = f.to(_TORCH_DTYPES[dtype]).cpu()
            if ctx.enabled:
                got_idx.append(idx)
                got_rows.append(rows)
            else:
                store = store or FeatureStore(n, tuple(rows.shape[1:]), max_ram_mb, cache_dir, name, dtype)
                store.write(rows.numpy(), idx.numpy())
    finally:
        model.train(was_training)
    if ctx.enabled:
        full = gather_rows(torch.cat(got_idx), torch.cat(got_rows), n, ctx)
        store = FeatureStore(n, tuple(full.shape[1:]), max_ram_mb, cache_dir, name, dtype)
        store.write(full.numpy(), np.arange(n))
    if store is None:
        raise ValueError(f"extract_features: {name} has no images")
    return store


def train_head_epoch(
    head: nn.Module, feats: FeatureStore, labels: torch.Tensor, view_rows: np.ndarray, optimizer: torch.optim.Optimizer,
    batch_size: int, generator: torch.Generator, label_smoothing: float = 0.0,
) -> StepStats:
    """One epoch of the head on cached features.

    Args:
        head: The classifier's head.
        feats: The cached features of the training images' views.
        labels: Labels of the training images (N,).
        view_rows: For each training image, the row of ``feats`` to use this epoch (N,).
        optimizer: Steps once per batch.
        batch_size: Images per step.
        generator: Draws the epoch's order.
        label_smoothing: Cross-entropy's label smoothing.

    Returns:
        The epoch's loss and accuracy sums.
    """
    head.train()
    criterion = nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    stats = StepStats()
    order = torch.randperm(len(view_rows), generator=generator)
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size].numpy()
        x = feats.tensor(view_rows[batch])  # (B, F)
        y = labels[batch]
        logits = head(x)
        loss = criterion(logits, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        stats.add(loss.detach(), logits.detach(), y)
    return stats


@torch.no_grad()
def head_logits(head: nn.Module, feats: FeatureStore, batch_size: int = 4096) -> torch.Tensor:
    """Logits ``(N, K)`` of the head over all stored features; restores the head's mode."""
    was_training = head.training
    head.eval()
    try:
        n = len(feats)
        return torch.cat([head(feats.tensor(np.arange(s, min(s + batch_size, n)))) for s in range(0, n, batch_size)])
    finally:
        head.train(was_training)
