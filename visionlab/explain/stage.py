"""``visionlab explain``: heatmaps, galleries and CAM measures for a run's classifier."""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms import v2 as T

from visionlab import runs
from visionlab.data.images import expand_paths, image_batches, load_rgb
from visionlab.data.transforms import eval_transform
from visionlab.errors import UnknownNameError
from visionlab.explain.cam import Explainer
from visionlab.explain.figures import gallery, plot_deletion_insertion, save_png, three_panels
from visionlab.explain.measures import (
    CAM_THRESHOLD,
    CURVE_SEED,
    TOP_FRACTION,
    curve_auc,
    curve_fractions,
    deletion_insertion_curves,
    mask_measures,
    perturbation_confidences,
    pixel_ranks,
    random_maps,
    summarize,
)
from visionlab.explain.options import ExplainOptions
from visionlab.models.checkpoint import load_classifier
from visionlab.models.weights import Preprocess
from visionlab.utils.device import resolve_amp
from visionlab.utils.files import atomic_write, read_json, write_csv_rows, write_json

MASK_KEYS = ["energy_in_mask", "pointing_hit", "iou", "area_share"]
PERTURB_KEYS = ["conf_original", "conf_keep_top", "conf_remove_top"]
CURVE_KEYS = ["deletion_auc", "insertion_auc", "deletion_auc_random", "insertion_auc_random"]
CURVE_NAMES = {"cam": "", "random": "_random"}  # order name -> suffix of its keys
CURVE_PLOT = "deletion_insertion.png"


def crop_like(pre: Preprocess) -> T.Compose:
    """The geometric part of the eval transform, for masks and display images (nearest for masks)."""
    return T.Compose([T.Resize(pre.resize_size, interpolation=InterpolationMode.NEAREST), T.CenterCrop(pre.crop_size)])


@lru_cache(maxsize=32)
def _synth_concept_ids(root: Path) -> tuple[int, ...]:
    """Mask values of the game-world dataset's concept: its variant's concept classes (``character`` for variant 1)."""
    from visionlab.data.variants import get_variant

    variant = (read_json(root / "synth.json").get("spec") or {}).get("variant", 1)
    names = read_json(root / "segment" / "classes.json")["classes"]
    return tuple(names.index(c) for c in get_variant(variant).game_concept)


def find_mask(path: Path, masks_dir: Path | None) -> np.ndarray | None:
    """Boolean object mask for an image: ``masks_dir/<stem>.png`` (non-zero), or the game world's own concept.

    The game world's concept is its variant's concept classes: the character, or the weapon or effect; None
    where the concept is the whole image (day vs night, a style).
    """
    if masks_dir is not None:
        candidate = masks_dir / f"{path.stem}.png"
        return (np.asarray(load_rgb(candidate).convert("L")) > 0) if candidate.is_file() else None
    for parent in path.parents:
        if (parent / "synth.json").is_file():
            mask_file = parent / "segment" / "masks" / f"{path.stem}.png"
            if not mask_file.is_file():
                return None
            ids = _synth_concept_ids(parent)
            return np.isin(np.asarray(Image.open(mask_file)), ids) if ids else None  # a whole-image concept has no mask
    return None


def _true_label(path: Path, classes: list[str]) -> str | None:
    return path.parent.name if path.parent.name in classes else None


def _prepare_batch(files: list[Path], images: list[Image.Image], pre: Preprocess,
                   masks_dir: Path | None) -> tuple[torch.Tensor, list[np.ndarray], list[np.ndarray | None]]:
    tf, geo = eval_transform(pre), crop_like(pre)
    x = torch.stack([tf(im) for im in images])  # (B, 3, S, S)
    shown = [np.asarray(geo(im)) for im in images]  # (S, S, 3) uint8, aligned with x
    masks: list[np.ndarray | None] = []
    for f in files:
        m = find_mask(f, masks_dir)
        masks.append(None if m is None else np.asarray(geo(torch.from_numpy(m)[None]))[0].astype(bool))
    return x, shown, masks


