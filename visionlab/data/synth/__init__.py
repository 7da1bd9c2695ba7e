"""Procedural, deterministic 2D game-world scenes for the lab manual's variants.

``render_scene(seed, spec)`` draws a side-view platformer scene (sky, terrain, platforms, water,
buildings, vegetation, items, characters and what they hold or cast) and returns the image with a
per-pixel class mask and a character instance map. ``spec.variant`` picks the variant: its two
classes and extra mask classes are data in :mod:`.variants` (``GAME_VARIANTS``). ``write_dataset``
writes many scenes in the lab's folder layouts (class folders for classification, images + masks
for segmentation).
"""

from .palette import IGNORE_INDEX, SYNTH_CLASSES, SYNTH_COLORS, class_colors, colorize_mask
from .scene import Character, Scene, SceneSpec, render_many, render_scene
from .sprites import KINDS
from .variants import GAME_VARIANTS, GameVariant, SubjectClass, get_game_variant
from .writer import write_dataset

__all__ = [
    "GAME_VARIANTS",
    "IGNORE_INDEX",
    "KINDS",
    "GameVariant",
    "SubjectClass",
    "class_colors",
    "get_game_variant",
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
