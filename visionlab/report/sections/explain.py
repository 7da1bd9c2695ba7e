"""The Grad-CAM section: how the classifier's heatmaps sit on the true object masks, and what deleting or inserting their pixels does."""

from __future__ import annotations

from pathlib import Path

from visionlab.report.document import (
    EXAMPLES_MAX,
    GALLERY_MAX,
    Block,
    Bullets,
    Gallery,
    Heading,
    Lab,
    Para,
    Table,
    as_float,
    file_picture,
    num,
    plural,
    read_csv,
    times,
)
from visionlab.report.i18n import Translator
from visionlab.report.sections.common import method_name

CAM_METRICS = "cam_metrics.json"  # written by visionlab explain into each method's folder


def cam_columns(t: Translator, s: dict) -> list[str]:
    """The header of the CAM measures table, with the summary's IoU threshold and perturbation share."""
    top = f"{100 * s.get('top_fraction_for_perturbation', 0.2):g}%"
    return ["", t("images"), t("CAM mass in object"), t("object area share"), t("× chance"), t("pointing game"),
            t("IoU (CAM > {threshold})", threshold=s.get("cam_threshold_for_iou", 0.5)), t("confidence"), t("keep top {top}", top=top),
            t("remove top {top}", top=top)]


def explain_dirs(lab: Lab) -> list[Path]:
    """The CAM output folders: the stage's folder itself, or its method sub-folders.

    Raises:
        RunFolderError: The folder is missing, or holds no CAM measures at all.
    """
    base = lab.need(lab.stage_path("explain", "dir"), "explain")
    if (base / CAM_METRICS).is_file():
        return [base]
    found = sorted(p.parent for p in base.glob(f"*/{CAM_METRICS}"))
    if not found:
        lab.need(base / "gradcam" / CAM_METRICS, "explain")
    return found


def cam_metrics(lab: Lab, folder: Path) -> dict:
    """The CAM measures of one method's folder."""
    return lab.json(folder / CAM_METRICS, "explain")


def cam_row(name: str, m: dict) -> list[str]:
    """One row of the CAM measures table (all images, or one class)."""
    return [name, num(m["n_images"]), num(m.get("energy_in_mask"), 3), num(m.get("area_share"), 3), times(m.get("energy_over_chance")),
            num(m.get("pointing_hit"), 3), num(m.get("iou"), 3), num(m.get("conf_original"), 3), num(m.get("conf_keep_top"), 3),
            num(m.get("conf_remove_top"), 3)]


def gradcam_section(lab: Lab) -> list[Block]:
    """The measures, analysis and galleries of every CAM method the lab ran (titled when there are several)."""
    folders = explain_dirs(lab)
    blocks: list[Block] = []
    for folder in folders:
        blocks += cam_blocks(lab, folder, titled=len(folders) > 1)
    return blocks


def cam_blocks(lab: Lab, folder: Path, titled: bool) -> list[Block]:
    """One CAM method: its settings, measures table, analysis, a gallery per class and the weakest images."""
    t = lab.t
    s = cam_metrics(lab, folder)
    method = s.get("method", folder.name)
    res, inp = s.get("cam_resolution") or ["?", "?"], s.get("input_resolution") or ["?", "?"]
    top = s.get("top_fraction_for_perturbation", 0.2)
    layer = s.get("target_layer") or s.get("layer")
    intro = t("Method {method}, layer {layer}; heatmap native resolution {cam} for {input} px inputs; explained class: {target}; {n} images.",
              method=method_name(method), layer=layer or t("the backbone default (last convolutional block)"), cam=f"{res[0]}×{res[1]}",
              input=f"{inp[0]}×{inp[1]}", target=s.get("target_class") or t("the predicted one"), n=s["overall"]["n_images"])
    rows = [cam_row(t("all"), s["overall"])] + [cam_row(c, m) for c, m in s["per_class"].items()]
    perturbation = t("confidence of the explained class on the original image, with only the top {top}% heatmap pixels kept, "
                     "and with them removed.", top=f"{100 * top:g}")
    if s["overall"].get("energy_in_mask") is None:  # no object masks for these images (photos): only the measures that need none
        keep = [0, 1, 7, 8, 9]
        table = Table([cam_columns(t, s)[i] for i in keep], [[r[i] for i in keep] for r in rows],
                      t("No object mask marks the concept in these images (photos without masks, or a concept that is the whole "
                        "image), so no mask measure is computed; {perturbation}", perturbation=perturbation))
    else:
        table = Table(cam_columns(t, s), rows,
                      t("CAM mass in object: share of the heatmap's sum inside the object mask; × chance: that share divided by the "
                        "object's area share (1.0 = no preference); pointing game: share of images whose heatmap maximum lies on the "
                        "object; IoU of the heatmap above {threshold} with the mask; {perturbation}",
                        threshold=s.get("cam_threshold_for_iou", 0.5), perturbation=perturbation))
    blocks: list[Block] = [Heading(method_name(method))] if titled else []
    blocks += [Para(intro), table]
    blocks += cam_analysis(lab, s)
    blocks += curve_blocks(lab, folder, s, method)
    blocks += class_galleries(lab, folder, s, method)
    blocks += lowest_mass_blocks(lab, folder, method)
    return blocks


