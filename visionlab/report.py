"""``visionlab report LAB``: the lab report (``report.html`` and ``report.md``) from a lab folder's own artefacts.

A lab folder is what ``visionlab lab CONFIG`` writes: ``LAB/lab.json`` (format ``visionlab-lab/1``)
names the stages that ran, with paths relative to ``LAB``, and each stage's folder holds the files
its command writes (metrics JSON, CSV tables, plots, galleries). The report has the sections of
the lab manual's report ("ЗМІСТ ЗВІТУ"), each with a stable ``id``:

    dataset, model, training, classification, gradcam, segmentation, comparison,
    pipeline, walkmap, distillation, conclusions

Decisions:

* **Only artefacts.** Every number, table and picture comes from a file of the lab folder. A
  stage absent from ``lab.json`` gives its section a "not run" note saying which name to add to
  the config's ``stages:`` list. A stage that is listed but whose file is missing is an error naming that file
  (:class:`RunFolderError`), never a silently thinner report. Two things are computed at report
  time, from the lab's own files: the augmentation preview (the classification run's training
  augmentation from its ``config.json`` applied to one training image with a fixed seed, so the
  same lab gives the same picture) and the classifier's parameter counts (the best checkpoint
  rebuilt, with the run's ``mode`` applied to decide what is trainable).
* **Sentences state measurements.** Each sentence is a template filled with numbers read from
  the artefacts. Nothing is called good or bad; a comparison ("higher", "lower", "faster") is
  only written next to the two numbers it compares, and is computed from them. The conclusions
  section collects these sentences from every section that ran.
* **Self-contained HTML.** Images are embedded as base64 ``data:`` URIs, the CSS is inline and
  there is no script, font or link to fetch (a Content-Security-Policy ``meta`` allows ``data:``
  images and inline style only), so ``report.html`` opens from disk offline and can be sent as
  one file. ``report.md`` has the same sections and tables, with the images as
  relative links into ``report_files/`` (the same PNG files), for students who write their
  report in a document editor.
* **Size.** Pictures are downscaled (figures to at most 1400 px wide, thumbnails to 128 px) and
  re-encoded as PNG (lossless: plots keep sharp text); galleries hold at most :data:`GALLERY_MAX`
  images and example sets :data:`EXAMPLES_MAX`. The main job's report (400 scenes, every stage)
  is about 2.7 MB of HTML with 40 pictures, well under the 15 MB aim.
* **Atomic.** The whole report is built in memory first; then ``report_files/`` is written to a
  temporary folder and swapped in by renames, and the two documents are written with
  :func:`atomic_write`. A failure while reading the artefacts leaves any previous report as it was.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import math
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from PIL import Image, ImageDraw

from visionlab.errors import RunFolderError
from visionlab.utils.files import atomic_write, read_json

MANIFEST = "lab.json"
FORMAT_PREFIX = "visionlab-lab/"
HTML_FILE = "report.html"
MARKDOWN_FILE = "report.md"
FILES_DIR = "report_files"
GALLERY_MAX = 8  # images per gallery
EXAMPLES_MAX = 4  # example figures per section (segmentation, comparison, pipeline, walkmap)
FIGURE_WIDTH = 1400  # px; wider figures are downscaled
THUMB = 128  # px; side of dataset and augmentation thumbnails
AUGMENT_VIEWS = 7  # augmented views next to the original image
AUGMENT_SEED = 0

# (section id, title, the manifest stage it needs); conclusions need none.
SECTIONS: list[tuple[str, str, str | None]] = [
    ("dataset", "Dataset", "classify"),
    ("model", "Classification model", "classify"),
    ("training", "Training", "classify"),
    ("classification", "Classification results", "classify"),
    ("gradcam", "Grad-CAM", "explain"),
    ("segmentation", "Semantic segmentation", "segment"),
    ("comparison", "Grad-CAM versus segmentation", "compare"),
    ("pipeline", "Segment-then-classify pipeline", "pipeline"),
    ("walkmap", "Walkmaps", "walkmap"),
    ("distillation", "Distillation", "distill"),
    ("conclusions", "Conclusions", None),
]

# A stage runs when its name is in the lab config's ``stages:`` list (visionlab.lab.STAGES).
STAGES_KEY = "stages"


# --- the document: blocks that render to HTML and Markdown ---------------------------------------

@dataclass
class Picture:
    """A PNG for ``report_files/NAME`` (and a data URI in the HTML)."""

    name: str
    data: bytes
    width: int
    height: int
    caption: str = ""


@dataclass
class Para:
    text: str


@dataclass
class Note:
    text: str


@dataclass
class Heading:
    text: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Gallery:
    pictures: list[Picture]
    columns: int = 0  # pictures per line; 0: as many as fit at about 250 px each


@dataclass
class Pre:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Details:
    summary: str
    blocks: list[Block]


Block = Union[Para, Note, Heading, Table, Gallery, Pre, Bullets, Details]


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block]
    ran: bool = True


# --- reading the lab folder ----------------------------------------------------------------------

@dataclass
class Lab:
    """The lab folder, its manifest, and what the report has collected so far."""

    root: Path
    manifest: dict
    pictures: dict[str, Picture] = field(default_factory=dict)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (section id, sentence) for the conclusions

    def stage(self, name: str) -> dict | None:
        return (self.manifest.get("stages") or {}).get(name)

    def stage_path(self, stage: str, key: str) -> Path:
        entry = self.stage(stage) or {}
        if not entry.get(key):
            raise RunFolderError(f"{self.root / MANIFEST}: stage {stage!r} has no {key!r} entry; rerun `visionlab lab`")
        return self.root / entry[key]

    def need(self, path: Path, stage: str) -> Path:
        """``path``, or an error naming it and the stage that should have written it."""
        if not path.exists():
            raise RunFolderError(f"report: {path} is missing, although {self.root / MANIFEST} lists the {stage!r} stage; "
                                 f"rerun the lab (visionlab lab CONFIG) or restore the file")
        return path

    def json(self, path: Path, stage: str) -> Any:
        return read_json(self.need(path, stage))

    def fact(self, section: str, sentence: str) -> None:
        self.facts.append((section, sentence))


def read_manifest(lab: Path) -> dict:
    path = lab / MANIFEST
    if not path.is_file():
        raise RunFolderError(f"{lab} is not a lab folder (no {MANIFEST}); make one with: visionlab lab CONFIG")
    manifest = read_json(path)
    if not str(manifest.get("format", "")).startswith(FORMAT_PREFIX):
        raise RunFolderError(f"{path} is not a visionlab lab manifest (format {manifest.get('format')!r}, expected {FORMAT_PREFIX}1)")
    return manifest


# --- numbers and pictures ------------------------------------------------------------------------

def num(value: Any, digits: int = 4) -> str:
    """A number with ``digits`` decimals; ``n/a`` for missing values."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value):.{digits}f}"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def times(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.1f}×"


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "image"


def to_rgb(im: Image.Image) -> Image.Image:
    """RGB, transparency composited over white."""
    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        bg = Image.new("RGB", im.size, (255, 255, 255))
        bg.paste(im, mask=im.getchannel("A"))
        return bg
    return im.convert("RGB")


