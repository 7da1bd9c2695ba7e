"""Explicit training configuration, saved as ``config.json`` in every run folder."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from visionlab.data.transforms import AugmentConfig
from visionlab.errors import ConfigError

MODES = ("frozen", "finetune", "full")
SCHEDULERS = ("step", "cosine", "none")


@dataclass
class ClassifyConfig:
    """Everything a classification run depends on. Defaults are the lab manual's."""

    data: str  # dataset folder: DATA/<class>/* or DATA/train|val|test/<class>/*
    out: str  # run folder
    backbone: str = "resnet18"  # classifier registry name
    weights: str = "DEFAULT"  # weights entry name, "DEFAULT", or "none" for random init
    download: bool = False  # allow downloading weights that are not cached
    mode: str = "frozen"  # frozen: head only | finetune: head, then top of backbone | full: all
    epochs: int = 10
    batch_size: int = 32
    lr: float = 1e-3  # Adam learning rate of the head (and of the backbone in "full")
    backbone_lr_factor: float = 0.1  # finetune: backbone lr = lr * factor
    head_epochs: int = 1  # finetune: epochs with the backbone frozen before unfreezing the top
    unfreeze_top: int = 2  # finetune: how many of the backbone's last stages are trained
    weight_decay: float = 0.0
    scheduler: str = "step"  # step (StepLR) | cosine | none
    step_size: int = 5  # StepLR period in epochs
    gamma: float = 0.1  # StepLR factor
    patience: int = 0  # early stopping: epochs without val improvement; 0 disables
    dropout: float = 0.3  # head dropout (the manual's)
    img_size: int | None = None  # network input size; None takes the weights entry's crop size
    val_fraction: float = 0.2  # share of DATA held out when DATA is not pre-split
    seed: int = 0
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    feature_views: int = 1  # frozen: cached views per training image (1 = unaugmented; more adds augmented views)
    feature_cache_mb: int = 2048  # frozen: above this many MB the feature cache lives on disk
    workers: int = 0  # DataLoader worker processes
    amp: str = "auto"  # autocast precision: auto | bf16 | fp16 | off
    channels_last: bool = True
    device: str = "auto"
    quiet: bool = False  # no progress bars

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ClassifyConfig:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in known}
        values["augment"] = AugmentConfig(**values.get("augment", {}))
        return cls(**values)

    def validate(self) -> None:
        """Raise ConfigError naming the bad option and the valid range."""
        if self.mode not in MODES:
            raise ConfigError(f"--mode must be one of {', '.join(MODES)}; got {self.mode!r}")
        if self.scheduler not in SCHEDULERS:
            raise ConfigError(f"--scheduler must be one of {', '.join(SCHEDULERS)}; got {self.scheduler!r}")
        for name in ("epochs", "batch_size", "feature_views"):
            if getattr(self, name) < 1:
                raise ConfigError(f"--{name.replace('_', '-')} must be at least 1; got {getattr(self, name)}")
        if self.lr <= 0:
            raise ConfigError(f"--lr must be positive; got {self.lr}")
        if self.img_size is not None and self.img_size < 16:
            raise ConfigError(f"--img-size must be at least 16 px; got {self.img_size}")


SEG_LOSSES = ("ce", "ce+dice")
CLASS_WEIGHTS = ("none", "balanced")


@dataclass
class SegAugmentConfig:
    """Joint image-and-mask augmentation; colour jitter touches the image only."""

    scale_min: float = 0.5  # random crop of at least this share of the image area, resized to img_size
    hflip: bool = True
    color_jitter: float = 0.2  # brightness/contrast/saturation strength (0: off)


@dataclass
class SegmentConfig:
    """Everything a segmentation run depends on."""

    data: str  # DATA/images + DATA/masks + classes.json, DATA/{train,val,test}/..., or a Pascal VOC folder
    out: str
    model: str = "unet"  # segmentation architecture (see visionlab.models.segmenters.list_archs)
    encoder: str | None = None  # None: the architecture's default (efficientnet_lite0 for unet/fpn)
    pretrained: bool = True  # ImageNet encoder weights (EfficientNet-Lite0's ship with visionlab)
    download: bool = False
    freeze_encoder: bool = False
    epochs: int = 20
    batch_size: int = 8
    lr: float = 1e-3
    weight_decay: float = 1e-4
    scheduler: str = "cosine"  # step | cosine | none
    step_size: int = 10
    gamma: float = 0.1
    patience: int = 0
    img_size: tuple[int, int] = (256, 256)  # training input (H, W)
    loss: str = "ce"  # ce | ce+dice
    dice_weight: float = 0.5
    class_weights: str = "none"  # none | balanced (rare classes weigh more)
    val_fraction: float = 0.15  # used when DATA has no split folders
    test_fraction: float = 0.15
    seed: int = 0
    augment: SegAugmentConfig = field(default_factory=SegAugmentConfig)
    cache_mb: int = 2048  # decoded images and masks kept in RAM up to this size
    workers: int = 0
    amp: str = "auto"
    channels_last: bool = True
    device: str = "auto"
    quiet: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        d["img_size"] = list(self.img_size)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> SegmentConfig:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in known}
        values["augment"] = SegAugmentConfig(**values.get("augment", {}))
        values["img_size"] = tuple(values.get("img_size", (256, 256)))
        return cls(**values)

    def validate(self, pad_to: int = 1) -> None:
        """Raise ConfigError naming the bad option and the valid range."""
        if self.scheduler not in SCHEDULERS:
            raise ConfigError(f"--scheduler must be one of {', '.join(SCHEDULERS)}; got {self.scheduler!r}")
        if self.loss not in SEG_LOSSES:
            raise ConfigError(f"--loss must be one of {', '.join(SEG_LOSSES)}; got {self.loss!r}")
        if self.class_weights not in CLASS_WEIGHTS:
            raise ConfigError(f"--class-weights must be one of {', '.join(CLASS_WEIGHTS)}; got {self.class_weights!r}")
        if self.epochs < 1:
            raise ConfigError(f"--epochs must be at least 1; got {self.epochs}")
        if self.batch_size < 2:
            raise ConfigError("--batch-size must be at least 2 (BatchNorm needs two samples per batch)")
        if self.lr <= 0:
            raise ConfigError(f"--lr must be positive; got {self.lr}")
        h, w = self.img_size
        if min(h, w) < 32 or h % pad_to or w % pad_to:
            raise ConfigError(f"--img-size {h} {w}: {self.model} needs both sides at least 32 and multiples of {pad_to}; "
                              f"try --img-size {max(32, round(h / pad_to) * pad_to)} {max(32, round(w / pad_to) * pad_to)}")
        if not 0 < self.augment.scale_min <= 1:
            raise ConfigError(f"--scale-min must be in (0, 1]; got {self.augment.scale_min}")
