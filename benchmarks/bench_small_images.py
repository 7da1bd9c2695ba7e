"""Many small images (CIFAR-10's shape): the standard recipe against small-images, on the same data in one run.

Two ten-class stand-ins of 32x32 images, written as PNG in ``train/<class>`` and ``test/<class>``:

  game    characters of the game world's five character variants (1, 16, 18, 24, 25), two kinds each,
          rendered at 96 px and downscaled: objects in busy scenes, like CIFAR-10's photos.
  photos  crops of ten real photos shipped with scikit-image and scikit-learn; training crops come from
          the left 60% of each photo, test crops from the right 40%.

Both arms run `visionlab train classify DATA --backbone efficientnet_lite0` through the Python API:
``standard`` (the frozen linear probe at 224 px, the defaults before the recipe) and ``auto`` (what the tool
picks now for such images: the small-images recipe). The table gives test accuracy and wall-clock minutes
of the whole run (split, caching, epochs, evaluation).

    .venv/bin/python benchmarks/bench_small_images.py [--data game photos] [--train 1000] [--test 200] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from visionlab.data.synth import SceneSpec, render_scene
from visionlab.data.synth.variants import get_game_variant
from visionlab.data.synth.writer import scene_seed
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig

SIDE = 32
GAME_VARIANTS = (1, 16, 18, 24, 25)


def _save(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.resize((SIDE, SIDE), Image.Resampling.BICUBIC).save(path)


def make_game(root: Path, n_train: int, n_test: int) -> Path:
    """Ten classes: the two classes of each character variant, one character per 96 px scene."""
    if (root / "test").is_dir():
        return root
    for v in GAME_VARIANTS:
        for ci, name in enumerate(get_game_variant(v).class_names):
            for split, n, offset in (("train", n_train, 0), ("test", n_test, 10**6)):
                for i in range(n):
                    scene = render_scene(scene_seed(v * 7919 + ci, offset + i), SceneSpec(width=96, height=96, kind=name, variant=v))
                    _save(Image.fromarray(scene.image), root / split / f"v{v}_{name}" / f"{i:05d}.png")
    return root


def _photos() -> dict[str, np.ndarray]:
    from skimage import data
    from sklearn.datasets import load_sample_images

    photos = {n: getattr(data, n)() for n in ("chelsea", "coffee", "astronaut", "rocket", "immunohistochemistry", "hubble_deep_field",
                                              "retina")}
    photos["camera"] = np.stack([data.camera()] * 3, axis=-1)
    photos.update(zip(("china", "flower"), load_sample_images().images, strict=True))
    return photos


def make_photos(root: Path, n_train: int, n_test: int, seed: int = 0) -> Path:
    """Ten classes, one per photo: square crops of 8-30% of the photo's height, train from the left, test from the right."""
    if (root / "test").is_dir():
        return root
    rng = np.random.default_rng(seed)
    for name, arr in _photos().items():
        img = Image.fromarray(arr[..., :3])
        w, h = img.size
        for split, n, (x_lo, x_hi) in (("train", n_train, (0.0, 0.6)), ("test", n_test, (0.6, 1.0))):
            for i in range(n):
                side = int(h * rng.uniform(0.08, 0.3))
                x = int(rng.uniform(x_lo * w, x_hi * w - side))
                y = int(rng.uniform(0, h - side))
                crop = img.crop((x, y, x + side, y + side))
                if rng.random() < 0.5:
                    crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
                _save(crop, root / split / name / f"{i:05d}.png")
    return root


def run_arm(data: Path, out: Path, recipe: str) -> tuple[float, float, dict]:
    t0 = time.perf_counter()
    run = train_classifier(ClassifyConfig(data=str(data), out=str(out), backbone="efficientnet_lite0", recipe=recipe, quiet=True))
    minutes = (time.perf_counter() - t0) / 60
    acc = json.loads((run / "eval" / "test" / "metrics.json").read_text())["accuracy"]
    cfg = json.loads((run / "config.json").read_text())["config"]
    cfg["epochs_run"] = len((run / "history.csv").read_text().strip().splitlines()) - 1
    return acc, minutes, cfg


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", nargs="+", default=["game", "photos"], choices=["game", "photos"])
    p.add_argument("--train", type=int, default=1000, help="training images per class (20%% of them become validation)")
    p.add_argument("--test", type=int, default=200, help="test images per class")
    p.add_argument("--arms", nargs="+", default=["standard", "auto"], choices=["standard", "auto", "small-images"])
    p.add_argument("--work", type=Path, default=None)
    args = p.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-small-"))
    makers = {"game": make_game, "photos": make_photos}
    rows = []
    for name in args.data:
        data = makers[name](work / f"{name}-{args.train}-{args.test}", args.train, args.test)
        for arm in args.arms:
            acc, minutes, cfg = run_arm(data, work / f"run-{name}-{arm}", arm)
            rows.append((name, arm, cfg, acc, minutes))
            print(f"{name} {arm} ({cfg['recipe']}, {cfg['mode']}, {cfg['img_size'] or 224} px): test accuracy {acc:.4f} in {minutes:.1f} min",
                  flush=True)
    print(f"\nten classes of {SIDE}x{SIDE}, {args.train} training images per class (80/20 train/val) and {args.test} test images per class; "
          "EfficientNet-Lite0; one run per arm")
    print("| data | --recipe | ran | mode | input px | epochs | test accuracy | minutes |")
    print("|---|---|---|---|---|---|---|---|")
    for name, arm, cfg, acc, minutes in rows:
        print(f"| {name} | {arm} | {cfg['recipe']} | {cfg['mode']} | {cfg['img_size'] or 224} | {cfg['epochs_run']} | {acc:.4f} | {minutes:.1f} |")


if __name__ == "__main__":
    main()
