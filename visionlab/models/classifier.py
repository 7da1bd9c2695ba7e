"""The transfer-learning surface shared by every classifier: features, head, freezing, CAM layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import torch
from torch import nn

from visionlab.errors import ParamError
from visionlab.models.weights import WeightsEntry


def make_head(num_features: int, num_classes: int, dropout: float) -> nn.Sequential:
    """The manual's head: dropout, then a linear layer from the pooled features to the class logits."""
    return nn.Sequential(nn.Dropout(dropout), nn.Linear(num_features, num_classes))


class Classifier(nn.Module):
    """A pretrained (or random) backbone that yields pooled features, and the manual's head.

    Args:
        arch: Registry name of the backbone.
        backbone: Module mapping ``(B, 3, H, W)`` images to ``(B, F)`` pooled features.
        num_features: ``F``.
        num_classes: Outputs of the head.
        blocks: Backbone stages from input to output; ``finetune`` unfreezes the last ones.
        cam_layer: Dotted name (relative to this module) of the layer CAMs hook by default.
        dropout: Dropout before the linear layer (the manual uses 0.3).
        weights: The weights entry the backbone was initialised from, if any.
        pool: The module after the last block that pools its maps to ``(B, F)``. Given, the blocks
            applied in order and then ``pool`` compute exactly ``forward_features``, which lets
            :meth:`split` cut the backbone for ``partial`` training.
    """

    def __init__(
        self,
        arch: str,
        backbone: nn.Module,
        num_features: int,
        num_classes: int,
        blocks: Sequence[nn.Module],
        cam_layer: str,
        dropout: float = 0.3,
        weights: WeightsEntry | None = None,
        pool: nn.Module | None = None,
    ) -> None:
        super().__init__()
        self.arch = arch
        self.backbone = backbone
        self.num_features = num_features
        self.dropout = dropout
        self.head = self._make_head(num_classes)
        self._blocks = list(blocks)
        self.cam_layer = cam_layer
        self.weights = weights
        self._pool = pool
        self._frozen_blocks: list[nn.Module] = []

    def _make_head(self, num_classes: int) -> nn.Sequential:
        return make_head(self.num_features, num_classes, self.dropout)

    @property
    def num_classes(self) -> int:
        """Outputs of the head."""
        return self._linear().out_features

    def _linear(self) -> nn.Linear:
        return cast(nn.Linear, self.head[-1])

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` -> pooled features ``(B, F)``."""
        return self.backbone(x)

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        """``(B, F)`` -> logits ``(B, num_classes)``."""
        return self.head(features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` -> logits ``(B, num_classes)``."""
        return self.forward_head(self.forward_features(x))

    def reset_head(self, num_classes: int) -> None:
        """Replace the head with a freshly initialised one for ``num_classes`` outputs."""
        device = self._linear().weight.device
        self.head = self._make_head(num_classes).to(device)

    def blocks(self) -> list[nn.Module]:
        """Backbone stages from input to output."""
        return list(self._blocks)

    def split(self, keep_top: int) -> tuple[nn.Sequential, nn.Sequential]:
        """The backbone cut before its last ``keep_top`` blocks: ``(trunk, top)``.

        ``top(trunk(x))`` equals ``forward_features(x)``; both share this model's parameters.

        Raises:
            ParamError: The backbone was registered without its pooling module, or ``keep_top``
                is not between 1 and the number of blocks minus one.
        """
        if self._pool is None:
            raise ParamError("mode", f"{self.arch} cannot be cut into cached lower blocks and trained top blocks (its registration "
                                     "gives no pooling module); use mode finetune, which runs the whole backbone")
        n = len(self._blocks)
        if not 1 <= keep_top < n:
            raise ParamError("unfreeze_top", f"unfreeze_top must be between 1 and {n - 1} for {self.arch} ({n} blocks); got {keep_top}")
        return nn.Sequential(*self._blocks[: n - keep_top]), nn.Sequential(*self._blocks[n - keep_top :], self._pool)

    def freeze_backbone(self, keep_top: int = 0) -> None:
        """Freeze all backbone stages except the last ``keep_top`` ones.

        Frozen stages get ``requires_grad=False`` and their BatchNorm layers stay in eval mode
        (running statistics fixed) even when the model is switched to ``train()``.
        """
        for p in self.backbone.parameters():
            p.requires_grad_(False)
        trainable = self._blocks[len(self._blocks) - keep_top :] if keep_top > 0 else []
        for block in trainable:
            for p in block.parameters():
                p.requires_grad_(True)
        trainable_ids = {id(m) for b in trainable for m in b.modules()}
        self._frozen_blocks = [m for m in self.backbone.modules() if id(m) not in trainable_ids]
        self.train(self.training)

    def unfreeze_backbone(self) -> None:
        """Make every backbone parameter trainable again."""
        for p in self.backbone.parameters():
            p.requires_grad_(True)
        self._frozen_blocks = []
        self.train(self.training)

    def train(self, mode: bool = True) -> Classifier:
        """Switch train/eval mode; frozen stages keep their BatchNorm layers in eval mode."""
        super().train(mode)
        for m in self._frozen_blocks:
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.eval()
        return self

    def head_parameters(self) -> list[nn.Parameter]:
        """The head's parameters (the only trainable ones in ``frozen`` mode)."""
        return list(self.head.parameters())

    def backbone_trainable_parameters(self) -> list[nn.Parameter]:
        """Backbone parameters that currently train."""
        return [p for p in self.backbone.parameters() if p.requires_grad]
