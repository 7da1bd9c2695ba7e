"""Numbers for the manual's questions: does the CAM point at the object, and does it matter?"""

from __future__ import annotations

import numpy as np
import torch

from visionlab.utils.device import autocast

# A CAM pixel counts as "on" at half the image's maximum (maps are min-max normalized).
CAM_THRESHOLD = 0.5
# Share of the highest CAM pixels kept or removed in the perturbation test.
TOP_FRACTION = 0.2


def mask_measures(cam: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Agreement of one CAM ``(H, W)`` in [0, 1] with a boolean object mask ``(H, W)``.

    Returns:
        ``energy_in_mask`` (share of CAM mass inside the mask, the energy pointing game),
        ``pointing_hit`` (1.0 when the CAM maximum lies in the mask), ``iou`` (CAM >=
        ``CAM_THRESHOLD`` vs the mask) and ``area_share`` (the mask's share of the image,
        the chance level of ``energy_in_mask``).
    """
    mask = mask.astype(bool)
    total = float(cam.sum())
    on = cam >= CAM_THRESHOLD
    union = float((on | mask).sum())
    return {
        "energy_in_mask": float(cam[mask].sum()) / total if total > 0 else 0.0,
        "pointing_hit": float(mask.flat[int(np.argmax(cam))]),
        "iou": float((on & mask).sum()) / union if union > 0 else 0.0,
        "area_share": float(mask.mean()),
    }


@torch.no_grad()
def perturbation_confidences(
    model: torch.nn.Module, x: torch.Tensor, cams: np.ndarray, targets: np.ndarray, amp: torch.dtype | None = None
) -> dict[str, np.ndarray]:
    """Target-class confidence with only the top CAM pixels kept, and with them removed.

    Removed pixels are set to 0 in normalized space (the dataset mean colour).

    Args:
        model: The classifier (put in eval mode for these passes, then restored).
        x: Preprocessed images ``(B, 3, H, W)``.
        cams: ``(B, H, W)`` maps at the input resolution.
        targets: Explained class per image ``(B,)``.
        amp: Autocast dtype for these forward passes (confidences need no fp32 precision).

    Returns:
        ``keep_top`` and ``remove_top``: the target class's probability per image ``(B,)``.
    """
    flat = cams.reshape(len(cams), -1)
    cut = np.quantile(flat, 1.0 - TOP_FRACTION, axis=1)[:, None, None]
    top = torch.from_numpy(cams >= cut).unsqueeze(1).to(x.dtype)  # (B, 1, H, W)
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
