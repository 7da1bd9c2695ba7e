"""The classification sections: the model, its training, and its results per evaluated split."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from visionlab.errors import RunFolderError
from visionlab.report.document import (
    GALLERY_MAX,
    NA,
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
from visionlab.report.i18n import Translator
from visionlab.report.sections.common import CACHED_MODES, best_row, classify_data_root, classify_run, numeric_history, split_name, split_title, weights_text
from visionlab.runs import RunFolder
from visionlab.utils.files import read_json

MODE_TEXT = {
    "frozen": "frozen: the pretrained backbone is fixed, only the new head trains",
    "finetune": "finetune: the head trains first, then the top backbone stages at a lower learning rate",
    "full": "full: every parameter trains",
    "partial": "partial: the top backbone stages and the head fine-tune on cached activations of the frozen stages below",
}


# --- the model -----------------------------------------------------------------------------------

def classifier_parameters(ckpt: Path, mode: str, unfreeze_top: int) -> dict[str, int]:
    """Parameter counts of a checkpoint's model with the run's mode applied (what that mode trains)."""
    from visionlab.models.checkpoint import load_classifier

    model, _ = load_classifier(ckpt)
    if mode == "frozen":
        model.freeze_backbone()
    elif mode in ("finetune", "partial"):
        model.freeze_backbone(keep_top=unfreeze_top)
    else:
        model.unfreeze_backbone()
    params = list(model.parameters())
    return {"total": sum(p.numel() for p in params), "trainable": sum(p.numel() for p in params if p.requires_grad),
            "head": sum(p.numel() for p in model.head_parameters()), "features": int(model.num_features)}


def model_section(lab: Lab) -> list[Block]:
    """The classifier: backbone, mode, weights, head, input, parameter counts, and the training settings."""
    t = lab.t
    run, cfg = classify_run(lab)
    c = cfg["config"]
    ckpt = next((p for p in (run.best_path, run.last_path) if p.is_file()), run.best_path)
    counts = classifier_parameters(lab.need(ckpt, "classify"), c["mode"], int(c.get("unfreeze_top", 2)))
    weights = cfg.get("weights")
    pre = cfg["preprocess"]
    rows = [[t("backbone"), c["backbone"]], [t("mode"), t(MODE_TEXT[c["mode"]]) if c["mode"] in MODE_TEXT else c["mode"]],
            [t("weights"), weights_text(t, weights)],
            [t("head"), f"Dropout({c.get('dropout')}) + Linear({counts['features']} → {len(cfg['classes'])})"],
            [t("input"), t("resize short side to {resize} px, centre crop {crop} px ({interpolation})", resize=pre["resize_size"],
                           crop=pre["crop_size"], interpolation=pre.get("interpolation"))],
            [t("normalization"), t("mean {mean}, std {std}", mean=pre["mean"], std=pre["std"])],
            [t("parameters (trainable / total)"), f"{counts['trainable']:,} / {counts['total']:,}"],
            [t("parameters of the head"), f"{counts['head']:,}"]]
    share = counts["trainable"] / counts["total"] if counts["total"] else 0.0
    lab.fact("model", t("Classifier {backbone} ({mode}): {trainable} of {total} parameters trainable ({share}%).", backbone=c["backbone"],
                        mode=c["mode"], trainable=f"{counts['trainable']:,}", total=f"{counts['total']:,}", share=f"{100 * share:.2f}"))
    return [Table(["", ""], rows, t("The classifier (config.json of the run; counts from its best checkpoint).")),
            Heading(t("Training settings")), Table([t("setting"), t("value")], training_settings(t, c, cfg.get("versions") or {}))]


def training_settings(t: Translator, c: dict, versions: dict) -> list[list[str]]:
    """The run's optimisation settings as (setting, value) rows, with the library versions last."""
    scheduler = str(c.get("scheduler"))
    schedules = {"step": lambda: t("StepLR (step {step} epochs, gamma {gamma})", step=c.get("step_size"), gamma=c.get("gamma")),
                 "cosine": lambda: t("cosine annealing over {epochs} epochs", epochs=c.get("epochs")), "none": lambda: t("constant")}
    sched = schedules[scheduler]() if scheduler in schedules else scheduler
    stop = t("after {patience} epochs without improvement", patience=c["patience"]) if c.get("patience") else t("off")
    rows = [[t("epochs"), str(c.get("epochs"))], [t("batch size"), str(c.get("batch_size"))],
            [t("optimizer"), t("Adam, learning rate {lr}, weight decay {wd}", lr=c.get("lr"), wd=c.get("weight_decay"))],
            [t("schedule"), sched], [t("early stopping"), stop], [t("loss"), t("cross-entropy")],
            [t("validation share"), str(c.get("val_fraction"))], [t("seed"), str(c.get("seed"))]]
    if c.get("mode") == "finetune":
        rows.append([t("finetune"), t("head alone for {head} epoch(s), then the top {top} stages at {factor} × the learning rate",
                                      head=c.get("head_epochs"), top=c.get("unfreeze_top"), factor=c.get("backbone_lr_factor"))])
    if c.get("mode") == "partial":
        rows.append([t("top stages"), t("the top {top} stages at {factor} × the learning rate, on cached activations shifted by up to {shift} "
                                     "cell(s)", top=c.get("unfreeze_top"), factor=c.get("backbone_lr_factor"), shift=c.get("feature_shift"))])
    if c.get("mode") in CACHED_MODES:
        rows.append([t("feature views"), str(c.get("feature_views"))])
    rows.append([t("augmentation"), augmentation_text(t, c)])
    rows.append([t("autocast"), str(c.get("amp"))])
    if versions:
        rows.append([t("versions"), ", ".join(f"{k} {versions[k]}" for k in ("visionlab", "torch", "torchvision", "timm") if k in versions)])
    return rows


