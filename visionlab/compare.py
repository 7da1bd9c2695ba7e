"""``visionlab compare``: where a classifier looks (CAM) against where a segmenter finds the concept.

For each image the classifier's CAM and the segmenter's mask are put side by side (the manual's
figure: image | CAM overlay | segmentation | CAM contour over the concept's region) and measured:
the share of CAM mass inside the region of the concept's classes, read against the region's
area share (the chance level), the IoU of the thresholded CAM with the region (threshold by Otsu
or top-k%), and the pointing game (is the CAM maximum inside the region).

Both models keep their own preprocessing, so their input sizes need not match. Everything is
compared at the ORIGINAL image size: the classifier sees the eval crop (short side resized to
``resize_size``, then a centre crop of ``crop_size``), and its CAM, computed on that crop, is
mapped back onto the part of the original image that the crop covers (bilinear, exact
geometry of the eval transform); pixels outside the crop get CAM 0 (the classifier never saw
them). The segmenter returns class ids at the original size already.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw
from skimage.filters import threshold_otsu

from visionlab import runs
from visionlab.compare_options import THRESHOLDS, CompareOptions
from visionlab.data.images import expand_paths, image_batches
from visionlab.data.masks import SegClasses, class_ids_by_name
from visionlab.data.transforms import eval_transform
from visionlab.errors import ParamError, UnknownNameError
from visionlab.explain.cam import Explainer
from visionlab.explain.figures import overlay as cam_overlay
from visionlab.explain.figures import save_png
from visionlab.explain.geometry import cam_to_image
from visionlab.explain.stage import target_index
from visionlab.models.checkpoint import load_classifier
from visionlab.segment import SUMMARY, SegmentationPredictor, check_output_folder, load_segmenter, output_names
from visionlab.utils.device import resolve_device
from visionlab.utils.files import write_csv_rows, write_json

DEFAULT_CONCEPT = "character"  # the game world's object class
MEASURES = ["cam_mass_in_region", "region_area_share", "iou", "pointing_hit"]


# --- measures ------------------------------------------------------------------------------------

def check_threshold(threshold: str, top_percent: float) -> None:
    """Check a CAM threshold setting (``top_percent`` counts only with ``topk``).

    Raises:
        ParamError: An unknown ``threshold``, or ``top_percent`` outside (0, 100] with ``topk``.
    """
    if threshold not in THRESHOLDS:
        raise ParamError("threshold", f"threshold: unknown threshold {threshold!r}; choose one of: {', '.join(THRESHOLDS)}")
    if threshold == "topk" and not 0 < top_percent <= 100:
        raise ParamError("top_percent", f"top_percent: must be in (0, 100]; got {top_percent}")


def threshold_cam(cam: np.ndarray, threshold: str = "otsu", top_percent: float = 20.0) -> tuple[np.ndarray, float]:
    """The CAM's "on" pixels and the threshold value used.

    ``otsu``: pixels above :func:`skimage.filters.threshold_otsu` of the CAM (strictly greater,
    skimage's convention). ``topk``: pixels at or above the value of the k-th highest pixel,
    k = round(``top_percent``% of the pixels) (at least 1; ties at the cut are included). In both
    cases pixels with CAM 0 are never "on", and a CAM that is 0 everywhere has no "on" pixel.

    Raises:
        ParamError: An unknown ``threshold``, or ``top_percent`` outside (0, 100] with ``topk``.
    """
    check_threshold(threshold, top_percent)
    cam = np.asarray(cam, dtype=np.float32)
    if threshold == "otsu":
        t = float(threshold_otsu(cam)) if cam.max() > cam.min() else float(cam.max())
        on = cam > t
    else:
        k = min(cam.size, max(1, round(cam.size * top_percent / 100)))
        t = float(np.partition(cam.ravel(), cam.size - k)[cam.size - k])
        on = cam >= t
    return on & (cam > 0), t


def compare_maps(cam: np.ndarray, region: np.ndarray, threshold: str = "otsu", top_percent: float = 20.0) -> dict:
    """Agreement of one CAM ``(H, W)`` in [0, 1] with a boolean concept region ``(H, W)``.

    Returns:
        ``cam_mass_in_region`` (share of the CAM's sum inside the region; 0 when the CAM is 0
        everywhere), ``region_area_share`` (the region's share of the pixels: the chance level
        of the mass), ``mass_over_chance`` (mass / area share; None for an empty region),
        ``iou`` (thresholded CAM vs region, see :func:`threshold_cam`; None when both are
        empty), ``threshold_value`` and ``pointing_hit`` (1.0 when the CAM's maximum, the first
        one in row-major order, lies in the region, else 0.0).
    """
    return _compare(cam, region, threshold, top_percent)[0]


def _compare(cam: np.ndarray, region: np.ndarray, threshold: str, top_percent: float) -> tuple[dict, np.ndarray]:
    cam = np.asarray(cam, dtype=np.float32)
    region = np.asarray(region).astype(bool)
    if cam.shape != region.shape:
        raise ValueError(f"CAM {cam.shape} and region {region.shape} differ in size")
    total = float(cam.sum(dtype=np.float64))
    mass = float(cam[region].sum(dtype=np.float64)) / total if total > 0 else 0.0
    area = float(region.mean())
    on, t = threshold_cam(cam, threshold, top_percent)
    union = int((on | region).sum())
    return {
        "cam_mass_in_region": mass,
        "region_area_share": area,
        "mass_over_chance": mass / area if area > 0 else None,
        "iou": int((on & region).sum()) / union if union else None,
        "threshold_value": t,
        "pointing_hit": float(region.flat[int(np.argmax(cam))]) if total > 0 else 0.0,
    }, on


# --- the figure ----------------------------------------------------------------------------------

def _boundary(mask: np.ndarray, width: int = 1) -> np.ndarray:
    """Pixels of ``mask`` with a 4-neighbour outside it, thickened to ``width`` pixels."""
    padded = np.pad(mask, 1, constant_values=False)
    inner = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    edge = mask & ~inner
    for _ in range(width - 1):
        p = np.pad(edge, 1, constant_values=False)
        edge = edge | p[:-2, 1:-1] | p[2:, 1:-1] | p[1:-1, :-2] | p[1:-1, 2:]
    return edge


def _resize(array: np.ndarray, size: tuple[int, int], nearest: bool = False) -> np.ndarray:
    if array.shape[1] == size[0] and array.shape[0] == size[1]:
        return array
    resample = Image.Resampling.NEAREST if nearest else Image.Resampling.BILINEAR
    if array.dtype == bool:
        return np.asarray(Image.fromarray(array.astype(np.uint8) * 255).resize(size, Image.Resampling.NEAREST)) > 127
    if array.ndim == 2 and array.dtype != np.uint8:
        return np.asarray(Image.fromarray(array.astype(np.float32)).resize(size, resample))
    return np.asarray(Image.fromarray(array).resize(size, resample))


def compare_figure(image: np.ndarray, cam: np.ndarray, ids: np.ndarray, region: np.ndarray, on: np.ndarray, classes: SegClasses,
                   title: str, numbers: str, max_side: int = 320) -> Image.Image:
    """Image | CAM overlay | segmentation colours | the concept region with the thresholded CAM's contour.

    In the last panel the region is light grey on dark, the contour of the "on" CAM pixels is
    yellow and the CAM maximum is a red cross.
    """
    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    shown = _resize(image, size)
    cam_s = np.clip(_resize(cam, size), 0, 1)
    mask_panel = np.where(_resize(region, size)[..., None], np.uint8(170), np.uint8(40)).repeat(3, axis=2)
    mask_panel[_boundary(_resize(on, size), width=2 if min(size) >= 96 else 1)] = (255, 230, 0)
    panels = [shown, cam_overlay(shown, cam_s), _resize(classes.colorize(ids), size, nearest=True), mask_panel]
    captions = ["image", "CAM", "segmentation", "region + CAM contour"]
    top, bottom = 20, 18
    fig = Image.new("RGB", (4 * size[0] + 6, size[1] + top + bottom), (30, 30, 30))
    draw = ImageDraw.Draw(fig)
    draw.text((4, 4), title, fill=(255, 255, 255))
    for i, (panel, caption) in enumerate(zip(panels, captions)):
        x = i * (size[0] + 2)
        fig.paste(Image.fromarray(panel), (x, top))
        draw.text((x + 4, top + 2), caption, fill=(255, 255, 255))
    cy, cx = np.unravel_index(int(np.argmax(cam)), cam.shape)
    px, py = 3 * (size[0] + 2) + int(cx * scale), top + int(cy * scale)
    draw.line([px - 4, py, px + 4, py], fill=(255, 40, 40), width=2)
    draw.line([px, py - 4, px, py + 4], fill=(255, 40, 40), width=2)
    draw.text((4, top + size[1] + 3), numbers, fill=(255, 255, 255))
    return fig


# --- the command ---------------------------------------------------------------------------------

def concept_label(concept: Sequence[str]) -> str:
    """The concept's classes in a few characters: ``dog+cat``, or ``20 object classes`` for more than three."""
    return "+".join(concept) if len(concept) <= 3 else f"{len(concept)} object classes"


def concept_ids(classes: SegClasses, concept: tuple[str, ...] | None) -> tuple[tuple[str, ...], list[int]]:
    """Names and ids of the concept's segmentation classes.

    Args:
        classes: The segmenter's classes.
        concept: The concept's class names (``CompareOptions.concept_classes``); empty or None:
            ``character``.

    Raises:
        UnknownNameError: A name the segmenter does not know, or no ``character`` class to default
            to; the message starts with ``concept_classes`` and lists the segmenter's classes.
    """
    names = list(classes.names)
    if not concept:
        if DEFAULT_CONCEPT not in names:
            raise UnknownNameError(f"concept_classes: the segmenter has no class {DEFAULT_CONCEPT!r} to default to; name the "
                                   f"concept's classes, from: {', '.join(names)}")
        concept = (DEFAULT_CONCEPT,)
    return tuple(concept), class_ids_by_name(concept, names, "concept_classes")


def _means(rows: list[dict]) -> dict:
    out: dict = {"n_images": len(rows), "empty_regions": sum(r["region_area_share"] == 0 for r in rows)}
    for k in MEASURES + ["confidence"]:
        vals = [r[k] for r in rows if r.get(k) is not None]
        out[k] = float(np.mean(vals)) if vals else None
    area = out["region_area_share"]
    out["mass_over_chance"] = out["cam_mass_in_region"] / area if area else None
    return out


def compare_images(classifier_run: str | Path, paths: Sequence[str | Path], segmenter: str | Path, out: str | Path,
                   opts: CompareOptions | None = None) -> dict:
    """Compare a classifier's CAMs with a segmenter's concept region, image by image and overall.

    The CAM is computed on the classifier's eval crop and mapped back onto the original image
    (pixels outside the crop count as CAM 0); the segmenter predicts at the original size with its
    own preprocessing. The region is every pixel whose class is one of the concept's classes.

    Writes to ``out``: ``figures/<name>.png`` (four panels), ``per_image.csv`` and ``summary.json``
    (``overall`` and ``per_class``, by predicted class: means of the per-image numbers, with
    ``mass_over_chance`` as mean mass / mean area share; ``empty_regions`` counts images
    without any concept pixel; they still get mass 0 and an IoU of 0, or None with no "on" CAM
    pixel either).

    Raises:
        UnknownNameError: Unknown concept class (the segmenter's classes are listed), target class,
            CAM method or segmenter.
        ParamError: Unknown threshold or a top percentage outside (0, 100].
        RunFolderError: ``out`` holds files of something else, or ``classifier_run`` is not a run.
    """
    opts = opts or CompareOptions()
    out = Path(out)
    check_output_folder(out)
    check_threshold(opts.threshold, opts.top_percent)
    run = runs.RunFolder(classifier_run).require()
    seg = load_segmenter(segmenter, download=opts.download)
    concept, concept_idx = concept_ids(seg.classes, opts.concept_classes)
    model, meta = load_classifier(run.checkpoint())
    classes, pre = meta["classes"], meta["preprocess"]
    target = target_index(opts.target_class, classes)
    files = expand_paths(paths)
    names = dict(zip(files, output_names(files)))
    predictor = SegmentationPredictor(seg, opts.device, opts.amp, opts.batch_size)
    device = resolve_device(opts.device)
    model.to(device)
    tf = eval_transform(pre)
    rows: list[dict] = []
    with Explainer(model, opts.method, opts.layer) as ex:
        for chunk, images in image_batches(files, opts.batch_size):
            arrays = [np.asarray(im) for im in images]
            x = torch.stack([tf(im) for im in images]).to(device)
            cams, probs = ex(x, None if target is None else [target] * len(chunk))
            explained = probs.argmax(1) if target is None else np.full(len(chunk), target)
            for i, (f, image, ids) in enumerate(zip(chunk, arrays, predictor.predict(arrays))):
                cam = cam_to_image(cams[i], pre, *image.shape[:2])
                region = np.isin(ids, concept_idx)
                nums, on = _compare(cam, region, opts.threshold, opts.top_percent)
                pred = int(probs[i].argmax())
                row = {"path": str(f), "name": names[f], "width": int(image.shape[1]), "height": int(image.shape[0]),
                       "pred": classes[pred], "confidence": float(probs[i, pred]), "explained": classes[int(explained[i])], **nums}
                rows.append(row)
                title = f"{f.name}: {row['pred']} {row['confidence']:.2f}" + (
                    "" if row["explained"] == row["pred"] else f" (CAM: {row['explained']})")
                numbers = (f"mass in {concept_label(concept)} {nums['cam_mass_in_region']:.2f} (area {nums['region_area_share']:.2f})  "
                           f"IoU {_fmt(nums['iou'])}  hit {int(nums['pointing_hit'])}")
                save_png(compare_figure(image, cam, ids, region, on, seg.classes, title, numbers), out / "figures" / f"{names[f]}.png")
    summary = {
        "classifier": str(run.path), "segmenter": seg.name, "concept_classes": list(concept),
        "threshold": {"method": opts.threshold, "top_percent": opts.top_percent if opts.threshold == "topk" else None},
        "method": opts.method, "target_class": opts.target_class,
        "classifier_input": [pre.crop_size, pre.crop_size], "segmenter_classes": list(seg.classes.names),
        "cam_mapping": "CAM of the eval crop mapped onto the original image; pixels outside the crop count as 0",
        "options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(opts).items()},
        "n_images": len(rows), "empty_regions": sum(r["region_area_share"] == 0 for r in rows),
        "overall": _means(rows),
        "per_class": {c: _means([r for r in rows if r["pred"] == c]) for c in classes if any(r["pred"] == c for r in rows)},
        "images": rows,
    }
    write_csv_rows(out / "per_image.csv", rows)
    write_json(out / SUMMARY, summary)
    return summary


def _fmt(v: float | None, spec: str = ".3f") -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, spec)


