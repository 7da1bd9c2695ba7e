"""The classification training augmentation's settings, free of torch so the command line can read them.

The transforms themselves live in :mod:`visionlab.data.transforms`. Field metadata carries the
command-line spelling and help (see :mod:`visionlab.cli.args`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AugmentConfig:
    """The lab manual's training augmentation; set a field to 0 / False to disable that step.

    Attributes:
        crop_scale_min: RandomResizedCrop lower area bound (torchvision's default).
        hflip: Random horizontal flip with p=0.5.
        color_jitter: Brightness, contrast and saturation jitter strength.
        rotation: Max rotation in degrees.
    """

    crop_scale_min: float = field(default=0.08, metadata={"help": "RandomResizedCrop minimum area share"})
    hflip: bool = field(default=True, metadata={"off_flag": "--no-flip", "help": "disable random horizontal flips"})
    color_jitter: float = field(default=0.2, metadata={"flag": "--jitter", "help": "colour jitter strength (0: off)"})
    rotation: float = field(default=15.0, metadata={"help": "max random rotation in degrees (0: off)"})