def target_index(target_class: str | None, classes: list[str]) -> int | None:
    """The index of the class to explain for every image; None: each image's predicted class.

    Raises:
        UnknownNameError: A class the model does not know; the message starts with ``target_class``
            and lists the model's classes.
    """
    if target_class is None:
        return None
    if target_class not in classes:
        raise UnknownNameError(f"target_class: the model does not know class {target_class!r}; its classes are: {', '.join(classes)}")
    return classes.index(target_class)


def explain_images(run: str | Path, paths: Sequence[str | Path], out: str | Path | None = None, opts: ExplainOptions | None = None) -> dict:
    """Explain images with a run's best classifier and measure the explanations.

    Writes to ``out`` (default ``RUN/explain/<method>``): ``images/<stem>.png`` (original,
    heatmap, overlay), ``heatmaps/<stem>.npy`` (float16, input resolution), per-class
    ``gallery_<class>.png``, ``per_image.csv`` and ``cam_metrics.json``; adds the summary to
    the run's metrics file under ``cam`` when that file exists. Up to ``opts.curve_images``
    images, spread over the list, also get deletion and insertion curves in CAM order and in a
    random order (AUCs per image, mean curves under ``deletion_insertion``, and
    ``deletion_insertion.png``); these need no masks, so they answer on photos too.

    Args:
        run: A run folder of ``visionlab train classify`` (its best checkpoint, else the last).
        paths: Image files and/or folders (class sub-folders give the true labels).
        out: Output folder; None: ``RUN/explain/<method>``.
        opts: CAM method, layer, target class, masks and batch sizes; None: the defaults.

    Returns:
        The summary (overall and per class) with the heatmap's native resolution.

    Raises:
        RunFolderError: ``run`` is not a run folder or holds no checkpoint.
        UnknownNameError: Unknown method, layer or target class (with the valid choices).

    Example:
        >>> explain_images("runs/r1", ["photos/val"])["overall"]["mass_in_mask"]  # doctest: +SKIP
        0.61
    """
    opts = opts or ExplainOptions()
    folder = runs.RunFolder(run).require()
    model, meta = load_classifier(folder.checkpoint())
    classes, pre = meta["classes"], meta["preprocess"]
    target = target_index(opts.target_class, classes)
    out = Path(out) if out is not None else folder.explain_dir(opts.method)
    masks_dir = Path(opts.masks) if opts.masks else None
    amp = resolve_amp("auto", torch.device("cpu"))
    files = expand_paths(paths)
    curved = set(spread(files, opts.curve_images))
    rng, fractions = np.random.default_rng(CURVE_SEED), curve_fractions(opts.curve_steps)
    rows: list[dict] = []
    curves: list[tuple[str | None, dict[str, np.ndarray]]] = []  # (true class, curve name -> values) per measured image
    curve_seconds = 0.0
    with Explainer(model, opts.method, opts.layer) as ex:
        native = ex.feature_map_size(torch.zeros(1, 3, pre.crop_size, pre.crop_size))
        for chunk, images in image_batches(files, opts.batch_size):
            x, shown, masks = _prepare_batch(chunk, images, pre, masks_dir)
            cams, probs = ex(x, None if target is None else [target] * len(chunk))  # None: predicted class
            targets = probs.argmax(1) if target is None else np.full(len(chunk), target)
            conf = perturbation_confidences(model, x, cams, targets, amp)
            conf["original"] = probs[np.arange(len(chunk)), targets]
            t = time.perf_counter()
            measured = _curves(model, x, cams, targets, [f in curved for f in chunk], native, fractions, rng, amp, opts.batch_size)
            curve_seconds += time.perf_counter() - t
            for i, f in enumerate(chunk):
                row = _row(f, classes, probs[i], targets[i], cams[i], masks[i], {k: float(v[i]) for k, v in conf.items()})
                row.update(_auc_columns(measured.get(i), fractions))
                if i in measured:
                    curves.append((row["true"], measured[i]))
                rows.append(row)
                _save_one(out, f, shown[i], cams[i], row)
    return _write_summary(folder, out, rows, classes, opts, native, pre, (fractions, curves, curve_seconds), ex.layer_name)