CURVE_COLUMNS = ["", "images", "deletion AUC, heatmap order", "deletion AUC, random order", "insertion AUC, heatmap order",
                 "insertion AUC, random order"]


def curve_row(name: str, m: dict, n: int) -> list[str]:
    """One row of the deletion/insertion table: the mean AUCs of ``m`` (a summary group) over its ``n`` measured images."""
    return [name, num(n), num(m.get("deletion_auc"), 3), num(m.get("deletion_auc_random"), 3), num(m.get("insertion_auc"), 3),
            num(m.get("insertion_auc_random"), 3)]


def curve_blocks(lab: Lab, folder: Path, s: dict, method: str) -> list[Block]:
    """The deletion and insertion curves (mask-free): AUC table per class, the measured outcome, and the plot.

    Nothing for explain folders written before the curves existed (no ``deletion_insertion`` entry).
    """
    t = lab.t
    d = s.get("deletion_insertion")
    if not d:
        return []
    o = s["overall"]
    rows = [curve_row(t("all"), o, d["overall"]["n_images"])]
    rows += [curve_row(c, s["per_class"].get(c, {}), m["n_images"]) for c, m in d["per_class"].items()]
    steps = len(d["fractions"]) - 1
    table = Table([t(x) if x else x for x in CURVE_COLUMNS], rows,
                  t("AUC: area under the explained class's probability while the share of pixels deleted (set to the mean colour), or "
                    "inserted into the mean-colour image, goes from 0 to 1 in {steps} steps, highest values first; heatmap order: the "
                    "{method} map; random order: noise drawn at the map's native resolution and upsampled the same way "
                    "(seeded). A lower deletion AUC and a higher insertion AUC than the random order's mean the heatmap ranks first "
                    "the pixels the model's probability depends on.", steps=steps, method=method_name(method)))
    outcome = curve_sentence(t, d, o)
    lab.fact("gradcam", outcome)
    cam_result(lab, s, t("deletion AUC, heatmap order"), num(o["deletion_auc"], 3))
    cam_result(lab, s, t("deletion AUC, random order"), num(o["deletion_auc_random"], 3))
    sentences = [outcome] + class_curve_sentences(t, s, d)
    pic = file_picture(lab, folder / d.get("plot", "deletion_insertion.png"), "explain", f"gradcam_{method}_deletion_insertion",
                       t("Mean deletion (left) and insertion (right) curves per class, {method} order solid, random order "
                         "dashed; the legend gives each curve's AUC and number of images.", method=method_name(method)))
    return [Heading(t("Deletion and insertion curves (no masks needed)")), table, Bullets(sentences), Gallery([pic], columns=1)]


def _compare(cam: float, rand: float, better: str, worse: str, same: str, lower_is_better: bool) -> str:
    if round(cam, 3) == round(rand, 3):
        return same
    return better if (cam < rand) == lower_is_better else worse


# How a curve in heatmap order moves against random order: (faster, more slowly, as fast), each a whole sentence template.
DELETION = ("falls faster", "falls more slowly", "falls as fast")
INSERTION = ("rises faster", "rises more slowly", "rises as fast")


