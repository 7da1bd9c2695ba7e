"""Explicit training configuration, saved as ``config.json`` in every run folder.

Torch-free, so that ``visionlab --help`` can read it: each field's metadata holds its command-line
help and, where it differs from the field's name, its spelling (``flag``, ``off_flag``), its
``choices`` and ``metavar``; :mod:`visionlab.cli.args` builds the options from them. Fields whose
help is not an option of any command are set from Python or a lab config only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from visionlab.data.augment import AugmentConfig
from visionlab.data.preprocess import check_crop_pct
from visionlab.errors import ParamError
from visionlab.utils.amp import AMP_MODES

MODES = ("frozen", "finetune", "full", "partial")
OPTIMIZERS = ("adam", "adamw")
RECIPES = ("auto", "standard", "small-images")  # see visionlab.train.recipes
SCHEDULERS = ("step", "cosine", "none")
SEG_LOSSES = ("ce", "ce+dice")
CLASS_WEIGHTS = ("none", "balanced")

_SEED_HELP = "seed for the split, initialisation and augmentation"
_DEVICE_HELP = "auto, cpu, cuda or cuda:N"
_RUN_FOLDER_HELP = "run folder to create (or to continue with --resume)"
_BUDGET_HELP = ("minutes the whole run may take (setup, caching, epochs and evaluation): after the first epoch the run plans how "
                "many of its --epochs fit, says so, and stops early if it falls behind")


def _check_budget(minutes: float | None) -> None:
    if minutes is not None and minutes <= 0:
        raise ParamError("time_budget", f"time_budget must be a positive number of minutes; got {minutes}")


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ParamError(name, f"{name} must be one of {', '.join(choices)}; got {value!r}")


@dataclass
class ClassifyConfig:
    """Everything a classification run depends on. Defaults are the lab manual's."""

    data: str = field(metadata={"help": "dataset folder"})  # DATA/<class>/* or DATA/train|val|test/<class>/*
    out: str = field(metadata={"flag": "--out", "help": _RUN_FOLDER_HELP})
    backbone: str = field(default="resnet18", metadata={"help": "registered classifier (see `visionlab models`)"})
    weights: str = field(default="DEFAULT", metadata={"help": "weights entry name, DEFAULT, or none (random init)"})
    download: bool = field(default=False, metadata={"help": "allow downloading pretrained weights that are not cached"})
    mode: str = field(default="frozen", metadata={"choices": MODES, "help": "frozen: head only; finetune: head, then top of backbone at lower LR; "
                                                                             "full: everything; partial: the top --unfreeze-top blocks and the head "
                                                                             "on activations of the frozen blocks below, computed once"})
    recipe: str = field(default="auto", metadata={"choices": RECIPES, "help": "settings measured to win on a kind of data, applied to the "
                                                                                "options left at their defaults; auto: small-images when the "
                                                                                "training images are at most 64 px on their short side, "
                                                                                "else standard (the manual's)"})
    epochs: int = field(default=10, metadata={"help": "number of epochs"})
    batch_size: int = field(default=32, metadata={"help": "mini-batch size"})
    lr: float = field(default=1e-3, metadata={"help": "learning rate"})  # of the head, and of the backbone in "full"
    optimizer: str = field(default="adam", metadata={"choices": OPTIMIZERS, "help": "adam (the manual's) or adamw (decoupled weight decay)"})
    backbone_lr_factor: float = field(default=0.1, metadata={"help": "finetune, partial: backbone LR = lr x factor"})
    head_epochs: int = field(default=1, metadata={"help": "finetune: epochs training the head alone first"})
    unfreeze_top: int = field(default=2, metadata={"help": "finetune, partial: number of last backbone stages to train"})
    weight_decay: float = field(default=0.0, metadata={"help": "weight decay"})
    label_smoothing: float = field(default=0.0, metadata={"help": "cross-entropy label smoothing (0: off)"})
    scheduler: str = field(default="step", metadata={"choices": SCHEDULERS, "help": "learning-rate schedule per epoch"})
    step_size: int = field(default=5, metadata={"help": "StepLR: epochs between LR drops"})
    gamma: float = field(default=0.1, metadata={"help": "StepLR: LR multiplier at each drop"})
    patience: int = field(default=0, metadata={"help": "early stopping after this many epochs without val improvement (0: off)"})
    dropout: float = field(default=0.3, metadata={"help": "dropout before the head's linear layer"})  # the manual's
    img_size: int | None = field(default=None, metadata={"help": "input size in pixels (default: the weights entry's)"})
    crop_pct: float | None = field(default=None, metadata={"help": "share of the resized image the centre crop keeps (default: the weights "
                                                                   "entry's, 224/256 for ImageNet weights; 1: the whole image)"})
    val_fraction: float = field(default=0.2, metadata={"help": "validation share when DATA is not pre-split"})
    seed: int = field(default=0, metadata={"help": _SEED_HELP})
    augment: AugmentConfig = field(default_factory=AugmentConfig, metadata={"help": "training augmentation"})
    feature_views: int = field(default=1, metadata={"help": "frozen, partial: cached views per training image (1: unaugmented; N>1 adds N-1 "
                                                              "augmented views)"})
    feature_shift: int = field(default=1, metadata={"help": "partial: random shift of the cached activation maps, in cells (0: off)"})
    tta_flip: bool = field(default=False, metadata={"help": "frozen, partial: evaluate each image and its mirror image, averaging the "
                                                            "probabilities"})
    feature_cache_mb: int = field(default=2048, metadata={"help": "frozen, partial: above this many MB the cache lives on disk"})
    ood_pass_rate: float = field(default=0.95, metadata={"help": "share of validation images the out-of-distribution threshold passes; "
                                                                 "images scoring above it are flagged as unlike the training images"})
    time_budget: float | None = field(default=None, metadata={"metavar": "MINUTES", "help": _BUDGET_HELP})
    workers: int = field(default=0, metadata={"help": "DataLoader worker processes"})
    amp: str = field(default="auto", metadata={"choices": AMP_MODES, "help": "autocast precision (auto: bf16 where the CPU/GPU supports it)"})
    channels_last: bool = field(default=True, metadata={"help": "channels-last memory format (faster convolutions)"})
    device: str = field(default="auto", metadata={"help": _DEVICE_HELP})
    quiet: bool = field(default=False, metadata={"help": "no progress output"})

    def to_dict(self) -> dict:
        """The config as plain JSON-ready values, the augmentation nested."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ClassifyConfig:
        """Rebuild a config from :meth:`to_dict`'s output; unknown keys (from other versions) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in known}
        values["augment"] = AugmentConfig(**values.get("augment", {}))
        return cls(**values)

    def validate(self) -> None:
        """Check the values that have a valid range.

        Raises:
            ParamError: Naming the bad parameter and the valid range.
        """
        _check_choice("mode", self.mode, MODES)
        _check_choice("scheduler", self.scheduler, SCHEDULERS)
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("recipe", self.recipe, RECIPES)
        _check_budget(self.time_budget)
        if self.tta_flip and self.mode not in ("frozen", "partial"):
            raise ParamError("tta_flip", f"tta_flip averages cached views: it works in modes frozen and partial, not {self.mode}")
        if not 0 <= self.label_smoothing < 1:
            raise ParamError("label_smoothing", f"label_smoothing must be in [0, 1); got {self.label_smoothing}")
        for name in ("epochs", "batch_size", "feature_views"):
            if getattr(self, name) < 1:
                raise ParamError(name, f"{name} must be at least 1; got {getattr(self, name)}")
        if self.lr <= 0:
            raise ParamError("lr", f"lr must be positive; got {self.lr}")
        if self.img_size is not None and self.img_size < 16:
            raise ParamError("img_size", f"img_size must be at least 16 px; got {self.img_size}")
        check_crop_pct(self.crop_pct)
        if not 0 < self.ood_pass_rate <= 1:
            raise ParamError("ood_pass_rate", f"ood_pass_rate must be in (0, 1] (the share of validation images that pass the "
                                              f"out-of-distribution threshold); got {self.ood_pass_rate}")


