"""The segmentation section: the segmenter, its scores, examples, and the pretrained-versus-scratch experiment."""

from __future__ import annotations

import math

from visionlab.report.document import EXAMPLES_MAX, NA, Block, Gallery, Heading, Lab, Note, Para, Table, file_picture, num, plural
from visionlab.report.i18n import Translator
from visionlab.report.sections.common import best_row, not_run_text, numeric_history, split_name, split_title, weights_text
from visionlab.runs import RunFolder

SUMMARY = "summary.json"  # written by visionlab segment next to its figures
CLASSICAL_NOTE = " (classical, clusters matched to classes per image)"  # how experiment.json names a classical baseline's row


def segmentation_section(lab: Lab) -> list[Block]:
    """The trained segmenter: settings, scores on the test split (else validation), curves, examples, experiment.

    A pretrained model the lab used as it is gets :func:`pretrained_segmenter_blocks` instead.
    """
    t = lab.t
    entry = lab.stage("segment") or {}
    run = lab.run("segment")
    if not run.path.is_dir() and is_model_name(str(entry.get("run"))):
        return pretrained_segmenter_blocks(lab, str(entry["run"]))  # a pretrained model used as it is, not a run folder
    cfg = lab.json(run.config_path, "segment")
    split = "test" if run.eval_metrics_path("test").is_file() else "val"
    m = lab.json(run.eval_metrics_path(split), "segment")
    blocks: list[Block] = [Table(["", ""], segmenter_rows(t, cfg), t("The segmenter (config.json of the run)."))]
    blocks += seg_metric_blocks(lab, m, split)
    history = numeric_history(lab.need(run.history_path, "segment"))
    if history:
        best = best_row(history, "val_miou")
        lab.fact("segmentation", t("Best validation mIoU {miou} at epoch {epoch} of {epochs}.", miou=num(best["val_miou"]),
                                   epoch=int(best["epoch"]), epochs=len(history)))
    curves = file_picture(lab, run.plots / "curves.png", "segment", "segmentation_curves", t("Loss, pixel accuracy and mIoU per epoch."))
    blocks += [Heading(t("Training curves")), Gallery([curves], columns=1)]
    blocks += seg_example_blocks(lab, t("the trained model")) + seg_plot_blocks(lab, run, split)
    blocks += experiment_blocks(lab)
    return blocks


def is_model_name(name: str) -> bool:
    """Whether ``name`` is a pretrained or classical segmenter's name rather than a run folder."""
    from visionlab.models.classical import CLASSICAL
    from visionlab.models.segmenters import PRETRAINED

    return name in PRETRAINED or name in CLASSICAL


def pretrained_segmenter_blocks(lab: Lab, name: str) -> list[Block]:
    """The lab used a pretrained segmenter as it is: no training, no ground truth, only its outputs."""
    t = lab.t
    folder = lab.stage_path("segment", "examples")
    model = lab.json(folder / SUMMARY, "segment")["model"]
    classes = model.get("classes") or []
    rows = [[t("model"), name], [t("architecture"), f"{model.get('arch')} / {model.get('encoder')}"],
            [t("weights"), weights_text(t, model.get("weights"))], [t("classes"), f"{len(classes)}: {', '.join(classes)}"]]
    blocks: list[Block] = [Table(["", ""], rows, t("The pretrained segmenter (summary.json of the examples).")),
                           Note(t("The lab used this pretrained segmenter without training it and without masks to score it: no mIoU "
                                  "to report."))]
    lab.result("segmentation", t("segmentation mIoU"), t("not measured: a pretrained segmenter without masks to score it"))
    return blocks + seg_example_blocks(lab, name) + experiment_blocks(lab)


def segmenter_rows(t: Translator, cfg: dict) -> list[list[str]]:
    """The segmentation run's architecture, encoder start, parameters, classes, images and training settings."""
    c = cfg["config"]
    params = cfg.get("parameters") or {}
    enc = cfg.get("encoder_weights")
    counts = cfg.get("counts") or {}
    classes = (cfg.get("classes") or {}).get("classes") or []
    if c.get("pretrained") and enc:
        start = t("pretrained: {weights}", weights=weights_text(t, enc))
    else:
        start = t("pretrained") if c.get("pretrained") else t("random initialisation (from scratch)")
    rows = [[t("architecture"), t("{model} / encoder {encoder}", model=c.get("model"), encoder=c.get("encoder"))],
            [t("encoder start"), start],
            [t("parameters (trainable / total)"), f"{params['trainable']:,} / {params['total']:,}" if params else NA],
            [t("classes"), f"{len(classes)}: {', '.join(classes)}"],
            [t("images (train / val / test)"), " / ".join(str(counts.get(s, 0)) for s in ("train", "val", "test"))],
            [t("training input"), _training_input(t, c)],
            [t("training settings"), t("{epochs} epochs, batch {batch}, Adam lr {lr}, {scheduler} schedule, loss {loss}, class weights {weights}",
                              epochs=c.get("epochs"), batch=c.get("batch_size"), lr=c.get("lr"), scheduler=c.get("scheduler"),
                              loss=c.get("loss"), weights=c.get("class_weights"))]]
    return rows


