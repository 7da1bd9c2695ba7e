"""Where every number of the report comes from: which images, which models, which ground truth; and why stages were skipped.

Read from ``lab.json``: the resolved config and the plan the lab runner made before anything trained
(:mod:`visionlab.lab.plan`). Labs written before the plan existed have none: the rows that need it
are left out.
"""

from __future__ import annotations

from visionlab.data.variants import get_variant
from visionlab.report.document import Block, Heading, Lab, Table

SEGMENTERS = {
    "game_world": "trained here on rendered game-world scenes and their masks",
    "masks": "trained here on the mask dataset {data}",
    "pretrained": "{name}, pretrained as published (Pascal VOC classes); not trained on these images",
}


def images_text(config: dict, folder: str | None = None) -> str:
    """Where the classification images came from, in a few words (``folder``: the data stage's folder)."""
    d = config.get("data") or {}
    source = d.get("source")
    if source == "game_world":
        return f"game-world scenes rendered offline from seed {config.get('seed')} ({d.get('n')} scenes, {d.get('size')} px)"
    if source == "fetch":
        return "a web image search: " + "; ".join(f"{k}: {v!r}" for k, v in (d.get("queries") or {}).items())
    return f"your images in {folder or d.get('path')}"


def provenance_rows(lab: Lab) -> list[list[str]]:
    """Rows of the provenance table: what each stage measured, on which images, against which ground truth."""
    m = lab.manifest
    config = m.get("config") or {}
    plan = m.get("plan")
    game = (config.get("data") or {}).get("source") == "game_world"
    c = config.get("classify") or {}
    rows = [["images", images_text(config, (lab.stage("data") or {}).get("classify_data"))],
            ["classifier", f"{c.get('backbone')} ({c.get('mode')}), weights {c.get('weights')}, trained here on the training split"],
            ["classification ground truth", "the class folders the images came in; scores on the validation split"]]
    no_mask = "measures that need none (the classifier's confidence as the CAM's pixels are removed or kept)"
    whole = game and get_variant(config.get("variant_number") or 1).game_whole_image
    rows.append(["Grad-CAM ground truth", f"no region: the concept of variant {config.get('variant_number')} is the whole image; " + no_mask
                 if whole else "the generator's object masks (mask measures) and the classifier itself (perturbation measures)"
                 if game else "no masks: " + no_mask])
    if plan is None:
        return rows
    kind = plan.get("segmenter")
    if kind:
        seg = SEGMENTERS[kind].format(data=(config.get("segment") or {}).get("data"), name=plan.get("pretrained"))
        rows.append(["segmenter", seg])
        rows.append(["segmentation ground truth", {"game_world": "the generator's pixel masks (held-out test scenes)",
                                                   "masks": "the mask dataset's held-out split",
                                                   "pretrained": "none for these images: the segmenter is not scored here"}[kind]])
    if "pipeline" in plan.get("stages", []):
        rows.append(["pipeline ground truth", "the true character instances of new game-world scenes" if kind == "game_world"
                     else "none: the pipeline's counts, labels and confidences are reported without a score"])
    return rows


def provenance_blocks(lab: Lab) -> list[Block]:
    """The provenance table, and the stages the lab skipped with why and how to enable each."""
    blocks: list[Block] = [Heading("Where the numbers come from"),
                           Table(["", ""], provenance_rows(lab), "Every score below refers to these images and models.")]
    skipped = ((lab.manifest.get("plan") or {}).get("skipped")) or {}
    if skipped:
        blocks.append(Table(["stage skipped", "why", "to run it"], [[k, v["reason"], v["fix"]] for k, v in skipped.items()],
                            "Stages the lab could not run meaningfully on this data or machine."))
    return blocks


def skipped_text(lab: Lab, stage: str) -> str | None:
    """The note for a section whose stage the lab skipped: why, and how to enable it; None when it was not skipped."""
    skip = ((lab.manifest.get("plan") or {}).get("skipped") or {}).get(stage)
    if skip is None:
        return None
    return f"Skipped: {skip['reason']}. To run it: {skip['fix']}."
