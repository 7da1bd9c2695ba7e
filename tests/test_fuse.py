import pytest
import timm
import torch
from torch import nn

from visionlab.models.fuse import fold_batchnorm


def _randomise_batchnorms(model: nn.Module) -> int:
    """Non-trivial statistics and affine terms, so folding is actually tested."""
    g = torch.Generator().manual_seed(1)
    n = 0
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=g) * 0.5)
            m.running_var.copy_(torch.rand(c, generator=g) * 2 + 0.1)
            m.weight.data.copy_(torch.randn(c, generator=g))
            m.bias.data.copy_(torch.randn(c, generator=g) * 0.2)
            n += 1
    return n


def _n_batchnorms(model: nn.Module) -> int:
    return sum(isinstance(m, nn.BatchNorm2d) for m in model.modules())


def test_timm_lite0_folds_every_batchnorm_and_keeps_its_outputs():
    model = timm.create_model("tf_efficientnet_lite0", pretrained=False, num_classes=3).eval()
    n_bn = _randomise_batchnorms(model)
    folded, n = fold_batchnorm(model, torch.randn(1, 3, 64, 64))
    assert n == n_bn == 49
    assert _n_batchnorms(folded) == 0
    assert _n_batchnorms(model) == n_bn  # the original is left alone
    x = torch.randn(2, 3, 96, 80)  # another size and batch than the example
    with torch.no_grad():
        ref, out = model(x), folded(x)
    assert torch.allclose(out, ref, rtol=1e-4, atol=1e-4 * ref.abs().max().item())
    # the activations of timm's BatchNormAct2d survive the fold (ReLU6 clamps at 6)
    assert sum(isinstance(m, nn.ReLU6) for m in folded.modules()) == sum(isinstance(m, nn.ReLU6) for m in model.modules())


def test_plain_conv_bn_relu_folds_into_a_conv_with_bias():
    model = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU()).eval()
    _randomise_batchnorms(model)
    folded, n = fold_batchnorm(model, torch.randn(1, 3, 16, 16))
    assert n == 1
    assert isinstance(folded[1], nn.Identity) and folded[0].bias is not None
    x = torch.randn(4, 3, 20, 20)
    with torch.no_grad():
        assert torch.allclose(folded(x), model(x), atol=1e-5)


class _SkipFromConv(nn.Module):
    """The convolution's raw output is also added back: folding would change the sum."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.bn = nn.BatchNorm2d(3)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + y


def test_a_convolution_output_used_elsewhere_is_not_folded():
    model = _SkipFromConv().eval()
    _randomise_batchnorms(model)
    folded, n = fold_batchnorm(model, torch.randn(1, 3, 8, 8))
    assert n == 0 and folded is model


def test_training_mode_is_refused():
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4))
    with pytest.raises(ValueError, match="eval mode"):
        fold_batchnorm(model, torch.randn(1, 3, 4, 4))
