"""Shared fixtures: small seeded image datasets made on the fly (no network, no downloads)."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

# --- parallel workers share the cores ------------------------------------------------------------------
# scripts/test.sh runs the suite in pytest-xdist workers (most tests keep one core busy with Python, not two
# with torch). Each worker, and every process it starts (CLI runs, torchrun), gets its share of the cores, so
# that two workers do not run four busy torch threads on two cores.
if os.environ.get("PYTEST_XDIST_WORKER"):
    _share = max(1, (os.cpu_count() or 1) // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    os.environ.setdefault("OMP_NUM_THREADS", str(_share))
    import torch

    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

# --- no test reaches beyond this machine -----------------------------------------------------------
# Every connection a test makes (through any library) must go to a loopback address. One that does not
# is refused, so nothing leaves the machine, and fails its test even when the code under test catches
# the refusal (a fetch that took it for "offline" would otherwise pass by accident).

_outside: list[str] = []
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like
        return True
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:  # a name: resolved by getaddrinfo before connect, so a name here is not loopback
        return False


def _guard(connect):
    def guarded(sock: socket.socket, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            _outside.append(repr(address))
            raise ConnectionRefusedError(f"tests may not connect beyond 127.0.0.1 (tried {address!r})")
        return connect(sock, address)

    return guarded


socket.socket.connect = _guard(_connect)  # type: ignore[method-assign]
socket.socket.connect_ex = _guard(_connect_ex)  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def no_connections_beyond_this_machine():
    """Fail the test that tried to connect beyond loopback (the attempt itself was refused)."""
    _outside.clear()
    yield
    if _outside:
        tried = ", ".join(_outside)
        _outside.clear()
        pytest.fail(f"the test tried to connect beyond 127.0.0.1: {tried}")


def draw_shape(kind: str, rng: np.random.Generator, size: int = 48) -> Image.Image:
    """A random-coloured disc, square or triangle on a noisy background."""
    bg = rng.integers(0, 256, 3)
    arr = np.clip(bg + rng.normal(0, 12, (size, size, 3)), 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    d = ImageDraw.Draw(img)
    r = int(rng.integers(size // 5, size // 3))
    cx, cy = rng.integers(r, size - r, 2)
    fg = tuple(int(v) for v in (255 - bg + rng.integers(-40, 40, 3)) % 256)
    if kind == "disc":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fg)
    elif kind == "square":
        d.rectangle([cx - r, cy - r, cx + r, cy + r], fill=fg)
    else:
        d.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=fg)
    return img


def make_shapes_dataset(root: Path, classes=("disc", "square"), n_per_class: int = 20, seed: int = 0, size: int = 48) -> Path:
    """Write ``root/<class>/<i>.png``; returns ``root``."""
    rng = np.random.default_rng(seed)
    for c in classes:
        (root / c).mkdir(parents=True, exist_ok=True)
        for i in range(n_per_class):
            draw_shape(c, rng, size).save(root / c / f"{i:03d}.png")
    return root


@pytest.fixture
def shapes_dir(tmp_path: Path) -> Path:
    return make_shapes_dataset(tmp_path / "shapes")


def make_blob_dataset(root: Path, n_per_class: int = 24, seed: int = 0, size: int = 32, classes=("red", "blue", "green")) -> Path:
    """An easy task for random tiny CNNs: the class is the colour of a blob at a random place."""
    rng = np.random.default_rng(seed)
    colours = {"red": (220, 40, 40), "blue": (40, 60, 220), "green": (40, 200, 60)}
    for c in classes:
        (root / c).mkdir(parents=True, exist_ok=True)
        for i in range(n_per_class):
            arr = np.clip(rng.normal(128, 30, (size, size, 3)), 0, 255).astype(np.uint8)
            img = Image.fromarray(arr)
            r = int(rng.integers(size // 4, size // 2))
            x, y = rng.integers(0, size - r, 2)
            ImageDraw.Draw(img).ellipse([x, y, x + r, y + r], fill=colours[c])
            img.save(root / c / f"{i:03d}.png")
    return root


@pytest.fixture
def blobs_dir(tmp_path: Path) -> Path:
    return make_blob_dataset(tmp_path / "blobs", classes=("red", "blue"))


def sample_photos() -> dict[str, np.ndarray]:
    """Real photos that ship with scikit-image and scikit-learn (RGB uint8), by name."""
    from skimage import data
    from sklearn.datasets import load_sample_images

    photos = {name: getattr(data, name)() for name in ("chelsea", "coffee", "astronaut", "rocket")}
    photos["camera"] = np.stack([data.camera()] * 3, axis=-1)
    photos.update(zip(("china", "flower"), load_sample_images().images))
    return photos


def make_photo_dataset(root: Path, n_per_class: int = 8, seed: int = 0, size: int = 160) -> Path:
    """Two classes of real photos: ``cat`` (crops of chelsea) and ``scene`` (crops of the others), ``root/<class>/*.png``."""
    rng = np.random.default_rng(seed)
    photos = sample_photos()
    groups = {"cat": [photos["chelsea"]], "scene": [v for k, v in photos.items() if k != "chelsea"]}
    for label, sources in groups.items():
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(n_per_class):
            img = sources[i % len(sources)]
            h, w = img.shape[:2]
            side = int(min(h, w) * rng.uniform(0.6, 1.0))
            y, x = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
            crop = Image.fromarray(img[y:y + side, x:x + side]).resize((size, size), Image.BILINEAR)
            if rng.random() < 0.5:
                crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
            crop.save(root / label / f"{label}_{i:03d}.png")
    return root


def save_random_torchvision_weights(torch_home: Path, *names: str) -> Path:
    """Randomly initialised torchvision models saved under their published file names in ``torch_home/hub/checkpoints``.

    The real loading code then runs offline (it checks names and shapes, not values). ``names``:
    ``resnet18``, ``deeplabv3_resnet50``, ``lraspp_mobilenet_v3_large``, ``mobilenet_v3_large``.
    """
    import torch
    import torchvision.models as tvm
    import torchvision.models.segmentation as tvs

    builders = {
        "resnet18": (lambda: tvm.resnet18(weights=None), tvm.ResNet18_Weights.IMAGENET1K_V1),
        "mobilenet_v3_large": (lambda: tvm.mobilenet_v3_large(weights=None), tvm.MobileNet_V3_Large_Weights.IMAGENET1K_V1),
        "deeplabv3_resnet50": (lambda: tvs.deeplabv3_resnet50(weights=None, weights_backbone=None, num_classes=21, aux_loss=True),
                               tvs.DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1),
        "lraspp_mobilenet_v3_large": (lambda: tvs.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=21),
                                      tvs.LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1),
    }
    hub = torch_home / "hub" / "checkpoints"
    hub.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    for name in names:
        build, weights = builders[name]
        torch.save(build().state_dict(), hub / weights.url.rsplit("/", 1)[-1])
    return hub
