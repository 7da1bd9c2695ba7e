"""The studies that train: ``freezing`` (Q20, Q4), ``augmentation`` (Q6, Q13, Q15), ``schedule`` (Q14), ``batch-size`` (Q16).

Arms that train only the head share one set of cached features (:mod:`visionlab.studies.features`):
each costs a fraction of a second. Arms that train backbone layers are ``visionlab train classify``
runs on the same split (a folder of links), each under the same time budget.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from visionlab.runs import RunFolder
from visionlab.studies.common import StudyContext, StudyResult, materialise_split
from visionlab.studies.features import FeatureBank, feature_bank
from visionlab.studies.heads import HeadArm, train_head
from visionlab.studies.plots import plot_arm_curves, plot_bars, plot_learning_curve
from visionlab.utils.files import read_json

# The arms that train backbone layers: mode, ImageNet weights or not, the head's lr multiplier (Adam 1e-3 for whole networks).
_BACKBONE_ARMS = {"finetune": ("finetune", True, 1.0), "full": ("full", True, 1 / 3), "scratch": ("full", False, 1 / 3)}


def _f(x: float) -> str:
    return f"{x:.4f}"


# --- freezing ------------------------------------------------------------------------------------

def freezing_study(ctx: StudyContext) -> StudyResult:
    """Frozen vs fine-tuned vs fully trained vs from scratch, same split, seed, input size and time budget; and a learning curve."""
    o = ctx.opts
    bank = feature_bank(ctx, img_size=o.arm_img_size)
    frozen = train_head(bank, HeadArm("frozen", epochs=o.epochs, lr=o.lr, batch_size=o.batch_size), o.seed)
    arms = {"frozen": {"mode": "frozen", "pretrained": True, "val_acc": frozen["val_acc"], "f1_macro": frozen["f1_macro"],
                       "epochs": frozen["epochs_run"], "seconds": bank.seconds + frozen["seconds"], "trainable": frozen["trainable"],
                       "total": _total_parameters(ctx) + frozen["trainable"]}}
    split = materialise_split(ctx.splits(), ctx.out / "split")
    for name in _BACKBONE_ARMS:
        ctx.say(f"freezing: arm {name} ({o.arm_seconds:.0f} s budget)")
        arms[name] = _backbone_arm(ctx, name, split, ctx.out / "arms" / name, o.arm_seconds)
    curve = _learning_curve(ctx, bank, arms["scratch"])
    rows = [[name, a["mode"], "ImageNet" if a["pretrained"] else "none", a["trainable"], a["total"], a["epochs"], a["val_acc"], a["f1_macro"],
             a["seconds"]] for name, a in arms.items()]
    sizes = curve["sizes"]
    plots = [plot_bars(list(arms), [a["val_acc"] for a in arms.values()], ctx.out / "freezing.png", "validation accuracy",
                     "Same split and budget: validation accuracy (and seconds)", [a["seconds"] for a in arms.values()]),
             plot_learning_curve({"pretrained (frozen)": (sizes, curve["pretrained"]), "from scratch": (sizes, curve["scratch"])},
                                 ctx.out / "learning_curve.png", "Learning curve")]
    small = sizes[0]
    return StudyResult(
        header=["arm", "mode", "weights", "trainable parameters", "total parameters", "epochs", "validation accuracy", "F1 macro", "seconds"],
        rows=rows,
        outcome=("Frozen reached validation accuracy {frozen} in {frozen_s} s training {frozen_p} parameters; full training {full} "
                 "({full_p} parameters); fine-tuning {finetune}; from scratch {scratch}. With {small} images per class the pretrained "
                 "features gave {pre_small} against {scratch_small} from scratch."),
        values={"frozen": _f(arms["frozen"]["val_acc"]), "frozen_s": f"{arms['frozen']['seconds']:.1f}", "frozen_p": f"{frozen['trainable']:,}",
                "full": _f(arms["full"]["val_acc"]), "full_p": f"{arms['full']['trainable']:,}", "scratch": _f(arms["scratch"]["val_acc"]),
                "finetune": _f(arms["finetune"]["val_acc"]), "small": str(small), "pre_small": _f(curve["pretrained"][0]),
                "scratch_small": _f(curve["scratch"][0])},
        plots=plots, data={"arms": arms, "learning_curve": curve},
        setup=("{backbone} at {size} px on {n_train} training and {n_val} validation images; the arms that train backbone layers "
               "had {budget} s each (at most {epochs} epochs); the frozen head trained {head_epochs} epochs on cached features."),
        setup_values={"backbone": o.backbone, "size": str(bank.img_size), "n_train": str(len(bank.train_labels)), "n_val": str(len(bank.val_labels)),
                      "budget": f"{o.arm_seconds:.0f}", "epochs": str(o.arm_epochs), "head_epochs": str(o.epochs)},
    )


def _total_parameters(ctx: StudyContext) -> int:
    """Parameters of the backbone (the head's are added by the caller)."""
    from visionlab.models import get_classifier

    model = get_classifier(ctx.opts.backbone, num_classes=2, weights=None)
    return sum(p.numel() for p in model.backbone.parameters())


def _backbone_arm(ctx: StudyContext, name: str, data: Path, out: Path, seconds: float) -> dict:
    """One ``train classify`` run of arm ``name`` under ``seconds``; its validation accuracy, F1, epochs, seconds and parameter counts."""
    from visionlab.models.checkpoint import load_classifier
    from visionlab.train.classify import train_classifier
    from visionlab.train.config import ClassifyConfig

    o = ctx.opts
    mode, pretrained, lr_factor = _BACKBONE_ARMS[name]
    run = RunFolder(out)
    t0 = time.perf_counter()
    if not run.eval_metrics_path("val").is_file():  # a finished arm of an earlier, interrupted study is kept
        train_classifier(ClassifyConfig(data=str(data), out=str(out), backbone=o.backbone, weights=o.weights if pretrained else "none", mode=mode,
                                        recipe="standard", epochs=o.arm_epochs, lr=o.lr * lr_factor, scheduler="cosine", batch_size=o.batch_size,
                                        img_size=o.arm_img_size, crop_pct=o.crop_pct, seed=o.seed, time_budget=seconds / 60, download=o.download,
                                        quiet=o.quiet),
                         resume=run.last_path.is_file())
    m = run.metrics("val")
    model, _ = load_classifier(run.checkpoint())
    if mode == "finetune":
        model.freeze_backbone(keep_top=int(read_json(run.config_path)["config"]["unfreeze_top"]))
    params = list(model.parameters())
    return {"mode": mode, "pretrained": pretrained, "val_acc": float(m["accuracy"]), "f1_macro": float(m["f1_macro"]),
            "epochs": len(_history(run)), "seconds": _seconds(run, time.perf_counter() - t0),
            "trainable": sum(p.numel() for p in params if p.requires_grad), "total": sum(p.numel() for p in params)}


def _history(run: RunFolder) -> list[dict]:
    from visionlab.train.fit import read_history

    return read_history(run.history_path)


def _seconds(run: RunFolder, measured: float) -> float:
    """The arm's wall time; for an arm kept from an earlier study, the sum of its epochs (setup not counted)."""
    return measured if measured > 1.0 else float(sum(float(r["seconds"]) for r in _history(run)))


def _learning_curve(ctx: StudyContext, bank: FeatureBank, scratch_all: dict) -> dict:
    """Validation accuracy against training images per class: the frozen head on cached features, and from scratch."""
    o = ctx.opts
    labels = bank.train_labels.numpy()
    most = int(np.bincount(labels).min())
    sizes = sorted({most if n <= 0 else min(n, most) for n in o.curve_sizes})
    pretrained, scratch = [], []
    for n in sizes:
        rows = _per_class(labels, n, o.seed)
        pretrained.append(train_head(bank, HeadArm("frozen", epochs=o.epochs, lr=o.lr, batch_size=o.batch_size), o.seed, rows)["val_acc"])
        if n == most:
            scratch.append(scratch_all["val_acc"])
            continue
        ctx.say(f"freezing: from scratch with {n} images per class ({o.curve_seconds:.0f} s budget)")
        data = materialise_split(ctx.splits(), ctx.out / f"split_{n}", per_class=n, seed=o.seed)
        scratch.append(_backbone_arm(ctx, "scratch", data, ctx.out / "arms" / f"scratch_{n}", o.curve_seconds)["val_acc"])
    return {"sizes": sizes, "pretrained": pretrained, "scratch": scratch}


def _per_class(labels: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` training rows of each class, a seeded draw (the same draw :func:`materialise_split` makes)."""
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([rng.permutation(np.flatnonzero(labels == k))[:n] for k in range(int(labels.max()) + 1)]))


# --- the head-only studies -----------------------------------------------------------------------

def _head_arms(ctx: StudyContext, bank: FeatureBank, arms: list[HeadArm]) -> dict[str, dict]:
    return {a.name: train_head(bank, a, ctx.opts.seed) for a in arms}


def _feature_setup(ctx: StudyContext, bank: FeatureBank) -> dict:
    return {"backbone": ctx.opts.backbone, "size": str(bank.img_size), "n_train": str(len(bank.train_labels)),
            "n_val": str(len(bank.val_labels)), "epochs": str(ctx.opts.epochs), "feature_s": f"{bank.seconds:.1f}"}


_FEATURE_SETUP = ("The head of a frozen {backbone} at {size} px, trained on cached features of {n_train} training images and validated "
                  "on {n_val} (validation images always plain), {epochs} epochs per arm; the features took {feature_s} s once.")


def augmentation_study(ctx: StudyContext) -> StudyResult:
    """With and without the training augmentation (cached augmented views), dropout and early stopping."""
    o = ctx.opts
    bank = feature_bank(ctx, views=o.views)
    base = HeadArm("none", epochs=o.epochs, lr=o.lr, batch_size=o.batch_size, dropout=0.0)
    arms = _head_arms(ctx, bank, [base, replace(base, name="augmentation", views=o.views), replace(base, name="dropout", dropout=0.3),
                                  replace(base, name="early stopping", patience=3),
                                  replace(base, name="all three", dropout=0.3, views=o.views, patience=3)])
    flags = {"none": ("no", 0.0, "off"), "augmentation": ("yes", 0.0, "off"), "dropout": ("no", 0.3, "off"),
             "early stopping": ("no", 0.0, 3), "all three": ("yes", 0.3, 3)}
    rows = [[name, *flags[name], a["epochs_run"], a["train_acc"], a["val_acc"], a["gap"], a["seconds"]] for name, a in arms.items()]
    plot = plot_arm_curves({k: a["history"] for k, a in arms.items()}, ctx.out / "augmentation.png", "Augmentation, dropout, early stopping")
    n, g = arms["none"], arms["augmentation"]
    return StudyResult(
        header=["arm", "augmentation", "dropout", "early stopping (patience)", "epochs", "train accuracy", "validation accuracy",
                "train - validation", "seconds"],
        rows=rows,
        outcome=("Augmentation ({views} views) changed the train-minus-validation gap from {gap_none} to {gap_aug} and validation accuracy "
                 "from {acc_none} to {acc_aug}; dropout 0.3 gave gap {gap_drop} and accuracy {acc_drop}; early stopping ended after "
                 "{es_epochs} of {epochs} epochs at accuracy {acc_es}."),
        values={"views": str(o.views), "gap_none": f"{n['gap']:+.4f}", "gap_aug": f"{g['gap']:+.4f}", "acc_none": _f(n["val_acc"]),
                "acc_aug": _f(g["val_acc"]), "gap_drop": f"{arms['dropout']['gap']:+.4f}", "acc_drop": _f(arms["dropout"]["val_acc"]),
                "es_epochs": str(arms["early stopping"]["epochs_run"]), "epochs": str(o.epochs), "acc_es": _f(arms["early stopping"]["val_acc"])},
        plots=[plot], data={k: a["history"] for k, a in arms.items()},
        setup=_FEATURE_SETUP + " Augmentation: random resized crop, flip, colour jitter and rotation, as {views} cached views per image.",
        setup_values={**_feature_setup(ctx, bank), "views": str(o.views)},
    )


def schedule_study(ctx: StudyContext) -> StudyResult:
    """StepLR vs cosine vs a constant learning rate, same start and epochs."""
    o = ctx.opts
    bank = feature_bank(ctx)
    step = max(1, o.epochs // 3)
    base = HeadArm("cosine", epochs=o.epochs, lr=o.lr, batch_size=o.batch_size, scheduler="cosine")
    arms = _head_arms(ctx, bank, [replace(base, name="StepLR", scheduler="step", step_size=step, gamma=0.1), base,
                                  replace(base, name="constant", scheduler="none")])
    rows = [[name, a["history"][-1]["lr"], a["history"][-1]["train_loss"], max(r["val_acc"] for r in a["history"]), a["val_acc"], a["seconds"]]
            for name, a in arms.items()]
    plot = plot_arm_curves({k: a["history"] for k, a in arms.items()}, ctx.out / "schedule.png", "Learning-rate schedules", right="lr")
    best = max(arms, key=lambda k: (arms[k]["val_acc"], -arms[k]["history"][-1]["train_loss"]))
    return StudyResult(
        header=["schedule", "last learning rate", "last training loss", "best validation accuracy", "last validation accuracy", "seconds"],
        rows=rows,
        outcome=("From learning rate {lr}, StepLR ended at validation accuracy {step}, cosine at {cosine} and a constant rate at {constant}; "
                 "final training loss {loss_step}, {loss_cosine} and {loss_constant}."),
        values={"lr": f"{o.lr:g}", "step": _f(arms["StepLR"]["val_acc"]), "cosine": _f(arms["cosine"]["val_acc"]),
                "constant": _f(arms["constant"]["val_acc"]), "loss_step": _f(arms["StepLR"]["history"][-1]["train_loss"]),
                "loss_cosine": _f(arms["cosine"]["history"][-1]["train_loss"]), "loss_constant": _f(arms["constant"]["history"][-1]["train_loss"])},
        plots=[plot], data={"best": best, **{k: a["history"] for k, a in arms.items()}},
        setup=_FEATURE_SETUP + " StepLR multiplies the rate by 0.1 every {step} epochs; cosine decays it to 0 over the run.",
        setup_values={**_feature_setup(ctx, bank), "step": str(step)},
    )


def batch_size_study(ctx: StudyContext) -> StudyResult:
    """Batch 8, 16, 32 and 64 at the same learning rate and epochs: curves, final accuracy, updates and seconds."""
    o = ctx.opts
    bank = feature_bank(ctx)
    sizes = (8, 16, 32, 64)
    arms = _head_arms(ctx, bank, [HeadArm(str(b), epochs=o.epochs, lr=o.lr, batch_size=b) for b in sizes])
    n = len(bank.train_labels)
    rows = [[int(name), -(-n // int(name)) * a["epochs_run"], a["history"][-1]["train_loss"], a["val_acc"], a["seconds"]] for name, a in arms.items()]
    plot = plot_arm_curves({f"batch {k}": a["history"] for k, a in arms.items()}, ctx.out / "batch_size.png", "Batch size", right="train_loss")
    return StudyResult(
        header=["batch size", "updates", "last training loss", "validation accuracy", "seconds"],
        rows=rows,
        outcome=("Batch 8 made {updates_8} updates and reached validation accuracy {acc_8} in {s_8} s; batch 64 made {updates_64} updates "
                 "and reached {acc_64} in {s_64} s."),
        values={"updates_8": str(rows[0][1]), "acc_8": _f(arms["8"]["val_acc"]), "s_8": f"{arms['8']['seconds']:.2f}",
                "updates_64": str(rows[-1][1]), "acc_64": _f(arms["64"]["val_acc"]), "s_64": f"{arms['64']['seconds']:.2f}"},
        plots=[plot], data={k: a["history"] for k, a in arms.items()},
        setup=_FEATURE_SETUP + " The learning rate ({lr}) is the same for every batch size.",
        setup_values={**_feature_setup(ctx, bank), "lr": f"{o.lr:g}"},
    )
