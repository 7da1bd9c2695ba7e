"""Score a segmenter on image/mask pairs at the images' original size; write metrics and plots."""

from __future__ import annotations

import heapq
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from visionlab.data.images import load_rgb
from visionlab.data.mask_splits import load_mask_splits_file
from visionlab.data.masks import MaskList, SegClasses, load_mask, scan_mask_dataset
from visionlab.errors import DatasetError, ParamError
from visionlab.evaluate.plots import plot_confusion
from visionlab.evaluate.seg_metrics import ConfusionAccumulator, image_iou, segmentation_metrics
from visionlab.models.classical import match_clusters
from visionlab.runs import RunFolder
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


def examples_figure(worst: list[tuple], classes: SegClasses, path: Path) -> Path:
    """Rows of image | truth | prediction for the lowest-IoU images."""
    tiles = []
    for iou, name, image, truth, pred in worst:
        row = [Image.fromarray(image), Image.fromarray(classes.colorize(truth)), Image.fromarray(classes.colorize(pred))]
        h = 200
        row = [im.resize((max(1, round(im.width * h / im.height)), h), Image.Resampling.NEAREST) for im in row]
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


def write_segmentation_evaluation(out: Path, split: str, metrics: dict, per_image: list[dict], worst: list[tuple], classes: SegClasses) -> dict:
    """Write a split's evaluation into a run folder: ``eval/<split>/{metrics.json,per_image.csv}``, plots, ``metrics.json``.

    Args:
        out: The run folder.
        split: The split's name.
        metrics: From :func:`evaluate_segmenter`.
        per_image: From :func:`evaluate_segmenter`, one row per image.
        worst: From :func:`evaluate_segmenter`, the lowest-IoU images.
        classes: The dataset's classes (names and colours).

    Returns:
        ``metrics`` with ``split``, as written.
    """
    run = RunFolder(out)
    metrics = {**metrics, "split": split}
    cm = np.asarray(metrics["confusion_matrix"])
    plot_confusion(cm, classes.names, run.plots / f"confusion_{split}.png", normalized=False)
    rows = cm.sum(1, keepdims=True)
    plot_confusion(np.divide(cm, rows, out=np.zeros(cm.shape), where=rows > 0), classes.names,
                   run.plots / f"confusion_{split}_normalized.png", normalized=True)
    if worst:
        examples_figure(worst, classes, run.plots / f"worst_{split}.png")
    write_csv_rows(run.eval_dir(split) / "per_image.csv", per_image)
    write_json(run.eval_metrics_path(split), metrics)
    write_json(run.metrics_path, metrics)
    return metrics


def resolve_mask_split(run: Path, data: str | Path | None, split: str) -> MaskList:
    """The run's saved split, or ``split`` of another dataset folder (all of it when unsplit).

    Args:
        run: The segmentation run folder.
        data: A dataset folder; ``None`` takes the split saved in the run.
        split: ``val``, ``test`` or ``train``.

    Raises:
        ParamError: The run, or ``data``, has no such split; the message lists the ones it has.
        DatasetError: ``data`` is not a usable segmentation dataset.
    """
    if data is None:
        saved = load_mask_splits_file(RunFolder(run).split_path)
        if split not in saved:
            raise ParamError("split", f"split: the run {run} has no {split!r} split (it has: {', '.join(saved)}); pass another split, or a data folder")
        return saved[split]
    found = scan_mask_dataset(data)
    if split in found:
        return found[split]
    if "all" in found:
        return found["all"]
    raise ParamError("split", f"split: {data} has no {split!r} split (it has: {', '.join(found)}); pass split {' or '.join(map(repr, found))}")


def evaluate_segmentation_run(run: str | Path, data: str | Path | None = None, split: str = "test", *, device: str = "auto",
                              amp: str = "auto", batch_size: int = 4, quiet: bool = True) -> dict:
    """Evaluate ``RUN``'s segmenter and write ``RUN/metrics.json`` plus plots.

    Args:
        run: A segmentation run folder.
        data: Dataset folder; default: the split saved in the run.
        split: ``val``, ``test`` or ``train``.
        device: ``auto``, ``cpu``, ``cuda``...
        amp: Autocast precision: ``auto``, ``bf16``, ``fp16`` or ``off``.
        batch_size: Images per forward.
        quiet: No progress bar.

    Returns:
        The metrics written to ``metrics.json``.

    Raises:
        RunFolderError: ``run`` is not a run folder, or holds no checkpoint.
        ParamError: The run, or ``data``, has no such split.
        DatasetError: ``data`` is unusable, or has other classes than the run.

    Example:
        >>> evaluate_segmentation_run("runs/seg", split="test")["miou"]  # doctest: +SKIP
        0.81
    """
    path = RunFolder(run).require().path
    seg = load_segmenter(path)
    items = resolve_mask_split(path, data, split)
    metrics, per_image, worst = evaluate_segmenter(seg, items, device=device, amp=amp, batch_size=batch_size, quiet=quiet)
    return write_segmentation_evaluation(path, split, metrics, per_image, worst, items.classes)


def format_metrics(m: dict) -> str:
    """Two lines for the terminal: a split's mIoU, accuracies and FW IoU, then the per-class IoU."""
    per_class = "  ".join(f"{k} {v:.3f}" if v is not None else f"{k} -" for k, v in m["per_class_iou"].items())
    return (f"{m['split']}: mIoU {m['miou']:.4f}  pixel accuracy {m['pixel_accuracy']:.4f}  mean class accuracy "
            f"{m['mean_class_accuracy']:.4f}  FW IoU {m['fw_iou']:.4f}  ({m['n_images']} images)\n  per-class IoU: {per_class}")
