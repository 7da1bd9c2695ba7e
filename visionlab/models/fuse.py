"""Inference-only rewrites of a trained network that keep its outputs.

``fold_batchnorm`` merges every eval-mode batch norm that reads a convolution's output straight
into that convolution (``torch.nn.utils.fusion.fuse_conv_bn_eval`` does the arithmetic). A CPU
forward then skips one full pass over every activation per layer: on a 2-core AMX CPU the
EfficientNet-Lite0 classifier in bf16 spent 22% of a batch-of-8 forward in batch norm
(``benchmarks/bench_pipeline.py`` measures the effect on region classification).
"""

from __future__ import annotations

import copy

import torch
from timm.layers import BatchNormAct2d
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

BATCH_NORMS = (nn.BatchNorm2d, BatchNormAct2d)
FOLD_TOLERANCE = 1e-4  # max |output difference| / max |output| allowed after folding (fp32)


def conv_bn_pairs(model: nn.Module, example: torch.Tensor) -> list[tuple[str, str]]:
    """``(conv name, batch-norm name)`` for each batch norm whose input is a convolution's output.

    The pairs come from one forward pass on ``example``: a batch norm is paired with the convolution
    whose output tensor it received.
    """
    seen: list[tuple[str, nn.Module, torch.Tensor, torch.Tensor]] = []
    hooks = [
        module.register_forward_hook(lambda mod, args, out, name=name: seen.append((name, mod, args[0], out)))
        for name, module in model.named_modules()
        if isinstance(module, nn.Conv2d) or type(module) in BATCH_NORMS
    ]
    try:
        with torch.no_grad():
            model(example)
    finally:
        for h in hooks:
            h.remove()
    outputs = {id(out): name for name, mod, _, out in seen if isinstance(mod, nn.Conv2d)}
    return [(outputs[id(inp)], name) for name, mod, inp, _ in seen if not isinstance(mod, nn.Conv2d) and id(inp) in outputs]


def fold_batchnorm(model: nn.Module, example: torch.Tensor) -> tuple[nn.Module, int]:
    """A copy of eval-mode ``model`` with batch norms folded into the convolutions before them.

    ``timm``'s ``BatchNormAct2d`` keeps its activation. The copy is checked against ``model`` on
    ``example`` in fp32; if the outputs differ by more than ``FOLD_TOLERANCE`` (a convolution
    output also used elsewhere, say) ``model`` itself is returned unchanged.

    Returns:
        ``(model, number of folded batch norms)``.
    """
    if model.training:
        raise ValueError("fold_batchnorm needs a model in eval mode: batch statistics change while training")
    if not any(type(m) in BATCH_NORMS for m in model.modules()):
        return model, 0
    folded = copy.deepcopy(model)
    modules = dict(folded.named_modules())
    pairs = conv_bn_pairs(folded, example)
    for conv_name, bn_name in pairs:
        bn = modules[bn_name]
        _replace(folded, conv_name, fuse_conv_bn_eval(modules[conv_name], bn))
        _replace(folded, bn_name, nn.Sequential(bn.drop, bn.act) if isinstance(bn, BatchNormAct2d) else nn.Identity())
    with torch.no_grad():
        before, after = model(example).float(), folded(example).float()
    if not pairs or (after - before).abs().max() > FOLD_TOLERANCE * max(1.0, before.abs().max().item()):
        return model, 0
    return folded, len(pairs)


def _replace(root: nn.Module, name: str, module: nn.Module) -> None:
    parent, _, attr = name.rpartition(".")
    setattr(root.get_submodule(parent) if parent else root, attr, module)
