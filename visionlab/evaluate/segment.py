"""Score a segmenter on image/mask pairs at the images' original size; write metrics and plots."""

from __future__ import annotations

import heapq
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from visionlab import runs
from visionlab.data.images import load_rgb
from visionlab.data.masks import MaskList, load_mask
from visionlab.errors import DatasetError
from visionlab.evaluate.plots import plot_confusion
from visionlab.evaluate.seg_metrics import ConfusionAccumulator, image_iou, segmentation_metrics
from visionlab.models.classical import match_clusters
from visionlab.segment import LoadedSegmenter, SegmentationPredictor, load_segmenter
from visionlab.utils.files import atomic_write, write_csv_rows, write_json
from visionlab.utils.progress import progress

N_EXAMPLES = 4  # worst images shown in the examples figure


def evaluate_segmenter(seg: LoadedSegmenter, items: MaskList, *, device: str = "auto", amp: str = "auto",
                       batch_size: int = 4, quiet: bool = True) -> tuple[dict, list[dict], list[tuple]]:
    """Predict every image of ``items`` and compare with its mask at the original size.

    Classical baselines (cluster ids) are mapped to classes per image with the truth
    (:func:`~visionlab.models.classical.match_clusters`): an upper bound for them.

    Returns:
        ``(metrics, per_image, worst)``: metrics from :func:`segmentation_metrics` plus
        ``per_image_iou``/``mean_image_iou``/``n_images``; one row per image; the
        ``N_EXAMPLES`` images with the lowest IoU as ``(iou, name, image, truth, prediction)``.
    """
    classes = items.classes
    if seg.classical is None and seg.classes.names != classes.names:
        raise DatasetError(f"the segmenter predicts {list(seg.classes.names)} but the dataset has {list(classes.names)}; "
                           "evaluate on data with the same classes")
    predictor = SegmentationPredictor(seg, device, amp, batch_size)
    acc = ConfusionAccumulator(classes.num_classes, classes.ignore_index)
    per_image: list[dict] = []
    worst: list[tuple] = []  # max-heap on IoU via negation, bounded to N_EXAMPLES
    for start in progress(range(0, len(items), batch_size), "evaluate", quiet):
        idx = list(range(start, min(start + batch_size, len(items))))
        images = [np.asarray(load_rgb(items.image_path(i))) for i in idx]
        truths = [load_mask(items.mask_path(i), classes, (im.shape[1], im.shape[0])) for i, im in zip(idx, images)]
        for i, image, truth, pred in zip(idx, images, truths, predictor.predict(images)):
            if seg.classical is not None:
                pred = match_clusters(pred, truth, classes.num_classes, classes.ignore_index)
            cm = acc.update(pred, truth)
            iou = image_iou(cm)
            counted = int(cm.sum())
            per_image.append({"image": items.images[i], "iou": iou, "pixel_accuracy": float(np.trace(cm) / counted) if counted else None})
            if iou is not None:
                entry = (-iou, i, items.images[i], image, truth, np.asarray(pred, dtype=np.uint8))
                if len(worst) < N_EXAMPLES:
                    heapq.heappush(worst, entry)
                elif -iou > worst[0][0]:
                    heapq.heapreplace(worst, entry)
    metrics = segmentation_metrics(acc.matrix, classes.names)
    ious = [r["iou"] for r in per_image if r["iou"] is not None]
    metrics |= {"per_image_iou": {r["image"]: r["iou"] for r in per_image}, "mean_image_iou": float(np.mean(ious)) if ious else None,
                "n_images": len(per_image), "ignore_index": classes.ignore_index, "model": seg.describe()}
    worst_sorted = [(-e[0], e[2], e[3], e[4], e[5]) for e in sorted(worst, key=lambda e: e[0], reverse=True)]
    return metrics, per_image, worst_sorted


