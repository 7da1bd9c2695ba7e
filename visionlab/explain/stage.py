"""``visionlab explain``: heatmaps, galleries and CAM measures for a run's classifier."""

from __future__ import annotations

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
from visionlab.explain.figures import gallery, save_png, three_panels
from visionlab.explain.measures import CAM_THRESHOLD, TOP_FRACTION, mask_measures, perturbation_confidences, summarize
from visionlab.explain.options import ExplainOptions
from visionlab.models.checkpoint import load_classifier
from visionlab.models.weights import Preprocess
from visionlab.utils.device import resolve_amp
from visionlab.utils.files import atomic_write, read_json, write_csv_rows, write_json

SYNTH_OBJECT_CLASS = "character"
MASK_KEYS = ["energy_in_mask", "pointing_hit", "iou", "area_share"]
PERTURB_KEYS = ["conf_original", "conf_keep_top", "conf_remove_top"]


def _crop_like(pre: Preprocess) -> T.Compose:
    """The geometric part of the eval transform, for masks and display images (nearest for masks)."""
    return T.Compose([T.Resize(pre.resize_size, interpolation=InterpolationMode.NEAREST), T.CenterCrop(pre.crop_size)])


@lru_cache(maxsize=32)
def _synth_object_index(root: Path) -> int:
    return read_json(root / "segment" / "classes.json")["classes"].index(SYNTH_OBJECT_CLASS)


def find_mask(path: Path, masks_dir: Path | None) -> np.ndarray | None:
    """Boolean object mask for an image: ``masks_dir/<stem>.png`` (non-zero), or the game world's own."""
    if masks_dir is not None:
        candidate = masks_dir / f"{path.stem}.png"
        return (np.asarray(load_rgb(candidate).convert("L")) > 0) if candidate.is_file() else None
    for parent in path.parents:
        if (parent / "synth.json").is_file():
            mask_file = parent / "segment" / "masks" / f"{path.stem}.png"
            if not mask_file.is_file():
                return None
            return np.asarray(Image.open(mask_file)) == _synth_object_index(parent)
    return None


def _true_label(path: Path, classes: list[str]) -> str | None:
    return path.parent.name if path.parent.name in classes else None


def _prepare_batch(files: list[Path], images: list[Image.Image], pre: Preprocess,
                   masks_dir: Path | None) -> tuple[torch.Tensor, list[np.ndarray], list[np.ndarray | None]]:
    tf, geo = eval_transform(pre), _crop_like(pre)
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
    the run's metrics file under ``cam`` when that file exists.

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
    rows: list[dict] = []
    with Explainer(model, opts.method, opts.layer) as ex:
        native = ex.feature_map_size(torch.zeros(1, 3, pre.crop_size, pre.crop_size))
        for chunk, images in image_batches(expand_paths(paths), opts.batch_size):
            x, shown, masks = _prepare_batch(chunk, images, pre, masks_dir)
            cams, probs = ex(x, None if target is None else [target] * len(chunk))  # None: predicted class
            targets = probs.argmax(1) if target is None else np.full(len(chunk), target)
            conf = perturbation_confidences(model, x, cams, targets, amp)
            conf["original"] = probs[np.arange(len(chunk)), targets]
            for i, f in enumerate(chunk):
                row = _row(f, classes, probs[i], targets[i], cams[i], masks[i], {k: float(v[i]) for k, v in conf.items()})
                rows.append(row)
                _save_one(out, f, shown[i], cams[i], row)
    return _write_summary(folder, out, rows, classes, opts, native, pre)


def _row(f: Path, classes: list[str], probs: np.ndarray, target: int, cam: np.ndarray, mask: np.ndarray | None, conf: dict) -> dict:
    pred = int(probs.argmax())
    row = {"path": str(f), "true": _true_label(f, classes), "pred": classes[pred], "confidence": float(probs[pred]),
           "explained": classes[int(target)], **{f"conf_{k}": v for k, v in conf.items()}}
    row.update(mask_measures(cam, mask) if mask is not None else {k: None for k in MASK_KEYS})
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
    return (wrong[: k // 2] + right)[:k] if wrong else right[:k]


def _write_summary(run: runs.RunFolder, out: Path, rows: list[dict], classes: list[str], opts: ExplainOptions,
                   native: tuple[int, int], pre: Preprocess) -> dict:
    for c, items in _tiles_by_class(rows, classes, out, opts.gallery_size).items():
        save_png(gallery(items), out / f"gallery_{c}.png")
    summary = summarize(rows, MASK_KEYS + PERTURB_KEYS, classes)
    summary.update({
        "method": opts.method, "layer": opts.layer, "target_class": opts.target_class,
        "cam_resolution": list(native), "input_resolution": [pre.crop_size, pre.crop_size],
        "cam_threshold_for_iou": CAM_THRESHOLD, "top_fraction_for_perturbation": TOP_FRACTION, "out": str(out),
    })
    write_json(out / "cam_metrics.json", summary)
    write_csv_rows(out / "per_image.csv", rows)
    if run.metrics_path.is_file():
        metrics = run.metrics()
        metrics.setdefault("cam", {})[opts.method] = summary
        write_json(run.metrics_path, metrics)
    return summary


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
        return "  ".join(parts)

    res = summary["cam_resolution"]
    head = f"{summary['method']}: heatmap native resolution {res[0]}x{res[1]} for {summary['input_resolution'][0]} px inputs; files in {summary['out']}"
    return "\n".join([head, line("overall", summary["overall"])] + [line(c, m) for c, m in summary["per_class"].items()])
