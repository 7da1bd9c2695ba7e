"""The comparison section: the classifier's heatmaps against the region the segmenter found."""

from __future__ import annotations

from pathlib import Path

from visionlab.report.document import EXAMPLES_MAX, Block, Gallery, Heading, Lab, Note, Para, Table, file_picture, num, short_name, times
from visionlab.report.sections.common import method_name
from visionlab.report.sections.explain import cam_metrics, explain_dirs

COMPARE_COLUMNS = ["", "images", "CAM mass in region", "region area share", "× chance", "IoU", "pointing game", "confidence"]


def compare_row(name: str, m: dict) -> list[str]:
    """One row of the comparison table (all images, or one predicted class)."""
    return [name, num(m["n_images"]), num(m.get("cam_mass_in_region"), 3), num(m.get("region_area_share"), 3),
            times(m.get("mass_over_chance")), num(m.get("iou"), 3), num(m.get("pointing_hit"), 3), num(m.get("confidence"), 3)]


def comparison_section(lab: Lab) -> list[Block]:
    """The compare stage's measures (``summary.json``), set beside the Grad-CAM section's, and example figures."""
    folder = lab.stage_path("compare", "dir")
    s = lab.json(folder / "summary.json", "compare")
    concept = "+".join(s["concept_classes"]) if len(s["concept_classes"]) <= 3 else "object"
    th = s["threshold"]
    how = "Otsu's threshold" if th["method"] == "otsu" else f"the top {th['top_percent']:g}% of pixels"
    o = s["overall"]
    measured = (f"{method_name(s['method'])} mass in the segmented {concept} region {num(o['cam_mass_in_region'], 3)} against its area share of "
                f"{num(o['region_area_share'], 3)} ({times(o.get('mass_over_chance'))} chance); IoU {num(o['iou'], 3)}; pointing game "
                f"{num(o['pointing_hit'], 3)}.")
    lab.fact("comparison", measured)
    source = (lab.stage("compare") or {}).get("concept_source")
    text = (f"{s['n_images']} images: {method_name(s['method'])} heatmaps of the classifier against the {concept} region found by "
            f"the segmenter {short_name(lab, s.get('segmenter'))}" + (f" (concept classes: {source})" if source else "") + ". "
            "The region is the segmenter's prediction, not a drawn mask: these numbers measure agreement with that segmenter. "
            f"{measured}")
    rows = [compare_row("all", o)] + [compare_row(f"predicted {c}", m) for c, m in s["per_class"].items()]
    blocks: list[Block] = [Para(text), Table(COMPARE_COLUMNS, rows, f"IoU of the heatmap above {how} with the segmented region; rows by predicted class.")]
    if s.get("empty_regions"):
        blocks.append(Note(f"{s['empty_regions']} image(s) had no {concept} pixel in the segmentation (mass 0 there)."))
    blocks += mask_vs_region_blocks(lab, s)
    blocks += compare_figures(lab, folder, s)
    return blocks


def mask_vs_region_blocks(lab: Lab, s: dict) -> list[Block]:
    """The same heatmaps against the true object mask (explain) and the segmented region (compare)."""
    if lab.stage("explain") is None:
        return []
    dirs = [d for d in explain_dirs(lab) if d.name == s.get("method")] or explain_dirs(lab)
    e = cam_metrics(lab, dirs[0])["overall"]
    o = s["overall"]
    if e.get("energy_in_mask") is None:
        return []
    rows = [["images", num(e["n_images"]), num(o["n_images"])],
            ["CAM mass inside", num(e["energy_in_mask"], 3), num(o["cam_mass_in_region"], 3)],
            ["area share", num(e["area_share"], 3), num(o["region_area_share"], 3)],
            ["× chance", times(e.get("energy_over_chance")), times(o.get("mass_over_chance"))],
            ["pointing game", num(e["pointing_hit"], 3), num(o["pointing_hit"], 3)],
            ["IoU", f"{num(e['iou'], 3)} (CAM > 0.5)", f"{num(o['iou'], 3)} ({s['threshold']['method']})"]]
    return [Heading("True mask versus segmented region"),
            Table(["measure", "true object mask (Grad-CAM section)", "segmented region"], rows,
                  "The heatmaps measured against the generator's object masks and against the segmenter's output; the heatmap "
                  "of the first is on the classifier's centre crop, of the second mapped onto the whole image.")]


def compare_figures(lab: Lab, folder: Path, s: dict) -> list[Block]:
    """The images with the highest and the lowest CAM mass in the region, as the compare stage drew them."""
    rows = [r for r in s.get("images") or [] if r.get("cam_mass_in_region") is not None]
    if not rows:
        return []
    ranked = sorted(rows, key=lambda r: r["cam_mass_in_region"])
    half = EXAMPLES_MAX // 2
    chosen = ranked[-half:][::-1] + [r for r in ranked[:half] if r not in ranked[-half:]]
    pics = [file_picture(lab, folder / "figures" / f"{r['name']}.png", "compare", f"comparison_{r['name']}",
                         f"{r['name']}: predicted {r['pred']} ({num(r['confidence'], 2)}); CAM mass in region "
                         f"{num(r['cam_mass_in_region'], 3)}, area {num(r['region_area_share'], 3)}, IoU {num(r.get('iou'), 3)}")
            for r in chosen]
    return [Heading("Examples"),
            Para(f"The {min(half, len(ranked))} images with the highest and the {len(pics) - min(half, len(ranked))} with the lowest CAM "
                 "mass in the region: image | CAM | segmentation | region with the thresholded CAM's outline."),
            Gallery(pics, columns=2)]
