"""``visionlab pipeline``: segment a scene, cut out every object, classify each one.

The manual takes one bounding box per class, so two enemies become one region. Here each
selected segmentation class is split into connected components (one region per object),
optionally splitting touching objects by a watershed on the distance transform; regions under
``min_area`` pixels are skipped and counted; all regions of a batch of images are classified
together. Each model uses the preprocessing of its own weights entry.

On game-world scenes (``visionlab data synth --characters N``) the true character instances are
known, so the pipeline is scored: a region matches a true instance at IoU >= 0.5 (one to one,
highest IoU first); region recall and precision, the label accuracy of matched regions and the
share of images whose region count is exact.

Each region also gets the classifier's out-of-distribution flag (:mod:`visionlab.models.ood`). A
classifier trained on whole scenes sees a region's crop as unlike its training images: with the
main job's classifier every character crop was flagged (scores around 0.44, threshold 0.28).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import torch
from PIL import Image, ImageDraw
from scipy import ndimage as ndi
from skimage.feature import peak_local_max
from skimage.measure import label, regionprops
from skimage.segmentation import watershed

from visionlab import runs
from visionlab.data.images import expand_paths
from visionlab.data.masks import class_ids_by_name
from visionlab.data.transforms import eval_transform
from visionlab.errors import UnknownNameError
from visionlab.explain.figures import save_png
from visionlab.models import Classifier
from visionlab.models.checkpoint import load_classifier
from visionlab.models.fuse import fold_batchnorm
from visionlab.models.ood import FLAG_TEXT, OodDetector, load_ood
from visionlab.models.weights import Preprocess
from visionlab.pipeline_options import PipelineOptions
from visionlab.segment import SegmentationPredictor, check_output_folder, load_segmenter, output_names
from visionlab.utils.device import autocast, resolve_amp, resolve_device
from visionlab.utils.files import read_json, write_csv_rows, write_json

MATCH_IOU = 0.5
REGION_COLUMNS = ["image", "box", "seg_class", "area", "label", "confidence", "ood", "ood_score"]
LABEL_COLORS = [(255, 80, 80), (80, 160, 255), (80, 220, 120), (255, 200, 60), (200, 120, 255), (255, 140, 200)]


@dataclass
class Region:
    """One object found by the segmenter; ``mask`` covers ``box`` only."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (x1, y1 exclusive)
    seg_class: str
    area: int
    mask: np.ndarray  # (y1 - y0, x1 - x0) bool

    def full_mask(self, shape: tuple[int, int]) -> np.ndarray:
        """The region's mask on a whole image of ``shape`` ``(H, W)``."""
        out = np.zeros(shape, bool)
        x0, y0, x1, y1 = self.box
        out[y0:y1, x0:x1] = self.mask
        return out


def split_component(component: np.ndarray, min_distance: int) -> np.ndarray:
    """Labels ``1..n`` splitting one binary blob at the necks between its distance-transform peaks."""
    distance = ndi.distance_transform_edt(component)
    peaks = peak_local_max(distance, min_distance=min_distance, labels=component.astype(int), exclude_border=False)
    if len(peaks) < 2:
        return component.astype(np.int32)
    markers = np.zeros(component.shape, np.int32)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    return watershed(-distance, markers, mask=component)


def find_regions(ids: np.ndarray, class_ids: dict[int, str], min_area: int = 150, split_touching: bool = False,
                 min_distance: int = 25) -> tuple[list[Region], int]:
    """Connected components (4-connectivity) of each selected class, one region per object.

    Returns:
        ``(regions, skipped)``: regions sorted top-to-bottom, left-to-right, and how many
        components were under ``min_area``.
    """
    regions, skipped = [], 0
    for cls, name in class_ids.items():
        labels = label(ids == cls, connectivity=1)
        if split_touching:
            labels = _split_all(labels, min_distance)
        for prop in regionprops(labels):
            if prop.area < min_area:
                skipped += 1
                continue
            y0, x0, y1, x1 = prop.bbox
            regions.append(Region((int(x0), int(y0), int(x1), int(y1)), name, int(prop.area), prop.image.copy()))
    regions.sort(key=lambda r: (r.box[1], r.box[0]))
    return regions, skipped