def augmentation_text(t: Translator, c: dict) -> str:
    """Whether the training augmentation reached the model, and how (a frozen backbone's cached features can drop it)."""
    a = c.get("augment") or {}
    flip = t("horizontal flip, ") if a.get("hflip") else ""
    what = t("random resized crop (area >= {area}), {flip}colour jitter {jitter}, rotation up to {rotation} degrees",
             area=a.get("crop_scale_min"), flip=flip, jitter=a.get("color_jitter"), rotation=a.get("rotation"))
    views = int(c.get("feature_views") or 1)
    if c.get("mode") not in CACHED_MODES:
        return t("applied to every training image in every epoch: {what}", what=what)
    if views <= 1 and c.get("mode") == "partial":
        return t("not applied: the frozen stages' activations were computed once from the plain images (feature_views: 1); "
                 "feature_views: N caches N-1 augmented views")
    if views <= 1:
        return t("not applied: the frozen backbone's features were computed once from the plain images (feature_views: 1); "
                 "feature_views: N caches N-1 augmented views")
    return t("applied through {n} cached augmented views ({what}); epoch k trains on view k mod {views}, view 0 being the plain images",
             n=views - 1, what=what, views=views)


# --- training ------------------------------------------------------------------------------------

def training_section(lab: Lab) -> list[Block]:
    """The training curves and a summary of the run's history: best and last epoch, time, early stopping.

    Raises:
        RunFolderError: The history or the curves are missing, or the history has no epoch rows.
    """
    t = lab.t
    run, cfg = classify_run(lab)
    history = numeric_history(lab.need(run.history_path, "classify"))
    curves = file_picture(lab, run.plots / "curves.png", "classify", "training_curves", t("Loss and accuracy per epoch (plots/curves.png)."))
    if not history:
        raise RunFolderError(f"report: {run.history_path} has no epoch rows")
    best = best_row(history, "val_acc")
    last = history[-1]
    planned = cfg["config"].get("epochs")
    rows = [[t("epochs run"), t("{run} of {planned}", run=len(history), planned=planned)],
            [t("best epoch (kept as best.safetensors)"), str(int(best["epoch"]))],
            [t("validation accuracy at the best epoch"), num(best["val_acc"])], [t("validation loss at the best epoch"), num(best["val_loss"])],
            [t("last epoch: train / validation accuracy"), f"{num(last['train_acc'])} / {num(last['val_acc'])}"],
            [t("last epoch: train / validation loss"), f"{num(last['train_loss'])} / {num(last['val_loss'])}"],
            [t("training time (sum of epochs)"), t("{seconds} s", seconds=f"{sum(r['seconds'] or 0 for r in history):.1f}")]]
    lab.fact("training", t("Best validation accuracy {acc} at epoch {epoch} of {epochs}.", acc=num(best["val_acc"]), epoch=int(best["epoch"]),
                           epochs=len(history)))
    lab.result("training", t("best validation accuracy during training"), num(best["val_acc"]))
    gap = last["train_acc"] - last["val_acc"]
    lab.fact("training", t("Last epoch: train accuracy {train}, validation accuracy {val} (train minus validation {gap}).",
                           train=num(last["train_acc"]), val=num(last["val_acc"]), gap=f"{gap:+.4f}"))
    if len(history) < (planned or 0) and cfg["config"].get("patience"):
        lab.fact("training", t("Early stopping (patience {patience}) ended training after {run} of {planned} epochs.",
                               patience=cfg["config"]["patience"], run=len(history), planned=planned))
    keys = ["epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"]
    table = Table(keys, [[history_cell(k, r.get(k)) for k in keys] for r in history])
    return [Gallery([curves], columns=1), Table(["", ""], rows, t("Summary of history.csv.")),
            Details(t("Every epoch (history.csv)"), [table])]


