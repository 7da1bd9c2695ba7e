"""The settings of ``visionlab pipeline`` (and of the app's regions): :class:`PipelineOptions`.

Importing this module loads no heavy library (no torch, numpy or Pillow): the command line builds
its options from these fields (their metadata holds the help and spelling, see
:mod:`visionlab.cli.args`) before anything heavy is needed. :mod:`visionlab.pipeline` re-exports
the class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visionlab.utils.amp import AMP_MODES


@dataclass
class PipelineOptions:
    """Settings of one ``pipeline`` call (saved in ``summary.json``, without ``device`` and ``amp``)."""

    classes: tuple[str, ...] | None = field(default=None, metadata={  # None: ("character",) when present
        "help": "segmentation classes holding the objects (default: character)"})
    min_area: int = field(default=150, metadata={"help": "regions with fewer pixels are skipped and counted"})
    pad: int = field(default=8, metadata={"help": "pixels of context around each region"})  # around each region's box
    mask_background: bool = field(default=False, metadata={"help": "grey out everything outside the region before classifying"})
    split_touching: bool = field(default=False, metadata={
        "help": "split touching objects of one class (watershed on the distance transform)"})
    min_distance: int = field(default=25, metadata={"help": "with --split-touching: minimum distance between object centres (pixels)"})
    batch_size: int = field(default=8, metadata={"help": "images per batch"})  # images per segmentation batch
    device: str = field(default="auto", metadata={"help": "auto, cpu, cuda or cuda:N"})
    amp: str = field(default="auto", metadata={"choices": AMP_MODES, "help": "autocast precision (auto: bf16 where supported)"})
