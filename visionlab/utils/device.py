"""Device, precision and thread choices."""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Iterator

import torch
from torch import nn


def resolve_device(name: str = "auto") -> torch.device:
    """``"auto"`` picks CUDA when available, else CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
def _fp32_variant(cls: type) -> type:
    """A subclass of conv class ``cls`` whose forward leaves autocast and runs in fp32.

    Subclassing (rather than wrapping) keeps parameters and state-dict keys, and keeps the
    parent's forward (e.g. timm's Conv2dSame padding).
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast(x.device.type, enabled=False):
            return cls.forward(self, x.float())

    return type(f"FP32{cls.__name__}", (cls,), {"forward": forward})


@contextlib.contextmanager
def fp32_grouped_convs(model: nn.Module, enabled: bool = True) -> Iterator[None]:
    """Run grouped (depthwise) convolutions in fp32 inside a bf16-autocast training step.

    On CPU, oneDNN's bf16 backward for depthwise convolutions is slower than fp32: measured on
    a 2-core AMX CPU, an EfficientNet-Lite0 step at batch 32 took 3.5 s with everything in
    bf16, 2.9 s in fp32 and 2.3 s with bf16 except depthwise convolutions. The classes are
    swapped back on exit, leaving the caller's model as it was.
    """
    swapped = [(m, type(m)) for m in model.modules() if isinstance(m, nn.Conv2d) and m.groups > 1] if enabled else []
    for m, cls in swapped:
        m.__class__ = _fp32_variant(cls)
    try:
        yield
    finally:
        for m, cls in swapped:
            m.__class__ = cls
