"""The comparison section: the classifier's heatmaps against the region the segmenter found."""

from __future__ import annotations

from pathlib import Path

from visionlab.data.variants import get_variant
from visionlab.report.document import EXAMPLES_MAX, Block, Gallery, Heading, Lab, Note, Para, Table, file_picture, num, short_name, times
from visionlab.report.sections.common import method_name
from visionlab.report.sections.explain import cam_metrics, explain_dirs

COMPARE_COLUMNS = ["", "images", "CAM mass in region", "region area share", "× chance", "IoU", "pointing game", "confidence"]


def compare_row(name: str, m: dict) -> list[str]:
    """One row of the comparison table (all images, or one predicted class)."""
    return [name, num(m["n_images"]), num(m.get("cam_mass_in_region"), 3), num(m.get("region_area_share"), 3),
            times(m.get("mass_over_chance")), num(m.get("iou"), 3), num(m.get("pointing_hit"), 3), num(m.get("confidence"), 3)]


def concept_source_text(lab: Lab, concept: list[str]) -> str | None:
    """Why the region is made of these segmentation classes, from the config and the plan (the lab runner's rule).

    Labs without a plan keep the English sentence the lab runner wrote into ``lab.json``.
    """
    t = lab.t
    config = lab.manifest.get("config") or {}
    plan = lab.manifest.get("plan")
    source = (lab.stage("compare") or {}).get("concept_source")
    if plan is None or not source:
        return t(source) if source else None
    given = (config.get("compare") or {}).get("concept_classes")
    classes = ", ".join(concept)
    number = config.get("variant_number")
    if given:
        return t("compare.concept_classes of the config: {classes}", classes=", ".join(given))
    if plan.get("segmenter") == "game_world":
        return t("{classes}: the game world's concept classes of variant {number}", classes=classes, number=number or 1)
    if number is not None and tuple(concept) == get_variant(number).voc_concept:
        return t("{classes}: the VOC classes of variant {number}'s objects", classes=classes, number=number)
    why = t("the variant has no VOC concept") if number is not None else t("no concept classes are configured")
    return t("every object class the segmenter predicts ({n}: {classes}), since {why}", n=len(concept), classes=classes, why=why)


def comparison_section(lab: Lab) -> list[Block]:
    """The compare stage's measures (``summary.json``), set beside the Grad-CAM section's, and example figures."""
    t = lab.t
    folder = lab.stage_path("compare", "dir")
    s = lab.json(folder / "summary.json", "compare")
    concept = "+".join(s["concept_classes"]) if len(s["concept_classes"]) <= 3 else t("object")
    th = s["threshold"]
    how = t("Otsu's threshold") if th["method"] == "otsu" else t("the top {top}% of pixels", top=f"{th['top_percent']:g}")
    o = s["overall"]
    method = method_name(s["method"])
    measured = t("{method} mass in the segmented {concept} region {mass} against its area share of {area} ({ratio} chance); IoU {iou}; "
                 "pointing game {pointing}.", method=method, concept=concept, mass=num(o["cam_mass_in_region"], 3),
                 area=num(o["region_area_share"], 3), ratio=times(o.get("mass_over_chance")), iou=num(o["iou"], 3),
                 pointing=num(o["pointing_hit"], 3))
    lab.fact("comparison", measured)
    lab.result("comparison", t("{method} mass in the segmented region", method=method), num(o["cam_mass_in_region"], 3))
    lab.result("comparison", t("segmented region's area share"), num(o["region_area_share"], 3))
    source = concept_source_text(lab, s["concept_classes"])
    segmenter = short_name(lab, s.get("segmenter"))
    if source:
        intro = t("{n} images: {method} heatmaps of the classifier against the {concept} region found by the segmenter {segmenter} "
                  "(concept classes: {source}).", n=s["n_images"], method=method, concept=concept, segmenter=segmenter, source=source)
    else:
        intro = t("{n} images: {method} heatmaps of the classifier against the {concept} region found by the segmenter {segmenter}.",
                  n=s["n_images"], method=method, concept=concept, segmenter=segmenter)
    text = " ".join([intro, t("The region is the segmenter's prediction, not a drawn mask: these numbers measure agreement with that "
                              "segmenter."), measured])
    rows = [compare_row(t("all"), o)] + [compare_row(t("predicted {cls}", cls=c), m) for c, m in s["per_class"].items()]
    blocks: list[Block] = [Para(text), Table([t(x) if x else x for x in COMPARE_COLUMNS], rows,
                                             t("IoU of the heatmap above {how} with the segmented region; rows by predicted class.", how=how))]
    if s.get("empty_regions"):
        blocks.append(Note(t("{n} image(s) had no {concept} pixel in the segmentation (mass 0 there).", n=s["empty_regions"], concept=concept)))
    blocks += mask_vs_region_blocks(lab, s)
    blocks += compare_figures(lab, folder, s)
    return blocks


