"""Grad-CAM heatmaps for 200 game-world images at 224 px: visionlab's batched explainer vs
pytorch-grad-cam called one image at a time, on the same model and the same input tensors.

Goal: ratio >= 3 with the same maps (max abs difference printed; the tests require <= 1e-4).

    .venv/bin/python benchmarks/bench_explain.py [--n 200] [--backbone efficientnet_lite0]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import torch
from common import Timer
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

from visionlab.data.images import load_rgb
from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.data.transforms import eval_transform
from visionlab.explain import Explainer
from visionlab.models import get_classifier
from visionlab.models.weights import IMAGENET_PREPROCESS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--backbone", default="efficientnet_lite0")
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vl-bench-explain-"))
    write_dataset(work, args.n, seed=0, spec=SceneSpec())
    torch.manual_seed(0)
    model = get_classifier(args.backbone, num_classes=2, weights="DEFAULT" if args.backbone == "efficientnet_lite0" else None).eval()
    tf = eval_transform(model.weights.preprocess if model.weights else IMAGENET_PREPROCESS)
    x = torch.stack([tf(load_rgb(p)) for p in sorted((work / "segment" / "images").iterdir())])  # (N, 3, 224, 224)
    with torch.no_grad():
        targets = model(x).argmax(1).tolist()
    layer = dict(model.named_modules())[model.cam_layer]
    with Timer() as base, GradCAM(model=model, target_layers=[layer]) as cam:
        ref = np.concatenate([cam(input_tensor=x[i : i + 1], targets=[ClassifierOutputTarget(t)]) for i, t in enumerate(targets)])
    with Timer() as ours, Explainer(model, "gradcam") as ex:
        maps = np.concatenate([ex(x[s : s + args.batch], targets[s : s + args.batch])[0] for s in range(0, len(x), args.batch)])
    print(f"threads {torch.get_num_threads()}, {len(x)} images at {x.shape[-1]} px, {args.backbone}, batch {args.batch}")
    print(f"pytorch-grad-cam one at a time: {base.seconds:7.1f} s ({1000 * base.seconds / len(x):.1f} ms/image)")
    print(f"visionlab Explainer (batched):  {ours.seconds:7.1f} s ({1000 * ours.seconds / len(x):.1f} ms/image)")
    print(f"max abs difference of the maps: {np.abs(maps - ref).max():.2e}")
    print(f"RATIO speedup = {base.seconds / ours.seconds:.2f}x (goal >= 3)")


if __name__ == "__main__":
    main()
