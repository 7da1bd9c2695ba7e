"""torchrun support: one process per rank, a shard of each epoch per rank, only rank 0 writes files."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import torch
import torch.distributed as dist
from torch.utils.data import Sampler

T = TypeVar("T")


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


class ShardedPermutation(Sampler[int]):
    """This rank's share of one seeded permutation of a dataset: positions ``rank, rank + W, ...``.

    With a per-rank batch of ``B / W``, the ranks' ``j``-th batches together hold exactly positions
    ``j * B ... (j + 1) * B - 1`` of the permutation: the batch one process with batch ``B`` takes. So ``W``
    processes at ``B / W`` each step like one process at ``B`` (up to BatchNorm statistics and augmentation
    draws), and the shards are disjoint. Every rank gets ``N // W`` indices (the last ``N % W`` positions
    are left out, not padded with repeats), so no image counts twice in a metric and the ranks step
    together.

    Args:
        n: The dataset's length.
        ctx: This process's place in the job.
        seed: Seeds the permutation (the same on every rank).
    """

    def __init__(self, n: int, ctx: DistContext, seed: int) -> None:
        self.n, self.ctx, self.seed = n, ctx, seed

    def __len__(self) -> int:
        return self.n // self.ctx.world_size

    def __iter__(self) -> Iterator[int]:
        order = torch.randperm(self.n, generator=torch.Generator().manual_seed(self.seed))
        return iter(order[self.ctx.rank :: self.ctx.world_size][: len(self)].tolist())


def main_first(ctx: DistContext, fn: Callable[[], T]) -> T:
    """Run ``fn`` on rank 0 only; every rank returns its result, or raises the error it raised.

    For what must happen once before the others go on (checking and claiming a run folder, labelling
    images): the other ranks wait for rank 0 and never see a half-made state.
    """
    if not ctx.enabled:
        return fn()
    box: list = [None]
    if ctx.is_main:
        try:
            box[0] = (fn(), None)
        except Exception as exc:  # re-raised on every rank below
            box[0] = (None, exc)
    dist.broadcast_object_list(box, src=0)
    result, error = box[0]
    if error is not None:
        raise error
    return result


def broadcast_buffers(module: torch.nn.Module, ctx: DistContext) -> None:
    """Give every rank rank 0's buffers (BatchNorm running statistics).

    DistributedDataParallel syncs them at the start of each forward pass, so after an epoch's last step
    each rank holds the statistics of its own last batch; after this call every rank holds the model
    rank 0 saves.
    """
    if ctx.enabled:
        for buffer in module.buffers():
            dist.broadcast(buffer, src=0)


def barrier(ctx: DistContext) -> None:
    """Wait for every rank (no-op in a single process)."""
    if ctx.enabled:
        dist.barrier()


def rank0_value(value: T, ctx: DistContext) -> T:
    """Rank 0's ``value`` on every rank (a decision each rank computed from its own clock, say)."""
    if not ctx.enabled:
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


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
        out[idx] = r  # the shards are disjoint and cover every row
    return out