def mask_vs_region_blocks(lab: Lab, s: dict) -> list[Block]:
    """The same heatmaps against the true object mask (explain) and the segmented region (compare)."""
    t = lab.t
    if lab.stage("explain") is None:
        return []
    dirs = [d for d in explain_dirs(lab) if d.name == s.get("method")] or explain_dirs(lab)
    e = cam_metrics(lab, dirs[0])["overall"]
    o = s["overall"]
    if e.get("energy_in_mask") is None:
        return []
    rows = [[t("images"), num(e["n_images"]), num(o["n_images"])],
            [t("CAM mass inside"), num(e["energy_in_mask"], 3), num(o["cam_mass_in_region"], 3)],
            [t("area share"), num(e["area_share"], 3), num(o["region_area_share"], 3)],
            [t("× chance"), times(e.get("energy_over_chance")), times(o.get("mass_over_chance"))],
            [t("pointing game"), num(e["pointing_hit"], 3), num(o["pointing_hit"], 3)],
            ["IoU", f"{num(e['iou'], 3)} (CAM > 0.5)", f"{num(o['iou'], 3)} ({s['threshold']['method']})"]]
    return [Heading(t("True mask versus segmented region")),
            Table([t("measure"), t("true object mask (Grad-CAM section)"), t("segmented region")], rows,
                  t("The heatmaps measured against the generator's object masks and against the segmenter's output; the heatmap "
                    "of the first is on the classifier's centre crop, of the second mapped onto the whole image."))]


def compare_figures(lab: Lab, folder: Path, s: dict) -> list[Block]:
    """The images with the highest and the lowest CAM mass in the region, as the compare stage drew them."""
    t = lab.t
    rows = [r for r in s.get("images") or [] if r.get("cam_mass_in_region") is not None]
    if not rows:
        return []
    ranked = sorted(rows, key=lambda r: r["cam_mass_in_region"])
    half = EXAMPLES_MAX // 2
    chosen = ranked[-half:][::-1] + [r for r in ranked[:half] if r not in ranked[-half:]]
    pics = [file_picture(lab, folder / "figures" / f"{r['name']}.png", "compare", f"comparison_{r['name']}",
                         t("{image}: predicted {pred} ({confidence}); CAM mass in region {mass}, area {area}, IoU {iou}", image=r["name"],
                           pred=r["pred"], confidence=num(r["confidence"], 2), mass=num(r["cam_mass_in_region"], 3),
                           area=num(r["region_area_share"], 3), iou=num(r.get("iou"), 3)))
            for r in chosen]
    high = min(half, len(ranked))
    return [Heading(t("Examples")),
            Para(t("The {high} images with the highest and the {low} with the lowest CAM mass in the region: image | CAM | segmentation | "
                   "region with the thresholded CAM's outline.", high=high, low=len(pics) - high)),
            Gallery(pics, columns=2)]
