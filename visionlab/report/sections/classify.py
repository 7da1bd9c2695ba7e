"""The classification sections: the model, its training, and its results per evaluated split."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from visionlab.errors import RunFolderError
from visionlab.report.document import (
    GALLERY_MAX,
    Block,
    Details,
    Gallery,
    Heading,
    Lab,
    Para,
    Table,
    add_picture,
    as_float,
    file_picture,
    num,
    plural,
    read_csv,
    to_rgb,
)
from visionlab.report.sections.common import SPLIT_NAMES, best_row, classify_data_root, classify_run, numeric_history, weights_text
from visionlab.runs import RunFolder
from visionlab.utils.files import read_json

MODE_TEXT = {
    "frozen": "frozen: the pretrained backbone is fixed, only the new head trains",
    "finetune": "finetune: the head trains first, then the top backbone stages at a lower learning rate",
    "full": "full: every parameter trains",
}


# --- the model -----------------------------------------------------------------------------------

def classifier_parameters(ckpt: Path, mode: str, unfreeze_top: int) -> dict[str, int]:
    """Parameter counts of a checkpoint's model with the run's mode applied (what that mode trains)."""
    from visionlab.models.checkpoint import load_classifier

    model, _ = load_classifier(ckpt)
    if mode == "frozen":
        model.freeze_backbone()
    elif mode == "finetune":
        model.freeze_backbone(keep_top=unfreeze_top)
    else:
        model.unfreeze_backbone()
    params = list(model.parameters())
    return {"total": sum(p.numel() for p in params), "trainable": sum(p.numel() for p in params if p.requires_grad),
            "head": sum(p.numel() for p in model.head_parameters()), "features": int(model.num_features)}


def model_section(lab: Lab) -> list[Block]:
    """The classifier: backbone, mode, weights, head, input, parameter counts, and the training settings."""
    run, cfg = classify_run(lab)
    c = cfg["config"]
    ckpt = next((p for p in (run.best_path, run.last_path) if p.is_file()), run.best_path)
    counts = classifier_parameters(lab.need(ckpt, "classify"), c["mode"], int(c.get("unfreeze_top", 2)))
    weights = cfg.get("weights")
    pre = cfg["preprocess"]
    rows = [["backbone", c["backbone"]], ["mode", MODE_TEXT.get(c["mode"], c["mode"])],
            ["weights", weights_text(weights)],
            ["head", f"Dropout({c.get('dropout')}) + Linear({counts['features']} → {len(cfg['classes'])})"],
            ["input", f"resize short side to {pre['resize_size']} px, centre crop {pre['crop_size']} px ({pre.get('interpolation')})"],
            ["normalization", f"mean {pre['mean']}, std {pre['std']}"],
            ["parameters (trainable / total)", f"{counts['trainable']:,} / {counts['total']:,}"],
            ["parameters of the head", f"{counts['head']:,}"]]
    share = counts["trainable"] / counts["total"] if counts["total"] else 0.0
    lab.fact("model", f"Classifier {c['backbone']} ({c['mode']}): {counts['trainable']:,} of {counts['total']:,} parameters trainable "
                      f"({100 * share:.2f}%).")
    return [Table(["", ""], rows, "The classifier (config.json of the run; counts from its best checkpoint)."),
            Heading("Training settings"), Table(["setting", "value"], training_settings(c, cfg.get("versions") or {}))]


def training_settings(c: dict, versions: dict) -> list[list[str]]:
    """The run's optimisation settings as (setting, value) rows, with the library versions last."""
    scheduler = str(c.get("scheduler"))
    sched = {"step": f"StepLR (step {c.get('step_size')} epochs, gamma {c.get('gamma')})",
             "cosine": f"cosine annealing over {c.get('epochs')} epochs", "none": "constant"}.get(scheduler, scheduler)
    rows = [["epochs", str(c.get("epochs"))], ["batch size", str(c.get("batch_size"))],
            ["optimizer", f"Adam, learning rate {c.get('lr')}, weight decay {c.get('weight_decay')}"], ["schedule", sched],
            ["early stopping", f"after {c['patience']} epochs without improvement" if c.get("patience") else "off"],
            ["loss", "cross-entropy"], ["validation share", str(c.get("val_fraction"))], ["seed", str(c.get("seed"))]]
    if c.get("mode") == "finetune":
        rows.append(["finetune", f"head alone for {c.get('head_epochs')} epoch(s), then the top {c.get('unfreeze_top')} stages "
                                 f"at {c.get('backbone_lr_factor')} × the learning rate"])
    if c.get("mode") == "frozen":
        rows.append(["feature views", str(c.get("feature_views"))])
    rows.append(["augmentation", augmentation_text(c)])
    rows.append(["autocast", str(c.get("amp"))])
    if versions:
        rows.append(["versions", ", ".join(f"{k} {versions[k]}" for k in ("visionlab", "torch", "torchvision", "timm") if k in versions)])
    return rows