def _split_all(labels: np.ndarray, min_distance: int) -> np.ndarray:
    out = np.zeros_like(labels)
    next_id = 1
    for prop in regionprops(labels):
        y0, x0, y1, x1 = prop.bbox
        parts = split_component(np.pad(prop.image, 1), min_distance)[1:-1, 1:-1]
        for k in range(1, int(parts.max()) + 1):
            out[y0:y1, x0:x1][parts == k] = next_id
            next_id += 1
    return out


def crop_region(image: np.ndarray, region: Region, pad: int, mask_background: bool) -> Image.Image:
    """The region's box plus ``pad`` pixels of context (clipped to the image)."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = region.box
    cx0, cy0, cx1, cy1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
    crop = image[cy0:cy1, cx0:cx1].copy()
    if mask_background:
        keep = region.full_mask((h, w))[cy0:cy1, cx0:cx1]
        crop[~keep] = 127
    return Image.fromarray(crop)


class RegionClassifier:
    """A classification run applied to image crops, in batches.

    Args:
        run: A run folder of ``visionlab train classify`` (its best checkpoint, else the last).
        device: ``auto``, ``cpu``, ``cuda`` or ``cuda:N``.
        amp: Autocast setting for the forward passes (``auto``, ``off``, ``bf16``, ``fp16``).
        batch_size: Crops per forward pass; None: 8 on the CPU, 64 on a GPU.

    Raises:
        RunFolderError: ``run`` is not a run folder or holds no checkpoint.
    """

    def __init__(self, run: str | Path, device: str = "auto", amp: str = "auto", batch_size: int | None = None) -> None:
        folder = runs.RunFolder(run)
        model, meta = load_classifier(folder.checkpoint())
        # Batch norms folded into their convolutions: batched bf16 forwards spent 22% of their time in them.
        folded, self.folded = fold_batchnorm(model.eval(), torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(0)))
        self.model = cast(Classifier, folded)  # fold_batchnorm returns the model itself or a deep copy of it
        self.classes: list[str] = meta["classes"]
        self.preprocess: Preprocess = meta["preprocess"]  # the run's eval preprocessing
        self.transform = eval_transform(self.preprocess)
        self.device = resolve_device(device)
        self.amp = resolve_amp(amp, self.device)
        # Crops per forward pass. On a 2-core AMX CPU (Lite0, 224 px, bf16) batches of 1/4/8/16/32/64
        # took 24.1/13.9/10.2/13.1/13.6/14.0 ms per crop: past 8 the activations leave the cache.
        self.batch_size = batch_size or (8 if self.device.type == "cpu" else 64)
        # channels_last halves the batched bf16 forward on CPU (measured: 96 Lite0 crops 2.49 s -> 1.22 s)
        self.model.to(self.device).to(memory_format=torch.channels_last).eval()
        self.run = folder.path
        self.ood: OodDetector | None = load_ood(folder)  # None for runs trained before the flag existed

    @torch.inference_mode()
    def predict(self, crops: list[Image.Image]) -> tuple[np.ndarray, np.ndarray | None]:
        """``(N, K)`` class probabilities and ``(N,)`` out-of-distribution scores (None without the run's flag) for ``N`` crops."""
        probs, feats = [], []
        for start in range(0, len(crops), self.batch_size):
            x = torch.stack([self.transform(c) for c in crops[start:start + self.batch_size]]).to(self.device)
            x = x.contiguous(memory_format=torch.channels_last)
            with autocast(self.device, self.amp):
                pooled = self.model.forward_features(x)
                probs.append(self.model.forward_head(pooled).float().softmax(1).cpu())
            feats.append(pooled.float().cpu())
        if not probs:
            return np.zeros((0, len(self.classes)), np.float32), None if self.ood is None else np.zeros(0, np.float32)
        scores = None if self.ood is None else self.ood.scores(torch.cat(feats)).numpy()
        return torch.cat(probs).numpy(), scores

    def probabilities(self, crops: list[Image.Image]) -> np.ndarray:
        """``(N, K)`` class probabilities for ``N`` crops."""
        return self.predict(crops)[0]


def annotate(image: np.ndarray, regions: list[Region], labels: list[str], confidences: list[float], classes: list[str],
             flags: list[bool | None] | None = None) -> Image.Image:
    """Region outlines and boxes coloured by label, with label and confidence; ``OOD`` after those of flagged regions."""
    pixels = np.array(image[..., :3], dtype=np.uint8)
    colors = [LABEL_COLORS[classes.index(name) % len(LABEL_COLORS)] for name in labels]
    for region, color in zip(regions, colors):
        x0, y0, x1, y1 = region.box
        edge = region.mask & ~ndi.binary_erosion(region.mask)
        pixels[y0:y1, x0:x1][edge] = color
    canvas = Image.fromarray(pixels)
    draw = ImageDraw.Draw(canvas)
    for region, name, conf, color, flag in zip(regions, labels, confidences, colors, flags or [None] * len(regions)):
        x0, y0, x1, y1 = region.box
        draw.rectangle([x0, y0, x1 - 1, y1 - 1], outline=color)
        draw.text((x0 + 2, max(0, y0 - 11)), f"{name} {conf:.2f}" + (" OOD" if flag else ""), fill=color)
    return canvas


# --- one image -----------------------------------------------------------------------------------

@dataclass
class ImageRegions:
    """The pipeline's result for one image: its objects, each classified."""

    regions: list[Region]  # top-to-bottom, left-to-right
    skipped: int  # components under the minimum area
    probabilities: np.ndarray  # (len(regions), K) class probabilities of each region's crop
    classes: list[str]  # the classifier's classes (K)
    ood_scores: np.ndarray | None = None  # (len(regions),) out-of-distribution scores; None: the run has no flag
    ood_threshold: float | None = None  # scores above it are flagged

    @property
    def labels(self) -> list[str]:
        """The predicted class of each region."""
        return [self.classes[int(i)] for i in self.probabilities.argmax(1)] if len(self.regions) else []

    @property
    def confidences(self) -> list[float]:
        """The predicted class's probability for each region."""
        return [float(p.max()) for p in self.probabilities]

    @property
    def ood_flags(self) -> list[bool | None]:
        """Per region: True when its crop is unlike the classifier's training images; None without the run's flag."""
        if self.ood_scores is None or self.ood_threshold is None:
            return [None] * len(self.regions)
        return [bool(v > self.ood_threshold) for v in self.ood_scores]

    def rows(self, probabilities: bool = True) -> list[dict]:
        """One dict per region, as in the command's per-image JSON.

        Args:
            probabilities: Add ``probabilities`` (every class's probability) to ``box``, ``seg_class``,
                ``area``, ``label``, ``confidence``, ``ood`` (True: unlike the training images) and
                ``ood_score`` (both None when the classifier has no flag).
        """
        rows = []
        scores = [None] * len(self.regions) if self.ood_scores is None else [float(v) for v in self.ood_scores]
        for region, name, conf, probs, flag, score in zip(self.regions, self.labels, self.confidences, self.probabilities, self.ood_flags,
                                                          scores):
            row = {"box": list(region.box), "seg_class": region.seg_class, "area": region.area, "label": name, "confidence": conf,
                   "ood": flag, "ood_score": score}
            if probabilities:
                row["probabilities"] = {c: float(v) for c, v in zip(self.classes, probs)}
            rows.append(row)
        return rows

    def annotate(self, image: np.ndarray) -> Image.Image:
        """The image with each region outlined and labelled (see :func:`annotate`)."""
        return annotate(image, self.regions, self.labels, self.confidences, self.classes, self.ood_flags)


def classify_regions(classifier: RegionClassifier, found: list[tuple[np.ndarray, list[Region], int]],
                     opts: PipelineOptions) -> tuple[list[ImageRegions], float]:
    """Classify the regions of several images together (one batched pass over all their crops).

    Args:
        classifier: The classification run.
        found: Per image: the ``(H, W, 3)`` image, its regions and how many small ones were skipped.
        opts: ``pad`` and ``mask_background`` shape the crops.

    Returns:
        One result per image, and the seconds the classifier took.
    """
    crops = [crop_region(image, r, opts.pad, opts.mask_background) for image, regions, _ in found for r in regions]
    t0 = time.perf_counter()
    probs, scores = classifier.predict(crops)
    seconds = time.perf_counter() - t0
    results, k = [], 0
    threshold = classifier.ood.threshold if classifier.ood is not None else None
    for _, regions, skipped in found:
        part = None if scores is None else scores[k:k + len(regions)]
        results.append(ImageRegions(regions, skipped, probs[k:k + len(regions)], classifier.classes, part, threshold))
        k += len(regions)
    return results, seconds


def image_regions(image: np.ndarray, ids: np.ndarray, class_ids: dict[int, str], classifier: RegionClassifier,
                  opts: PipelineOptions) -> ImageRegions:
    """The pipeline's step for one segmented image: split the selected classes into objects, classify each.

    Args:
        image: The ``(H, W, 3)`` uint8 image.
        ids: The segmenter's class ids ``(H, W)`` for it.
        class_ids: Segmentation classes cut into regions (see :func:`resolve_classes`).
        classifier: The classification run.
        opts: Minimum area, watershed split and crop settings.
    """
    regions, skipped = find_regions(ids, class_ids, opts.min_area, opts.split_touching, opts.min_distance)
    return classify_regions(classifier, [(image, regions, skipped)], opts)[0][0]


# --- ground truth (game world) -------------------------------------------------------------------

def find_instances(image_path: Path) -> tuple[np.ndarray, dict[int, str | None]] | None:
    """The game world's instance ids and each instance's class for an image, if it is a synth scene.

    The class is None where the variant's classes belong to the scene, not to each character (battle vs peaceful).
    """
    for parent in image_path.parents:
        if (parent / "synth.json").is_file():
            ann_path = parent / "annotations" / f"{image_path.stem}.json"
            inst_path = parent / "segment" / "instances" / f"{image_path.stem}.png"
            if not ann_path.is_file() or not inst_path.is_file():
                return None
            kinds = {int(c["instance_id"]): c.get("label", c["kind"]) for c in read_json(ann_path)["characters"]}
            return np.asarray(Image.open(inst_path)).astype(np.int64), kinds
    return None


def match_regions(regions: list[Region], instances: np.ndarray, kinds: dict[int, str | None]) -> list[tuple[int, int, float]]:
    """One-to-one matches ``(region index, instance id, IoU)`` with IoU >= 0.5, highest IoU first."""
    pairs = []
    shape = instances.shape
    visible = {i: instances == i for i in kinds if (instances == i).any()}
    for r, region in enumerate(regions):
        mask = region.full_mask(shape)
        for inst, true in visible.items():
            inter = int((mask & true).sum())
            if inter:
                iou = inter / int((mask | true).sum())
                if iou >= MATCH_IOU:
                    pairs.append((iou, r, inst))
    matches, used_r, used_i = [], set(), set()
    for iou, r, inst in sorted(pairs, reverse=True):
        if r not in used_r and inst not in used_i:
            matches.append((r, inst, iou))
            used_r.add(r)
            used_i.add(inst)
    return matches


def score_image(regions: list[Region], labels: list[str], instances: np.ndarray, kinds: dict[int, str | None]) -> dict:
    """Counts of one image: true objects, regions, matched regions, correct labels, and whether the count is exact.

    Labels are scored on the matched regions whose character has a class of its own.
    """
    visible = [i for i in kinds if (instances == i).any()]
    matches = match_regions(regions, instances, kinds)
    labelled = [(r, i) for r, i, _ in matches if kinds[i] is not None]
    correct = sum(labels[r] == kinds[i] for r, i in labelled)
    return {"true_objects": len(visible), "regions": len(regions), "matched": len(matches), "labelled": len(labelled),
            "correct_labels": correct, "exact_count": len(regions) == len(visible)}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def pooled_scores(rows: list[dict]) -> dict:
    """Region recall and precision, label accuracy of matched regions, exact-count accuracy."""
    scored = [r["score"] for r in rows if r.get("score")]
    if not scored:
        return {}
    true = sum(s["true_objects"] for s in scored)
    found = sum(s["regions"] for s in scored)
    matched = sum(s["matched"] for s in scored)
    return {
        "scored_images": len(scored),
        "region_recall": _ratio(matched, true),
        "region_precision": _ratio(matched, found),
        "label_accuracy": _ratio(sum(s["correct_labels"] for s in scored), sum(s.get("labelled", s["matched"]) for s in scored)),
        "exact_count_accuracy": sum(s["exact_count"] for s in scored) / len(scored),
        "true_objects": true, "regions": found, "matched": matched, "labelled": sum(s.get("labelled", s["matched"]) for s in scored),
    }


# --- the command ---------------------------------------------------------------------------------

def resolve_classes(names: tuple[str, ...] | None, available: tuple[str, ...]) -> dict[int, str]:
    """Segmentation class ids for ``names`` (default ``character``).

    Args:
        names: The segmentation classes that hold the objects (``PipelineOptions.classes``).
        available: The segmenter's classes.

    Raises:
        UnknownNameError: A name the segmenter does not predict, or no ``character`` class to default
            to; the message starts with ``classes`` and lists the segmenter's classes.
    """
    if names is None:
        if "character" not in available:
            raise UnknownNameError(f"classes: which segmentation classes hold the objects? The segmenter has no 'character' class "
                                   f"to default to; it predicts: {', '.join(available)}")
        names = ("character",)
    return {i: available[i] for i in class_ids_by_name(names, available, "classes")}


def run_pipeline(classifier_run: str | Path, segmenter: str | Path, paths: list, out: str | Path, opts: PipelineOptions | None = None) -> dict:
    """Segment, split into objects, classify each object; write annotated images, JSON per image and a summary.

    Args:
        classifier_run: A run folder of ``visionlab train classify``.
        segmenter: A segmentation run folder, a pretrained name or a classical baseline.
        paths: Image files and/or folders.
        out: Output folder (``annotated/``, ``regions/``, ``regions.csv``, ``summary.json``).
        opts: Region classes, minimum area, crops, batch size and device; None: the defaults.

    Returns:
        The summary written to ``out/summary.json`` (counts, timing, and scores on game-world scenes).

    Raises:
        UnknownNameError: A region class the segmenter does not predict, or an unknown segmenter.
        RunFolderError: ``classifier_run`` is not a run, or ``out`` holds files of something else.

    Example:
        >>> run_pipeline("runs/cls", "runs/seg", ["scenes/"], "pipeline_out")  # doctest: +SKIP
    """
    opts = opts or PipelineOptions()
    out = Path(out)
    check_output_folder(out)
    files = expand_paths(paths)
    seg = load_segmenter(segmenter)
    class_ids = resolve_classes(opts.classes, seg.classes.names)
    predictor = SegmentationPredictor(seg, opts.device, opts.amp, opts.batch_size)
    classifier = RegionClassifier(classifier_run, opts.device, opts.amp)
    names = dict(zip(files, output_names(files)))
    rows: list[dict] = []
    t0, classify_seconds = time.perf_counter(), 0.0
    batch: list[tuple[Path, np.ndarray, list[Region], int]] = []
    for path, image, ids in predictor.predict_paths(files):
        regions, skipped = find_regions(ids, class_ids, opts.min_area, opts.split_touching, opts.min_distance)
        batch.append((path, image, regions, skipped))
        if len(batch) >= opts.batch_size:
            classify_seconds += _finish_batch(batch, classifier, opts, out, names, rows)
            batch = []
    if batch:
        classify_seconds += _finish_batch(batch, classifier, opts, out, names, rows)
    seconds = time.perf_counter() - t0
    summary = {
        "classifier": str(classifier.run), "segmenter": seg.describe(), "classes": list(class_ids.values()),
        "options": {k: v for k, v in vars(opts).items() if k not in ("device", "amp")},
        "n_images": len(rows), "regions": sum(len(r["regions"]) for r in rows), "skipped_small": sum(r["skipped_small"] for r in rows),
        "images_without_regions": sum(not r["regions"] for r in rows),
        "label_counts": _label_counts(rows, classifier.classes), "seconds": seconds, "classify_seconds": classify_seconds,
        "images_per_second": len(rows) / seconds if seconds else None, "scores": pooled_scores(rows),
        # regions whose crop is unlike the classifier's training images; None: the classifier has no flag
        "ood_regions": None if classifier.ood is None else sum(bool(reg["ood"]) for r in rows for reg in r["regions"]),
        "ood": None if classifier.ood is None else classifier.ood.describe(),
    }
    write_csv_rows(out / "regions.csv", [{"image": r["name"], **{k: v for k, v in reg.items() if k != "probabilities"}}
                                         for r in rows for reg in r["regions"]], REGION_COLUMNS)
    write_json(out / "summary.json", {**summary, "images": [{k: v for k, v in r.items() if k != "regions"} for r in rows]})
    return summary


def _label_counts(rows: list[dict], classes: list[str]) -> dict[str, int]:
    counts = {c: 0 for c in classes}
    for r in rows:
        for reg in r["regions"]:
            counts[reg["label"]] += 1
    return counts


def _finish_batch(batch: list[tuple[Path, np.ndarray, list[Region], int]], classifier: RegionClassifier, opts: PipelineOptions,
                  out: Path, names: dict[Path, str], rows: list[dict]) -> float:
    """Classify every region of the batch's images at once, then write each image's outputs."""
    results, seconds = classify_regions(classifier, [(image, regions, skipped) for _, image, regions, skipped in batch], opts)
    for (path, image, _, _), result in zip(batch, results):
        name = names[path]
        row = {"path": str(path), "name": name, "size": [int(image.shape[1]), int(image.shape[0])], "regions": result.rows(),
               "skipped_small": result.skipped}
        truth = find_instances(path)
        if truth is not None:
            row["score"] = score_image(result.regions, result.labels, *truth)
        save_png(result.annotate(image), out / "annotated" / f"{name}.png")
        write_json(out / "regions" / f"{name}.json", dict(row))
        rows.append(row)
    return seconds


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def format_summary(summary: dict, out: Path) -> str:
    """Terminal lines: counts, speed, the scores on game-world scenes and where the files are."""
    counts = ", ".join(f"{k} {v}" for k, v in summary["label_counts"].items())
    lines = [f"{summary['n_images']} images, {summary['regions']} regions ({counts}); {summary['skipped_small']} under the minimum area skipped; "
             f"{summary['images_without_regions']} images without regions; {summary['images_per_second']:.2f} images/s"]
    if summary.get("ood_regions") is not None:
        lines.append(f"{summary['ood_regions']} of {summary['regions']} region crops {FLAG_TEXT} (out of distribution; a classifier "
                     "trained on whole images sees crops as unlike them, so read the flag beside the scores)")
    elif "ood_regions" in summary:
        lines.append("the classifier has no out-of-distribution reference (trained before the flag existed): retrain it to flag regions")
    s = summary["scores"]
    if s:
        lines.append(f"scored on {s['scored_images']} game-world scenes ({s['true_objects']} characters): region recall {_fmt(s['region_recall'])}  "
                     f"precision {_fmt(s['region_precision'])}  label accuracy of matched regions {_fmt(s['label_accuracy'])}  "
                     f"exact-count accuracy {_fmt(s['exact_count_accuracy'])}")
    lines.append(f"annotated images: {out / 'annotated'}  per-image JSON: {out / 'regions'}  summary: {out / 'summary.json'}")
    return "\n".join(lines)