def examples_figure(worst: list[tuple], classes, path: Path) -> Path:
    """Rows of image | truth | prediction for the lowest-IoU images."""
    tiles = []
    for iou, name, image, truth, pred in worst:
        row = [Image.fromarray(image), Image.fromarray(classes.colorize(truth)), Image.fromarray(classes.colorize(pred))]
        h = 200
        row = [im.resize((max(1, round(im.width * h / im.height)), h), Image.NEAREST) for im in row]
        strip = Image.new("RGB", (sum(im.width for im in row), h + 16), (30, 30, 30))
        x = 0
        for im in row:
            strip.paste(im, (x, 16))
            x += im.width
        ImageDraw.Draw(strip).text((4, 2), f"{name}  IoU {iou:.3f}   (image | truth | prediction)", fill=(255, 255, 255))
        tiles.append(strip)
    width = max(t.width for t in tiles)
    out = Image.new("RGB", (width, sum(t.height for t in tiles)), (30, 30, 30))
    y = 0
    for t in tiles:
        out.paste(t, (0, y))
        y += t.height
    return atomic_write(path, lambda p: out.save(p, format="PNG"))


def write_segmentation_evaluation(out: Path, split: str, metrics: dict, per_image: list[dict], worst: list[tuple], classes) -> dict:
    """``out/eval/<split>/{metrics.json,per_image.csv}``, ``out/plots/`` and ``out/metrics.json``."""
    metrics = {**metrics, "split": split}
    cm = np.asarray(metrics["confusion_matrix"])
    plot_confusion(cm, classes.names, out / "plots" / f"confusion_{split}.png", normalized=False)
    rows = cm.sum(1, keepdims=True)
    plot_confusion(np.divide(cm, rows, out=np.zeros(cm.shape), where=rows > 0), classes.names,
                   out / "plots" / f"confusion_{split}_normalized.png", normalized=True)
    if worst:
        examples_figure(worst, classes, out / "plots" / f"worst_{split}.png")
    write_csv_rows(out / "eval" / split / "per_image.csv", per_image)
    write_json(out / "eval" / split / "metrics.json", metrics)
    write_json(out / runs.METRICS, metrics)
    return metrics


def resolve_mask_split(run: Path, data: str | Path | None, split: str) -> MaskList:
    """The run's saved split, or ``split`` of another dataset folder (all of it when unsplit)."""
    from visionlab.data.mask_splits import load_mask_splits_file
    from visionlab.data.masks import scan_mask_dataset

    if data is None:
        saved = load_mask_splits_file(run / runs.SPLIT)
        if split not in saved:
            raise DatasetError(f"the run {run} has no {split!r} split (it has: {', '.join(saved)}); pass another --split or --data DATA")
        return saved[split]
    found = scan_mask_dataset(data)
    if split in found:
        return found[split]
    if "all" in found:
        return found["all"]
    raise DatasetError(f"{data} has no {split!r} split (it has: {', '.join(found)}); pass --split {' or --split '.join(found)}")


def evaluate_segmentation_run(run: str | Path, data: str | Path | None = None, split: str = "test", *, device: str = "auto",
                              amp: str = "auto", batch_size: int = 4, quiet: bool = True) -> dict:
    """Evaluate ``RUN``'s best segmenter and write ``RUN/metrics.json`` plus plots.

    Example:
        >>> evaluate_segmentation_run("runs/seg", split="test")["miou"]  # doctest: +SKIP
        0.81
    """
    run = runs.require_run(run)
    seg = load_segmenter(run)
    items = resolve_mask_split(run, data, split)
    metrics, per_image, worst = evaluate_segmenter(seg, items, device=device, amp=amp, batch_size=batch_size, quiet=quiet)
    return write_segmentation_evaluation(run, split, metrics, per_image, worst, items.classes)


def format_metrics(m: dict) -> str:
    per_class = "  ".join(f"{k} {v:.3f}" if v is not None else f"{k} -" for k, v in m["per_class_iou"].items())
    return (f"{m['split']}: mIoU {m['miou']:.4f}  pixel accuracy {m['pixel_accuracy']:.4f}  mean class accuracy "
            f"{m['mean_class_accuracy']:.4f}  FW IoU {m['fw_iou']:.4f}  ({m['n_images']} images)\n  per-class IoU: {per_class}")
