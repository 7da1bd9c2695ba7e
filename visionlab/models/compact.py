"""Compact segmentation students: LR-ASPP on plain 3x3 convolutions, fast on a CPU.

Depthwise convolutions, which MobileNetV3 and EfficientNet-Lite0 are built of, run slowly in bf16 on
a 2-core CPU; these encoders avoid them. :func:`upsample_bilinear` resizes logits with two fp32
matrix products.
"""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.segmentation.lraspp import LRASPPHead


class CompactEncoder(nn.Module):
    """Plain 3x3 convolutions, none depthwise: an encoder for students that must be fast on a CPU.

    A 4x4 stride-4 patch convolution and ``depths[0] - 1`` more convolutions give the ``low``
    features (stride 4); each further width adds a stage that halves the resolution, the last
    giving ``high`` (stride 16 for three widths). On a 2-core AMX CPU in bf16, MobileNetV3's and
    EfficientNet-Lite0's depthwise convolutions made LR-ASPP students only 1.3-1.6x faster than the
    game-world U-Net teacher; with this encoder the student ran 11.8-13.3x faster at batch 1 (ONNX Runtime)
    and 10.5-11.0x at batch 8 (PyTorch bf16), each model in its faster runtime (``benchmarks/bench_distill_speed.py``).
    """

    def __init__(self, widths: tuple[int, ...] = (32, 64, 128), depths: tuple[int, ...] = (2, 2, 2)) -> None:
        super().__init__()

        def conv(cin: int, cout: int, kernel: int = 3, stride: int = 1) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, 1 if kernel == 3 else 0, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

        self.stem = nn.Sequential(conv(3, widths[0], 4, 4), *[conv(widths[0], widths[0]) for _ in range(depths[0] - 1)])
        self.stages = nn.Sequential(*[nn.Sequential(conv(cin, cout, 3, 2), *[conv(cout, cout) for _ in range(d - 1)])
                                      for cin, cout, d in zip(widths, widths[1:], depths[1:])])
        self.channels = (widths[0], widths[-1])

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """``(B, 3, H, W)`` -> ``{"low": stride-4 features, "high": stride-32 features}``."""
        low = self.stem(x)
        return {"low": low, "high": self.stages(low)}


@functools.lru_cache(maxsize=32)
def _linear_resize_matrix(n_in: int, n_out: int) -> torch.Tensor:
    """``(n_out, n_in)`` weights of 1-D linear resizing (``align_corners=False``), taken from ``F.interpolate`` itself."""
    return F.interpolate(torch.eye(n_in).unsqueeze(1), size=n_out, mode="linear", align_corners=False)[:, 0].T.contiguous()


def upsample_bilinear(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """``F.interpolate(x, size, mode="bilinear", align_corners=False)`` for few channels, as two matrix products in fp32.

    Bilinear weights are separable, so the result is the same up to rounding. For 8 x 40 x 40 logits to
    160 x 160 on a 2-core CPU, ``F.interpolate`` took 0.26 ms (0.32 ms channels-last), the two products
    0.14 ms, a tenth of a small student's forward. Traced exports (ONNX, TorchScript) keep
    ``F.interpolate``: their input size may change.
    """
    x = x.float()
    if torch.jit.is_tracing() or torch.jit.is_scripting() or tuple(x.shape[-2:]) == tuple(size):
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)
    rows = _linear_resize_matrix(x.shape[-2], size[0]).to(x.device)
    cols = _linear_resize_matrix(x.shape[-1], size[1]).to(x.device)
    with torch.autocast(x.device.type, enabled=False):  # autocast would run matmul in bf16
        return rows @ x.contiguous() @ cols.T


class CompactLRASPP(nn.Module):
    """torchvision's LR-ASPP head on :class:`CompactEncoder`; its stride-4 logits are upsampled in fp32.

    :func:`upsample_bilinear` is used: bilinear upsampling of bf16 channels-last tensors took 1.1 ms of a 2.8 ms forward.
    """

    def __init__(self, num_classes: int, widths: tuple[int, ...], depths: tuple[int, ...], inter_channels: int = 64) -> None:
        super().__init__()
        self.backbone = CompactEncoder(widths, depths)
        self.classifier = LRASPPHead(*self.backbone.channels, num_classes, inter_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` -> logits ``(B, K, H, W)`` at the input size."""
        features = self.backbone(x)
        low, high, head = features["low"], features["high"], self.classifier
        # LRASPPHead's own order, with its 1x1 high classifier moved before the upsampling: both are
        # linear (bilinear weights sum to 1), so the logits are the same, but 8 channels are resized
        # instead of 64 and the classifier runs at 1/16 of the pixels
        high = head.high_classifier(head.cbr(high) * head.scale(high))
        out = head.low_classifier(low) + upsample_bilinear(high, (low.shape[-2], low.shape[-1]))
        return upsample_bilinear(out, (x.shape[-2], x.shape[-1]))


# name -> (widths, depths). Against the game-world U-Net teacher (540 scenes, one run each): widths 32/96/192
# scored as 32/64/128 at 0.8x its speed; a fourth stage, or a stride-2 low branch, scored lower
COMPACT_ENCODERS = {"compact": ((32, 64, 128), (2, 2, 2))}
