"""Numbers for the manual's questions: does the CAM point at the object, and does it matter?

Two kinds: :func:`mask_measures` needs an object mask (the game world has them); the perturbation
measures need none and so also answer on photos: :func:`perturbation_confidences` (one point:
top 20% kept or removed) and :func:`deletion_insertion_curves` (the whole curve, against a random
order of the same smoothness as chance).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from visionlab.utils.device import autocast

# A CAM pixel counts as "on" at half the image's maximum (maps are min-max normalized).
CAM_THRESHOLD = 0.5
# Share of the highest CAM pixels kept or removed in the perturbation test.
TOP_FRACTION = 0.2
# Deletion/insertion curves: fractions 0, 1/CURVE_STEPS, ..., 1 of the pixels, and the seed of
# the random order (and of tie-breaking) they are compared against.
CURVE_STEPS = 10
CURVE_SEED = 0


def mask_measures(cam: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Agreement of one CAM ``(H, W)`` in [0, 1] with a boolean object mask ``(H, W)``.

    Returns:
        ``energy_in_mask`` (share of CAM mass inside the mask, the energy pointing game),
        ``pointing_hit`` (1.0 when the CAM maximum, the first in row-major order, lies in the mask; 0.0
        for a CAM that is 0 everywhere, as in :func:`visionlab.compare.compare_maps`), ``iou`` (CAM >=
        ``CAM_THRESHOLD`` vs the mask) and ``area_share`` (the mask's share of the image,
        the chance level of ``energy_in_mask``).
    """
    mask = mask.astype(bool)
    total = float(cam.sum())
    on = cam >= CAM_THRESHOLD
    union = float((on | mask).sum())
    return {
        "energy_in_mask": float(cam[mask].sum()) / total if total > 0 else 0.0,
        "pointing_hit": float(mask.flat[int(np.argmax(cam))]) if total > 0 else 0.0,
        "iou": float((on & mask).sum()) / union if union > 0 else 0.0,
        "area_share": float(mask.mean()),
    }


@torch.no_grad()
def perturbation_confidences(
    model: torch.nn.Module, x: torch.Tensor, cams: np.ndarray, targets: np.ndarray, amp: torch.dtype | None = None
) -> dict[str, np.ndarray]:
    """Target-class confidence with only the top CAM pixels kept, and with them removed.

    Removed pixels are set to 0 in normalized space (the dataset mean colour). Exactly
    ``round(TOP_FRACTION * H * W)`` pixels count as the top: ties (a flat or blocky map) are broken in
    the seeded random order of :func:`pixel_ranks`, so a flat map keeps a random 20%, not everything.

    Args:
        model: The classifier (put in eval mode for these passes, then restored).
        x: Preprocessed images ``(B, 3, H, W)``.
        cams: ``(B, H, W)`` maps at the input resolution.
        targets: Explained class per image ``(B,)``.
        amp: Autocast dtype for these forward passes (confidences need no fp32 precision).

    Returns:
        ``keep_top`` and ``remove_top``: the target class's probability per image ``(B,)``.
    """
    k = round(TOP_FRACTION * cams[0].size)
    ranks = pixel_ranks(cams, np.random.default_rng(CURVE_SEED))
    top = torch.from_numpy(ranks < k).unsqueeze(1).to(x.dtype)  # (B, 1, H, W): the k highest pixels of each map
    was_training = model.training
    model.eval()
    try:
        out = {}
        for name, batch in (("keep_top", x * top), ("remove_top", x * (1 - top))):
            with autocast(x.device, amp):
                logits = model(batch)
            probs = logits.float().softmax(1).cpu().numpy()
            out[name] = probs[np.arange(len(targets)), targets]
    finally:
        model.train(was_training)
    return out


def curve_fractions(steps: int = CURVE_STEPS) -> np.ndarray:
    """The fractions of pixels a deletion/insertion curve is measured at: ``0, 1/steps, ..., 1``."""
    return np.linspace(0.0, 1.0, steps + 1)


