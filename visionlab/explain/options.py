"""The settings of ``visionlab explain``: :class:`ExplainOptions`.

Importing this module loads no heavy library (no torch, numpy or Pillow): the command line builds
its options from these fields (their metadata holds the help and spelling, see
:mod:`visionlab.cli.args`) before anything heavy is needed. :mod:`visionlab.explain.stage`
re-exports the class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visionlab.explain.methods import METHOD_NAMES


@dataclass
class ExplainOptions:
    """Settings of one ``explain`` call (saved to ``cam_metrics.json``)."""

    method: str = field(default="gradcam", metadata={"choices": METHOD_NAMES, "help": "CAM method (pytorch-grad-cam)"})
    target_class: str | None = field(default=None, metadata={  # None: the predicted one
        "help": "explain this class for every image (default: the predicted class)"})
    layer: str | None = field(default=None, metadata={  # None: the registry's default for the backbone
        "help": "target layer name (default: the backbone's last convolutional block)"})
    masks: str | None = field(default=None, metadata={  # folder of object masks named like the images (non-zero = object)
        "help": "folder of object masks <stem>.png, non-zero = object (game-world masks are found by themselves)"})
    batch_size: int = field(default=32, metadata={"help": "images per batch"})
    gallery_size: int = field(default=8, metadata={"help": "images per class gallery"})
    curve_images: int = field(default=64, metadata={  # 0: no curves; the images are spread evenly over the sorted list
        "help": "images measured with deletion/insertion curves, each 4*(curve_steps-1)+2 forward passes (0: none)"})
    curve_steps: int = field(default=10, metadata={"help": "fractions of pixels per deletion/insertion curve, after 0"})
