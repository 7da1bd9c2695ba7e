"""The game-world variants' quality bar, read from lab folders: one table row per lab.

Run a lab per variant first (``visionlab lab --variant N --out runs/vN``; ``--stages classify explain``
measures the first three columns in a few minutes), then:

    .venv/bin/python benchmarks/variant_quality.py runs/v5 runs/v10 ... [--markdown]

Columns (the bar of the variants issues):
- validation accuracy of the lab's classifier (frozen EfficientNet-Lite0 on 400 scenes): >= 0.95;
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
from visionlab.data.shortcut import colour_shortcut


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def lab_row(lab: Path) -> dict:
    """The bar's numbers of one lab folder (None where the lab did not run the stage)."""
    manifest = _json(lab / "lab.json")
    stages = manifest.get("stages", {})
    config = manifest.get("config", {})
    run = lab / stages["classify"]["run"] if "classify" in stages else lab / "classify"
    val = _json(run / "metrics.json")
    splits = load_split(run / "split.json")
    train, held = splits["train"], splits["val"]
    shortcut = colour_shortcut(train.abs_paths(), train.labels, held.abs_paths(), held.labels)
    cam = _json(run / "explain" / "gradcam" / "cam_metrics.json").get("overall", {})
    seg = _json(lab / stages["segment"]["run"] / "metrics.json") if "segment" in stages else {}
    full = "distill" in stages
    return {"variant": config.get("variant_number", 1), "classes": " vs ".join(manifest.get("classes") or []),
            "val_accuracy": val.get("accuracy"), "shortcut_histogram": shortcut["histogram"],
            "shortcut_stats": shortcut["image_stats"], "cam_mass": cam.get("energy_in_mask"), "concept_area": cam.get("area_share"),
            "cam_over_area": cam.get("energy_over_chance"), "segment_test_miou": seg.get("miou"),
            "lab_minutes": round(manifest["seconds"] / 60, 1) if full and manifest.get("seconds") else None}


def _fmt(v: object) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def main() -> None:
    """Print the table for the lab folders given."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labs", nargs="+", help="lab folders (lab.json inside)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
    args = ap.parse_args()
    rows = [lab_row(Path(p)) for p in args.labs]
    keys = list(rows[0])
    if args.markdown:
        print("| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
        for r in rows:
            print("| " + " | ".join(_fmt(r[k]) for k in keys) + " |")
    else:
        for r in rows:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