def curve_sentence(t: Translator, d: dict, o: dict) -> str:
    """The measured outcome over all measured images: how each curve moves in heatmap order against random order."""
    images = t("{n} of {total} images", n=d["n_images"], total=d["n_images_explained"]) if d.get("capped") else \
        plural(d["n_images"], "image", t)
    fall = _compare(o["deletion_auc"], o["deletion_auc_random"], *DELETION, lower_is_better=True)
    rise = _compare(o["insertion_auc"], o["insertion_auc_random"], *INSERTION, lower_is_better=False)
    return t("Deletion/insertion curves on {images}: the explained class's probability {fall} when the heatmap's highest pixels are "
             "deleted first than in random order (deletion AUC {deletion} against {deletion_random}), and {rise} when they are "
             "inserted first (insertion AUC {insertion} against {insertion_random}).", images=images, fall=t(fall), rise=t(rise),
             deletion=num(o["deletion_auc"], 3), deletion_random=num(o["deletion_auc_random"], 3), insertion=num(o["insertion_auc"], 3),
             insertion_random=num(o["insertion_auc_random"], 3))


def class_curve_sentences(t: Translator, s: dict, d: dict) -> list[str]:
    """The classes whose heatmap order beats random on both curves, and those where it does not (with their AUCs)."""
    if len(d["per_class"]) < 2:
        return []
    both, other = [], []
    for c in d["per_class"]:
        m = s["per_class"].get(c) or {}
        if m.get("deletion_auc") is None:
            continue
        if m["deletion_auc"] < m["deletion_auc_random"] and m["insertion_auc"] > m["insertion_auc_random"]:
            both.append(c)
        else:
            other.append(t("{cls} (deletion {deletion} against {deletion_random}, insertion {insertion} against {insertion_random})",
                           cls=c, deletion=num(m["deletion_auc"], 3), deletion_random=num(m["deletion_auc_random"], 3),
                           insertion=num(m["insertion_auc"], 3), insertion_random=num(m["insertion_auc_random"], 3)))
    if both and other:
        return [t("Heatmap order beats random order on both curves for {both}; not for {other}.", both=", ".join(both), other="; ".join(other))]
    if both:
        return [t("Heatmap order beats random order on both curves for {both}.", both=", ".join(both))]
    if other:
        return [t("Heatmap order does not beat random order on both curves for {other}.", other="; ".join(other))]
    return []


def class_galleries(lab: Lab, folder: Path, s: dict, method: str) -> list[Block]:
    """A gallery per true class measured, and per predicted class of unlabelled images."""
    t = lab.t
    known = list(lab.manifest.get("classes") or [])
    blocks: list[Block] = []
    for c in known + [c for c in s["per_class"] if c not in known]:
        if c not in s["per_class"] and not (folder / f"gallery_{c}.png").is_file():
            continue
        pic = file_picture(lab, folder / f"gallery_{c}.png", "explain", f"gradcam_{method}_gallery_{c}",
                           t("{cls}: image | heatmap | overlay, up to {n} images; misclassified ones first (at most half), "
                             "their title in red, correct ones in green.", cls=c, n=GALLERY_MAX))
        blocks += [Heading(t("Class {cls}", cls=c)), Gallery([pic], columns=1)]
    return blocks


def cam_result(lab: Lab, s: dict, measure: str, value: str) -> None:
    """Keep one of a CAM method's headline numbers for the results table, named with its method."""
    lab.result("gradcam", lab.t("{method}: {measure}", method=method_name(s.get("method", "CAM")), measure=measure), value)