def history_cell(key: str, v: float | None) -> str:
    """One cell of the history table, with the precision its column needs."""
    if v is None:
        return NA
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
    return blocks + ood_blocks(lab.t, run) + shortcut_blocks(lab.t, run) + prediction_blocks(lab, run)


def ordinal(t: Translator, n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``... ``11th``, ``21st`` in English; the language's own form otherwise (``1-й``)."""
    if t.lang != "en":
        return t("{n}th", n=n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ood_blocks(t: Translator, run: RunFolder) -> list[Block]:
    """One sentence on the out-of-distribution flag (``ood.json``), when the run has one."""
    if not run.ood_path.is_file():
        return []
    o = read_json(run.ood_path)
    return [Para(t("Out-of-distribution flag: an image is flagged as unlike the training images when the cosine distance of its pooled "
                   "backbone features to its {k} nearest of {reference} exceeds {threshold}, the threshold set so that {rate} of the "
                   "validation images pass; {share} of {n_val} pass (ood.json).", k=ordinal(t, int(o["k"])),
                   reference=plural(o["n_reference"], "training image", t), threshold=num(o["threshold"]), rate=f"{o['pass_rate']:.0%}",
                   share=f"{o['val_pass_share']:.1%}", n_val=o["n_val"]))]


def shortcut_blocks(t: Translator, run: RunFolder) -> list[Block]:
    """The colour shortcut check (``shortcut.json``), when the run has one: what colour alone scores, and a warning when it is high."""
    if not run.shortcut_path.is_file():
        return []
    c = read_json(run.shortcut_path)
    text = t("Colour shortcut check: a logistic regression on each image's colour histogram, fitted on {n_train} training images, "
             "scores {histogram} on {n_val} validation images (on brightness and channel statistics {stats}; chance {chance}) "
             "(shortcut.json).", n_train=c["n_train"], n_val=c["n_val"], histogram=num(c["histogram"]), stats=num(c["image_stats"]),
             chance=num(c["chance"]))
    if c["strong"]:
        text += " " + t("From {strong} colour alone tells these classes apart: unless colour is what defines them, the classifier's "
                        "accuracy may rest on it. Check where Grad-CAM looks, and add images whose colours cross the classes.",
                        strong=num(c["strong_from"]))
    return [Para(text)]


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
    t = lab.t
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
        caption = t("{image}: predicted {label} ({confidence}), true {truth}", image=image.name, label=row["label"],
                    confidence=num(as_float(row["confidence"]), 3), truth=truth)
        if len(classes) > 2:
            caption += t("; top: {top}", top=row["top_k"])
        if row.get("ood") == "True":
            caption += t("; flagged: unlike the training images")
        pics.append(add_picture(lab, f"classification_predicted_{image.stem}", tile, caption))
    return [Heading(t("Predictions on sample images")),
            Para(t("The classifier's predictions on {images} (predictions_sample.csv).", images=plural(len(pics), "validation image", t))),
            Gallery(pics, columns=min(GALLERY_MAX, 6))]


def split_blocks(lab: Lab, run: RunFolder, m: dict) -> list[Block]:
    """One split's metrics: overall and per class, the confusion matrix, its plots and worst mistakes."""
    t = lab.t
    split, classes = m["split"], m["classes"]
    name = split_name(t, split)
    cm = m["confusion_matrix"]
    wrong = m["n_images"] - sum(cm[i][i] for i in range(len(cm)))
    auc_label = t("ROC AUC ({kind})", kind=t(m["roc_auc_kind"])) if m.get("roc_auc_kind") else t("ROC AUC")
    overall = [[t("images"), num(m["n_images"])], [t("accuracy"), num(m["accuracy"])],
               [t("precision / recall / F1 (macro)"), f"{num(m['precision_macro'])} / {num(m['recall_macro'])} / {num(m['f1_macro'])}"],
               [t("precision / recall / F1 (weighted)"), f"{num(m['precision_weighted'])} / {num(m['recall_weighted'])} / {num(m['f1_weighted'])}"],
               [auc_label, num(m.get("roc_auc"))], [t("misclassified images"), num(wrong)]]
    per_class = [[c, num(p["precision"]), num(p["recall"]), num(p["f1"]), num(p["support"]), num(p.get("roc_auc"))]
                 for c, p in m["per_class"].items()]
    fields = {"split": split_title(t, split), "acc": num(m["accuracy"]),
              "images": plural(m["n_images"], "image", t), "wrong": wrong}
    if m.get("roc_auc") is None:
        text = t("{split} accuracy {acc} on {images}; {wrong} misclassified.", **fields)
    else:
        text = t("{split} accuracy {acc} on {images} (ROC AUC {auc}); {wrong} misclassified.", auc=num(m["roc_auc"]), **fields)
    lab.fact("classification", text)
    lab.result("classification", t("{split} accuracy", split=fields["split"]), num(m["accuracy"]))
    lab.result("classification", t("{split} F1 (macro)", split=fields["split"]), num(m["f1_macro"]))
    matrix = Table([t("true \\ predicted"), *classes], [[c, *[str(v) for v in row]] for c, row in zip(classes, cm)],
                   t("Confusion matrix (counts): rows are the true classes, columns the predicted ones."))
    plots = run.plots
    pics = [file_picture(lab, plots / f"confusion_{split}.png", "classify", f"classification_confusion_{split}",
                         t("Confusion matrix ({split})", split=name))]
    if m.get("roc_auc") is not None:
        pics.append(file_picture(lab, plots / f"roc_{split}.png", "classify", f"classification_roc_{split}", t("ROC curve ({split})", split=name)))
    blocks: list[Block] = [Heading(t("{split} split", split=fields["split"])), Para(text), Table([t("metric"), t("value")], overall),
                           Table([t("class"), t("precision"), t("recall"), "F1", t("support"), t("ROC AUC")], per_class, t("Per class.")),
                           matrix, Gallery(pics, columns=3)]
    return blocks + mistakes_blocks(lab, plots, m, name)


def mistakes_blocks(lab: Lab, plots: Path, m: dict, name: str) -> list[Block]:
    """The most confident mistakes of one split (its ``worst_mistakes`` list and plot)."""
    t = lab.t
    mistakes = m.get("worst_mistakes") or []
    if not mistakes:
        return [Para(t("No misclassified image in the {split} split.", split=name))]
    shown = mistakes[:GALLERY_MAX]
    rows = [[x["path"], x["true"], x["pred"], num(x["confidence"], 3)] for x in shown]
    worst = shown[0]
    lab.fact("classification", t("Most confident {split} mistake: {path}, a {true} predicted as {pred} with confidence {confidence}.",
                                 split=name, path=worst["path"], true=worst["true"], pred=worst["pred"], confidence=num(worst["confidence"], 3)))
    pic = file_picture(lab, plots / f"worst_{m['split']}.png", "classify", f"classification_worst_{m['split']}",
                       t("The most confident mistakes ({split}).", split=name))
    if len(mistakes) > len(shown):
        caption = t("The {images} with the highest confidence in the wrong class (of {listed} listed).",
                    images=plural(len(shown), "misclassified image", t), listed=len(mistakes))
    else:
        caption = t("The {images} with the highest confidence in the wrong class.", images=plural(len(shown), "misclassified image", t))
    return [Heading(t("Worst mistakes ({split})", split=name)),
            Table([t("image"), t("true"), t("predicted"), t("confidence")], rows, caption),
            Gallery([pic], columns=1)]
