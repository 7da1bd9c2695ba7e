"""Render one sample sheet per game-world variant: a row of scenes per class, and a row of their masks.

    python scripts/sample_sheets.py docs/variants [--variants 1 5 6] [--per-class 6] [--size 160]

Writes ``OUT/variant_<N>.png``. The scenes are those ``visionlab data synth OUT --variant N`` writes
first (the same seeds), so a sheet shows what a student's lab trains on.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from visionlab.data.synth import GAME_VARIANTS, SceneSpec, colorize_mask, get_game_variant, render_scene
from visionlab.data.synth.writer import scene_seed, setting_seed

PAD, LABEL_H = 4, 18


def sheet(number: int, per_class: int, size: int) -> Image.Image:
    """The variant's sheet: for each class, its scenes and under them their colourised masks.

    They are the first scenes of ``visionlab data synth --variant N --seed 0``: a paired variant's columns show
    one setting each, with one scene of each class on it.
    """
    variant = get_game_variant(number)
    spec = SceneSpec(width=size, height=size, variant=number)
    rows: list[tuple[str, list[np.ndarray]]] = []
    for k, name in enumerate(variant.class_names):
        scenes = [render_scene(scene_seed(0, 2 * i + k), replace(spec, kind=name), setting_seed(0, i) if variant.paired else None)
                  for i in range(per_class)]
        rows.append((name, [s.image for s in scenes]))
        rows.append((f"{name}: mask", [colorize_mask(s.mask, variant.mask_classes) for s in scenes]))
    width = PAD + per_class * (size + PAD)
    out = Image.new("RGB", (width, LABEL_H + len(rows) * (size + LABEL_H + PAD)), (255, 255, 255))
    draw = ImageDraw.Draw(out)
    draw.text((PAD, 3), f"variant {number}: {' vs '.join(variant.class_names)}  (mask classes: {', '.join(variant.mask_classes)})", fill=(0, 0, 0))
    y = LABEL_H
    for title, images in rows:
        draw.text((PAD, y + 3), title, fill=(0, 0, 0))
        for i, im in enumerate(images):
            out.paste(Image.fromarray(im), (PAD + i * (size + PAD), y + LABEL_H))
        y += size + LABEL_H + PAD
    return out


def main() -> None:
    """Parse the command line and write the sheets."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output folder")
    ap.add_argument("--variants", type=int, nargs="*", default=None, help="variant numbers (default: every rendered one)")
    ap.add_argument("--per-class", type=int, default=6, help="scenes per class")
    ap.add_argument("--size", type=int, default=160, help="scene side in pixels")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for number in args.variants or sorted(GAME_VARIANTS):
        path = out / f"variant_{number}.png"
        sheet(number, args.per_class, args.size).save(path)
        print(path)


if __name__ == "__main__":
    main()
