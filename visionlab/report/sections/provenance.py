"""Where every number of the report comes from: which images, which models, which ground truth; and why stages were skipped.

Read from ``lab.json``: the resolved config and the plan the lab runner made before anything trained
(:mod:`visionlab.lab.plan`). Labs written before the plan existed have none: the rows that need it
are left out.
"""

from __future__ import annotations

from visionlab.data.variants import get_variant
from visionlab.report.document import Block, Heading, Lab, Table
from visionlab.report.i18n import Translator

SEGMENTERS = {
    "game_world": "trained here on rendered game-world scenes and their masks",
    "masks": "trained here on the mask dataset {data}",
    "pretrained": "{name}, pretrained as published (Pascal VOC classes); not trained on these images",
}

SEGMENTATION_TRUTH = {
    "game_world": "the generator's pixel masks (held-out test scenes)",
    "masks": "the mask dataset's held-out split",
    "pretrained": "none for these images: the segmenter is not scored here",
}


def images_text(t: Translator, config: dict, folder: str | None = None) -> str:
    """Where the classification images came from, in a few words (``folder``: the data stage's folder)."""
    d = config.get("data") or {}
    source = d.get("source")
    if source == "game_world":
        return t("game-world scenes rendered offline from seed {seed} ({n} scenes, {size} px)", seed=config.get("seed"), n=d.get("n"),
                 size=d.get("size"))
    if source == "fetch":
        return t("a web image search: {queries}", queries="; ".join(f"{k}: {v!r}" for k, v in (d.get("queries") or {}).items()))
    return t("your images in {folder}", folder=folder or d.get("path"))


def provenance_rows(lab: Lab) -> list[list[str]]:
    """Rows of the provenance table: what each stage measured, on which images, against which ground truth."""
    t = lab.t
    m = lab.manifest
    config = m.get("config") or {}
    plan = m.get("plan")
    game = (config.get("data") or {}).get("source") == "game_world"
    c = config.get("classify") or {}
    rows = [[t("images"), images_text(t, config, (lab.stage("data") or {}).get("classify_data"))],
            [t("classifier"), t("{backbone} ({mode}), weights {weights}, trained here on the training split", backbone=c.get("backbone"),
                                mode=c.get("mode"), weights=c.get("weights"))],
            [t("classification ground truth"), t("the class folders the images came in; scores on the validation split")]]
    whole = game and get_variant(config.get("variant_number") or 1).game_whole_image
    if whole:
        cam_truth = t("no region: the concept of variant {number} is the whole image; measures that need none (the classifier's "
                      "confidence as the CAM's pixels are removed or kept)", number=config.get("variant_number"))
    elif game:
        cam_truth = t("the generator's object masks (mask measures) and the classifier itself (perturbation measures)")
    else:
        cam_truth = t("no masks: measures that need none (the classifier's confidence as the CAM's pixels are removed or kept)")
    rows.append([t("Grad-CAM ground truth"), cam_truth])
    if plan is None:
        return rows
    kind = plan.get("segmenter")
    if kind:
        rows.append([t("segmenter"), t(SEGMENTERS[kind], data=(config.get("segment") or {}).get("data"), name=plan.get("pretrained"))])
        rows.append([t("segmentation ground truth"), t(SEGMENTATION_TRUTH[kind])])
    if "pipeline" in plan.get("stages", []):
        rows.append([t("pipeline ground truth"), t("the true character instances of new game-world scenes") if kind == "game_world"
                     else t("none: the pipeline's counts, labels and confidences are reported without a score")])
    return rows


def provenance_blocks(lab: Lab) -> list[Block]:
    """The provenance table, and the stages the lab skipped with why and how to enable each."""
    t = lab.t
    blocks: list[Block] = [Heading(t("Where the numbers come from")),
                           Table(["", ""], provenance_rows(lab), t("Every score below refers to these images and models."))]
    skipped = skipped_stages(lab)
    if skipped:
        blocks.append(Table([t("stage skipped"), t("why"), t("to run it")], [[k, t(v["reason"]), t(v["fix"])] for k, v in skipped.items()],
                            t("Stages the lab could not run meaningfully on this data or machine.")))
    return blocks


def skipped_stages(lab: Lab) -> dict[str, dict]:
    """The plan's skipped stages, ``{stage: {"reason": ..., "fix": ...}}`` (English, as the lab runner wrote them)."""
    return ((lab.manifest.get("plan") or {}).get("skipped")) or {}


def skipped_text(lab: Lab, stage: str) -> str | None:
    """The note for a section whose stage the lab skipped: why, and how to enable it; None when it was not skipped.

    The plan's reasons and fixes are English sentences; the catalogue translates those without
    numbers or names in them, and the others stay in English (listed as untranslated).
    """
    skip = skipped_stages(lab).get(stage)
    if skip is None:
        return None
    return lab.t("Skipped: {reason}. To run it: {fix}.", reason=lab.t(skip["reason"]), fix=lab.t(skip["fix"]))
