"""The segmentation section: the segmenter, its scores, examples, and the pretrained-versus-scratch experiment."""

from __future__ import annotations

import math

from visionlab.report.document import EXAMPLES_MAX, Block, Gallery, Heading, Lab, Note, Para, Table, file_picture, num, plural
from visionlab.report.sections.common import SPLIT_NAMES, best_row, not_run_text, numeric_history, weights_text
from visionlab.runs import RunFolder

SUMMARY = "summary.json"  # written by visionlab segment next to its figures


def segmentation_section(lab: Lab) -> list[Block]:
    """The trained segmenter: settings, scores on the test split (else validation), curves, examples, experiment.

    A pretrained model the lab used as it is gets :func:`pretrained_segmenter_blocks` instead.
    """
    entry = lab.stage("segment") or {}
    run = lab.run("segment")
    if not run.path.is_dir() and is_model_name(str(entry.get("run"))):
        return pretrained_segmenter_blocks(lab, str(entry["run"]))  # a pretrained model used as it is, not a run folder
    cfg = lab.json(run.config_path, "segment")
    split = "test" if run.eval_metrics_path("test").is_file() else "val"
    m = lab.json(run.eval_metrics_path(split), "segment")
    blocks: list[Block] = [Table(["", ""], segmenter_rows(cfg), "The segmenter (config.json of the run).")]
    blocks += seg_metric_blocks(lab, m, split)
    history = numeric_history(lab.need(run.history_path, "segment"))
    if history:
        best = best_row(history, "val_miou")
        lab.fact("segmentation", f"Best validation mIoU {num(best['val_miou'])} at epoch {int(best['epoch'])} of {len(history)}.")
    blocks += [Heading("Training curves"),
               Gallery([file_picture(lab, run.plots / "curves.png", "segment", "segmentation_curves", "Loss, pixel accuracy and mIoU per epoch.")],
                       columns=1)]
    blocks += seg_example_blocks(lab, "the trained model") + seg_plot_blocks(lab, run, split)
    blocks += experiment_blocks(lab)
    return blocks


def is_model_name(name: str) -> bool:
    """Whether ``name`` is a pretrained or classical segmenter's name rather than a run folder."""
    from visionlab.models.classical import CLASSICAL
    from visionlab.models.segmenters import PRETRAINED

    return name in PRETRAINED or name in CLASSICAL


def pretrained_segmenter_blocks(lab: Lab, name: str) -> list[Block]:
    """The lab used a pretrained segmenter as it is: no training, no ground truth, only its outputs."""
    folder = lab.stage_path("segment", "examples")
    model = lab.json(folder / SUMMARY, "segment")["model"]
    rows = [["model", name], ["architecture", f"{model.get('arch')} / {model.get('encoder')}"], ["weights", weights_text(model.get("weights"))],
            ["classes", f"{len(model.get('classes') or [])}: {', '.join(model.get('classes') or [])}"]]
    blocks: list[Block] = [Table(["", ""], rows, "The pretrained segmenter (summary.json of the examples)."),
                           Note("The lab used this pretrained segmenter without training it and without masks to score it: no mIoU to report.")]
    return blocks + seg_example_blocks(lab, name) + experiment_blocks(lab)


def segmenter_rows(cfg: dict) -> list[list[str]]:
    """The segmentation run's architecture, encoder start, parameters, classes, images and training settings."""
    c = cfg["config"]
    params = cfg.get("parameters") or {}
    enc = cfg.get("encoder_weights")
    counts = cfg.get("counts") or {}
    classes = (cfg.get("classes") or {}).get("classes") or []
    rows = [["architecture", f"{c.get('model')} / encoder {c.get('encoder')}"],
            ["encoder start", ("pretrained: " + weights_text(enc)) if c.get("pretrained") and enc else
             ("pretrained" if c.get("pretrained") else "random initialisation (from scratch)")],
            ["parameters (trainable / total)", f"{params['trainable']:,} / {params['total']:,}" if params else "n/a"],
            ["classes", f"{len(classes)}: {', '.join(classes)}"],
            ["images (train / val / test)", " / ".join(str(counts.get(s, 0)) for s in ("train", "val", "test"))],
            ["training input", "×".join(str(v) for v in c.get("img_size", []))],
            ["training", f"{c.get('epochs')} epochs, batch {c.get('batch_size')}, Adam lr {c.get('lr')}, {c.get('scheduler')} schedule, "
                         f"loss {c.get('loss')}, class weights {c.get('class_weights')}"]]
    return rows


