"""Training on windows of a larger input (``train segment --train-crop``): what a training step and a prediction cost.

The main job's U-Net (EfficientNet-Lite0 encoder, 8 game-world classes) takes training steps, batch 8,
augmentation included (``seg_train_transform`` on 256-px scenes, as the lab's), in three settings: whole
scenes at 128 px (the settings before), 128-px windows of scenes at 160 px (the main job's now) and whole
scenes at 160 px; then predicts a batch of 8 whole scenes at 128 and at 160 px, each with its mirror image.
All in this process, repetitions interleaved, medians; RATIO is each setting's time over 128 px whole's.

    .venv/bin/python benchmarks/bench_segment_windows.py [--reps 5]
"""

from __future__ import annotations

import argparse

import torch
from bench_segment_infer import timed_interleaved  # the benchmarks folder is on the path when run as a script
from torchvision import tv_tensors

from visionlab.data.seg_dataset import seg_train_transform
from visionlab.models.segmenters import build_segmenter
from visionlab.train.losses import SegLoss

SETTINGS = {"128 whole": ((128, 128), 0), "160, 128 windows": ((160, 160), 128), "160 whole": ((160, 160), 0)}
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def train_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer, loss: SegLoss, scenes: list, size: tuple[int, int], crop: int) -> None:
    """Augment 8 scenes (scale_min 1, flip, jitter 0.2, the window) and take one step on them."""
    transform = seg_train_transform(size, MEAN, STD, scale_min=1.0, hflip=True, color_jitter=0.2, crop=crop)
    pairs = [transform(image, mask) for image, mask in scenes]
    x, y = torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs]).long()
    optimizer.zero_grad(set_to_none=True)
    loss(model(x), y).backward()
    optimizer.step()


@torch.no_grad()
def predict_with_mirror(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    return (model(x) + model(x.flip(-1)).flip(-1)) / 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    torch.manual_seed(0)
    net = build_segmenter("unet", 8, "efficientnet_lite0")
    scenes = [(tv_tensors.Image(torch.randint(0, 256, (3, 256, 256), dtype=torch.uint8)), tv_tensors.Mask(torch.randint(0, 8, (256, 256))))
              for _ in range(8)]
    loss, optimizer = SegLoss(255, None, 0.5), torch.optim.Adam(net.parameters(), lr=1e-4)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; medians of {args.reps} interleaved repetitions, batch 8")
    net.train()
    train = timed_interleaved({name: (lambda s=s, c=c: train_step(net, optimizer, loss, scenes, s, c)) for name, (s, c) in SETTINGS.items()},
                              args.reps)
    net.eval()
    inputs = {side: torch.randn(8, 3, side, side) for side in (128, 160)}
    predict = timed_interleaved({side: (lambda x=x: predict_with_mirror(net, x)) for side, x in inputs.items()}, args.reps)
    base = train["128 whole"]
    for name, seconds in train.items():
        print(f"training step, {name:17s} {seconds * 1000:7.1f} ms  RATIO {seconds / base:.2f}x")
    for side, seconds in predict.items():
        print(f"prediction with the mirror, {side} px whole {seconds * 1000:7.1f} ms  RATIO {seconds / predict[128]:.2f}x")


if __name__ == "__main__":
    main()