def random_maps(n: int, native: tuple[int, int], size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """``n`` random maps ``(n, H, W)``: uniform noise on the CAM's native grid, upsampled bilinearly.

    A random order of single pixels would delete salt-and-pepper noise, which a network reads very
    differently from the blobs a CAM order deletes; noise drawn at the heatmap's own resolution and
    upsampled like the heatmap gives a chance order made of blobs of the same size.
    """
    noise = torch.from_numpy(rng.random((n, 1, *native), dtype=np.float32))
    return F.interpolate(noise, size=size, mode="bilinear", align_corners=False)[:, 0].numpy()


def pixel_ranks(maps: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each pixel's place ``(B, H, W)`` in descending order of ``maps`` (0: the highest value).

    Ties are broken in a seeded random order: Grad-CAM maps are exactly 0 on large areas (16% of
    the pixels of an EfficientNet-Lite0 map in the game world), and raster order would delete the
    top rows of those areas first.
    """
    flat = maps.reshape(len(maps), -1)
    ranks = np.empty(flat.shape, np.int64)
    for i, m in enumerate(flat):
        ranks[i, np.lexsort((rng.random(m.size), -m))] = np.arange(m.size)
    return ranks.reshape(maps.shape)


@torch.no_grad()
def deletion_insertion_curves(model: torch.nn.Module, x: torch.Tensor, orders: dict[str, np.ndarray], targets: np.ndarray,
                              fractions: np.ndarray, amp: torch.dtype | None = None, batch_size: int = 32) -> dict[str, dict[str, np.ndarray]]:
    """Target-class probability as the top fraction of pixels is deleted, and as it is inserted.

    Deleted pixels, and every pixel not yet inserted, are 0 in normalized space (the dataset mean
    colour, as in :func:`perturbation_confidences`, whose two numbers are these curves at 0.2): a
    blurred copy keeps an object's colour, and in the game world colour alone tells the classes
    apart. Deletion at fraction 1 and insertion at 0 are that mean-colour image.

    Written by hand rather than with ``pytorch_grad_cam.metrics``: ROAD's noisy linear imputation
    solves a sparse system per image and fraction (0.54 s each at 224 px on 2 cores, about 25 min
    for 80 images' curves), and the library's percentile threshold (``cam < percentile``) collapses
    ties, so with 16% of a Grad-CAM map at exactly 0 "remove the top 90%" removes all of it. Here
    every perturbed image of every order and fraction goes through the model in batches under
    ``amp``, each image's unperturbed and mean-colour versions only once.

    Args:
        model: The classifier (put in eval mode for these passes, then restored).
        x: Preprocessed images ``(B, 3, H, W)``.
        orders: Name -> pixel ranks ``(B, H, W)`` (:func:`pixel_ranks`; 0 goes first).
        targets: Explained class per image ``(B,)``.
        fractions: Increasing shares of the pixels in [0, 1] (:func:`curve_fractions`).
        amp: Autocast dtype for these forward passes.
        batch_size: Perturbed images per forward pass.

    Returns:
        Per order name, ``deletion`` and ``insertion``: the target class's probability ``(B, F)``.
    """
    b_count, pixels = len(x), x.shape[-2] * x.shape[-1]
    names = list(orders)
    ranks = torch.from_numpy(np.stack([orders[n] for n in names]))  # (O, B, H, W)
    counts = [round(float(f) * pixels) for f in fractions]
    jobs: dict[tuple[int, int, int, bool], int] = {}  # (image, order, top pixels, inserted) -> result index

    def job(b: int, o: int, k: int, inserted: bool) -> int:
        if k in (0, pixels):  # unperturbed or all mean colour: the same for every order
            o, inserted = 0, inserted == (k == pixels)
            k = pixels
        return jobs.setdefault((b, o, k, inserted), len(jobs))

    index = {(b, o, j, ins): job(b, o, k, ins) for b in range(b_count) for o in range(len(names))
             for j, k in enumerate(counts) for ins in (False, True)}
    keys = list(jobs)
    probs = np.empty(len(keys), np.float32)
    was_training = model.training
    model.eval()
    try:
        for start in range(0, len(keys), batch_size):
            part = torch.tensor(keys[start : start + batch_size])  # (n, 4)
            image, order, top_k, inserted = part.unbind(1)
            top = ranks[order, image] < top_k[:, None, None]  # (n, H, W): the k highest pixels
            keep = (top == inserted.bool()[:, None, None]).unsqueeze(1).to(x.dtype)
            batch = (x[image] * keep).contiguous(memory_format=torch.channels_last)
            with autocast(x.device, amp):
                logits = model(batch)
            p = logits.float().softmax(1).cpu().numpy()
            probs[start : start + len(part)] = p[np.arange(len(part)), targets[image.numpy()]]
    finally:
        model.train(was_training)
    return {name: {curve: np.array([[probs[index[b, o, j, ins]] for j in range(len(counts))] for b in range(b_count)])
                   for curve, ins in (("deletion", False), ("insertion", True))} for o, name in enumerate(names)}


def curve_auc(values: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Area under curves ``(..., F)`` over ``fractions`` (trapezoid rule; ``np.trapezoid`` needs NumPy 2)."""
    values = np.asarray(values, dtype=np.float64)
    return ((values[..., 1:] + values[..., :-1]) / 2 * np.diff(fractions)).sum(-1)


def summarize(rows: list[dict], keys: list[str], classes: list[str]) -> dict:
    """Mean of ``keys`` overall and per true class (rows carry ``true``; None rows are skipped)."""

    def mean_of(subset: list[dict]) -> dict:
        out: dict = {"n_images": len(subset)}
        for k in keys:
            vals = [r[k] for r in subset if r.get(k) is not None]
            out[k] = float(np.mean(vals)) if vals else None
        if out.get("energy_in_mask") is not None and out.get("area_share"):
            out["energy_over_chance"] = out["energy_in_mask"] / out["area_share"]
        return out

    summary = {"overall": mean_of(rows)}
    summary["per_class"] = {c: mean_of([r for r in rows if r.get("true") == c]) for c in classes if any(r.get("true") == c for r in rows)}
    return summary
