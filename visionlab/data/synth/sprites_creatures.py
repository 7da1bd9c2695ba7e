"""Dinosaur and mythical-creature sprites (variant 16: dinosaurs vs mythical creatures).

Dinosaurs: ``tyrannosaur`` (big head, tiny arms, heavy tail), ``stegosaur`` (back plates, tail spikes),
``longneck`` (sauropod) and ``raptor`` (slim biped, sickle claw, sometimes feathered). Mythical creatures:
``unicorn`` (horned horse), ``griffin`` (eagle front, lion body, wings), ``phoenix`` (flame-tailed bird)
and ``hydra`` (several serpent heads on one body).

Every builder follows :data:`~visionlab.data.synth.sprites.SpriteBuilder`: ``(rng, palette, airborne)``.
All large parts take palette colours (flames and plates included), so a colour histogram says little
about the class; the kind is told by shape. Kinds share features across the classes on purpose
(feathered raptors spread their arms when leaping, winged kinds fold their wings on the ground, every
kind may leap), so no single cue (wings, a pose, a colour) separates dinosaurs from mythical creatures.
Each sprite is built in rough unit coordinates, then normalised: feet on y = 0, about one unit tall,
at most ``MAX_WIDTH`` wide.

The code is split in three: shared body parts and skeleton helpers in :mod:`.sprites_creature_parts`,
the dinosaurs in :mod:`.sprites_dinosaurs` and the mythical creatures in :mod:`.sprites_mythical` (importing
those registers the kinds). This module gathers the class lists and builders under their old names.
"""

from __future__ import annotations

from .sprites_creature_parts import MAX_WIDTH
from .sprites_dinosaurs import DINOSAURS, longneck_sprite, raptor_sprite, stegosaur_sprite, tyrannosaur_sprite
from .sprites_mythical import MYTHICAL, griffin_sprite, hydra_sprite, phoenix_sprite, unicorn_sprite

__all__ = [
    "CREATURE_KINDS",
    "DINOSAURS",
    "MAX_WIDTH",
    "MYTHICAL",
    "griffin_sprite",
    "hydra_sprite",
    "longneck_sprite",
    "phoenix_sprite",
    "raptor_sprite",
    "stegosaur_sprite",
    "tyrannosaur_sprite",
    "unicorn_sprite",
]

CREATURE_KINDS = DINOSAURS + MYTHICAL
"""Variant 16's kinds, both classes: :data:`DINOSAURS` then :data:`MYTHICAL`."""
