"""The dataset section: images per class and split, samples, and a preview of the training augmentation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from visionlab.report.document import GALLERY_MAX, Block, Gallery, Heading, Lab, Note, Para, Picture, Table, add_picture, evenly, num, strip, to_rgb
from visionlab.report.sections.common import classify_data_root, classify_run

AUGMENT_VIEWS = 7  # augmented views next to the original image
AUGMENT_SEED = 0


def dataset_section(lab: Lab) -> list[Block]:
    """Counts per class and split (the classification run's config), how the split was made, samples and augmentation."""
    run, cfg = classify_run(lab)
    classes, counts = cfg["classes"], cfg["counts"]
    splits = [s for s in ("train", "val", "test") if s in counts]
    rows = [[c, *[num(counts[s].get(c, 0)) for s in splits], num(sum(counts[s].get(c, 0) for s in splits))] for c in classes]
    totals = {s: sum(counts[s].values()) for s in splits}
    rows.append(["all", *[num(totals[s]) for s in splits], num(sum(totals.values()))])
    c = cfg["config"]
    text = (f"{len(classes)} classes ({', '.join(classes)}), {sum(totals.values())} images: "
            + ", ".join(f"{s} {totals[s]}" for s in splits) + ".")
    root, split = classify_data_root(lab, run)
    if not (root / "train").is_dir():
        text += f" The run split the folder itself: validation share {c.get('val_fraction')}, stratified by class, seed {c.get('seed')}."
    elif "val" not in [p.name for p in root.iterdir()]:
        text += f" The run split a validation share of {c.get('val_fraction')} off the given train folder (stratified, seed {c.get('seed')})."
    lab.fact("dataset", text)
    blocks: list[Block] = [Para(text), Table(["class", *splits, "total"], rows, "Images per class and split (from the run's config.json).")]
    blocks += [Heading("Samples per class"), Gallery(sample_pictures(lab, root, split, classes), columns=1)]
    blocks += augmentation_blocks(lab, root, split, cfg)
    return blocks


def sample_pictures(lab: Lab, root: Path, split: dict, classes: list[str]) -> list[Picture]:
    """One strip per class of up to :data:`GALLERY_MAX` training images, spread over the class's list."""
    train = split["splits"]["train"]
    pics = []
    for i, c in enumerate(classes):
        members = [rel for rel, label in train if label == i]
        chosen = evenly(members, GALLERY_MAX)
        tiles = []
        for rel in chosen:
            with Image.open(lab.need(root / rel, "data")) as im:
                tiles.append(to_rgb(im))
        if tiles:
            caption = f"{c}: {len(chosen)} of {len(members)} training images"
            pics.append(add_picture(lab, f"dataset_samples_{c}", strip(tiles, [Path(r).stem for r in chosen]), caption))
    return pics


def augmentation_blocks(lab: Lab, root: Path, split: dict, cfg: dict) -> list[Block]:
    """The first training image and draws of the run's training augmentation, with the steps in words."""
    from visionlab.data.transforms import AugmentConfig
    from visionlab.models.weights import Preprocess

    c = cfg["config"]
    aug = AugmentConfig(**c.get("augment", {}))
    pre = Preprocess.from_dict(cfg["preprocess"])
    rel = split["splits"]["train"][0][0]
    source = lab.need(root / rel, "data")
    with Image.open(source) as im:
        image = to_rgb(im)
    views = augmented_views(image, aug, pre, AUGMENT_VIEWS, AUGMENT_SEED)
    labels = ["original"] + [f"view {i + 1}" for i in range(len(views))]
    pic = add_picture(lab, "dataset_augmentation", strip([image, *views], labels),
                      f"{rel}: the original and {len(views)} draws of the training augmentation (torch seed {AUGMENT_SEED})")
    steps = [f"RandomResizedCrop to {pre.crop_size} px (area share {aug.crop_scale_min}–1)"]
    steps.append("horizontal flip with probability 0.5" if aug.hflip else "no flip")
    steps.append(f"colour jitter {aug.color_jitter} (brightness, contrast, saturation)" if aug.color_jitter > 0 else "no colour jitter")
    steps.append(f"rotation up to ±{aug.rotation:g}°" if aug.rotation > 0 else "no rotation")
    steps.append(f"normalization mean {list(pre.mean)}, std {list(pre.std)}")
    blocks: list[Block] = [Heading("Augmentation preview"), Gallery([pic], columns=1),
                           Para("Training augmentation of the run: " + "; ".join(steps) + ". Validation images are resized to "
                                f"{pre.resize_size} px (short side) and centre-cropped to {pre.crop_size} px.")]
    return blocks + frozen_notes(c)


def frozen_notes(c: dict) -> list[Block]:
    """For a frozen-backbone run: whether the augmentation above was used (the head trains on cached features)."""
    if c.get("mode") == "frozen" and int(c.get("feature_views", 1)) == 1:
        return [Note("In this run (mode frozen, feature_views 1) the head trained on features of the unaugmented training "
                     "images, cached once; the augmentation above was not applied during training.")]
    if c.get("mode") == "frozen":
        return [Note(f"In this run (mode frozen, feature_views {c.get('feature_views')}) each training image had "
                     f"{int(c['feature_views']) - 1} augmented view(s) besides the unaugmented one, cached once.")]
    return []


def augmented_views(image: Image.Image, aug: Any, pre: Any, n: int, seed: int) -> list[Image.Image]:
    """``n`` draws of the training transform, de-normalized back to pictures.

    The global torch random state is restored afterwards, so the preview changes nothing else.
    """
    import torch

    from visionlab.data.transforms import train_transform

    tf = train_transform(aug, pre)
    mean = torch.tensor(pre.mean).view(3, 1, 1)
    std = torch.tensor(pre.std).view(3, 1, 1)
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        tensors = [tf(image) for _ in range(n)]
    finally:
        torch.random.set_rng_state(state)
    return [Image.fromarray((((t * std + mean).clamp(0, 1) * 255).round().byte().permute(1, 2, 0)).numpy()) for t in tensors]
