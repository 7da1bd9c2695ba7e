"""Segmentation networks: a registry of architectures and the pretrained models the manual uses.

Architectures (U-Net, FPN, DeepLabV3, LRASPP, FCN) take ImageNet encoders; the pretrained models are
torchvision's COCO/VOC ones.

Every network is wrapped as a :class:`Segmenter`: ``(B, 3, H, W) -> (B, K, H, W)`` logits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import torch
import torch.nn.functional as F
import torchvision.models as tvm
import torchvision.models.segmentation as tvs
from torch import nn

from visionlab.errors import CheckpointMismatchError, ConfigError, UnknownNameError
from visionlab.models.compact import COMPACT_ENCODERS, CompactLRASPP
from visionlab.models.compact import upsample_bilinear as upsample_bilinear  # re-exported
from visionlab.models.weights import Preprocess, WeightsEntry, torchvision_entry
from visionlab.models.zoo import LITE0_WEIGHTS

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class SegPreprocess:
    """How an image becomes a segmentation network's input.

    ``size`` is either one int (the short side is resized to it, aspect kept: torchvision's
    ``Resize(520)``) or ``(H, W)`` (resized to exactly that). The network's logits are resized
    back to the original image size, so masks always match the input image. ``tta_flip``: the
    logits are the mean of the image's and its mirror's (test-time augmentation, twice the compute).
    """

    size: int | tuple[int, int]
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    interpolation: str = "bilinear"
    pad_to: int = 1  # pad height and width up to a multiple of this (U-Net/FPN need 32)
    tta_flip: bool = False

    def input_size(self, height: int, width: int) -> tuple[int, int]:
        """Network input ``(H, W)`` for an image of ``height x width`` (before padding)."""
        if isinstance(self.size, int):
            short = min(height, width)
            return (self.size, max(1, round(width * self.size / short))) if height <= width else (max(1, round(height * self.size / short)), self.size)
        return self.size

    def to_dict(self) -> dict:
        """A JSON-friendly form, read back by :meth:`from_dict`."""
        return {"size": self.size if isinstance(self.size, int) else list(self.size), "mean": list(self.mean),
                "std": list(self.std), "interpolation": self.interpolation, "pad_to": self.pad_to, "tta_flip": self.tta_flip}

    @classmethod
    def from_dict(cls, d: dict) -> SegPreprocess:
        """The preprocessing saved by :meth:`to_dict`."""
        size = d["size"] if isinstance(d["size"], int) else tuple(d["size"])
        return cls(size, tuple(d["mean"]), tuple(d["std"]), d.get("interpolation", "bilinear"), int(d.get("pad_to", 1)),
                   bool(d.get("tta_flip", False)))


class Segmenter(nn.Module):
    """A segmentation network with a uniform interface and what is needed to rebuild it.

    Attributes:
        arch: Registry architecture (``unet``, ``deeplabv3``, ...).
        encoder: Encoder name (``efficientnet_lite0``, ``resnet50``, ...).
        num_classes: Output channels.
        weights: The weights entry the parameters came from, if any.
    """

    def __init__(self, arch: str, encoder: str, net: nn.Module, num_classes: int, encoder_module: nn.Module) -> None:
        super().__init__()
        self.arch, self.encoder, self.num_classes = arch, encoder, num_classes
        self.net = net
        self.encoder_module = encoder_module  # shared with net; for freezing and parameter counts
        self.weights: WeightsEntry | None = None
        self.encoder_weights: WeightsEntry | None = None
        self._encoder_frozen = False  # see freeze_encoder

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` -> logits ``(B, K, H, W)`` at the input size."""
        out = self.net(x)
        if isinstance(out, dict):
            out = out["out"]
        if out.shape[-2:] != x.shape[-2:]:
            out = F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=False)
        return out

    def state_dict(self, *args, **kwargs):  # encoder_module is an alias inside net: save its tensors once
        """The tensors to save; the ``encoder_module`` alias inside ``net`` is saved once, under ``net``."""
        state = super().state_dict(*args, **kwargs)
        return type(state)((k, v) for k, v in state.items() if not k.startswith("encoder_module."))

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Load tensors saved by :meth:`state_dict` (keys with or without the ``net.`` prefix)."""
        return self.net.load_state_dict({k.removeprefix("net."): v for k, v in state_dict.items()}, strict=strict, assign=assign)

    def parameter_counts(self) -> dict[str, int]:
        """Total and trainable parameters (each counted once)."""
        params = list(self.net.parameters())
        return {"total": sum(p.numel() for p in params), "trainable": sum(p.numel() for p in params if p.requires_grad)}

    def freeze_encoder(self, frozen: bool = True) -> None:
        """Stop (or restart) training the encoder; its BatchNorm statistics freeze with it."""
        for p in self.encoder_module.parameters():
            p.requires_grad_(not frozen)
        self._encoder_frozen = frozen

    def train(self, mode: bool = True) -> Segmenter:
        """Switch train/eval mode; a frozen encoder keeps its BatchNorm statistics in eval mode."""
        super().train(mode)
        if mode and self._encoder_frozen:
            self.encoder_module.eval()
        return self


# --- encoder weights: ImageNet classifiers loaded into segmentation encoders ---------------------

ENCODER_WEIGHTS: dict[str, WeightsEntry] = {
    "efficientnet_lite0": LITE0_WEIGHTS,
    "resnet18": torchvision_entry(tvm.ResNet18_Weights.IMAGENET1K_V1),
    "resnet34": torchvision_entry(tvm.ResNet34_Weights.IMAGENET1K_V1),
    "resnet50": torchvision_entry(tvm.ResNet50_Weights.IMAGENET1K_V1),
    "resnet101": torchvision_entry(tvm.ResNet101_Weights.IMAGENET1K_V1),
    "mobilenet_v3_large": torchvision_entry(tvm.MobileNet_V3_Large_Weights.IMAGENET1K_V1),
}


def _load_into(module: nn.Module, state: dict[str, torch.Tensor], source: str) -> None:
    """Load every tensor ``module`` has from ``state`` (extra tensors, e.g. a classifier, are dropped)."""
    own = module.state_dict()
    missing = [k for k in own if k not in state]
    wrong = [k for k in own if k in state and state[k].shape != own[k].shape]
    if missing or wrong:
        raise CheckpointMismatchError(f"{source} does not fit this encoder: {len(missing)} missing tensors (e.g. {missing[:3]}), "
                                      f"{len(wrong)} with other shapes (e.g. {wrong[:3]})")
    module.load_state_dict({k: state[k] for k in own}, strict=True)


def _prefixed(state: dict[str, torch.Tensor], mapping: dict[str, str]) -> dict[str, torch.Tensor]:
    """Rename keys by prefix (``{"features.": ""}`` turns ``features.0.0.weight`` into ``0.0.weight``)."""
    out = {}
    for k, v in state.items():
        for old, new in mapping.items():
            if k.startswith(old):
                out[new + k[len(old):]] = v
                break
    return out


# --- architectures --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArchSpec:
    """A trainable architecture: ``build(num_classes, encoder) -> (net, encoder_module)`` with random weights."""

    name: str
    build: Callable[[int, str], tuple[nn.Module, nn.Module]]
    encoders: tuple[str, ...]  # first = default
    pad_to: int
    description: str
    # state-dict prefix mapping from the ImageNet classifier's keys to the encoder module's keys
    encoder_keys: Callable[[str], dict[str, str]] = lambda enc: {"": ""}
    encoder_pad_to: Mapping[str, int] = field(default_factory=dict)  # encoders whose input sides must divide by more

    def pad_for(self, encoder: str | None) -> int:
        """Input sides must be multiples of this for ``encoder`` (default: the architecture's first)."""
        return self.encoder_pad_to.get(encoder or self.encoders[0], self.pad_to)


_ARCHS: dict[str, ArchSpec] = {}


def register_arch(spec: ArchSpec) -> ArchSpec:
    """Add ``spec`` to the architecture registry.

    Raises:
        ValueError: Its name is already registered.
    """
    if spec.name in _ARCHS:
        raise ValueError(f"segmentation architecture {spec.name!r} is already registered")
    _ARCHS[spec.name] = spec
    return spec


def _smp_encoder(encoder: str) -> str:
    return "tu-tf_efficientnet_lite0" if encoder == "efficientnet_lite0" else encoder


def _smp_builder(cls_name: str) -> Callable[[int, str], tuple[nn.Module, nn.Module]]:
    def build(num_classes: int, encoder: str) -> tuple[nn.Module, nn.Module]:
        import segmentation_models_pytorch as smp

        net = getattr(smp, cls_name)(encoder_name=_smp_encoder(encoder), encoder_weights=None, classes=num_classes)
        enc = net.encoder.model if encoder == "efficientnet_lite0" else net.encoder  # timm features-only model inside
        return net, enc

    return build


def _tv_builder(fn_name: str) -> Callable[[int, str], tuple[nn.Module, nn.Module]]:
    def build(num_classes: int, encoder: str) -> tuple[nn.Module, nn.Module]:
        fn = getattr(tvs, f"{fn_name}_{encoder}")
        net = fn(weights=None, weights_backbone=None, num_classes=num_classes, **({} if fn_name == "lraspp" else {"aux_loss": False}))
        return net, net.backbone

    return build


class _FeatureDict(nn.Module):
    """A timm features-only encoder as the ``{"low", "high"}`` backbone torchvision's LR-ASPP head expects."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        low, high = self.model(x)
        return {"low": low, "high": high}


def _lraspp_builder(num_classes: int, encoder: str) -> tuple[nn.Module, nn.Module]:
    """Torchvision's LR-ASPP on MobileNetV3 (its own builder), or the same head on another encoder.

    EfficientNet-Lite0, whose ImageNet weights ship with visionlab, gives its stride-4 and stride-32 features.
    """
    if encoder in COMPACT_ENCODERS:
        net = CompactLRASPP(num_classes, *COMPACT_ENCODERS[encoder])
        return net, net.backbone
    if encoder != "efficientnet_lite0":
        return _tv_builder("lraspp")(num_classes, encoder)
    import timm
    from torchvision.models.segmentation.lraspp import LRASPP

    enc: Any = timm.create_model("tf_efficientnet_lite0", pretrained=False, features_only=True, out_indices=(1, 4))  # a FeatureListNet
    low, high = enc.feature_info.channels()
    return LRASPP(_FeatureDict(enc), low, high, num_classes, inter_channels=128), enc


def _tv_encoder_keys(encoder: str) -> dict[str, str]:
    return {"features.": ""} if encoder.startswith("mobilenet") else {"": ""}


_RESNETS = ("resnet18", "resnet34", "resnet50")
register_arch(ArchSpec("unet", _smp_builder("Unet"), ("efficientnet_lite0", *_RESNETS), 32,
                       "U-Net (segmentation-models-pytorch)"))
register_arch(ArchSpec("fpn", _smp_builder("FPN"), ("efficientnet_lite0", *_RESNETS), 32,
                       "Feature Pyramid Network (segmentation-models-pytorch)"))
register_arch(ArchSpec("deeplabv3", _tv_builder("deeplabv3"), ("resnet50", "resnet101", "mobilenet_v3_large"), 1,
                       "DeepLabV3 (torchvision)", _tv_encoder_keys))
register_arch(ArchSpec("fcn", _tv_builder("fcn"), ("resnet50", "resnet101"), 1, "FCN (torchvision)", _tv_encoder_keys))
register_arch(ArchSpec("lraspp", _lraspp_builder, ("mobilenet_v3_large", "efficientnet_lite0", *COMPACT_ENCODERS), 1, "LR-ASPP (torchvision head)",
                       _tv_encoder_keys, {name: 16 for name in COMPACT_ENCODERS}))


class _TinyUNet(nn.Module):
    """Two-level U-Net with a few thousand parameters, for tests and smoke runs."""

    def __init__(self, num_classes: int, width: int = 16) -> None:
        super().__init__()

        def block(cin: int, cout: int) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

        self.encoder = nn.ModuleList([block(3, width), nn.Sequential(nn.MaxPool2d(2), block(width, 2 * width))])
        self.up = nn.ConvTranspose2d(2 * width, width, 2, stride=2)
        self.decoder = block(2 * width, width)
        self.head = nn.Conv2d(width, num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = self.encoder[0](x)
        deep = self.encoder[1](skip)
        return self.head(self.decoder(torch.cat([skip, self.up(deep)], 1)))


def _tiny_builder(num_classes: int, encoder: str) -> tuple[nn.Module, nn.Module]:
    net = _TinyUNet(num_classes)
    return net, net.encoder


register_arch(ArchSpec("tiny_unet", _tiny_builder, ("none",), 2, "A two-level U-Net with random weights, for tests and smoke runs"))


def list_archs() -> list[str]:
    """Registered segmentation architecture names, sorted."""
    return sorted(_ARCHS)


def get_arch(name: str) -> ArchSpec:
    """The registry entry of architecture ``name``.

    Raises:
        UnknownNameError: ``name`` is not registered; the message lists the valid names.
    """
    if name not in _ARCHS:
        raise UnknownNameError(f"unknown segmentation model {name!r}; choose one of: {', '.join(list_archs())}")
    return _ARCHS[name]


def build_segmenter(arch: str, num_classes: int, encoder: str | None = None, pretrained_encoder: bool = False,
                    download: bool = False) -> Segmenter:
    """A trainable segmenter with random weights, or with an ImageNet-pretrained encoder.

    Args:
        arch: ``unet``, ``fpn``, ``deeplabv3``, ``fcn`` or ``lraspp``.
        num_classes: Output classes.
        encoder: Encoder name (default: the architecture's first; ``efficientnet_lite0`` for U-Net/FPN).
        pretrained_encoder: Load the encoder's ImageNet weights (EfficientNet-Lite0's ship with visionlab).
        download: Allow fetching torchvision weights that are not cached.

    Raises:
        UnknownNameError: Unknown architecture or an encoder it does not support.
        WeightsUnavailableError: The encoder's weights file is neither cached nor downloadable.
    """
    spec = get_arch(arch)
    encoder = encoder or spec.encoders[0]
    if encoder not in spec.encoders:
        raise UnknownNameError(f"{arch} does not support encoder {encoder!r}; choose one of: {', '.join(spec.encoders)}")
    if num_classes < 2:
        raise ConfigError(f"a segmenter needs at least 2 classes; got {num_classes}")
    net, enc = spec.build(num_classes, encoder)
    model = Segmenter(arch, encoder, net, num_classes, enc)
    if pretrained_encoder:
        if encoder not in ENCODER_WEIGHTS:
            raise UnknownNameError(f"pretrained: encoder {encoder!r} of {arch} has no pretrained weights; train it from scratch "
                                   "(pretrained=False; on the command line --scratch)")
        entry = ENCODER_WEIGHTS[encoder]
        alt = "use --encoder efficientnet_lite0 (ImageNet weights ship with visionlab), or --scratch"
        state = _prefixed(entry.load_state_dict(download=download, alternative=alt), spec.encoder_keys(encoder))
        _load_into(enc, state, entry.file_name)
        model.encoder_weights = entry
    return model


# --- pretrained COCO/VOC models (the manual's stage 5) -----------------------------------------

@dataclass(frozen=True)
class PretrainedSpec:
    """A pretrained torchvision segmenter: its architecture, encoder and weights entry."""
    name: str
    arch: str
    encoder: str
    weights: WeightsEntry  # full model, 21 VOC classes


def _voc_entry(enum_member) -> WeightsEntry:
    meta = enum_member.meta
    metrics = {f"COCO-val2017-VOC-labels {k}": v for k, v in meta["_metrics"]["COCO-val2017-VOC-labels"].items()}
    tf = enum_member.transforms()
    size = int(tf.resize_size[0])
    return WeightsEntry(
        name=enum_member.name, file_name=enum_member.url.rsplit("/", 1)[-1],
        preprocess=Preprocess(size, size, tuple(tf.mean), tuple(tf.std), tf.interpolation.value),
        categories=tuple(meta["categories"]), metrics=metrics, url=enum_member.url,
        source_note=f"torchvision {enum_member.__class__.__name__}.{enum_member.name}",
    )


PRETRAINED: dict[str, PretrainedSpec] = {
    spec.name: spec
    for spec in (
        PretrainedSpec("deeplabv3_resnet50", "deeplabv3", "resnet50", _voc_entry(tvs.DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1)),
        PretrainedSpec("deeplabv3_resnet101", "deeplabv3", "resnet101", _voc_entry(tvs.DeepLabV3_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1)),
        PretrainedSpec("deeplabv3_mobilenet_v3_large", "deeplabv3", "mobilenet_v3_large",
                       _voc_entry(tvs.DeepLabV3_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1)),
        PretrainedSpec("fcn_resnet50", "fcn", "resnet50", _voc_entry(tvs.FCN_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1)),
        PretrainedSpec("lraspp_mobilenet_v3_large", "lraspp", "mobilenet_v3_large",
                       _voc_entry(tvs.LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1)),
    )
}


def pretrained_preprocess(name: str) -> SegPreprocess:
    """The preprocessing the pretrained model ``name`` was published with (torchvision's ``Resize(520)``, ImageNet mean/std)."""
    pre = get_pretrained(name).weights.preprocess
    return SegPreprocess(pre.resize_size, pre.mean, pre.std, pre.interpolation)


def get_pretrained(name: str) -> PretrainedSpec:
    """The registry entry of pretrained segmenter ``name``.

    Raises:
        UnknownNameError: ``name`` is not a pretrained segmenter; the message lists them.
    """
    if name not in PRETRAINED:
        raise UnknownNameError(f"unknown pretrained segmenter {name!r}; choose one of: {', '.join(sorted(PRETRAINED))}, "
                               "or pass a segmentation run folder")
    return PRETRAINED[name]


def load_pretrained(name: str, download: bool = False, weights: bool = True) -> Segmenter:
    """A torchvision COCO/VOC segmenter (21 classes) with its published weights.

    ``weights=False`` gives the same network with random weights (for timing and tests).

    Raises:
        WeightsUnavailableError: The file is neither in the torch hub cache nor downloadable; the
            message names the file and the folder to put it in.
    """
    spec = get_pretrained(name)
    model = build_segmenter(spec.arch, 21, spec.encoder)
    if weights:
        alt = "train a segmenter offline with: visionlab train segment DATA --out RUN (U-Net with the bundled EfficientNet-Lite0 encoder) and pass --model RUN"
        state = spec.weights.load_state_dict(download=download, alternative=alt)
        state = {k: v for k, v in state.items() if not k.startswith("aux_classifier.")}  # training-time auxiliary head
        model.net.load_state_dict(state, strict=True)
        model.weights = spec.weights
    return model


def arch_preprocess(model: Segmenter, img_size: tuple[int, int], tta_flip: bool = False) -> SegPreprocess:
    """The preprocessing of a trainable segmenter: its encoder weights' mean/std at ``img_size`` (H, W).

    Args:
        model: A segmenter from :func:`build_segmenter`.
        img_size: The network input size, ``(H, W)``.
        tta_flip: Predict as the mean of the image's and its mirror's logits.

    Returns:
        Resizing to ``img_size``, normalization with the encoder's ImageNet statistics (the ImageNet
        defaults when the encoder has no weights entry), padding to the architecture's multiple.
    """
    entry = ENCODER_WEIGHTS.get(model.encoder)
    mean, std = (entry.preprocess.mean, entry.preprocess.std) if entry else (IMAGENET_MEAN, IMAGENET_STD)
    return SegPreprocess((img_size[0], img_size[1]), mean, std, "bilinear", get_arch(model.arch).pad_for(model.encoder), tta_flip)


def with_size(pre: SegPreprocess, size: int | tuple[int, int] | None) -> SegPreprocess:
    """``pre`` with its network input size replaced by ``size`` (``None`` keeps it)."""
    return pre if size is None else replace(pre, size=size)
