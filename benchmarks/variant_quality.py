"""The game-world variants' quality bar, read from lab folders: one table row per lab.

Run a lab per variant first (``visionlab lab --variant N --out runs/vN``; ``--stages classify explain``
measures the first three columns in a few minutes), then:

    .venv/bin/python benchmarks/variant_quality.py runs/v5 runs/v10 ... [--markdown] [--all]

``--all`` prints one row per manual variant (1-25) with what each misses of the bar. Several labs of one
variant (say a ``--stages classify explain`` lab and a ``--stages segment`` one) make one row.

Columns (the bar of the variants issues):
- validation accuracy of the lab's classifier (EfficientNet-Lite0 on 400 scenes; the main job fine-tunes its top blocks): >= 0.95;
- a logistic regression on a global colour histogram, and one on image statistics (brightness, channel
  means and spreads), fitted on the classifier's training split and scored on its validation split:
  <= 0.70 (``visionlab.data.shortcut``);
- Grad-CAM mass inside the concept's true mask over its area share, validation split: >= 2;
- the segmenter's test mIoU: >= 0.70 (a full lab only);
- the lab's wall-clock minutes: <= 15 (a full lab only).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from visionlab.data.folders import load_split
from visionlab.data.shortcut import check_split


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def lab_row(lab: Path) -> dict:
    """The bar's numbers of one lab folder (None where the lab did not run the stage)."""
    manifest = _json(lab / "lab.json")
    stages = manifest.get("stages", {})
    config = manifest.get("config", {})
    run = lab / stages["classify"]["run"] if "classify" in stages else lab / "classify"
    val = _json(run / "metrics.json")
    shortcut: dict = _json(run / "shortcut.json")  # written by training since the check moved into every run
    if not shortcut and (run / "split.json").is_file():  # older runs; a segment-only lab has no classifier split
        splits = load_split(run / "split.json")
        shortcut = check_split(splits["train"], splits["val"]) or {}
    cam = _json(run / "explain" / "gradcam" / "cam_metrics.json").get("overall", {})
    seg = _json(lab / stages["segment"]["run"] / "metrics.json") if "segment" in stages else {}
    full = "distill" in stages
    return {"variant": config.get("variant_number", 1), "classes": " vs ".join(manifest.get("classes") or []),
            "val_accuracy": val.get("accuracy"), "shortcut_histogram": shortcut.get("histogram"),
            "shortcut_stats": shortcut.get("image_stats"), "cam_mass": cam.get("energy_in_mask"), "concept_area": cam.get("area_share"),
            "cam_over_area": cam.get("energy_over_chance"), "segment_test_miou": seg.get("miou"),
            "lab_minutes": round(manifest["seconds"] / 60, 1) if full and manifest.get("seconds") else None}


BAR = {"val_accuracy": (">=", 0.95), "shortcut_histogram": ("<=", 0.70), "shortcut_stats": ("<=", 0.70), "cam_over_area": (">=", 2.0),
       "segment_test_miou": (">=", 0.70), "lab_minutes": ("<=", 15.0)}
"""The quality bar of the variants issues: column -> (comparison, threshold)."""


def misses(row: dict) -> list[str]:
    """The bar's columns this row misses; the shortcut and CAM columns only where the concept is a region."""
    from visionlab.data.variants import get_variant

    whole = get_variant(row["variant"]).game_whole_image
    out = []
    for key, (op, limit) in BAR.items():
        value = row.get(key)
        if value is None or (whole and key.startswith(("shortcut", "cam"))):
            continue
        if (value < limit) if op == ">=" else (value > limit):
            out.append(key)
    return out


def merge_by_variant(rows: list[dict]) -> list[dict]:
    """One row per variant: each column from the last lab given that measured it (e.g. a classify + explain lab and a segment-only one)."""
    merged: dict[int, dict] = {}
    for row in rows:
        into = merged.setdefault(row["variant"], {})
        into.update({k: v for k, v in row.items() if v is not None or k not in into})
    return list(merged.values())


def all_variants(rows: list[dict]) -> list[dict]:
    """One row per manual variant (1-25): the measured row where a lab was given, else what the game world does."""
    from visionlab.data.synth import get_game_variant
    from visionlab.data.variants import VARIANTS

    by_number = {r["variant"]: r for r in rows}
    out = []
    for v in VARIANTS:
        row = by_number.get(v.number) or {"variant": v.number, "classes": " vs ".join(v.classes)}
        if v.number not in by_number:
            row["note"] = "rendered; no lab measured this round" if v.game_world else "not rendered: your photos (--data) or a web fetch"
        else:
            unmeasured = [k for k in BAR if row.get(k) is None and not (v.game_whole_image and k.startswith("cam"))]
            verdict = "misses " + ", ".join(misses(row)) if misses(row) else "meets the bar" + (" where measured" if unmeasured else "")
            paired = v.game_world and get_game_variant(v.number).paired  # one setting per pair of scenes (README)
            row["note"] = ("whole image; " if v.game_whole_image else "") + ("paired; " if paired else "") + verdict
        out.append(row)
    return out


def _fmt(v: object) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def main() -> None:
    """Print the table for the lab folders given."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labs", nargs="+", help="lab folders (lab.json inside)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
    ap.add_argument("--all", action="store_true", help="one row per manual variant (1-25), with what each misses of the bar")
    args = ap.parse_args()
    rows = merge_by_variant([lab_row(Path(p)) for p in args.labs])
    if args.all:
        rows = all_variants(rows)
    keys = sorted(dict.fromkeys(k for r in rows for k in r), key=lambda k: k == "note")  # the note last
    if args.markdown:
        print("| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
        for r in rows:
            print("| " + " | ".join(_fmt(r.get(k)) for k in keys) + " |")
    else:
        for r in rows:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
