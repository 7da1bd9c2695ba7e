"""Class activation maps for any registered classifier, computed in batches.

The maps come from pytorch-grad-cam. Three things make it fast here without changing a value
beyond float rounding: a batch per call instead of one image; a backward pass that stops at
the target layer (parameters are temporarily frozen and the layer's output becomes the
gradient source), so no weight gradients are computed; channels_last memory format. ``benchmarks/bench_explain.py`` measures both against the
library called one image at a time.
"""

from __future__ import annotations

import numpy as np
import torch
from pytorch_grad_cam import EigenCAM, GradCAM, GradCAMPlusPlus, HiResCAM, LayerCAM, ScoreCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from torch import nn

from visionlab.errors import UnknownNameError
from visionlab.models import Classifier

METHODS = {  # keys: visionlab.explain.methods.METHOD_NAMES (torch-free, for the CLI), in order; tests/test_cli.py checks
    "gradcam": GradCAM,
    "gradcam++": GradCAMPlusPlus,
    "hirescam": HiResCAM,
    "layercam": LayerCAM,
    "eigencam": EigenCAM,
    "scorecam": ScoreCAM,
}


def conv_layer_names(model: nn.Module) -> list[str]:
    """Names of modules that output spatial maps (convolutions and the blocks holding them)."""
    names = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d) or (name and any(isinstance(m, nn.Conv2d) for m in module.children())):
            names.append(name)
    return names


def resolve_layer(model: Classifier, name: str | None = None) -> tuple[str, nn.Module]:
    """The CAM target layer: ``name``, or the registry's default for the backbone.

    Args:
        model: A registry classifier.
        name: Dotted module name (``Explainer``'s and ``ExplainOptions``' ``layer``); None: the default.

    Returns:
        ``(name, module)``.

    Raises:
        UnknownNameError: No module of that name; the message starts with ``layer`` and lists
            convolutional candidates.
    """
    name = name or model.cam_layer
    modules = dict(model.named_modules())
    if name not in modules:
        name = manual_spelling(model, name) or name
    if name not in modules:
        candidates = conv_layer_names(model)
        shown = ", ".join(candidates[-12:])
        raise UnknownNameError(
            f"layer: model {model.arch} has no layer {name!r}; convolutional layers near the output are: {shown} "
            f"(default: {model.cam_layer})"
        )
    return name, modules[name]


def _grad_source(module: nn.Module, inputs, output: torch.Tensor) -> torch.Tensor:
    # With every parameter frozen nothing before this layer needs a gradient; starting the
    # graph here makes backward stop at the layer whose gradients CAMs use.
    return output.detach().requires_grad_(True)


def manual_spelling(model: Classifier, name: str) -> str | None:
    """The dotted module name for a layer written as in the lab manual's code (``layer4[-1].conv2``), or None.

    Indexes in brackets (negative ones count from the end) become dotted parts; a name that starts
    below the classifier's ``backbone`` is looked up there.
    """
    import re

    for root_name, root in (("", model), ("backbone", getattr(model, "backbone", None))):
        if root is None:
            continue
        module, parts = root, []
        for token in re.findall(r"[A-Za-z_]\w*|\[-?\d+\]", name):
            if token.startswith("["):
                children = list(module.named_children())
                index = int(token[1:-1])
                if not -len(children) <= index < len(children):
                    break
                part, module = children[index]
            else:
                part, module = token, getattr(module, token, None)
                if not isinstance(module, nn.Module):
                    break
            parts.append(part)
        else:
            return ".".join(([root_name] if root_name else []) + parts)
    return None


class Explainer:
    """Context manager computing CAMs for batches of preprocessed images.

    The model is switched to eval mode and its parameters frozen inside the ``with`` block;
    on exit hooks are removed and mode and ``requires_grad`` flags are restored.

    Args:
        model: A registry classifier.
        method: One of :data:`METHODS`.
        layer: Target layer name; default: the registry's ``cam_layer``.
        channels_last: Run in channels_last memory format inside the block (restored on exit).

    Raises:
        UnknownNameError: An unknown ``method`` or ``layer``; the message starts with the parameter's name.

    Example:
        >>> with Explainer(model, "gradcam") as ex:  # doctest: +SKIP
        ...     cams, probs = ex(images)              # (B, H, W) in [0, 1], (B, K)
    """

    def __init__(self, model: Classifier, method: str = "gradcam", layer: str | None = None, channels_last: bool = True) -> None:
        if method not in METHODS:
            raise UnknownNameError(f"method: unknown CAM method {method!r}; choose one of: {', '.join(METHODS)}")
        self.model = model
        self.method = method
        self.layer_name, self.layer = resolve_layer(model, layer)
        self.channels_last = channels_last
        self._cam = None

    def __enter__(self) -> Explainer:
        self._was_training = self.model.training
        self._flags = [p.requires_grad for p in self.model.parameters()]
        for p in self.model.parameters():
            p.requires_grad_(False)
        self._hook = self.layer.register_forward_hook(_grad_source)
        if self.channels_last:  # same values, faster CPU convolutions; undone on exit
            self.model.to(memory_format=torch.channels_last)
        self._cam = METHODS[self.method](model=self.model, target_layers=[self.layer])  # calls model.eval()
        return self

    def __exit__(self, *exc) -> None:
        if self._cam is not None:
            self._cam.activations_and_grads.release()
            self._cam = None
        self._hook.remove()
        if self.channels_last:
            self.model.to(memory_format=torch.contiguous_format)
        for p, flag in zip(self.model.parameters(), self._flags):
            p.requires_grad_(flag)
        self.model.train(self._was_training)

    def __call__(self, x: torch.Tensor, targets: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """CAMs ``(B, H, W)`` normalized to [0, 1] per image, and class probabilities ``(B, K)``.

        Args:
            x: Preprocessed images ``(B, 3, H, W)``.
            targets: Class index per image; None explains each image's predicted class.
        """
        if self._cam is None:
            raise RuntimeError("use Explainer inside a `with` block")
        wanted = None if targets is None else [ClassifierOutputTarget(int(t)) for t in targets]
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        cams = self._cam(input_tensor=x, targets=wanted)  # (B, H, W) float32
        probs = self._cam.outputs.detach().float().softmax(1).cpu().numpy()
        return cams, probs

    def feature_map_size(self, x: torch.Tensor) -> tuple[int, int]:
        """Spatial size of the target layer's output for inputs shaped like ``x`` (native CAM resolution)."""
        seen: list[tuple[int, int]] = []
        handle = self.layer.register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape[-2:])))
        try:
            with torch.no_grad():
                self.model(x[:1])
        finally:
            handle.remove()
        return seen[0]
