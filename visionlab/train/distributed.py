"""torchrun support: one process per rank, a sampler per rank, only rank 0 writes files."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch.utils.data import Dataset, DistributedSampler


@dataclass(frozen=True)
class DistContext:
    """Where this process sits in a (possibly single-process) job."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """Whether this is rank 0, the process that writes files and prints."""
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        """Whether the job has more than one process."""
        return self.world_size > 1


SINGLE_PROCESS = DistContext()  # a job without torchrun


def init_distributed(device: torch.device) -> DistContext:
    """Join the process group torchrun describes in the environment (WORLD_SIZE > 1), else no-op."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return DistContext()
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return DistContext(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", "0")))


def make_sampler(dataset: Dataset, ctx: DistContext, shuffle: bool, seed: int) -> DistributedSampler | None:
    """A DistributedSampler per rank under torchrun; None (plain loader order) otherwise."""
    if not ctx.enabled:
        return None
    return DistributedSampler(dataset, num_replicas=ctx.world_size, rank=ctx.rank, shuffle=shuffle, seed=seed)


def barrier(ctx: DistContext) -> None:
    """Wait for every rank (no-op in a single process)."""
    if ctx.enabled:
        dist.barrier()


def all_reduce_sum(values: list[float], ctx: DistContext) -> list[float]:
    """Sum scalars over ranks (loss sums, correct counts)."""
    if not ctx.enabled:
        return values
    t = torch.tensor(values, dtype=torch.float64)
    dist.all_reduce(t)
    return t.tolist()


def gather_rows(indices: torch.Tensor, rows: torch.Tensor, total: int, ctx: DistContext) -> torch.Tensor:
    """Assemble per-rank ``rows`` (N_rank, ...) computed for ``indices`` into one (total, ...) tensor."""
    if not ctx.enabled:
        out = torch.empty((total, *rows.shape[1:]), dtype=rows.dtype)
        out[indices] = rows
        return out
    parts: list = [None] * ctx.world_size
    dist.all_gather_object(parts, (indices, rows))
    out = torch.empty((total, *rows.shape[1:]), dtype=rows.dtype)
    for idx, r in parts:
        out[idx] = r  # DistributedSampler pads by repeating indices; rewriting them is harmless
    return out