def seg_metric_blocks(lab: Lab, m: dict, split: str) -> list[Block]:
    """One split's segmentation scores, overall and per class, with the lowest and highest class IoU."""
    name = SPLIT_NAMES.get(split, split)
    rows = [["images", num(m["n_images"])], ["mIoU", num(m["miou"])], ["pixel accuracy", num(m["pixel_accuracy"])],
            ["mean class accuracy", num(m.get("mean_class_accuracy"))], ["frequency-weighted IoU", num(m.get("fw_iou"))],
            ["Dice (macro)", num(m.get("dice_macro"))], ["mean per-image IoU", num(m.get("mean_image_iou"))]]
    per_class = [[c, num(iou), num((m.get("per_class_accuracy") or {}).get(c)), num((m.get("per_class_dice") or {}).get(c))]
                 for c, iou in m["per_class_iou"].items()]
    valid = [(v, c) for c, v in m["per_class_iou"].items() if v is not None and not (isinstance(v, float) and math.isnan(v))]
    text = f"{name.capitalize()} mIoU {num(m['miou'])}, pixel accuracy {num(m['pixel_accuracy'])} on {plural(m['n_images'], 'image')}"
    if len(valid) > 1:
        lo, hi = min(valid), max(valid)
        text += f"; lowest class IoU: {lo[1]} {num(lo[0])}, highest: {hi[1]} {num(hi[0])}"
    lab.fact("segmentation", text + ".")
    return [Heading(f"Results on the {name} split"), Para(text + "."), Table(["metric", "value"], rows),
            Table(["class", "IoU", "pixel accuracy", "Dice"], per_class, "Per class.")]


def seg_example_blocks(lab: Lab, model: str) -> list[Block]:
    """The first segmented example images (the stage's ``examples`` folder), when the lab made them."""
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
        blocks += [Heading("Examples"), Para(f"{len(pics)} of {summary['n_images']} images segmented by {model} (image | mask | "
                                             "overlay, pixel share per class)."), Gallery(pics, columns=2)]
    return blocks


def seg_plot_blocks(lab: Lab, run: RunFolder, split: str) -> list[Block]:
    """The run's worst images and its pixel confusion matrix, when the evaluation drew them."""
    name = SPLIT_NAMES.get(split, split)
    pics = []
    worst = run.plots / f"worst_{split}.png"
    if worst.is_file():
        pics.append(file_picture(lab, worst, "segment", f"segmentation_worst_{split}",
                                 f"The {name} images with the lowest IoU: image | truth | prediction.", 900))
    confusion = run.plots / f"confusion_{split}_normalized.png"
    if confusion.is_file():
        pics.append(file_picture(lab, confusion, "segment", f"segmentation_confusion_{split}",
                                 f"Pixel confusion matrix, row-normalized ({name}).", 900))
    return [Heading(f"Worst images and confusion ({name})"), Gallery(pics, columns=2)] if pics else []


def reached(row: dict) -> str:
    """When an experiment arm reached the target validation mIoU, in words."""
    if row.get("epochs_to_target") is None:
        return f"not reached in {row.get('epochs')} epochs"
    return f"reached at epoch {row['epochs_to_target']}"


def experiment_blocks(lab: Lab) -> list[Block]:
    """The pretrained encoder against training from scratch (``experiment.json``), or a not-run note."""
    blocks: list[Block] = [Heading("Pretrained encoder versus from scratch")]
    if lab.stage("experiment") is None:
        return blocks + [Note(not_run_text("experiment"))]
    folder = lab.stage_path("experiment", "dir")
    e = lab.json(folder / "experiment.json", "experiment")
    rows = [[r["model"], num(r["miou"]), num(r["pixel_accuracy"]), num(r.get("seconds_per_epoch"), 1), num(r.get("epochs_to_target")),
             num(r.get("seconds_to_target"), 0), f"{r['trainable_parameters']:,} / {r['total_parameters']:,}" if r.get("total_parameters") else "-"]
            for r in e["rows"]]
    table = Table(["model", "mIoU", "pixel acc", "s/epoch", f"epochs to val mIoU {e['target_miou']}", "training s to target",
                   "trainable / total params"], rows, f"Scored on the {e['rows'][0].get('split', 'test')} split; both "
                                                      "networks had the same data, split, seed and epochs (experiment.json).")
    arms = {("pretrained" if r["model"].endswith("pretrained") else "scratch"): r for r in e["rows"] if r.get("run")}
    if {"pretrained", "scratch"} <= set(arms):
        p, s = arms["pretrained"], arms["scratch"]
        lab.fact("segmentation", f"Pretrained encoder: {p['split']} mIoU {num(p['miou'])} against {num(s['miou'])} from scratch "
                                 f"(difference {p['miou'] - s['miou']:+.4f}); validation mIoU {e['target_miou']}: "
                                 f"{reached(p)} with the pretrained encoder, {reached(s)} from scratch.")
    pic = file_picture(lab, folder / "curves.png", "experiment", "experiment_curves", "Validation mIoU per epoch and per training second.")
    return blocks + [table, Gallery([pic], columns=1)]
