"""The settings of ``visionlab distill``: :class:`DistillOptions`.

Importing this module loads no heavy library (no torch, numpy or Pillow): the command line builds
its options from these fields (their metadata holds the help and spelling, see
:mod:`visionlab.cli.args`) before anything heavy is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visionlab.train.config import AMP_MODES


@dataclass
class DistillOptions:
    """Everything ``visionlab distill`` needs; saved in the student run's ``config.json``."""

    teacher: str = field(metadata={"flag": "--teacher", "help": "segmentation run folder or pretrained name (e.g. deeplabv3_resnet50)"})
    student: str = field(default="lraspp_mobilenet_v3_large", metadata={  # ARCH or ARCH_ENCODER
        "help": "ARCH_ENCODER: lraspp_mobilenet_v3_large, fcn_resnet50, unet_resnet18, unet_efficientnet_lite0, ... or tiny_unet"})
    init: str = field(default="auto", metadata={"choices": ("auto", "pretrained", "scratch"),
                                                "help": "student encoder start: ImageNet weights (auto: when the file is at hand) or random"})
    soft: bool = field(default=False, metadata={"help": "distillation loss on the teacher's logits (temperature, alpha) instead of hard labels"})
    temperature: float = field(default=2.0, metadata={"help": "softening temperature with --soft"})
    alpha: float = field(default=0.7, metadata={"help": "weight of the distillation term with --soft (the rest: cross-entropy)"})
    data: str | None = field(default=None, metadata={"help": "mask dataset with ground truth: the student and the teacher are scored on its test split"})
    epochs: int = field(default=15, metadata={"help": "student epochs"})
    batch_size: int = field(default=8, metadata={"help": "mini-batch size"})
    lr: float = field(default=3e-3, metadata={"help": "Adam learning rate (cosine decay)"})
    img_size: tuple[int, int] | None = field(default=None, metadata={"metavar": ("H", "W"),  # teacher's size, or 256x256
                                                                     "help": "student input size (default: the teacher's)"})
    # Light augmentation: a small student cannot fit the teacher anyway. The compact LR-ASPP student,
    # 20 epochs: crops of >= 50% of the area with colour jitter 0.2 gave 0.649 test mIoU, >= 90% without 0.679
    scale_min: float = field(default=0.9, metadata={"help": "augmentation: random crops of at least this share of the image area "
                                                            "(light by default: small students fit the teacher better with little augmentation)"})
    color_jitter: float = field(default=0.0, metadata={"flag": "--jitter",
                                                       "help": "augmentation: colour jitter strength (brightness, contrast, saturation)"})
    hflip: bool = field(default=True, metadata={"off_flag": "--no-flip", "help": "augmentation: disable random horizontal flips"})
    crop: int | None = field(default=None, metadata={"flag": "--train-crop", "help": "train on random windows of this many pixels of the "
                                                     "image at the input size (default: the teacher run's windows at its size; 0: whole images)"})
    val_fraction: float = field(default=0.1, metadata={"help": "share of the images held out to pick the best epoch"})
    seed: int = field(default=0, metadata={"help": "seed for the split, initialisation and augmentation"})
    timing_rounds: int = field(default=6, metadata={  # a teacher such as DeepLabV3 at 520 px takes seconds per forward on a CPU
        "help": "rounds of forwards timing each model at batch 1 (half as many at batch 8); fewer is faster, less steady"})
    bn_momentum: float | None = field(default=0.1, metadata={"help": "BatchNorm momentum of the student (None: the architecture's own)"})
    download: bool = field(default=False, metadata={"help": "allow downloading weights that are not cached"})
    device: str = field(default="auto", metadata={"help": "auto, cpu, cuda or cuda:N"})
    amp: str = field(default="auto", metadata={"choices": AMP_MODES, "help": "autocast precision"})
    quiet: bool = field(default=False, metadata={"help": "no progress output"})
