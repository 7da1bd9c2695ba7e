"""The dataset section: images per class and split, samples, and a preview of the training augmentation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from visionlab.report.document import GALLERY_MAX, Block, Gallery, Heading, Lab, Note, Para, Picture, Table, add_picture, evenly, num, plural, strip, to_rgb
from visionlab.report.i18n import Translator
from visionlab.report.sections.common import CACHED_MODES, classify_data_root, classify_run

AUGMENT_VIEWS = 7  # augmented views next to the original image
AUGMENT_SEED = 0


def dataset_section(lab: Lab) -> list[Block]:
    """Counts per class and split (the classification run's config), how the split was made, samples and augmentation."""
    t = lab.t
    run, cfg = classify_run(lab)
    classes, counts = cfg["classes"], cfg["counts"]
    splits = [s for s in ("train", "val", "test") if s in counts]
    rows = [[c, *[num(counts[s].get(c, 0)) for s in splits], num(sum(counts[s].get(c, 0) for s in splits))] for c in classes]
    totals = {s: sum(counts[s].values()) for s in splits}
    rows.append([t("all"), *[num(totals[s]) for s in splits], num(sum(totals.values()))])
    c = cfg["config"]
    text = t("{classes} ({names}), {images}: {splits}.", classes=t.plural(len(classes), "{n} class", "{n} classes", n=len(classes)),
             names=", ".join(classes), images=plural(sum(totals.values()), "image", t),
             splits=", ".join(t("{split} {count}", split=t(s), count=totals[s]) for s in splits))
    root, split = classify_data_root(lab, run)
    if not (root / "train").is_dir():
        text += " " + t("The run split the folder itself: validation share {share}, stratified by class, seed {seed}.",
                        share=c.get("val_fraction"), seed=c.get("seed"))
    elif "val" not in [p.name for p in root.iterdir()]:
        text += " " + t("The run split a validation share of {share} off the given train folder (stratified, seed {seed}).",
                        share=c.get("val_fraction"), seed=c.get("seed"))
    lab.fact("dataset", text)
    blocks: list[Block] = [Para(text), Table([t("class"), *[t(s) for s in splits], t("total")], rows,
                                             t("Images per class and split (from the run's config.json)."))]
    blocks += [Heading(t("Samples per class")), Gallery(sample_pictures(lab, root, split, classes), columns=1)]
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
            caption = lab.t("{cls}: {shown} of {total} training images", cls=c, shown=len(chosen), total=len(members))
            pics.append(add_picture(lab, f"dataset_samples_{c}", strip(tiles, [Path(r).stem for r in chosen]), caption))
    return pics


def augmentation_blocks(lab: Lab, root: Path, split: dict, cfg: dict) -> list[Block]:
    """The first training image and draws of the run's training augmentation, with the steps in words."""
    from visionlab.data.transforms import AugmentConfig
    from visionlab.models.weights import Preprocess

    t = lab.t
    c = cfg["config"]
    aug = AugmentConfig(**c.get("augment", {}))
    pre = Preprocess.from_dict(cfg["preprocess"])
    rel = split["splits"]["train"][0][0]
    source = lab.need(root / rel, "data")
    with Image.open(source) as im:
        image = to_rgb(im)
    views = augmented_views(image, aug, pre, AUGMENT_VIEWS, AUGMENT_SEED)
    # The labels are drawn into the picture with PIL's default font, which has Latin letters only: they stay in English.
    labels = ["original"] + [f"view {i + 1}" for i in range(len(views))]
    pic = add_picture(lab, "dataset_augmentation", strip([image, *views], labels),
                      t("{image}: the original and {n} draws of the training augmentation (torch seed {seed})", image=rel, n=len(views),
                        seed=AUGMENT_SEED))
    steps = [t("RandomResizedCrop to {crop} px (area share {area}–1)", crop=pre.crop_size, area=aug.crop_scale_min)]
    steps.append(t("horizontal flip with probability 0.5") if aug.hflip else t("no flip"))
    steps.append(t("colour jitter {jitter} (brightness, contrast, saturation)", jitter=aug.color_jitter) if aug.color_jitter > 0
                 else t("no colour jitter"))
    steps.append(t("rotation up to ±{rotation}°", rotation=f"{aug.rotation:g}") if aug.rotation > 0 else t("no rotation"))
    steps.append(t("normalization mean {mean}, std {std}", mean=list(pre.mean), std=list(pre.std)))
    blocks: list[Block] = [Heading(t("Augmentation preview")), Gallery([pic], columns=1),
                           Para(t("Training augmentation of the run: {steps}. Validation images are resized to {resize} px (short side) "
                                  "and centre-cropped to {crop} px.", steps="; ".join(steps), resize=pre.resize_size, crop=pre.crop_size))]
    return blocks + frozen_notes(t, c)


def frozen_notes(t: Translator, c: dict) -> list[Block]:
    """For a run on cached activations (frozen, partial): whether the augmentation above was used."""
    mode = c.get("mode")
    if mode not in CACHED_MODES:
        return []
    if int(c.get("feature_views", 1)) == 1:
        if mode == "partial":
            return [Note(t("In this run (mode partial, feature_views 1) the top stages trained on activations of the unaugmented "
                           "training images, cached once and shifted at random; the augmentation above was not applied during training."))]
        return [Note(t("In this run (mode frozen, feature_views 1) the head trained on features of the unaugmented training "
                       "images, cached once; the augmentation above was not applied during training."))]
    return [Note(t("In this run (mode {mode}, feature_views {views}) each training image had {n} augmented view(s) besides the "
                   "unaugmented one, cached once.", mode=mode, views=c.get("feature_views"), n=int(c["feature_views"]) - 1))]


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