@dataclass
class SegAugmentConfig:
    """Joint image-and-mask augmentation; colour jitter touches the image only.

    Attributes:
        scale_min: Random crop of at least this share of the image area, resized to ``img_size``.
        hflip: Random horizontal flip with p=0.5.
        color_jitter: Brightness/contrast/saturation strength (0: off).
        crop: Train on random ``crop`` x ``crop`` windows of the image at ``img_size`` (0: the whole image);
            prediction still sees the whole image at ``img_size``, at the scale training saw.
    """

    scale_min: float = field(default=0.5, metadata={"help": "random crops cover at least this share of the image"})
    hflip: bool = field(default=True, metadata={"off_flag": "--no-flip", "help": "disable random horizontal flips"})
    color_jitter: float = field(default=0.2, metadata={"flag": "--jitter", "help": "colour jitter strength on the image (0: off)"})
    crop: int = field(default=0, metadata={"flag": "--train-crop", "help": "train on random windows of this many pixels of the image at "
                                                                          "--img-size, unscaled; predict on the whole (0: train on the whole)"})


@dataclass
class SegmentConfig:
    """Everything a segmentation run depends on."""

    data: str = field(metadata={"help": "images/ + masks/ + classes.json, train|val|test/{images,masks}, or a Pascal VOC folder"})
    out: str = field(metadata={"flag": "--out", "help": _RUN_FOLDER_HELP})
    model: str = field(default="unet", metadata={"help": "architecture: unet, fpn, deeplabv3, fcn, lraspp"})  # see visionlab.models.segmenters.list_archs
    encoder: str | None = field(default=None, metadata={"help": "encoder (default: efficientnet_lite0 for unet/fpn, resnet50 for deeplabv3/fcn)"})
    # ImageNet encoder weights (EfficientNet-Lite0's ship with visionlab)
    pretrained: bool = field(default=True, metadata={"flag": "--pretrained", "help": "start from the encoder's ImageNet weights",
                                                     "off_flag": "--scratch", "off_help": "random initialisation everywhere"})
    download: bool = field(default=False, metadata={"help": "allow downloading encoder weights that are not cached"})
    freeze_encoder: bool = field(default=False, metadata={"help": "train the decoder only"})
    epochs: int = field(default=20, metadata={"help": "number of epochs"})
    batch_size: int = field(default=8, metadata={"help": "mini-batch size (at least 2)"})
    # 3e-3: 0.622 test mIoU against 0.572 at 1e-3 on game-world scenes with thin weapons (benchmarks/bench_segment_defaults.py);
    # the lab's game-world segmenter was tuned to it too
    lr: float = field(default=3e-3, metadata={"help": "learning rate"})
    optimizer: str = field(default="adam", metadata={"choices": OPTIMIZERS, "help": "adam, or adamw (decoupled weight decay)"})
    weight_decay: float = field(default=1e-4, metadata={"help": "weight decay"})
    scheduler: str = field(default="cosine", metadata={"choices": SCHEDULERS, "help": "learning-rate schedule per epoch"})
    step_size: int = field(default=10, metadata={"help": "StepLR: epochs between LR drops"})
    gamma: float = field(default=0.1, metadata={"help": "StepLR: LR multiplier at each drop"})
    patience: int = field(default=0, metadata={"help": "early stopping after this many epochs without val mIoU improvement (0: off)"})
    img_size: tuple[int, int] = field(default=(256, 256), metadata={"metavar": ("H", "W"), "help": "training input size (multiples of 32 for unet/fpn)"})
    # ce+dice with balanced weights: 0.585 test mIoU on real street scenes against 0.515 for plain ce (the issue's
    # measurement, same command otherwise); on game-world stand-ins see benchmarks/bench_segment_defaults.py
    loss: str = field(default="ce+dice", metadata={"choices": SEG_LOSSES, "help": "cross-entropy, or cross-entropy plus Dice"})
    dice_weight: float = field(default=0.5, metadata={"help": "weight of the Dice term with --loss ce+dice"})
    # on game-world scenes test mIoU +0.004 to +0.017 on each of the 25 variants at 128 px (README, the quality bar)
    tta_flip: bool = field(default=False, metadata={"help": "predict (evaluation, the lab's stages, `visionlab segment`) as the mean of the "
                                                             "image's and its mirror image's logits: twice the inference compute"})
    class_weights: str = field(default="balanced", metadata={"choices": CLASS_WEIGHTS, "help": "balanced: rare classes weigh more in the loss; "
                                                                                                 "none: every pixel counts the same"})
    val_fraction: float = field(default=0.15, metadata={"help": "validation share when DATA is not split"})
    test_fraction: float = field(default=0.15, metadata={"help": "test share when DATA is not split"})
    seed: int = field(default=0, metadata={"help": _SEED_HELP})
    augment: SegAugmentConfig = field(default_factory=SegAugmentConfig, metadata={"help": "joint image-and-mask augmentation"})
    cache_mb: int = field(default=2048, metadata={"help": "decoded images and masks kept in RAM up to this size"})
    time_budget: float | None = field(default=None, metadata={"metavar": "MINUTES", "help": _BUDGET_HELP})
    workers: int = field(default=0, metadata={"help": "DataLoader worker processes"})
    amp: str = field(default="auto", metadata={"choices": AMP_MODES, "help": "autocast precision (auto: bf16 where supported)"})
    channels_last: bool = field(default=True, metadata={"help": "channels-last memory format (faster convolutions)"})
    device: str = field(default="auto", metadata={"help": _DEVICE_HELP})
    quiet: bool = field(default=False, metadata={"help": "no progress output"})

    def to_dict(self) -> dict:
        """The config as plain JSON-ready values (``img_size`` as a list), the augmentation nested."""
        d = asdict(self)
        d["img_size"] = list(self.img_size)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> SegmentConfig:
        """Rebuild a config from :meth:`to_dict`'s output; unknown keys (from other versions) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in known}
        values["augment"] = SegAugmentConfig(**values.get("augment", {}))
        values["img_size"] = tuple(values.get("img_size", (256, 256)))
        return cls(**values)

    def validate(self, pad_to: int = 1) -> None:
        """Check the values that have a valid range.

        Args:
            pad_to: The architecture's input multiple; both sides of ``img_size`` must be multiples of it.

        Raises:
            ParamError: Naming the bad parameter and the valid range.
        """
        _check_choice("scheduler", self.scheduler, SCHEDULERS)
        _check_choice("loss", self.loss, SEG_LOSSES)
        _check_choice("class_weights", self.class_weights, CLASS_WEIGHTS)
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_budget(self.time_budget)
        if self.epochs < 1:
            raise ParamError("epochs", f"epochs must be at least 1; got {self.epochs}")
        if self.batch_size < 2:
            raise ParamError("batch_size", "batch_size must be at least 2 (BatchNorm needs two samples per batch)")
        if self.lr <= 0:
            raise ParamError("lr", f"lr must be positive; got {self.lr}")
        h, w = self.img_size
        if min(h, w) < 32 or h % pad_to or w % pad_to:
            raise ParamError("img_size", f"img_size {h} {w}: {self.model} needs both sides at least 32 and multiples of {pad_to}; "
                                         f"try {max(32, round(h / pad_to) * pad_to)} {max(32, round(w / pad_to) * pad_to)}")
        if not 0 < self.augment.scale_min <= 1:
            raise ParamError("augment.scale_min", f"augment.scale_min must be in (0, 1]; got {self.augment.scale_min}")
        crop = self.augment.crop
        if crop and (crop < 32 or crop % pad_to or crop > max(h, w)):
            raise ParamError("augment.crop", f"augment.crop {crop}: a training window needs at least 32 pixels, a multiple of {pad_to} "
                                             f"and at most img_size's longer side ({max(h, w)}); or 0 to train on whole images")