def augmentation_text(c: dict) -> str:
    """Whether the training augmentation reached the model, and how (a frozen backbone's cached features can drop it)."""
    a = c.get("augment") or {}
    what = (f"random resized crop (area >= {a.get('crop_scale_min')}), {'horizontal flip, ' if a.get('hflip') else ''}"
            f"colour jitter {a.get('color_jitter')}, rotation up to {a.get('rotation')} degrees")
    views = int(c.get("feature_views") or 1)
    if c.get("mode") != "frozen":
        return f"applied to every training image in every epoch: {what}"
    if views <= 1:
        return ("not applied: the frozen backbone's features were computed once from the plain images (feature_views: 1); "
                "feature_views: N caches N-1 augmented views")
    return f"applied through {views - 1} cached augmented views ({what}); epoch k trains on view k mod {views}, view 0 being the plain images"


# --- training ------------------------------------------------------------------------------------

def training_section(lab: Lab) -> list[Block]:
    """The training curves and a summary of the run's history: best and last epoch, time, early stopping.

    Raises:
        RunFolderError: The history or the curves are missing, or the history has no epoch rows.
    """
    run, cfg = classify_run(lab)
    history = numeric_history(lab.need(run.history_path, "classify"))
    curves = file_picture(lab, run.plots / "curves.png", "classify", "training_curves", "Loss and accuracy per epoch (plots/curves.png).")
    if not history:
        raise RunFolderError(f"report: {run.history_path} has no epoch rows")
    best = best_row(history, "val_acc")
    last = history[-1]
    planned = cfg["config"].get("epochs")
    rows = [["epochs run", f"{len(history)} of {planned}"], ["best epoch (kept as best.safetensors)", str(int(best["epoch"]))],
            ["validation accuracy at the best epoch", num(best["val_acc"])], ["validation loss at the best epoch", num(best["val_loss"])],
            ["last epoch: train / validation accuracy", f"{num(last['train_acc'])} / {num(last['val_acc'])}"],
            ["last epoch: train / validation loss", f"{num(last['train_loss'])} / {num(last['val_loss'])}"],
            ["training time (sum of epochs)", f"{sum(r['seconds'] or 0 for r in history):.1f} s"]]
    lab.fact("training", f"Best validation accuracy {num(best['val_acc'])} at epoch {int(best['epoch'])} of {len(history)}.")
    gap = last["train_acc"] - last["val_acc"]
    lab.fact("training", f"Last epoch: train accuracy {num(last['train_acc'])}, validation accuracy {num(last['val_acc'])} "
                         f"(train minus validation {gap:+.4f}).")
    if len(history) < (planned or 0) and cfg["config"].get("patience"):
        lab.fact("training", f"Early stopping (patience {cfg['config']['patience']}) ended training after {len(history)} of {planned} epochs.")
    keys = ["epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"]
    table = Table(keys, [[history_cell(k, r.get(k)) for k in keys] for r in history])
    return [Gallery([curves], columns=1), Table(["", ""], rows, "Summary of history.csv."), Details("Every epoch (history.csv)", [table])]


def history_cell(key: str, v: float | None) -> str:
    """One cell of the history table, with the precision its column needs."""
    if v is None:
        return "n/a"
    if key == "epoch":
        return str(int(v))
    if key == "lr":
        return f"{v:.3g}"
    if key == "seconds":
        return f"{v:.2f}"
    return f"{v:.4f}"


# --- classification results ----------------------------------------------------------------------

def classification_section(lab: Lab) -> list[Block]:
    """Results on every evaluated split (else the run's latest metrics), then the sample predictions."""
    run, _ = classify_run(lab)
    splits = run.evaluated_splits()
    metrics = [lab.json(run.eval_metrics_path(s), "classify") for s in splits] or [lab.json(run.metrics_path, "classify")]
    blocks: list[Block] = []
    for m in metrics:
        blocks += split_blocks(lab, run, m)
    return blocks + ood_blocks(run) + prediction_blocks(lab, run)


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``... ``11th``, ``21st``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ood_blocks(run: RunFolder) -> list[Block]:
    """One sentence on the out-of-distribution flag (``ood.json``), when the run has one."""
    if not run.ood_path.is_file():
        return []
    o = read_json(run.ood_path)
    return [Para(f"Out-of-distribution flag: an image is flagged as unlike the training images when the cosine distance of its pooled "
                 f"backbone features to its {ordinal(int(o['k']))} nearest of {plural(o['n_reference'], 'training image')} exceeds "
                 f"{num(o['threshold'])}, the threshold set so that {o['pass_rate']:.0%} of the validation images pass; "
                 f"{o['val_pass_share']:.1%} of {o['n_val']} pass (ood.json).")]


def relocate(path: Path, old_root: Path, new_root: Path) -> Path:
    """``path`` under ``new_root`` when it was written under ``old_root`` (a lab folder may have moved)."""
    if path.is_file():
        return path
    try:
        return new_root / path.relative_to(old_root)
    except ValueError:
        return path