def _training_input(t: Translator, c: dict) -> str:
    size = "×".join(str(v) for v in c.get("img_size", []))
    crop = (c.get("augment") or {}).get("crop", 0)
    if not crop:
        return size
    return t("random {crop}×{crop} windows of the image at {size}, unscaled; predicted whole at {size}", crop=crop, size=size)


RARE_SHARE = 0.005
"""A class under this share of a split's pixels gets a note: its IoU rests on few pixels, yet weighs in the mIoU like any other."""


def pixel_shares(m: dict) -> dict[str, float]:
    """Each class's share of the split's labelled pixels (the rows of its confusion matrix); empty without one."""
    cm, classes = m.get("confusion_matrix"), m.get("classes")
    if not cm or not classes or len(cm) != len(classes):
        return {}
    rows = [sum(r) for r in cm]
    total = sum(rows)
    return {c: n / total for c, n in zip(classes, rows)} if total else {}


def _share(value: float | None) -> str:
    return NA if value is None else f"{100 * value:.2f}%"


def seg_metric_blocks(lab: Lab, m: dict, split: str) -> list[Block]:
    """One split's segmentation scores, overall and per class (with its share of the pixels).

    The text names the lowest and highest class IoU and the classes under :data:`RARE_SHARE` of the pixels.
    """
    t = lab.t
    name = split_name(t, split)
    rows = [[t("images"), num(m["n_images"])], ["mIoU", num(m["miou"])], [t("pixel accuracy"), num(m["pixel_accuracy"])],
            [t("mean class accuracy"), num(m.get("mean_class_accuracy"))], [t("frequency-weighted IoU"), num(m.get("fw_iou"))],
            [t("Dice (macro)"), num(m.get("dice_macro"))], [t("mean per-image IoU"), num(m.get("mean_image_iou"))]]
    shares = pixel_shares(m)
    per_class = [[c, num(iou), num((m.get("per_class_accuracy") or {}).get(c)), num((m.get("per_class_dice") or {}).get(c)),
                  _share(shares.get(c))] for c, iou in m["per_class_iou"].items()]
    rare = [f"{c} ({_share(v)})" for c, v in shares.items() if 0 < v < RARE_SHARE]
    valid = [(v, c) for c, v in m["per_class_iou"].items() if v is not None and not (isinstance(v, float) and math.isnan(v))]
    title = split_title(t, split)
    fields = {"split": title, "miou": num(m["miou"]), "acc": num(m["pixel_accuracy"]), "images": plural(m["n_images"], "image", t)}
    if len(valid) > 1:
        lo, hi = min(valid), max(valid)
        text = t("{split} mIoU {miou}, pixel accuracy {acc} on {images}; lowest class IoU: {low} {low_iou}, highest: {high} {high_iou}.",
                 low=lo[1], low_iou=num(lo[0]), high=hi[1], high_iou=num(hi[0]), **fields)
    else:
        text = t("{split} mIoU {miou}, pixel accuracy {acc} on {images}.", **fields)
    lab.fact("segmentation", text)
    lab.result("segmentation", t("{split} mIoU", split=title), num(m["miou"]))
    lab.result("segmentation", t("{split} pixel accuracy", split=title), num(m["pixel_accuracy"]))
    if rare:
        text += " " + t("Classes under {share} of the {split} pixels: {classes}; each one's IoU rests on few pixels and counts in "
                        "the mIoU as much as a large class's.", share=_share(RARE_SHARE), split=name, classes=", ".join(rare))
    return [Heading(t("Results on the {split} split", split=name)), Para(text), Table([t("metric"), t("value")], rows),
            Table([t("class"), "IoU", t("pixel accuracy"), "Dice", t("share of pixels")], per_class, t("Per class."))]


