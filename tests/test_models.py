"""The classifier registry and the transfer-learning surface of every registered model."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from visionlab.errors import CheckpointMismatchError, UnknownNameError, WeightsUnavailableError
from visionlab.models import get_classifier, get_weights, list_classifiers, register_classifier
from visionlab.models.checkpoint import load_classifier, load_state_into, save_classifier
from visionlab.models.zoo import tiny_cnn

ALL = list_classifiers()


def test_registry_lists_the_issue_models() -> None:
    for name in ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0", "efficientnet_lite0"]:
        assert name in ALL


def test_unknown_and_duplicate_names() -> None:
    with pytest.raises(UnknownNameError, match="resnet18") as info:
        get_classifier("resnet19", num_classes=2)
    assert "efficientnet_lite0" in str(info.value)  # lists the valid names
    with pytest.raises(ValueError, match="already registered"):
        register_classifier("resnet18")(tiny_cnn)
    with pytest.raises(UnknownNameError, match="IMAGENET1K_V1"):
        get_weights("resnet18", "IMAGENET_V9")


@pytest.mark.parametrize("name", ALL)
def test_every_model_shapes_grads_and_cam_layer(name: str) -> None:
    torch.manual_seed(0)
    model = get_classifier(name, num_classes=5, weights=None)
    x = torch.randn(2, 3, 64, 64)
    model.freeze_backbone()
    model.train()
    out = model(x)
    assert out.shape == (2, 5) and torch.isfinite(out).all()
    out.sum().backward()
    assert all(p.grad is not None for p in model.head.parameters())
    assert all(p.grad is None for p in model.backbone.parameters())
    assert model.cam_layer in dict(model.named_modules())
    assert model.forward_features(x).shape == (2, model.num_features)
    model.reset_head(3)
    assert model(x).shape == (2, 3)


def test_frozen_backbone_keeps_batchnorm_statistics() -> None:
    model = get_classifier("tiny_cnn", num_classes=2, weights=None)
    model.freeze_backbone()
    model.train()
    before = {k: v.clone() for k, v in model.backbone.state_dict().items() if "running" in k}
    model(torch.randn(8, 3, 32, 32) * 5 + 3)
    after = model.backbone.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    model.unfreeze_backbone()
    model.train()
    model(torch.randn(8, 3, 32, 32) * 5 + 3)
    assert not all(torch.equal(before[k], model.backbone.state_dict()[k]) for k in before)


def test_finetune_unfreezes_only_the_top_blocks() -> None:
    model = get_classifier("resnet18", num_classes=2, weights=None)
    model.freeze_backbone(keep_top=1)
    trainable = {n for n, p in model.backbone.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith("layer4") for n in trainable)
    model(torch.randn(2, 3, 64, 64)).sum().backward()
    assert model.backbone.layer4[0].conv1.weight.grad is not None
    assert model.backbone.layer3[0].conv1.weight.grad is None


def test_missing_torchvision_weights_name_the_file_and_place(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(WeightsUnavailableError) as info:
        get_classifier("resnet18", num_classes=2)
    msg = str(info.value)
    assert "resnet18-f37072fd.pth" in msg and str(tmp_path / "hub" / "checkpoints") in msg and "--download" in msg


def test_allowed_downloads_check_the_files_hash(tmp_path, monkeypatch) -> None:
    import torch

    from visionlab.models.registry import get_weights

    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    seen = {}

    def fake_download(url, **kwargs):
        seen.update(kwargs, url=url)
        raise OSError("no network here")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", fake_download)
    entry = get_weights("resnet18")
    with pytest.raises(WeightsUnavailableError, match="could not download resnet18-f37072fd.pth"):
        entry.load_state_dict(download=True)
    assert seen["check_hash"] is True and seen["file_name"] == "resnet18-f37072fd.pth" and seen["url"] == entry.url
    assert not entry.is_available()


def test_cached_torchvision_weights_load_from_the_hub_folder(tmp_path, monkeypatch) -> None:
    """The real loading path: a file in the torch hub cache is found and loaded (no network)."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    entry = get_weights("resnet18")
    reference = get_classifier("resnet18", num_classes=1000, weights=None).backbone.state_dict()
    target = tmp_path / "hub" / "checkpoints" / entry.file_name
    target.parent.mkdir(parents=True)
    torch.save({**reference, "fc.weight": torch.zeros(1000, 512), "fc.bias": torch.zeros(1000)}, target)
    model = get_classifier("resnet18", num_classes=2)
    assert torch.equal(model.backbone.conv1.weight, reference["conv1.weight"])
    assert model.weights.preprocess.crop_size == 224 and len(model.weights.categories) == 1000


def test_lite0_weights_recognise_a_cat() -> None:
    """The bundled weights, remapped by position, classify a real photo correctly."""
    skimage = pytest.importorskip("skimage")
    from PIL import Image

    from visionlab.data.transforms import eval_transform

    model = get_classifier("efficientnet_lite0", num_classes=2)
    entry = model.weights
    full = get_classifier("efficientnet_lite0", num_classes=1000, weights=None)
    full.load_state_dict({**model.state_dict(), **_imagenet_head(entry)}, strict=True)
    full.eval()
    x = eval_transform(entry.preprocess)(Image.fromarray(skimage.data.chelsea()))
    with torch.no_grad():
        probs = full(x[None]).softmax(1)[0]
    cat_classes = [i for i, c in enumerate(entry.categories) if c in ("tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat")]
    assert probs[cat_classes].sum() > 0.6
    assert entry.categories[int(probs.argmax())] in ("tabby", "tiger cat", "Egyptian cat")


def _imagenet_head(entry) -> dict:
    state = entry.load_state_dict()
    return {"head.1.weight": state["classifier.weight"], "head.1.bias": state["classifier.bias"]}


def test_checkpoint_round_trip_and_mismatch(tmp_path) -> None:
    torch.manual_seed(0)
    model = get_classifier("tiny_cnn", num_classes=3, weights=None).eval()
    from visionlab.models.weights import IMAGENET_PREPROCESS

    save_classifier(tmp_path / "m.safetensors", model, ["a", "b", "c"], IMAGENET_PREPROCESS)
    back, meta = load_classifier(tmp_path / "m.safetensors")
    x = torch.randn(2, 3, 32, 32)
    assert torch.equal(model(x), back(x)) and meta["classes"] == ["a", "b", "c"]
    other = get_classifier("tiny_cnn", num_classes=2, weights=None)
    with pytest.raises(CheckpointMismatchError, match="3 classes"):
        load_state_into(other, tmp_path / "m.safetensors")
    with pytest.raises(CheckpointMismatchError, match="tiny_cnn"):
        load_state_into(get_classifier("mobilenet_v2", num_classes=3, weights=None), tmp_path / "m.safetensors")
    # safetensors holds tensors only: nothing to unpickle.
    assert (tmp_path / "m.safetensors").read_bytes()[8:9] == b"{"
    assert np.isfinite(back(x).detach().numpy()).all()


def test_damaged_checkpoint_gives_a_clear_error(tmp_path) -> None:
    (tmp_path / "m.safetensors").write_bytes(b"\x00garbage")
    with pytest.raises(CheckpointMismatchError, match="not a readable safetensors"):
        load_classifier(tmp_path / "m.safetensors")
