"""The settings of ``visionlab compare``: :class:`CompareOptions` and the CAM thresholds it offers.

Importing this module loads no heavy library (no torch, numpy or Pillow): the command line builds
its options from these fields (their metadata holds the help and spelling, see
:mod:`visionlab.cli.args`) before anything heavy is needed. :mod:`visionlab.compare` re-exports
both names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visionlab.explain.methods import METHOD_NAMES
from visionlab.utils.amp import AMP_MODES

THRESHOLDS = ("otsu", "topk")


@dataclass
class CompareOptions:
    """Settings of one ``compare`` call (saved in ``summary.json``)."""

    concept_classes: tuple[str, ...] | None = field(default=None, metadata={  # None: ("character",)
        "help": "segmentation classes of the classifier's concept (default: character; VOC: e.g. person dog)"})
    method: str = field(default="gradcam", metadata={"choices": METHOD_NAMES, "help": "CAM method"})
    layer: str | None = field(default=None, metadata={  # None: the registry's default for the backbone
        "help": "CAM target layer (default: the backbone's last convolutional block)"})
    threshold: str = field(default="otsu", metadata={  # "otsu" (skimage) or "topk" (the top_percent highest CAM pixels)
        "choices": THRESHOLDS, "help": "how the CAM is thresholded for the IoU"})
    top_percent: float = field(default=20.0, metadata={"help": "with --threshold topk: share of the CAM's pixels kept"})
    target_class: str | None = field(default=None, metadata={  # None: the predicted one
        "help": "explain this class for every image (default: the predicted one)"})
    batch_size: int = field(default=8, metadata={"help": "images per batch"})
    device: str = field(default="auto", metadata={"help": "auto, cpu, cuda or cuda:N"})
    amp: str = field(default="auto", metadata={"choices": AMP_MODES,
                                                "help": "the segmenter's autocast precision (auto: bf16 where supported); CAMs are computed in fp32"})
    download: bool = field(default=False, metadata={"help": "allow downloading pretrained segmenter weights"})