def seg_example_blocks(lab: Lab, model: str) -> list[Block]:
    """The first segmented example images (the stage's ``examples`` folder), when the lab made them."""
    t = lab.t
    blocks: list[Block] = []
    entry = lab.stage("segment") or {}
    if entry.get("examples"):
        folder = lab.need(lab.root / entry["examples"], "segment")
        summary = lab.json(folder / SUMMARY, "segment")
        pics = []
        for row in summary["images"][:EXAMPLES_MAX]:
            shares = ", ".join(f"{k} {100 * v:.1f}%" for k, v in list(row["classes"].items())[:4])
            sub = "figures" if (folder / "figures" / f"{row['name']}.png").is_file() else "overlays"
            pics.append(file_picture(lab, folder / sub / f"{row['name']}.png", "segment", f"segmentation_example_{row['name']}",
                                     f"{row['name']}: {shares}"))
        blocks += [Heading(t("Examples")), Para(t("{shown} of {total} images segmented by {model} (image | mask | overlay, pixel share per "
                                                  "class).", shown=len(pics), total=summary["n_images"], model=model)),
                   Gallery(pics, columns=2)]
    return blocks


def seg_plot_blocks(lab: Lab, run: RunFolder, split: str) -> list[Block]:
    """The run's worst images and its pixel confusion matrix, when the evaluation drew them."""
    t = lab.t
    name = split_name(t, split)
    pics = []
    worst = run.plots / f"worst_{split}.png"
    if worst.is_file():
        pics.append(file_picture(lab, worst, "segment", f"segmentation_worst_{split}",
                                 t("The {split} images with the lowest IoU: image | truth | prediction.", split=name), 900))
    confusion = run.plots / f"confusion_{split}_normalized.png"
    if confusion.is_file():
        pics.append(file_picture(lab, confusion, "segment", f"segmentation_confusion_{split}",
                                 t("Pixel confusion matrix, row-normalized ({split}).", split=name), 900))
    return [Heading(t("Worst images and confusion ({split})", split=name)), Gallery(pics, columns=2)] if pics else []


def reached(t: Translator, row: dict) -> str:
    """When an experiment arm reached the target validation mIoU, in words."""
    if row.get("epochs_to_target") is None:
        return t("not reached in {epochs} epochs", epochs=row.get("epochs"))
    return t("reached at epoch {epoch}", epoch=row["epochs_to_target"])


def model_label(t: Translator, model: str) -> str:
    """An experiment row's model name with its English qualifier (``pretrained``, ``scratch``, the classical note) in the report's language."""
    for suffix in (" pretrained", " scratch", CLASSICAL_NOTE):
        if model.endswith(suffix):
            return t("{model}" + suffix, model=model[: -len(suffix)])
    return model


def experiment_blocks(lab: Lab) -> list[Block]:
    """The pretrained encoder against training from scratch (``experiment.json``), or a not-run note."""
    t = lab.t
    blocks: list[Block] = [Heading(t("Pretrained encoder versus from scratch"))]
    if lab.stage("experiment") is None:
        return blocks + [Note(not_run_text("experiment", t))]
    folder = lab.stage_path("experiment", "dir")
    e = lab.json(folder / "experiment.json", "experiment")
    rows = [[model_label(t, r["model"]), num(r["miou"]), num(r["pixel_accuracy"]), num(r.get("seconds_per_epoch"), 1),
             num(r.get("epochs_to_target")), num(r.get("seconds_to_target"), 0),
             f"{r['trainable_parameters']:,} / {r['total_parameters']:,}" if r.get("total_parameters") else "-"]
            for r in e["rows"]]
    table = Table([t("model"), "mIoU", t("pixel acc"), t("s/epoch"), t("epochs to val mIoU {target}", target=e["target_miou"]),
                   t("training s to target"), t("trainable / total params")], rows,
                  t("Scored on the {split} split; both networks had the same data, split, seed and epochs (experiment.json).",
                    split=split_name(t, e["rows"][0].get("split", "test"))))
    arms = {("pretrained" if r["model"].endswith("pretrained") else "scratch"): r for r in e["rows"] if r.get("run")}
    if {"pretrained", "scratch"} <= set(arms):
        p, s = arms["pretrained"], arms["scratch"]
        lab.fact("segmentation", t("Pretrained encoder: {split} mIoU {pretrained} against {scratch} from scratch (difference {diff}); "
                                   "validation mIoU {target}: {reached_p} with the pretrained encoder, {reached_s} from scratch.",
                                   split=split_name(t, p["split"]), pretrained=num(p["miou"]), scratch=num(s["miou"]),
                                   diff=f"{p['miou'] - s['miou']:+.4f}", target=e["target_miou"], reached_p=reached(t, p),
                                   reached_s=reached(t, s)))
        lab.result("segmentation", t("{split} mIoU, pretrained encoder", split=split_title(t, p["split"])), num(p["miou"]))
        lab.result("segmentation", t("{split} mIoU, encoder trained from scratch", split=split_title(t, s["split"])), num(s["miou"]))
    pic = file_picture(lab, folder / "curves.png", "experiment", "experiment_curves", t("Validation mIoU per epoch and per training second."))
    return blocks + [table, Gallery([pic], columns=1)]