def format_summary(summary: dict, out: Path) -> str:
    """Terminal lines: CAM mass in the concept's region against its area share, IoU (threshold stated), pointing game."""
    th = summary["threshold"]
    how = "Otsu threshold" if th["method"] == "otsu" else f"top {th['top_percent']:g}% of pixels"
    concept = concept_label(summary["concept_classes"])

    def line(name: str, m: dict) -> str:
        chance = "" if m["mass_over_chance"] is None else f", {m['mass_over_chance']:.1f}x chance"
        return (f"{name:<12} n={m['n_images']:<4} CAM mass in {concept} {_fmt(m['cam_mass_in_region'])} "
                f"(area share {_fmt(m['region_area_share'])}{chance})  IoU {_fmt(m['iou'])}  pointing {_fmt(m['pointing_hit'], '.2f')}")

    lines = [f"{summary['n_images']} images: {summary['method']} CAMs of {summary['classifier']} vs {concept} "
             f"segmented by {summary['segmenter']}; IoU uses the CAM above the {how}",
             line("overall", summary["overall"])]
    lines += [line(f"pred {c}", m) for c, m in summary["per_class"].items()]
    if summary["empty_regions"]:
        lines.append(f"{summary['empty_regions']} image(s) without any {concept} pixel (mass 0 there)")
    lines.append(f"figures: {Path(out) / 'figures'}  table: {Path(out) / 'per_image.csv'}  summary: {Path(out) / SUMMARY}")
    return "\n".join(lines)
