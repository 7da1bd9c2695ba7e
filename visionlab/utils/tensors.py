"""Small tensor helpers that work around measured slow paths."""

from __future__ import annotations

import torch


def class_ids(scores: torch.Tensor, dim: int = 1) -> torch.Tensor:
    """The index of the highest score along ``dim`` (the first one on ties), like ``argmax``.

    ``max(dim).indices`` is used instead: with torch 2.14 on a 2-core CPU, ``argmax`` over the class
    dimension of ``(8, 8, 160, 160)`` fp32 logits took 64 ms and ``max`` 10 ms; over ``(8, 256, 256)``,
    19 ms and 3.5 ms. Segmentation training, validation and prediction call it on every batch.
    """
    return scores.max(dim).indices