def prediction_blocks(lab: Lab, run: RunFolder) -> list[Block]:
    """``predictions_sample.csv`` (visionlab predict on a few validation images), when the lab wrote it."""
    path = run.path / "predictions_sample.csv"
    if not path.is_file():
        return []
    root, split = classify_data_root(lab, run)
    classes = split["classes"]
    pics = []
    for row in read_csv(path)[:GALLERY_MAX]:
        image = lab.need(relocate(Path(row["path"]), Path(split["root"]), root), "classify")
        truth = image.parent.name if image.parent.name in classes else "?"
        with Image.open(image) as im:
            tile = to_rgb(im)
        tile.thumbnail((192, 192), Image.Resampling.LANCZOS)
        caption = f"{image.name}: predicted {row['label']} ({num(as_float(row['confidence']), 3)}), true {truth}"
        if len(classes) > 2:
            caption += f"; top: {row['top_k']}"
        if row.get("ood") == "True":
            caption += "; flagged: unlike the training images"
        pics.append(add_picture(lab, f"classification_predicted_{image.stem}", tile, caption))
    return [Heading("Predictions on sample images"),
            Para(f"The classifier's predictions on {plural(len(pics), 'validation image')} (predictions_sample.csv)."),
            Gallery(pics, columns=min(GALLERY_MAX, 6))]


def split_blocks(lab: Lab, run: RunFolder, m: dict) -> list[Block]:
    """One split's metrics: overall and per class, the confusion matrix, its plots and worst mistakes."""
    split, classes = m["split"], m["classes"]
    name = SPLIT_NAMES.get(split, split)
    cm = m["confusion_matrix"]
    wrong = m["n_images"] - sum(cm[i][i] for i in range(len(cm)))
    overall = [["images", num(m["n_images"])], ["accuracy", num(m["accuracy"])],
               ["precision / recall / F1 (macro)", f"{num(m['precision_macro'])} / {num(m['recall_macro'])} / {num(m['f1_macro'])}"],
               ["precision / recall / F1 (weighted)", f"{num(m['precision_weighted'])} / {num(m['recall_weighted'])} / {num(m['f1_weighted'])}"],
               ["ROC AUC" + (f" ({m['roc_auc_kind']})" if m.get("roc_auc_kind") else ""), num(m.get("roc_auc"))],
               ["misclassified images", num(wrong)]]
    per_class = [[c, num(p["precision"]), num(p["recall"]), num(p["f1"]), num(p["support"]), num(p.get("roc_auc"))]
                 for c, p in m["per_class"].items()]
    auc = "" if m.get("roc_auc") is None else f" (ROC AUC {num(m['roc_auc'])})"
    text = f"{name.capitalize()} accuracy {num(m['accuracy'])} on {plural(m['n_images'], 'image')}{auc}; {wrong} misclassified."
    lab.fact("classification", text)
    matrix = Table(["true \\ predicted", *classes], [[c, *[str(v) for v in row]] for c, row in zip(classes, cm)],
                   "Confusion matrix (counts): rows are the true classes, columns the predicted ones.")
    plots = run.plots
    pics = [file_picture(lab, plots / f"confusion_{split}.png", "classify", f"classification_confusion_{split}", f"Confusion matrix ({name})")]
    if m.get("roc_auc") is not None:
        pics.append(file_picture(lab, plots / f"roc_{split}.png", "classify", f"classification_roc_{split}", f"ROC curve ({name})"))
    blocks: list[Block] = [Heading(f"{name.capitalize()} split"), Para(text), Table(["metric", "value"], overall),
                           Table(["class", "precision", "recall", "F1", "support", "ROC AUC"], per_class, "Per class."),
                           matrix, Gallery(pics, columns=3)]
    return blocks + mistakes_blocks(lab, plots, m, name)


def mistakes_blocks(lab: Lab, plots: Path, m: dict, name: str) -> list[Block]:
    """The most confident mistakes of one split (its ``worst_mistakes`` list and plot)."""
    mistakes = m.get("worst_mistakes") or []
    if not mistakes:
        return [Para(f"No misclassified image in the {name} split.")]
    shown = mistakes[:GALLERY_MAX]
    rows = [[x["path"], x["true"], x["pred"], num(x["confidence"], 3)] for x in shown]
    worst = shown[0]
    lab.fact("classification", f"Most confident {name} mistake: {worst['path']}, a {worst['true']} predicted as {worst['pred']} "
                               f"with confidence {num(worst['confidence'], 3)}.")
    pic = file_picture(lab, plots / f"worst_{m['split']}.png", "classify", f"classification_worst_{m['split']}",
                       f"The most confident mistakes ({name}).")
    return [Heading(f"Worst mistakes ({name})"),
            Table(["image", "true", "predicted", "confidence"], rows,
                  f"The {plural(len(shown), 'misclassified image')} with the highest confidence in the wrong class"
                  + (f" (of {len(mistakes)} listed)." if len(mistakes) > len(shown) else ".")),
            Gallery([pic], columns=1)]
