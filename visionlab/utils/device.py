"""Device, precision and thread choices."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from functools import cache

import torch
from torch import nn


def resolve_device(name: str = "auto") -> torch.device:
    """``"auto"`` picks CUDA when available, else CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


@cache
def cpu_supports_bf16() -> bool:
    """True when the CPU has native bf16 matrix units (AVX512-BF16 or AMX)."""
    try:
        flags = open("/proc/cpuinfo", encoding="ascii", errors="ignore").read()
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def resolve_amp(amp: str, device: torch.device) -> torch.dtype | None:
    """Autocast dtype for ``amp`` in {"auto", "bf16", "fp16", "off"}; None means full fp32.

    "auto" is bf16 on CPUs with native bf16 units and on CUDA (fp16 where bf16 is missing);
    otherwise fp32, because emulated bf16 is slower than fp32.
    """
    if amp == "off":
        return None
    if amp == "bf16":
        return torch.bfloat16
    if amp == "fp16":
        return torch.float16
    if amp != "auto":
        raise ValueError(f"amp must be one of auto, bf16, fp16, off; got {amp!r}")
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if cpu_supports_bf16() else None


def autocast(device: torch.device, dtype: torch.dtype | None) -> contextlib.AbstractContextManager:
    """Autocast context, or a no-op when ``dtype`` is None."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=dtype)


@cache
def _fp32_variant(cls: type) -> type:
    """A subclass of conv class ``cls`` whose forward leaves autocast and runs in fp32.

    Subclassing (rather than wrapping) keeps parameters and state-dict keys, and keeps the
    parent's forward (e.g. timm's Conv2dSame padding).
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast(x.device.type, enabled=False):
            return cls.forward(self, x.float())  # type: ignore[attr-defined]  # cls is a conv class, typed as plain type by @cache

    return type(f"FP32{cls.__name__}", (cls,), {"forward": forward})


@contextlib.contextmanager
def swapped_classes(modules: Sequence[nn.Module], variant: Callable[[type], type]) -> Iterator[None]:
    """Give each module the class ``variant(type(module))`` for the duration of the block."""
    swapped = [(m, type(m)) for m in modules]
    for m, cls in swapped:
        m.__class__ = variant(cls)
    try:
        yield
    finally:
        for m, cls in swapped:
            m.__class__ = cls


def fp32_grouped_convs(model: nn.Module, enabled: bool = True) -> contextlib.AbstractContextManager:
    """Run grouped (depthwise) convolutions in fp32 inside a bf16-autocast training step.

    On CPU, oneDNN's bf16 backward for depthwise convolutions is slower than fp32: measured on
    a 2-core AMX CPU, an EfficientNet-Lite0 step at batch 32 took 3.5 s with everything in
    bf16, 2.9 s in fp32 and 2.3 s with bf16 except depthwise convolutions. The classes are
    swapped back on exit, leaving the caller's model as it was.
    """
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d) and m.groups > 1] if enabled else []
    return swapped_classes(convs, _fp32_variant)


# Dilation from which a 3x3 convolution is computed as nine matrix products (see gemm_dilated_convs).
GEMM_MIN_DILATION = 8


def _dilated_as_gemms(conv: nn.Conv2d, x: torch.Tensor) -> torch.Tensor:
    """A stride-1, 'same'-padded dilated convolution as one matrix product per kernel tap.

    Output pixel (i, j) is the sum over taps (a, b) of W[:, :, a, b] @ x[:, i + (a-c)d, j + (b-c)d];
    taps that fall outside the map contribute zero (the zero padding), and a tap shifted past the
    whole map is skipped. Accumulates in fp32.
    """
    n, _, h, w = x.shape
    kh, kw = conv.kernel_size
    dy, dx = conv.dilation
    xl = x.permute(0, 2, 3, 1)  # (N, H, W, C), a view when x is channels_last
    weight = conv.weight.to(x.dtype)
    out = torch.zeros(n, h, w, conv.out_channels, dtype=torch.float32, device=x.device)
    for a in range(kh):
        for b in range(kw):
            sy, sx = (a - kh // 2) * dy, (b - kw // 2) * dx
            y0, y1, x0, x1 = max(0, -sy), min(h, h - sy), max(0, -sx), min(w, w - sx)
            if y0 >= y1 or x0 >= x1:
                continue
            patch = xl[:, y0 + sy:y1 + sy, x0 + sx:x1 + sx]
            out[:, y0:y1, x0:x1] += (patch.reshape(-1, patch.shape[-1]) @ weight[:, :, a, b].t()).view(*patch.shape[:-1], -1)
    if conv.bias is not None:
        out += conv.bias.float()
    return out.to(x.dtype).permute(0, 3, 1, 2)


@cache
def _gemm_variant(cls: type) -> type:
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _dilated_as_gemms(self, x)

    return type(f"Gemm{cls.__name__}", (cls,), {"forward": forward})


def gemm_dilated_convs(model: nn.Module | list[nn.Module], enabled: bool = True) -> contextlib.AbstractContextManager:
    """Compute widely dilated 3x3 convolutions (DeepLabV3's ASPP) as matrix products in bf16 on CPU.

    oneDNN's bf16 kernels are slow for large dilations: measured on a 2-core AMX CPU with a
    2048-channel 66x88 map, dilations 12/24/36 took 351/901/1017 ms in bf16 against 230/213/205 ms
    in fp32, while dilations 2 and 4 ran about 3x faster in bf16 than in fp32. Nine bf16 matrix
    products give the same result (accumulated in fp32). Only stride-1, ungrouped, zero-padded
    convolutions whose padding keeps the size ("same") are swapped; the rest keep oneDNN.
    ``model`` may also be the list :func:`dilated_convs` found in it, for callers that enter this often.
    """
    convs = model if isinstance(model, list) else dilated_convs(model)
    return swapped_classes(convs if enabled else [], _gemm_variant)


def dilated_convs(model: nn.Module) -> list[nn.Module]:
    """The convolutions of ``model`` that :func:`gemm_dilated_convs` computes as matrix products."""

    def eligible(m: nn.Module) -> bool:
        return (isinstance(m, nn.Conv2d) and m.groups == 1 and m.stride == (1, 1) and m.padding_mode == "zeros"
                and min(m.dilation) >= GEMM_MIN_DILATION and m.kernel_size[0] % 2 == 1 and m.kernel_size[1] % 2 == 1
                and tuple(m.padding) == tuple(d * (k // 2) for d, k in zip(m.dilation, m.kernel_size)))

    return [m for m in model.modules() if eligible(m)]


def to_device(x: torch.Tensor, device: torch.device, channels_last: bool) -> torch.Tensor:
    """``x`` on ``device``, in channels_last memory format when asked."""
    x = x.to(device, non_blocking=True)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x