def cam_analysis(lab: Lab, s: dict) -> list[Block]:
    """Sentences restating the measures: mass in the object against chance, then the confidence changes."""
    t = lab.t
    o = s["overall"]
    sentences = mass_sentences(lab, s) if o.get("energy_in_mask") is not None else []
    top = f"{100 * s.get('top_fraction_for_perturbation', 0.2):g}"
    confidence = t("Mean confidence {original}; with only the top {top}% heatmap pixels kept {keep}; with them removed {remove}.",
                   original=num(o["conf_original"], 3), top=top, keep=num(o["conf_keep_top"], 3), remove=num(o["conf_remove_top"], 3))
    lab.fact("gradcam", confidence)
    if o.get("energy_in_mask") is None:  # no mass to report: the confidence changes are this method's headline
        cam_result(lab, s, t("mean confidence of the explained class"), num(o["conf_original"], 3))
        cam_result(lab, s, t("mean confidence with only the top {top}% heatmap pixels kept", top=top), num(o["conf_keep_top"], 3))
        cam_result(lab, s, t("mean confidence with the top {top}% heatmap pixels removed", top=top), num(o["conf_remove_top"], 3))
    sentences.append(confidence)
    for c, m in s["per_class"].items():
        sentences.append(t("{cls}: confidence {original} → {keep} (top {top}% kept), {remove} (top {top}% removed).", cls=c,
                           original=num(m["conf_original"], 3), keep=num(m["conf_keep_top"], 3), remove=num(m["conf_remove_top"], 3), top=top))
    return [Heading(t("Analysis (from the measures)")), Bullets(sentences)]


def mass_sentences(lab: Lab, s: dict) -> list[str]:
    """The CAM mass in the object overall and per class, and the classes with the highest and lowest mass over chance."""
    t = lab.t
    o = s["overall"]
    mass = t("{method} mass inside the object: {mass} against an area share of {area} ({ratio} chance); the heatmap maximum lies on the "
             "object in {pointing} of the images.", method=method_name(s.get("method", "CAM")), mass=num(o["energy_in_mask"], 3),
             area=num(o["area_share"], 3), ratio=times(o.get("energy_over_chance")), pointing=num(o["pointing_hit"], 3))
    lab.fact("gradcam", mass)
    cam_result(lab, s, t("CAM mass inside the object"), num(o["energy_in_mask"], 3))
    cam_result(lab, s, t("object area share (the mass of a heatmap without preference)"), num(o["area_share"], 3))
    sentences = [mass]
    for c, m in s["per_class"].items():
        if m.get("energy_in_mask") is not None:
            sentences.append(t("{cls}: CAM mass in the object {mass} (area share {area}, {ratio} chance), pointing game {pointing}, IoU {iou}.",
                               cls=c, mass=num(m["energy_in_mask"], 3), area=num(m["area_share"], 3), ratio=times(m.get("energy_over_chance")),
                               pointing=num(m["pointing_hit"], 3), iou=num(m["iou"], 3)))
    ranked = sorted(((m["energy_over_chance"], c) for c, m in s["per_class"].items() if m.get("energy_over_chance") is not None))
    if len(ranked) > 1:
        sentences.append(t("Highest mass over chance: {high} ({high_ratio}); lowest: {low} ({low_ratio}).", high=ranked[-1][1],
                           high_ratio=times(ranked[-1][0]), low=ranked[0][1], low_ratio=times(ranked[0][0])))
    return sentences


def lowest_mass_blocks(lab: Lab, folder: Path, method: str) -> list[Block]:
    """The images whose heatmap puts the least mass on the object (from ``per_image.csv``, when written)."""
    t = lab.t
    path = folder / "per_image.csv"
    if not path.is_file():
        return []
    rows = [r for r in read_csv(path) if as_float(r.get("energy_in_mask")) is not None]
    if not rows:
        return []
    rows.sort(key=lambda r: as_float(r["energy_in_mask"]) or 0.0)  # every row kept has a value
    pics = []
    for r in rows[:EXAMPLES_MAX]:
        stem = Path(r["path"]).stem
        caption = t("{image}: true {true}, predicted {pred} ({confidence}); CAM mass in the object {mass}, area share {area}", image=stem,
                    true=r["true"] or "?", pred=r["pred"], confidence=num(as_float(r["confidence"]), 2),
                    mass=num(as_float(r["energy_in_mask"]), 3), area=num(as_float(r["area_share"]), 3))
        pics.append(file_picture(lab, folder / "images" / f"{stem}.png", "explain", f"gradcam_{method}_lowest_{stem}", caption, 900))
    return [Heading(t("Images with the lowest CAM mass in the object")),
            Para(t("The {shown} of {total} images whose heatmap puts the least mass on the object (per_image.csv).", shown=len(pics),
                   total=len(rows))),
            Gallery(pics)]
