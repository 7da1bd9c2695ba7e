"""Explanations: class activation maps (pytorch-grad-cam, batched) and measures of where they point.

The package itself imports nothing heavy: the command line reads the method names
(:data:`~visionlab.explain.methods.METHOD_NAMES`) without loading torch; ``METHODS``, ``Explainer``
and ``resolve_layer`` load :mod:`visionlab.explain.cam` on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from visionlab.explain.methods import METHOD_NAMES

__all__ = ["METHODS", "METHOD_NAMES", "Explainer", "resolve_layer"]

if TYPE_CHECKING:
    from visionlab.explain.cam import METHODS, Explainer, resolve_layer


def __getattr__(name: str) -> Any:
    if name in ("METHODS", "Explainer", "resolve_layer"):
        return getattr(importlib.import_module("visionlab.explain.cam"), name)
    raise AttributeError(f"module 'visionlab.explain' has no attribute {name!r}")
