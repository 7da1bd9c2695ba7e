"""Explanations: class activation maps (pytorch-grad-cam, batched) and measures of where they point."""

from visionlab.explain.cam import METHODS, Explainer, resolve_layer

__all__ = ["METHODS", "Explainer", "resolve_layer"]
