"""Procedural, deterministic 2D game-world scenes with dragons and robots.

``render_scene(seed, spec)`` draws a side-view platformer scene (sky, terrain, platforms, water,
buildings, vegetation, items, characters) and returns the image with a per-pixel class mask and
a character instance map. ``write_dataset`` writes many scenes in the lab's folder layouts
(class folders for classification, images + masks for segmentation).
"""

from .palette import IGNORE_INDEX, SYNTH_CLASSES, SYNTH_COLORS, colorize_mask
from .scene import Character, Scene, SceneSpec, render_many, render_scene
from .sprites import KINDS
from .writer import write_dataset

__all__ = [
    "IGNORE_INDEX",
    "KINDS",
    "SYNTH_CLASSES",
    "SYNTH_COLORS",
    "Character",
    "Scene",
    "SceneSpec",
    "colorize_mask",
    "render_many",
    "render_scene",
    "write_dataset",
]
