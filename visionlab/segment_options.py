"""The settings of ``visionlab segment``: :class:`SegmentOptions`.

Importing this module loads no heavy library (no torch, numpy or Pillow): the command line builds
its options from these fields (their metadata holds the help and spelling, see
:mod:`visionlab.cli.args`) before anything heavy is needed. :mod:`visionlab.segment` re-exports
the class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visionlab.utils.amp import AMP_MODES


@dataclass
class SegmentOptions:
    """How :func:`~visionlab.segment.segment_images` runs the segmenter and what it writes besides masks and overlays."""

    batch_size: int = field(default=4, metadata={"help": "images per batch"})
    device: str = field(default="auto", metadata={"help": "auto, cpu, cuda or cuda:N"})
    amp: str = field(default="auto", metadata={"choices": AMP_MODES, "help": "autocast precision (auto: bf16 where supported)"})
    download: bool = field(default=False, metadata={"help": "allow downloading pretrained weights that are not cached"})
    k: int | None = field(default=None, metadata={"help": "clusters of a classical baseline"})
    figures: bool = field(default=True, metadata={"off_flag": "--no-figures",  # write the legend figure per image
                                                  "help": "skip the per-image legend figures"})