def png_bytes(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def add_picture(lab: Lab, name: str, im: Image.Image, caption: str, max_width: int = FIGURE_WIDTH) -> Picture:
    im = to_rgb(im)
    if im.width > max_width:
        im = im.resize((max_width, max(1, round(im.height * max_width / im.width))), Image.LANCZOS)
    base, k = safe_name(name), 1
    key = f"{base}.png"
    while key in lab.pictures:
        k += 1
        key = f"{base}_{k}.png"
    pic = Picture(key, png_bytes(im), im.width, im.height, caption)
    lab.pictures[key] = pic
    return pic


def file_picture(lab: Lab, path: Path, stage: str, name: str, caption: str, max_width: int = FIGURE_WIDTH) -> Picture:
    lab.need(path, stage)
    with Image.open(path) as im:
        im.load()
        return add_picture(lab, name, im, caption, max_width)


def strip(tiles: list[Image.Image], labels: list[str], side: int = THUMB) -> Image.Image:
    """Square thumbnails in one row, each with a label above it."""
    band = 14
    out = Image.new("RGB", (len(tiles) * (side + 4) - 4, side + band), (255, 255, 255))
    draw = ImageDraw.Draw(out)
    for i, (tile, label) in enumerate(zip(tiles, labels)):
        t = to_rgb(tile)
        t.thumbnail((side, side), Image.LANCZOS)
        x = i * (side + 4)
        out.paste(t, (x + (side - t.width) // 2, band + (side - t.height) // 2))
        draw.text((x + 2, 1), label[:22], fill=(40, 40, 40))
    return out


def evenly(items: list, k: int) -> list:
    """Up to ``k`` items spread over the list (first and last included), in order."""
    if len(items) <= k:
        return list(items)
    step = (len(items) - 1) / (k - 1) if k > 1 else 0
    return [items[round(i * step)] for i in range(k)]


def short_name(lab: Lab, model: Any) -> str:
    """A run folder relative to the lab (``segment/``), or a model name as it is."""
    text = str(model)
    path = Path(text)
    if not path.is_absolute():
        return text
    try:
        return path.resolve().relative_to(lab.root.resolve()).as_posix() + "/"
    except ValueError:
        return path.name + "/"


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_float(v: Any) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


# --- header --------------------------------------------------------------------------------------

def header_blocks(lab: Lab) -> list[Block]:
    m = lab.manifest
    machine = m.get("machine") or {}
    rows = [["variant", str(m.get("variant", "n/a"))], ["classes", ", ".join(m.get("classes") or []) or "n/a"],
            ["started", str(m.get("started", "n/a"))], ["total time", "n/a (the lab did not finish)" if m.get("seconds") is None else f"{num(m['seconds'], 1)} s"],
            ["machine", machine_line(machine)]]
    stages = [[name, num(entry.get("seconds"), 1)] for name, entry in (m.get("stages") or {}).items()]
    blocks: list[Block] = [Table(["", ""], rows)]
    if stages:
        blocks.append(Table(["stage", "seconds"], stages, "Stages that ran, in order, with their wall-clock time."))
    blocks.append(Details("Lab configuration (as resolved by the lab runner)", [Pre(config_text(m.get("config") or {}))]))
    return blocks


def machine_line(machine: dict) -> str:
    parts = [f"{k} {machine[k]}" for k in ("platform", "processor", "device", "threads", "torch") if machine.get(k) not in (None, "")]
    return "; ".join(parts) or "n/a"


def config_text(config: dict) -> str:
    import yaml

    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=False).strip() or "{}"


# --- dataset -------------------------------------------------------------------------------------

def classify_run(lab: Lab) -> tuple[Path, dict]:
    run = lab.stage_path("classify", "run")
    return run, lab.json(run / "config.json", "classify")


def classify_data_root(lab: Lab, run: Path) -> tuple[Path, dict]:
    """The classification images: the data stage's folder, else the root saved in the run's split."""
    split = lab.json(run / "split.json", "classify")
    data = lab.stage("data") or {}
    root = lab.root / data["classify_data"] if data.get("classify_data") else Path(split["root"])
    return lab.need(root, "data" if data.get("classify_data") else "classify"), split


def dataset_section(lab: Lab) -> list[Block]:
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
    if c.get("mode") == "frozen" and int(c.get("feature_views", 1)) == 1:
        blocks.append(Note("In this run (mode frozen, feature_views 1) the head trained on features of the unaugmented training "
                           "images, cached once; the augmentation above was not applied during training."))
    elif c.get("mode") == "frozen":
        blocks.append(Note(f"In this run (mode frozen, feature_views {c.get('feature_views')}) each training image had "
                           f"{int(c.get('feature_views')) - 1} augmented view(s) besides the unaugmented one, cached once."))
    return blocks


def augmented_views(image: Image.Image, aug: Any, pre: Any, n: int, seed: int) -> list[Image.Image]:
    """``n`` draws of the training transform, de-normalized back to pictures."""
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


# --- classification model ------------------------------------------------------------------------

MODE_TEXT = {
    "frozen": "frozen: the pretrained backbone is fixed, only the new head trains",
    "finetune": "finetune: the head trains first, then the top backbone stages at a lower learning rate",
    "full": "full: every parameter trains",
}


def classifier_parameters(ckpt: Path, mode: str, unfreeze_top: int) -> dict[str, int]:
    """Parameter counts of a checkpoint's model with the run's mode applied (what that mode trains)."""
    from visionlab.models.checkpoint import load_classifier

    model, _ = load_classifier(ckpt)
    if mode == "frozen":
        model.freeze_backbone()
    elif mode == "finetune":
        model.freeze_backbone(keep_top=unfreeze_top)
    else:
        model.unfreeze_backbone()
    params = list(model.parameters())
    return {"total": sum(p.numel() for p in params), "trainable": sum(p.numel() for p in params if p.requires_grad),
            "head": sum(p.numel() for p in model.head_parameters()), "features": int(model.num_features)}


def model_section(lab: Lab) -> list[Block]:
    run, cfg = classify_run(lab)
    c = cfg["config"]
    ckpt = next((run / n for n in ("best.safetensors", "last.safetensors") if (run / n).is_file()), run / "best.safetensors")
    counts = classifier_parameters(lab.need(ckpt, "classify"), c["mode"], int(c.get("unfreeze_top", 2)))
    weights = cfg.get("weights")
    pre = cfg["preprocess"]
    rows = [["backbone", c["backbone"]], ["mode", MODE_TEXT.get(c["mode"], c["mode"])],
            ["weights", weights_text(weights)],
            ["head", f"Dropout({c.get('dropout')}) + Linear({counts['features']} → {len(cfg['classes'])})"],
            ["input", f"resize short side to {pre['resize_size']} px, centre crop {pre['crop_size']} px ({pre.get('interpolation')})"],
            ["normalization", f"mean {pre['mean']}, std {pre['std']}"],
            ["parameters (trainable / total)", f"{counts['trainable']:,} / {counts['total']:,}"],
            ["parameters of the head", f"{counts['head']:,}"]]
    share = counts["trainable"] / counts["total"] if counts["total"] else 0.0
    lab.fact("model", f"Classifier {c['backbone']} ({c['mode']}): {counts['trainable']:,} of {counts['total']:,} parameters trainable "
                      f"({100 * share:.2f}%).")
    return [Table(["", ""], rows, "The classifier (config.json of the run; counts from its best checkpoint)."),
            Heading("Training settings"), Table(["setting", "value"], training_settings(c, cfg.get("versions") or {}))]


def weights_text(weights: dict | None) -> str:
    if not weights:
        return "none (random initialisation)"
    text = f"{weights.get('name')} from {weights.get('source') or weights.get('url') or 'n/a'}"
    acc = (weights.get("metrics") or {}).get("ImageNet-1K acc@1")
    return text + (f" (ImageNet-1K top-1 {acc}%)" if acc is not None else "")


def training_settings(c: dict, versions: dict) -> list[list[str]]:
    sched = {"step": f"StepLR (step {c.get('step_size')} epochs, gamma {c.get('gamma')})",
             "cosine": f"cosine annealing over {c.get('epochs')} epochs", "none": "constant"}.get(c.get("scheduler"), str(c.get("scheduler")))
    rows = [["epochs", str(c.get("epochs"))], ["batch size", str(c.get("batch_size"))],
            ["optimizer", f"Adam, learning rate {c.get('lr')}, weight decay {c.get('weight_decay')}"], ["schedule", sched],
            ["early stopping", f"after {c['patience']} epochs without improvement" if c.get("patience") else "off"],
            ["loss", "cross-entropy"], ["validation share", str(c.get("val_fraction"))], ["seed", str(c.get("seed"))]]
    if c.get("mode") == "finetune":
        rows.append(["finetune", f"head alone for {c.get('head_epochs')} epoch(s), then the top {c.get('unfreeze_top')} stages "
                                 f"at {c.get('backbone_lr_factor')} × the learning rate"])
    if c.get("mode") == "frozen":
        rows.append(["feature views", str(c.get("feature_views"))])
    rows.append(["autocast", str(c.get("amp"))])
    if versions:
        rows.append(["versions", ", ".join(f"{k} {versions[k]}" for k in ("visionlab", "torch", "torchvision", "timm") if k in versions)])
    return rows


# --- training ------------------------------------------------------------------------------------

def best_row(history: list[dict], score: str) -> dict | None:
    """The epoch the run kept as best (same rule as training: higher score, ties to the lower loss)."""
    from visionlab.train.fit import is_better

    best = None
    for row in history:
        if is_better(row, best, score):
            best = row
    return best


def numeric_history(path: Path) -> list[dict]:
    return [{k: as_float(v) for k, v in row.items()} for row in read_csv(path)]


def training_section(lab: Lab) -> list[Block]:
    run, cfg = classify_run(lab)
    history = numeric_history(lab.need(run / "history.csv", "classify"))
    curves = file_picture(lab, run / "plots" / "curves.png", "classify", "training_curves", "Loss and accuracy per epoch (plots/curves.png).")
    if not history:
        raise RunFolderError(f"report: {run / 'history.csv'} has no epoch rows")
    best = best_row(history, "val_acc")
    last = history[-1]
    planned = cfg["config"].get("epochs")
    rows = [["epochs run", f"{len(history)} of {planned}"], ["best epoch (kept as best.safetensors)", str(int(best["epoch"]))],
            ["validation accuracy at the best epoch", num(best["val_acc"])], ["validation loss at the best epoch", num(best["val_loss"])],
            ["last epoch: train / validation accuracy", f"{num(last['train_acc'])} / {num(last['val_acc'])}"],
            ["last epoch: train / validation loss", f"{num(last['train_loss'])} / {num(last['val_loss'])}"],
            ["training time (sum of epochs)", f"{sum(r['seconds'] or 0 for r in history):.1f} s"]]
    lab.fact("training", f"Best validation accuracy {num(best['val_acc'])} at epoch {int(best['epoch'])} of {len(history)}.")
    gap = last["train_acc"] - last["val_acc"]
    lab.fact("training", f"Last epoch: train accuracy {num(last['train_acc'])}, validation accuracy {num(last['val_acc'])} "
                         f"(train minus validation {gap:+.4f}).")
    if len(history) < (planned or 0) and cfg["config"].get("patience"):
        lab.fact("training", f"Early stopping (patience {cfg['config']['patience']}) ended training after {len(history)} of {planned} epochs.")
    keys = ["epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"]
    table = Table(keys, [[history_cell(k, r.get(k)) for k in keys] for r in history])
    return [Gallery([curves], columns=1), Table(["", ""], rows, "Summary of history.csv."), Details("Every epoch (history.csv)", [table])]


def history_cell(key: str, v: float | None) -> str:
    if v is None:
        return "n/a"
    if key == "epoch":
        return str(int(v))
    if key == "lr":
        return f"{v:.3g}"
    if key == "seconds":
        return f"{v:.2f}"
    return f"{v:.4f}"


# --- classification results ----------------------------------------------------------------------

SPLIT_NAMES = {"train": "training", "val": "validation", "test": "test"}


def classification_section(lab: Lab) -> list[Block]:
    run, _ = classify_run(lab)
    splits = [s for s in ("val", "test", "train") if (run / "eval" / s / "metrics.json").is_file()]
    metrics = [lab.json(run / "eval" / s / "metrics.json", "classify") for s in splits] or [lab.json(run / "metrics.json", "classify")]
    blocks: list[Block] = []
    for m in metrics:
        blocks += split_blocks(lab, run, m)
    return blocks + prediction_blocks(lab, run)


def relocate(path: Path, old_root: Path, new_root: Path) -> Path:
    """``path`` under ``new_root`` when it was written under ``old_root`` (a lab folder may have moved)."""
    if path.is_file():
        return path
    try:
        return new_root / path.relative_to(old_root)
    except ValueError:
        return path


def prediction_blocks(lab: Lab, run: Path) -> list[Block]:
    """``predictions_sample.csv`` (visionlab predict on a few validation images), when the lab wrote it."""
    path = run / "predictions_sample.csv"
    if not path.is_file():
        return []
    root, split = classify_data_root(lab, run)
    classes = split["classes"]
    pics = []
    for row in read_csv(path)[:GALLERY_MAX]:
        image = lab.need(relocate(Path(row["path"]), Path(split["root"]), root), "classify")
        truth = image.parent.name if image.parent.name in classes else "?"
        with Image.open(image) as im:
            tile = to_rgb(im)
        tile.thumbnail((192, 192), Image.LANCZOS)
        caption = f"{image.name}: predicted {row['label']} ({num(as_float(row['confidence']), 3)}), true {truth}"
        if len(classes) > 2:
            caption += f"; top: {row['top_k']}"
        pics.append(add_picture(lab, f"classification_predicted_{image.stem}", tile, caption))
    return [Heading("Predictions on sample images"),
            Para(f"The classifier's predictions on {plural(len(pics), 'validation image')} (predictions_sample.csv)."),
            Gallery(pics, columns=min(GALLERY_MAX, 6))]


def split_blocks(lab: Lab, run: Path, m: dict) -> list[Block]:
    split, classes = m["split"], m["classes"]
    name = SPLIT_NAMES.get(split, split)
    cm = m["confusion_matrix"]
    wrong = m["n_images"] - sum(cm[i][i] for i in range(len(cm)))
    overall = [["images", num(m["n_images"])], ["accuracy", num(m["accuracy"])],
               ["precision / recall / F1 (macro)", f"{num(m['precision_macro'])} / {num(m['recall_macro'])} / {num(m['f1_macro'])}"],
               ["precision / recall / F1 (weighted)", f"{num(m['precision_weighted'])} / {num(m['recall_weighted'])} / {num(m['f1_weighted'])}"],
               ["ROC AUC" + (f" ({m['roc_auc_kind']})" if m.get("roc_auc_kind") else ""), num(m.get("roc_auc"))],
               ["misclassified images", num(wrong)]]
    per_class = [[c, num(p["precision"]), num(p["recall"]), num(p["f1"]), num(p["support"]), num(p.get("roc_auc"))]
                 for c, p in m["per_class"].items()]
    auc = "" if m.get("roc_auc") is None else f" (ROC AUC {num(m['roc_auc'])})"
    text = f"{name.capitalize()} accuracy {num(m['accuracy'])} on {plural(m['n_images'], 'image')}{auc}; {wrong} misclassified."
    lab.fact("classification", text)
    matrix = Table(["true \\ predicted", *classes], [[c, *[str(v) for v in row]] for c, row in zip(classes, cm)],
                   "Confusion matrix (counts): rows are the true classes, columns the predicted ones.")
    plots = run / "plots"
    pics = [file_picture(lab, plots / f"confusion_{split}.png", "classify", f"classification_confusion_{split}", f"Confusion matrix ({name})")]
    if m.get("roc_auc") is not None:
        pics.append(file_picture(lab, plots / f"roc_{split}.png", "classify", f"classification_roc_{split}", f"ROC curve ({name})"))
    blocks: list[Block] = [Heading(f"{name.capitalize()} split"), Para(text), Table(["metric", "value"], overall),
                           Table(["class", "precision", "recall", "F1", "support", "ROC AUC"], per_class, "Per class."),
                           matrix, Gallery(pics, columns=3)]
    return blocks + mistakes_blocks(lab, plots, m, name)


def mistakes_blocks(lab: Lab, plots: Path, m: dict, name: str) -> list[Block]:
    mistakes = m.get("worst_mistakes") or []
    if not mistakes:
        return [Para(f"No misclassified image in the {name} split.")]
    shown = mistakes[:GALLERY_MAX]
    rows = [[x["path"], x["true"], x["pred"], num(x["confidence"], 3)] for x in shown]
    worst = shown[0]
    lab.fact("classification", f"Most confident {name} mistake: {worst['path']}, a {worst['true']} predicted as {worst['pred']} "
                               f"with confidence {num(worst['confidence'], 3)}.")
    pic = file_picture(lab, plots / f"worst_{m['split']}.png", "classify", f"classification_worst_{m['split']}",
                       f"The most confident mistakes ({name}).")
    return [Heading(f"Worst mistakes ({name})"),
            Table(["image", "true", "predicted", "confidence"], rows,
                  f"The {plural(len(shown), 'misclassified image')} with the highest confidence in the wrong class"
                  + (f" (of {len(mistakes)} listed)." if len(mistakes) > len(shown) else ".")),
            Gallery([pic], columns=1)]


# --- Grad-CAM ------------------------------------------------------------------------------------

METHOD_NAMES = {"gradcam": "Grad-CAM", "gradcam++": "Grad-CAM++", "hirescam": "HiResCAM", "layercam": "LayerCAM",
                "eigencam": "Eigen-CAM", "scorecam": "Score-CAM"}


def method_name(method: Any) -> str:
    return METHOD_NAMES.get(str(method), str(method))


def cam_columns(s: dict) -> list[str]:
    top = f"{100 * s.get('top_fraction_for_perturbation', 0.2):g}%"
    return ["", "images", "CAM mass in object", "object area share", "× chance", "pointing game",
            f"IoU (CAM > {s.get('cam_threshold_for_iou', 0.5)})", "confidence", f"keep top {top}", f"remove top {top}"]


def explain_dirs(lab: Lab) -> list[Path]:
    """The CAM output folders: the stage's folder itself, or its method sub-folders."""
    base = lab.need(lab.stage_path("explain", "dir"), "explain")
    if (base / "cam_metrics.json").is_file():
        return [base]
    found = sorted(p.parent for p in base.glob("*/cam_metrics.json"))
    if not found:
        lab.need(base / "gradcam" / "cam_metrics.json", "explain")
    return found


def cam_row(name: str, m: dict) -> list[str]:
    return [name, num(m["n_images"]), num(m.get("energy_in_mask"), 3), num(m.get("area_share"), 3), times(m.get("energy_over_chance")),
            num(m.get("pointing_hit"), 3), num(m.get("iou"), 3), num(m.get("conf_original"), 3), num(m.get("conf_keep_top"), 3),
            num(m.get("conf_remove_top"), 3)]


def gradcam_section(lab: Lab) -> list[Block]:
    folders = explain_dirs(lab)
    blocks: list[Block] = []
    for folder in folders:
        blocks += cam_blocks(lab, folder, titled=len(folders) > 1)
    return blocks


def cam_blocks(lab: Lab, folder: Path, titled: bool) -> list[Block]:
    s = lab.json(folder / "cam_metrics.json", "explain")
    method = s.get("method", folder.name)
    res, inp = s.get("cam_resolution") or ["?", "?"], s.get("input_resolution") or ["?", "?"]
    top = s.get("top_fraction_for_perturbation", 0.2)
    intro = (f"Method {method_name(method)}, layer {s.get('layer') or 'the backbone default (last convolutional block)'}; "
             f"heatmap native resolution {res[0]}×{res[1]} for {inp[0]}×{inp[1]} px inputs; explained class: "
             f"{s.get('target_class') or 'the predicted one'}; {s['overall']['n_images']} images.")
    table = Table(cam_columns(s), [cam_row("all", s["overall"])] + [cam_row(c, m) for c, m in s["per_class"].items()],
                  "CAM mass in object: share of the heatmap's sum inside the object mask; × chance: that share divided by the "
                  "object's area share (1.0 = no preference); pointing game: share of images whose heatmap maximum lies on the "
                  f"object; IoU of the heatmap above {s.get('cam_threshold_for_iou', 0.5)} with the mask; confidence of the explained "
                  f"class on the original image, with only the top {100 * top:g}% heatmap pixels kept, and with them removed.")
    blocks: list[Block] = ([Heading(method_name(method))] if titled else []) + [Para(intro), table]
    blocks += cam_analysis(lab, s)
    classes = list(lab.manifest.get("classes") or []) + [c for c in s["per_class"] if c not in (lab.manifest.get("classes") or [])]
    for c in classes:  # a gallery per true class measured, and per predicted class of unlabelled images
        if c not in s["per_class"] and not (folder / f"gallery_{c}.png").is_file():
            continue
        pic = file_picture(lab, folder / f"gallery_{c}.png", "explain", f"gradcam_{method}_gallery_{c}",
                           f"{c}: image | heatmap | overlay, up to {GALLERY_MAX} images; misclassified ones first (at most half), "
                           "their title in red, correct ones in green.")
        blocks += [Heading(f"Class {c}"), Gallery([pic], columns=1)]
    blocks += lowest_mass_blocks(lab, folder, method)
    return blocks


def cam_analysis(lab: Lab, s: dict) -> list[Block]:
    o = s["overall"]
    sentences = []
    if o.get("energy_in_mask") is not None:
        mass = (f"{method_name(s.get('method', 'CAM'))} mass inside the object: {num(o['energy_in_mask'], 3)} against an area share of "
                f"{num(o['area_share'], 3)} ({times(o.get('energy_over_chance'))} chance); the heatmap maximum lies on the "
                f"object in {num(o['pointing_hit'], 3)} of the images.")
        lab.fact("gradcam", mass)
        sentences.append(mass)
        for c, m in s["per_class"].items():
            if m.get("energy_in_mask") is not None:
                sentences.append(f"{c}: CAM mass in the object {num(m['energy_in_mask'], 3)} (area share {num(m['area_share'], 3)}, "
                                 f"{times(m.get('energy_over_chance'))} chance), pointing game {num(m['pointing_hit'], 3)}, "
                                 f"IoU {num(m['iou'], 3)}.")
        ranked = sorted(((m["energy_over_chance"], c) for c, m in s["per_class"].items() if m.get("energy_over_chance") is not None))
        if len(ranked) > 1:
            sentences.append(f"Highest mass over chance: {ranked[-1][1]} ({times(ranked[-1][0])}); lowest: {ranked[0][1]} "
                             f"({times(ranked[0][0])}).")
    top = 100 * s.get("top_fraction_for_perturbation", 0.2)
    confidence = (f"Mean confidence {num(o['conf_original'], 3)}; with only the top {top:g}% heatmap pixels kept "
                  f"{num(o['conf_keep_top'], 3)}; with them removed {num(o['conf_remove_top'], 3)}.")
    lab.fact("gradcam", confidence)
    sentences.append(confidence)
    for c, m in s["per_class"].items():
        sentences.append(f"{c}: confidence {num(m['conf_original'], 3)} → {num(m['conf_keep_top'], 3)} (top {top:g}% kept), "
                         f"{num(m['conf_remove_top'], 3)} (top {top:g}% removed).")
    return [Heading("Analysis (from the measures)"), Bullets(sentences)]


def lowest_mass_blocks(lab: Lab, folder: Path, method: str) -> list[Block]:
    path = folder / "per_image.csv"
    if not path.is_file():
        return []
    rows = [r for r in read_csv(path) if as_float(r.get("energy_in_mask")) is not None]
    if not rows:
        return []
    rows.sort(key=lambda r: as_float(r["energy_in_mask"]))
    pics = []
    for r in rows[:EXAMPLES_MAX]:
        stem = Path(r["path"]).stem
        caption = (f"{stem}: true {r['true'] or '?'}, predicted {r['pred']} ({num(as_float(r['confidence']), 2)}); CAM mass in the "
                   f"object {num(as_float(r['energy_in_mask']), 3)}, area share {num(as_float(r['area_share']), 3)}")
        pics.append(file_picture(lab, folder / "images" / f"{stem}.png", "explain", f"gradcam_{method}_lowest_{stem}", caption, 900))
    return [Heading("Images with the lowest CAM mass in the object"),
            Para(f"The {len(pics)} of {len(rows)} images whose heatmap puts the least mass on the object (per_image.csv)."),
            Gallery(pics)]


# --- segmentation --------------------------------------------------------------------------------

def segmentation_section(lab: Lab) -> list[Block]:
    entry = lab.stage("segment") or {}
    run = lab.stage_path("segment", "run")
    if not run.is_dir() and is_model_name(str(entry.get("run"))):
        return pretrained_segmenter_blocks(lab, str(entry["run"]))  # a pretrained model used as it is, not a run folder
    cfg = lab.json(run / "config.json", "segment")
    split = "test" if (run / "eval" / "test" / "metrics.json").is_file() else "val"
    m = lab.json(run / "eval" / split / "metrics.json", "segment")
    blocks: list[Block] = [Table(["", ""], segmenter_rows(cfg), "The segmenter (config.json of the run).")]
    blocks += seg_metric_blocks(lab, m, split)
    history = numeric_history(lab.need(run / "history.csv", "segment"))
    best = best_row(history, "val_miou") if history else None
    if best:
        lab.fact("segmentation", f"Best validation mIoU {num(best['val_miou'])} at epoch {int(best['epoch'])} of {len(history)}.")
    blocks += [Heading("Training curves"),
               Gallery([file_picture(lab, run / "plots" / "curves.png", "segment", "segmentation_curves", "Loss, pixel accuracy and mIoU per epoch.")],
                       columns=1)]
    blocks += seg_example_blocks(lab, "the trained model") + seg_plot_blocks(lab, run, split)
    blocks += experiment_blocks(lab)
    return blocks


def is_model_name(name: str) -> bool:
    from visionlab.models.classical import CLASSICAL
    from visionlab.models.segmenters import PRETRAINED

    return name in PRETRAINED or name in CLASSICAL


def pretrained_segmenter_blocks(lab: Lab, name: str) -> list[Block]:
    """The lab used a pretrained segmenter as it is: no training, no ground truth, only its outputs."""
    folder = lab.stage_path("segment", "examples")
    model = lab.json(folder / "summary.json", "segment")["model"]
    rows = [["model", name], ["architecture", f"{model.get('arch')} / {model.get('encoder')}"], ["weights", weights_text(model.get("weights"))],
            ["classes", f"{len(model.get('classes') or [])}: {', '.join(model.get('classes') or [])}"]]
    return ([Table(["", ""], rows, "The pretrained segmenter (summary.json of the examples)."),
             Note("The lab used this pretrained segmenter without training it and without masks to score it: no mIoU to report.")]
            + seg_example_blocks(lab, name) + experiment_blocks(lab))


def segmenter_rows(cfg: dict) -> list[list[str]]:
    c = cfg["config"]
    params = cfg.get("parameters") or {}
    enc = cfg.get("encoder_weights")
    counts = cfg.get("counts") or {}
    classes = (cfg.get("classes") or {}).get("classes") or []
    rows = [["architecture", f"{c.get('model')} / encoder {c.get('encoder')}"],
            ["encoder start", ("pretrained: " + weights_text(enc)) if c.get("pretrained") and enc else
             ("pretrained" if c.get("pretrained") else "random initialisation (from scratch)")],
            ["parameters (trainable / total)", f"{params['trainable']:,} / {params['total']:,}" if params else "n/a"],
            ["classes", f"{len(classes)}: {', '.join(classes)}"],
            ["images (train / val / test)", " / ".join(str(counts.get(s, 0)) for s in ("train", "val", "test"))],
            ["training input", "×".join(str(v) for v in c.get("img_size", []))],
            ["training", f"{c.get('epochs')} epochs, batch {c.get('batch_size')}, Adam lr {c.get('lr')}, {c.get('scheduler')} schedule, "
                         f"loss {c.get('loss')}, class weights {c.get('class_weights')}"]]
    return rows


def seg_metric_blocks(lab: Lab, m: dict, split: str) -> list[Block]:
    name = SPLIT_NAMES.get(split, split)
    rows = [["images", num(m["n_images"])], ["mIoU", num(m["miou"])], ["pixel accuracy", num(m["pixel_accuracy"])],
            ["mean class accuracy", num(m.get("mean_class_accuracy"))], ["frequency-weighted IoU", num(m.get("fw_iou"))],
            ["Dice (macro)", num(m.get("dice_macro"))], ["mean per-image IoU", num(m.get("mean_image_iou"))]]
    per_class = [[c, num(iou), num((m.get("per_class_accuracy") or {}).get(c)), num((m.get("per_class_dice") or {}).get(c))]
                 for c, iou in m["per_class_iou"].items()]
    valid = [(v, c) for c, v in m["per_class_iou"].items() if v is not None and not (isinstance(v, float) and math.isnan(v))]
    text = f"{name.capitalize()} mIoU {num(m['miou'])}, pixel accuracy {num(m['pixel_accuracy'])} on {plural(m['n_images'], 'image')}"
    if len(valid) > 1:
        lo, hi = min(valid), max(valid)
        text += f"; lowest class IoU: {lo[1]} {num(lo[0])}, highest: {hi[1]} {num(hi[0])}"
    lab.fact("segmentation", text + ".")
    return [Heading(f"Results on the {name} split"), Para(text + "."), Table(["metric", "value"], rows),
            Table(["class", "IoU", "pixel accuracy", "Dice"], per_class, "Per class.")]


def seg_example_blocks(lab: Lab, model: str) -> list[Block]:
    blocks: list[Block] = []
    entry = lab.stage("segment") or {}
    if entry.get("examples"):
        folder = lab.need(lab.root / entry["examples"], "segment")
        summary = lab.json(folder / "summary.json", "segment")
        pics = []
        for row in summary["images"][:EXAMPLES_MAX]:
            shares = ", ".join(f"{k} {100 * v:.1f}%" for k, v in list(row["classes"].items())[:4])
            sub = "figures" if (folder / "figures" / f"{row['name']}.png").is_file() else "overlays"
            pics.append(file_picture(lab, folder / sub / f"{row['name']}.png", "segment", f"segmentation_example_{row['name']}",
                                     f"{row['name']}: {shares}"))
        blocks += [Heading("Examples"), Para(f"{len(pics)} of {summary['n_images']} images segmented by {model} (image | mask | "
                                             "overlay, pixel share per class)."), Gallery(pics, columns=2)]
    return blocks


def seg_plot_blocks(lab: Lab, run: Path, split: str) -> list[Block]:
    """The run's worst images and its pixel confusion matrix, when the evaluation drew them."""
    name = SPLIT_NAMES.get(split, split)
    pics = []
    worst = run / "plots" / f"worst_{split}.png"
    if worst.is_file():
        pics.append(file_picture(lab, worst, "segment", f"segmentation_worst_{split}",
                                 f"The {name} images with the lowest IoU: image | truth | prediction.", 900))
    confusion = run / "plots" / f"confusion_{split}_normalized.png"
    if confusion.is_file():
        pics.append(file_picture(lab, confusion, "segment", f"segmentation_confusion_{split}",
                                 f"Pixel confusion matrix, row-normalized ({name}).", 900))
    return [Heading(f"Worst images and confusion ({name})"), Gallery(pics, columns=2)] if pics else []


def reached(row: dict) -> str:
    if row.get("epochs_to_target") is None:
        return f"not reached in {row.get('epochs')} epochs"
    return f"reached at epoch {row['epochs_to_target']}"


def experiment_blocks(lab: Lab) -> list[Block]:
    blocks: list[Block] = [Heading("Pretrained encoder versus from scratch")]
    if lab.stage("experiment") is None:
        return blocks + [Note(not_run_text("experiment"))]
    folder = lab.stage_path("experiment", "dir")
    e = lab.json(folder / "experiment.json", "experiment")
    rows = [[r["model"], num(r["miou"]), num(r["pixel_accuracy"]), num(r.get("seconds_per_epoch"), 1), num(r.get("epochs_to_target")),
             num(r.get("seconds_to_target"), 0), f"{r['trainable_parameters']:,} / {r['total_parameters']:,}" if r.get("total_parameters") else "-"]
            for r in e["rows"]]
    table = Table(["model", "mIoU", "pixel acc", "s/epoch", f"epochs to val mIoU {e['target_miou']}", "training s to target",
                   "trainable / total params"], rows, f"Scored on the {e['rows'][0].get('split', 'test')} split; both "
                                                      "networks had the same data, split, seed and epochs (experiment.json).")
    arms = {("pretrained" if r["model"].endswith("pretrained") else "scratch"): r for r in e["rows"] if r.get("run")}
    if {"pretrained", "scratch"} <= set(arms):
        p, s = arms["pretrained"], arms["scratch"]
        lab.fact("segmentation", f"Pretrained encoder: {p['split']} mIoU {num(p['miou'])} against {num(s['miou'])} from scratch "
                                 f"(difference {p['miou'] - s['miou']:+.4f}); validation mIoU {e['target_miou']}: "
                                 f"{reached(p)} with the pretrained encoder, {reached(s)} from scratch.")
    pic = file_picture(lab, folder / "curves.png", "experiment", "experiment_curves", "Validation mIoU per epoch and per training second.")
    return blocks + [table, Gallery([pic], columns=1)]


# --- Grad-CAM versus segmentation ----------------------------------------------------------------

COMPARE_COLUMNS = ["", "images", "CAM mass in region", "region area share", "× chance", "IoU", "pointing game", "confidence"]


def compare_row(name: str, m: dict) -> list[str]:
    return [name, num(m["n_images"]), num(m.get("cam_mass_in_region"), 3), num(m.get("region_area_share"), 3),
            times(m.get("mass_over_chance")), num(m.get("iou"), 3), num(m.get("pointing_hit"), 3), num(m.get("confidence"), 3)]


def comparison_section(lab: Lab) -> list[Block]:
    folder = lab.stage_path("compare", "dir")
    s = lab.json(folder / "summary.json", "compare")
    concept = "+".join(s["concept_classes"])
    th = s["threshold"]
    how = "Otsu's threshold" if th["method"] == "otsu" else f"the top {th['top_percent']:g}% of pixels"
    o = s["overall"]
    measured = (f"{method_name(s['method'])} mass in the segmented {concept} region {num(o['cam_mass_in_region'], 3)} against its area share of "
                f"{num(o['region_area_share'], 3)} ({times(o.get('mass_over_chance'))} chance); IoU {num(o['iou'], 3)}; pointing game "
                f"{num(o['pointing_hit'], 3)}.")
    lab.fact("comparison", measured)
    text = (f"{s['n_images']} images: {method_name(s['method'])} heatmaps of the classifier against the {concept} region found by "
            f"the segmenter {short_name(lab, s.get('segmenter'))}. {measured}")
    blocks: list[Block] = [Para(text), Table(COMPARE_COLUMNS, [compare_row("all", o)] + [compare_row(f"predicted {c}", m)
                                                                                       for c, m in s["per_class"].items()],
                                             f"IoU of the heatmap above {how} with the segmented region; rows by predicted class.")]
    if s.get("empty_regions"):
        blocks.append(Note(f"{s['empty_regions']} image(s) had no {concept} pixel in the segmentation (mass 0 there)."))
    blocks += mask_vs_region_blocks(lab, s)
    blocks += compare_figures(lab, folder, s)
    return blocks


def mask_vs_region_blocks(lab: Lab, s: dict) -> list[Block]:
    """The same heatmaps against the true object mask (explain) and the segmented region (compare)."""
    if lab.stage("explain") is None:
        return []
    dirs = [d for d in explain_dirs(lab) if d.name == s.get("method")] or explain_dirs(lab)
    e = lab.json(dirs[0] / "cam_metrics.json", "explain")["overall"]
    o = s["overall"]
    if e.get("energy_in_mask") is None:
        return []
    rows = [["images", num(e["n_images"]), num(o["n_images"])],
            ["CAM mass inside", num(e["energy_in_mask"], 3), num(o["cam_mass_in_region"], 3)],
            ["area share", num(e["area_share"], 3), num(o["region_area_share"], 3)],
            ["× chance", times(e.get("energy_over_chance")), times(o.get("mass_over_chance"))],
            ["pointing game", num(e["pointing_hit"], 3), num(o["pointing_hit"], 3)],
            ["IoU", f"{num(e['iou'], 3)} (CAM > 0.5)", f"{num(o['iou'], 3)} ({s['threshold']['method']})"]]
    return [Heading("True mask versus segmented region"),
            Table(["measure", "true object mask (Grad-CAM section)", "segmented region"], rows,
                  "The heatmaps measured against the generator's object masks and against the segmenter's output; the heatmap "
                  "of the first is on the classifier's centre crop, of the second mapped onto the whole image.")]


def compare_figures(lab: Lab, folder: Path, s: dict) -> list[Block]:
    rows = [r for r in s.get("images") or [] if r.get("cam_mass_in_region") is not None]
    if not rows:
        return []
    ranked = sorted(rows, key=lambda r: r["cam_mass_in_region"])
    half = EXAMPLES_MAX // 2
    chosen = ranked[-half:][::-1] + [r for r in ranked[:half] if r not in ranked[-half:]]
    pics = [file_picture(lab, folder / "figures" / f"{r['name']}.png", "compare", f"comparison_{r['name']}",
                         f"{r['name']}: predicted {r['pred']} ({num(r['confidence'], 2)}); CAM mass in region "
                         f"{num(r['cam_mass_in_region'], 3)}, area {num(r['region_area_share'], 3)}, IoU {num(r.get('iou'), 3)}")
            for r in chosen]
    return [Heading("Examples"),
            Para(f"The {min(half, len(ranked))} images with the highest and the {len(pics) - min(half, len(ranked))} with the lowest CAM "
                 "mass in the region: image | CAM | segmentation | region with the thresholded CAM's outline."),
            Gallery(pics, columns=2)]


# --- pipeline and walkmaps -----------------------------------------------------------------------

def pipeline_section(lab: Lab) -> list[Block]:
    folder = lab.stage_path("pipeline", "dir")
    s = lab.json(folder / "summary.json", "pipeline")
    seg = s.get("segmenter")
    seg_name = seg.get("name") if isinstance(seg, dict) else seg
    o = s.get("options") or {}
    rows = [["images", num(s["n_images"])], ["regions classified", num(s["regions"])],
            ["labels", ", ".join(f"{k} {v}" for k, v in s["label_counts"].items()) or "none"],
            ["regions under the minimum area (skipped)", f"{num(s['skipped_small'])} (min area {o.get('min_area')} px)"],
            ["images without regions", num(s["images_without_regions"])],
            ["speed", f"{num(s.get('images_per_second'), 2)} images/s ({num(s.get('seconds'), 1)} s)"],
            ["segmentation classes cut into regions", ", ".join(s.get("classes") or [])],
            ["touching objects split", str(o.get("split_touching"))]]
    arch = f" ({seg['arch']}/{seg['encoder']})" if isinstance(seg, dict) and seg.get("arch") else ""
    blocks: list[Block] = [Para(f"Each image is segmented by {short_name(lab, seg_name)}{arch}, every {'/'.join(s.get('classes') or [])} "
                                f"region is cut out and classified by the classifier {short_name(lab, s.get('classifier'))}."),
                           Table(["", ""], rows)]
    sc = s.get("scores") or {}
    if sc:
        blocks.append(Table(["score", "value"],
                            [["scored images", num(sc["scored_images"])], ["true objects", num(sc["true_objects"])],
                             ["matched regions (IoU ≥ 0.5)", num(sc["matched"])], ["region recall", num(sc["region_recall"], 3)],
                             ["region precision", num(sc["region_precision"], 3)], ["label accuracy of matched regions", num(sc["label_accuracy"], 3)],
                             ["exact-count accuracy", num(sc["exact_count_accuracy"], 3)]],
                            "Against the true character instances of the game-world scenes."))
        lab.fact("pipeline", f"Pipeline on {plural(sc['scored_images'], 'scene')} ({plural(sc['true_objects'], 'character')}): region recall "
                             f"{num(sc['region_recall'], 3)}, precision {num(sc['region_precision'], 3)}, label accuracy "
                             f"{num(sc['label_accuracy'], 3)}, exact-count accuracy {num(sc['exact_count_accuracy'], 3)}.")
    else:
        lab.fact("pipeline", f"Pipeline on {plural(s['n_images'], 'image')}: {plural(s['regions'], 'region')} classified.")
    return blocks + pipeline_figures(lab, folder, s)


def pipeline_figures(lab: Lab, folder: Path, s: dict) -> list[Block]:
    images = s.get("images") or []
    scored = [r for r in images if r.get("score")]
    exact = [r for r in scored if r["score"]["exact_count"]]
    other = [r for r in scored if not r["score"]["exact_count"]]
    half = EXAMPLES_MAX // 2
    chosen = (exact[:half] + other[:half]) if scored else images[:EXAMPLES_MAX]
    pics = []
    for r in chosen:
        sc = r.get("score")
        cap = r["name"] + (f": {sc['true_objects']} characters, {sc['regions']} regions, {sc['matched']} matched, "
                           f"{sc['correct_labels']} labelled correctly" if sc else "")
        pics.append(file_picture(lab, folder / "annotated" / f"{r['name']}.png", "pipeline", f"pipeline_{r['name']}", cap, 600))
    if not pics:
        return []
    return [Heading("Annotated images"), Gallery(pics)]


def walkmap_section(lab: Lab) -> list[Block]:
    folder = lab.stage_path("walkmap", "dir")
    s = lab.json(folder / "summary.json", "walkmap")
    o = s["options"]
    totals: dict[str, int] = {}
    for r in s.get("images") or []:
        for k, v in r["counts"].items():
            totals[k] = totals.get(k, 0) + int(v)
    rows = [["images", num(s["n_images"])], ["tile", f"{o['tile']} px, clearance {o['clearance']} tiles, fill {o['fill']}"],
            ["walkable classes", ", ".join(o["walkable"])], ["hazard classes", ", ".join(o["hazard"]) or "none"],
            ["tiles (all images)", ", ".join(f"{k} {v:,}" for k, v in totals.items())],
            ["time", f"{num(s.get('seconds'), 1)} s"]]
    blocks: list[Block] = [Table(["", ""], rows)]
    if s.get("scored_images"):
        blocks.append(Table(["score", "value"], [["scored images", num(s["scored_images"])], ["tile accuracy", num(s["tile_accuracy"], 3)],
                                                 ["stand precision", num(s.get("stand_precision"), 3)],
                                                 ["stand recall", num(s.get("stand_recall"), 3)]],
                            "Against the game-world generator's own geometry."))
        lab.fact("walkmap", f"Walkmap tile accuracy {num(s['tile_accuracy'], 3)} on {plural(s['scored_images'], 'scene')}; stand tiles: precision "
                            f"{num(s.get('stand_precision'), 3)}, recall {num(s.get('stand_recall'), 3)}.")
    pics = []
    for r in (s.get("images") or [])[:EXAMPLES_MAX]:
        acc = f", tile accuracy {num(r['tile_accuracy'], 3)}" if r.get("tile_accuracy") is not None else ""
        c = r["counts"]
        pics.append(file_picture(lab, folder / "overlays" / f"{r['name']}.png", "walkmap", f"walkmap_{r['name']}",
                                 f"{r['name']}: stand {c['stand']}, solid {c['solid']}, hazard {c['hazard']}{acc}", 600))
    if pics:
        blocks += [Heading("Overlays"), Para("Stand tiles green, solid grey, hazard red, with the tile grid."), Gallery(pics)]
    return blocks


# --- distillation --------------------------------------------------------------------------------

def distillation_section(lab: Lab) -> list[Block]:
    from visionlab.distill import BATCHES, RUNTIMES, speed_sentence

    run = lab.stage_path("distill", "run")
    r = lab.json(run / "distill" / "comparison.json", "distill")
    runtimes = r.get("runtimes", ["pytorch"])
    rows = [[x["role"], x["model"], x["input"], *[num(x.get(f"ms_batch{b}_{rt}"), 1) for rt in runtimes for b in BATCHES], f"{x['parameters']:,}",
             num((x.get("file_bytes") or x["tensor_bytes"]) / 2**20, 2), num(x.get("miou_ground_truth")), num(x["agreement_with_teacher"])]
            for x in r["rows"]]
    table = Table(["role", "model", "input", *[f"{RUNTIMES[rt]} ms/image batch {b}" for rt in runtimes for b in BATCHES], "parameters",
                   "file MB", "mIoU (ground truth)", "agreement with teacher (mIoU)"], rows,
                  f"{r.get('timing', 'Network forward only, medians of repetitions')}, {r.get('threads')} threads; PyTorch with folded "
                  f"batch norms and autocast {r.get('amp')}, ONNX Runtime fp32; agreement on {r.get('images')} images"
                  + (f"; ground truth on {r['test_images']} test images." if r.get("test_images") else "."))
    roles = {x["role"]: x for x in r["rows"]}
    t, s = roles.get("teacher"), roles.get("student")
    text = speed_sentence(r).rstrip(".")
    if t and s:
        text += f"; parameters {s['parameters']:,} against {t['parameters']:,}"
        if s.get("miou_ground_truth") is not None and t.get("miou_ground_truth") is not None:
            text += (f"; test mIoU {num(s['miou_ground_truth'])} against {num(t['miou_ground_truth'])} "
                     f"(student/teacher {num(r.get('quality_ratio'), 3)})")
        text += f"; agreement with the teacher {num(s['agreement_with_teacher'])}"
    lab.fact("distillation", text + ".")
    pic = file_picture(lab, run / "distill" / "comparison.png", "distill", "distillation_comparison", "Speed, size and quality, teacher beside student.")
    return [Para(text + "."), table, Gallery([pic], columns=1)]


# --- assembling ----------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[Lab], list[Block]]] = {
    "dataset": dataset_section, "model": model_section, "training": training_section, "classification": classification_section,
    "gradcam": gradcam_section, "segmentation": segmentation_section, "comparison": comparison_section,
    "pipeline": pipeline_section, "walkmap": walkmap_section, "distillation": distillation_section,
}


def not_run_text(stage: str) -> str:
    return (f"Not run: the lab manifest lists no {stage} stage. To run it, add {stage} to the {STAGES_KEY}: list of the lab config "
            "and run visionlab lab CONFIG again.")


def conclusions_blocks(lab: Lab, sections: list[Section]) -> list[Block]:
    titles = {s.id: s.title for s in sections}
    items = [f"{titles.get(sec, sec)}: {text}" for sec, text in lab.facts]
    m = lab.manifest
    if m.get("seconds") is not None:
        machine = m.get("machine") or {}
        items.append(f"The lab ran in {num(m['seconds'], 1)} s on {machine.get('device', 'n/a')} with {machine.get('threads', 'n/a')} threads.")
    skipped = [s.title for s in sections if not s.ran]
    if skipped:
        items.append(f"Not run: {', '.join(skipped)}.")
    return [Para("Each line restates a measurement from the sections above."), Bullets(items)]


def build_sections(lab: Lab) -> list[Section]:
    """Every section in order; the conclusions last, from the sentences the others collected."""
    sections = []
    for sid, title, stage in SECTIONS:
        if stage is None:
            sections.append(Section(sid, title, conclusions_blocks(lab, sections)))
        elif lab.stage(stage) is None:
            sections.append(Section(sid, title, [Note(not_run_text(stage))], ran=False))
        else:
            sections.append(Section(sid, title, BUILDERS[sid](lab)))
    return sections


# --- HTML ----------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;background:#f4f5f7;color:#1d1f23;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff;box-shadow:0 0 12px rgba(0,0,0,.06)}
h1{margin:0 0 6px;font-size:1.9em}h2{margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid #d8dbe0;font-size:1.45em}
h3{margin:22px 0 8px;font-size:1.12em}
nav ol{columns:2;margin:6px 0 0;padding-left:22px}nav a{color:#1a56a8;text-decoration:none}
figure.table{margin:8px 0 14px}.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.92em}
th,td{border:1px solid #d4d7dc;padding:4px 9px;text-align:left;vertical-align:top}th{background:#eef0f3}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:0 0 12px}figcaption{color:#5b6069;font-size:.86em;margin-top:3px}
img{max-width:100%;height:auto;display:block;border:1px solid #e2e4e8}.fill img{width:100%}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px;align-items:start}
.note{background:#fff7e0;border-left:4px solid #e0a800;padding:8px 12px;margin:8px 0}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:10px;overflow-x:auto;font-size:.85em}
details{margin:8px 0}summary{cursor:pointer;color:#1a56a8}
section.not-run h2{color:#70757e}
"""

NUMERIC = re.compile(r"^[-+]?[\d,]*\.?\d+(?:[eE][-+]?\d+)?(?: ?[%×s])?$")


def h(text: Any) -> str:
    return html.escape(str(text), quote=True)


def data_uri(pic: Picture) -> str:
    return "data:image/png;base64," + base64.b64encode(pic.data).decode("ascii")


def html_block(block: Block) -> str:
    if isinstance(block, Para):
        return f"<p>{h(block.text)}</p>"
    if isinstance(block, Note):
        return f'<p class="note">{h(block.text)}</p>'
    if isinstance(block, Heading):
        return f"<h3>{h(block.text)}</h3>"
    if isinstance(block, Pre):
        return f"<pre>{h(block.text)}</pre>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{h(x)}</li>" for x in block.items) + "</ul>"
    if isinstance(block, Details):
        return f"<details><summary>{h(block.summary)}</summary>" + "".join(html_block(b) for b in block.blocks) + "</details>"
    if isinstance(block, Table):
        return html_table(block)
    if isinstance(block, Gallery):
        figures = "".join(f'<figure><img src="{data_uri(p)}" width="{p.width}" height="{p.height}" alt="{h(p.caption or p.name)}">'
                          f"<figcaption>{h(p.caption)}</figcaption></figure>" for p in block.pictures)
        cols = f' style="grid-template-columns:repeat({block.columns},minmax(0,1fr))"' if block.columns else ""
        fill = "" if block.columns == 1 else " fill"  # several per line: small pictures grow to the column width
        return f'<div class="gallery{fill}"{cols}>{figures}</div>'
    raise TypeError(f"unknown block {type(block).__name__}")


def html_table(t: Table) -> str:
    """A table with its caption below; numbers right-aligned except in two-column (name, value) tables."""
    align = len(t.header) > 2
    head = "" if not any(t.header) else "<thead><tr>" + "".join(f"<th>{h(x)}</th>" for x in t.header) + "</tr></thead>"
    body = "".join("<tr>" + "".join(f'<td class="n">{h(x)}</td>' if align and NUMERIC.match(str(x)) else f"<td>{h(x)}</td>"
                                    for x in row) + "</tr>" for row in t.rows)
    caption = f"<figcaption>{h(t.caption)}</figcaption>" if t.caption else ""
    return f'<figure class="table"><div class="scroll"><table>{head}<tbody>{body}</tbody></table></div>{caption}</figure>'


def render_html(lab: Lab, sections: list[Section], header: list[Block]) -> str:
    m = lab.manifest
    title = f"Lab report: {m.get('variant', lab.root.name)}"
    toc = "".join(f'<li><a href="#{s.id}">{h(s.title)}</a>{" (not run)" if not s.ran else ""}</li>' for s in sections)
    body = "".join(f'<section id="{s.id}" class="{"ran" if s.ran else "not-run"}"><h2>{h(s.title)}</h2>'
                   + "".join(html_block(b) for b in s.blocks) + "</section>" for s in sections)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
            f"<title>{h(title)}</title><style>{CSS}</style></head><body><main>"
            f"<header><h1>{h(title)}</h1>" + "".join(html_block(b) for b in header) + "</header>"
            f'<nav><h2>Contents</h2><ol>{toc}</ol></nav>{body}'
            "<footer><p>Written by visionlab report from the files of this lab folder.</p></footer></main></body></html>\n")


# --- Markdown ------------------------------------------------------------------------------------

def md_escape(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def md_block(block: Block) -> str:
    if isinstance(block, Para):
        return block.text
    if isinstance(block, Note):
        return f"> {block.text}"
    if isinstance(block, Heading):
        return f"### {block.text}"
    if isinstance(block, Pre):
        return f"```\n{block.text}\n```"
    if isinstance(block, Bullets):
        return "\n".join(f"- {x}" for x in block.items)
    if isinstance(block, Details):
        return f"**{block.summary}**\n\n" + "\n\n".join(md_block(b) for b in block.blocks)
    if isinstance(block, Table):
        lines = ["| " + " | ".join(md_escape(x) or " " for x in block.header) + " |", "|" + "---|" * len(block.header)]
        lines += ["| " + " | ".join(md_escape(x) for x in row) + " |" for row in block.rows]
        return "\n".join(lines) + (f"\n\n*{block.caption}*" if block.caption else "")
    if isinstance(block, Gallery):
        return "\n\n".join(f"![{md_escape(p.caption or p.name)}]({FILES_DIR}/{p.name})\n\n*{p.caption}*" if p.caption
                           else f"![{p.name}]({FILES_DIR}/{p.name})" for p in block.pictures)
    raise TypeError(f"unknown block {type(block).__name__}")


def render_markdown(lab: Lab, sections: list[Section], header: list[Block]) -> str:
    title = f"Lab report: {lab.manifest.get('variant', lab.root.name)}"
    parts = [f"# {title}", *[md_block(b) for b in header], "## Contents",
             "\n".join(f"{i}. {s.title}{' (not run)' if not s.ran else ''}" for i, s in enumerate(sections, 1))]
    for s in sections:
        parts.append(f"## {s.title}")
        parts += [md_block(b) for b in s.blocks]
    return "\n\n".join(parts) + "\n"


# --- writing -------------------------------------------------------------------------------------

def write_files(root: Path, pictures: dict[str, Picture]) -> Path:
    """Write ``report_files/`` beside, then swap it in by renames."""
    final = root / FILES_DIR
    tmp = Path(tempfile.mkdtemp(prefix=f".{FILES_DIR}.", dir=root))
    tmp.chmod(0o755)  # mkdtemp makes it private; the report's files are as readable as the report
    try:
        for pic in pictures.values():
            (tmp / pic.name).write_bytes(pic.data)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{FILES_DIR}.old.", dir=root))
        old.rmdir()
        final.rename(old)
    tmp.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o644)  # the temporary file is private; a report is for reading, like the files beside it


def write_report(lab: str | Path) -> dict:
    """Write ``LAB/report.html`` (self-contained) and ``LAB/report.md`` (+ ``LAB/report_files/``).

    Returns:
        Paths, sizes, the sections with their state (``done`` / ``not run``) and the conclusions.

    Raises:
        RunFolderError: ``LAB`` has no valid ``lab.json``, or a listed stage's file is missing (named).

    Example:
        >>> write_report("labs/dragons")["html"]  # doctest: +SKIP
        'labs/dragons/report.html'
    """
    root = Path(lab)
    state = Lab(root, read_manifest(root))
    header = header_blocks(state)
    sections = build_sections(state)
    page = render_html(state, sections, header)
    text = render_markdown(state, sections, header)
    files = write_files(root, state.pictures)
    md_path = atomic_write(root / MARKDOWN_FILE, lambda p: write_text(p, text))
    html_path = atomic_write(root / HTML_FILE, lambda p: write_text(p, page))
    return {"lab": str(root), "html": str(html_path), "markdown": str(md_path), "files": str(files),
            "images": len(state.pictures), "html_bytes": html_path.stat().st_size,
            "sections": {s.id: "done" if s.ran else "not run" for s in sections},
            "conclusions": [text for _, text in state.facts]}


def format_summary(result: dict) -> str:
    """Where the report is, its size, and the sections that were not run."""
    skipped = [k for k, v in result["sections"].items() if v != "done"]
    lines = [f"report: {result['html']} ({result['html_bytes'] / 2**20:.1f} MB, {result['images']} images embedded; opens offline)",
             f"Markdown: {result['markdown']} with images in {result['files']}"]
    if skipped:
        lines.append(f"sections not run: {', '.join(skipped)}")
    return "\n".join(lines)