def spread(items: list, k: int) -> list:
    """Up to ``k`` items spread evenly over the list (first and last included), so every class folder has its share."""
    if k <= 0:
        return []
    if len(items) <= k:
        return list(items)
    return [items[i] for i in np.linspace(0, len(items) - 1, k).round().astype(int)]


def _curves(model: torch.nn.Module, x: torch.Tensor, cams: np.ndarray, targets: np.ndarray, chosen: list[bool], native: tuple[int, int],
            fractions: np.ndarray, rng: np.random.Generator, amp: torch.dtype | None, batch_size: int) -> dict[int, dict[str, np.ndarray]]:
    """Deletion and insertion curves, in CAM order and in a random order, of the chosen images of a batch (by index)."""
    idx = [i for i, c in enumerate(chosen) if c]
    if not idx:
        return {}
    size = (x.shape[-2], x.shape[-1])
    orders = {"cam": pixel_ranks(cams[idx], rng), "random": pixel_ranks(random_maps(len(idx), native, size, rng), rng)}
    got = deletion_insertion_curves(model, x[idx], orders, targets[idx], fractions, amp, batch_size)
    return {i: {f"{curve}{CURVE_NAMES[o]}": got[o][curve][n] for o in orders for curve in ("deletion", "insertion")}
            for n, i in enumerate(idx)}


def _auc_columns(curves: dict[str, np.ndarray] | None, fractions: np.ndarray) -> dict[str, float | None]:
    if curves is None:
        return {k: None for k in CURVE_KEYS}
    return {f"{curve}_auc{suffix}": float(curve_auc(curves[f"{curve}{suffix}"], fractions))
            for suffix in CURVE_NAMES.values() for curve in ("deletion", "insertion")}


def _row(f: Path, classes: list[str], probs: np.ndarray, target: int, cam: np.ndarray, mask: np.ndarray | None, conf: dict) -> dict:
    pred = int(probs.argmax())
    row = {"path": str(f), "true": _true_label(f, classes), "pred": classes[pred], "confidence": float(probs[pred]),
           "explained": classes[int(target)], **{f"conf_{k}": v for k, v in conf.items()}}
    # No mask, or an empty one (the concept is not in this image: a room's walls in an outdoor scene): no mask measure.
    row.update(mask_measures(cam, mask) if mask is not None and mask.any() else {k: None for k in MASK_KEYS})
    return row


def _save_one(out: Path, f: Path, shown: np.ndarray, cam: np.ndarray, row: dict) -> None:
    correct = None if row["true"] is None else row["true"] == row["pred"]
    title = f"{row['pred']} {row['confidence']:.2f}" + ("" if row["explained"] == row["pred"] else f" (CAM: {row['explained']})")
    save_png(three_panels(shown, cam, title, correct), out / "images" / f"{f.stem}.png")
    atomic_write(out / "heatmaps" / f"{f.stem}.npy", lambda p: _save_npy(p, cam.astype(np.float16)))


def _save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:  # np.save(path) would append ".npy" to the temporary name
        np.save(f, array)


def _pick_mixed(items: list, k: int) -> list:
    """Up to ``k`` tiles, wrong predictions first so they are never crowded out by correct ones."""
    wrong = [t for ok, t in items if ok is False]
    right = [t for ok, t in items if ok is not False]
    return (wrong[: max(1, k // 2)] + right)[:k] if wrong else right[:k]


def _write_summary(run: runs.RunFolder, out: Path, rows: list[dict], classes: list[str], opts: ExplainOptions,
                   native: tuple[int, int], pre: Preprocess, curves: tuple[np.ndarray, list, float], layer_name: str) -> dict:
    for c, items in _tiles_by_class(rows, classes, out, opts.gallery_size).items():
        save_png(gallery(items), out / f"gallery_{c}.png")
    summary = summarize(rows, MASK_KEYS + PERTURB_KEYS + CURVE_KEYS, classes)
    summary.update({
        "method": opts.method, "layer": opts.layer, "target_layer": layer_name, "target_class": opts.target_class,
        "cam_resolution": list(native), "input_resolution": [pre.crop_size, pre.crop_size],
        "cam_threshold_for_iou": CAM_THRESHOLD, "top_fraction_for_perturbation": TOP_FRACTION, "out": str(out),
    })
    if curves[1]:
        summary["deletion_insertion"] = _curve_summary(*curves, classes, opts, len(rows))
        plot_deletion_insertion(summary["deletion_insertion"], out / CURVE_PLOT, opts.method)
    write_json(out / "cam_metrics.json", summary)
    write_csv_rows(out / "per_image.csv", rows)
    if run.metrics_path.is_file():
        metrics = run.metrics()
        metrics.setdefault("cam", {})[opts.method] = summary
        write_json(run.metrics_path, metrics)
    return summary


def _curve_summary(fractions: np.ndarray, curves: list[tuple[str | None, dict[str, np.ndarray]]], seconds: float, classes: list[str],
                   opts: ExplainOptions, n_explained: int) -> dict:
    """The mean curves overall and per true class, with how they were measured (for ``cam_metrics.json``)."""

    def mean_curves(members: list[dict[str, np.ndarray]]) -> dict:
        return {"n_images": len(members), **{k: np.mean([m[k] for m in members], axis=0, dtype=np.float64).round(5).tolist() for k in members[0]}}

    groups = {c: [m for t, m in curves if t == c] for c in classes}
    return {
        "fractions": fractions.round(5).tolist(), "n_images": len(curves), "n_images_explained": n_explained,
        "curve_images": opts.curve_images, "capped": len(curves) < n_explained, "seconds": round(seconds, 2), "plot": CURVE_PLOT,
        "baseline": "mean colour (0 in normalized space): deleted pixels, and pixels not yet inserted",
        "random_order": f"uniform noise on the {opts.method} map's native grid, upsampled bilinearly to the input (seed {CURVE_SEED})",
        "target": "softmax probability of the explained class",
        "overall": mean_curves([m for _, m in curves]),
        "per_class": {c: mean_curves(ms) for c, ms in groups.items() if ms},
    }


def _tiles_by_class(rows: list[dict], classes: list[str], out: Path, per_class: int) -> dict[str, list]:
    groups: dict[str, list] = {}
    for c in classes:
        members = [r for r in rows if (r["true"] or r["pred"]) == c]
        items = [(None if r["true"] is None else r["true"] == r["pred"], Image.open(out / "images" / f"{Path(r['path']).stem}.png")) for r in members]
        if items:
            groups[c] = _pick_mixed(items, per_class)
    return groups


def format_summary(summary: dict) -> str:
    """Terminal lines: overall and per-class CAM measures, read against chance."""

    def line(name: str, m: dict) -> str:
        parts = [f"{name:<10} n={m['n_images']:<4}"]
        if m.get("energy_in_mask") is not None:
            parts.append(
                f"CAM mass in object {m['energy_in_mask']:.3f} (object area {m['area_share']:.3f}, "
                f"{m['energy_over_chance']:.1f}x chance)  pointing {m['pointing_hit']:.2f}  IoU {m['iou']:.3f}"
            )
        parts.append(
            f"confidence {m['conf_original']:.3f} -> keep top 20% {m['conf_keep_top']:.3f}, remove top 20% {m['conf_remove_top']:.3f}"
        )
        if m.get("deletion_auc") is not None:
            parts.append(f"deletion AUC {m['deletion_auc']:.3f} (random {m['deletion_auc_random']:.3f})  "
                         f"insertion AUC {m['insertion_auc']:.3f} (random {m['insertion_auc_random']:.3f})")
        return "  ".join(parts)

    res = summary["cam_resolution"]
    head = f"{summary['method']}: heatmap native resolution {res[0]}x{res[1]} for {summary['input_resolution'][0]} px inputs; files in {summary['out']}"
    curves = summary.get("deletion_insertion")
    if curves:
        head += (f"\ndeletion/insertion curves on {curves['n_images']} of {curves['n_images_explained']} images"
                 f" in {curves['seconds']:.1f} s (mean-colour baseline, random order as chance); plot {curves['plot']}")
    return "\n".join([head, line("overall", summary["overall"])] + [line(c, m) for c, m in summary["per_class"].items()])
