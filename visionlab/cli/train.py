"""``visionlab train classify``, ``visionlab train segment`` and ``visionlab experiment``.

Their options come from :class:`~visionlab.train.config.ClassifyConfig` and
:class:`~visionlab.train.config.SegmentConfig` (see :mod:`visionlab.cli.args`); each tuple below
only says which fields a command offers, in the order ``--help`` lists them.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from visionlab.cli.args import Formatter, add_field_options, config_from_args
from visionlab.train.config import ClassifyConfig, SegmentConfig

CLASSIFY_OPTIONS = (
    "data", "out", "backbone", "weights", "download", "recipe", "mode", "epochs", "time_budget", "batch_size", "lr", "optimizer",
    "weight_decay", "scheduler", "step_size", "gamma", "patience", "img_size", "crop_pct", "seed", "val_fraction", "dropout", "label_smoothing",
    "backbone_lr_factor", "head_epochs", "unfreeze_top", "feature_views", "feature_shift", "tta_flip", "augment.hflip",
    "augment.color_jitter", "augment.rotation", "augment.crop_scale_min", "ood_pass_rate", "workers", "amp", "device",
)  # then --resume, then quiet

SEGMENT_OPTIONS = (  # shared by `train segment` and `experiment`
    "data", "model", "encoder", "download", "freeze_encoder", "epochs", "time_budget", "batch_size", "lr", "optimizer", "weight_decay",
    "scheduler", "patience",
    "img_size", "tta_flip", "loss", "dice_weight", "class_weights", "val_fraction", "test_fraction", "augment.scale_min", "augment.hflip",
    "augment.color_jitter", "augment.crop", "seed", "workers", "amp", "device", "quiet",
)


def add_train_classify(sub: argparse._SubParsersAction) -> None:
    """Add ``train classify``: transfer learning on a class-folder dataset."""
    p = sub.add_parser("classify", help="train an image classifier with transfer learning", formatter_class=Formatter,
                       description="Train a classifier on DATA/<class>/* (split 80/20 by the tool) or DATA/train|val|test/<class>/*.")
    add_field_options(p, ClassifyConfig, CLASSIFY_OPTIONS)
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its last completed epoch")
    add_field_options(p, ClassifyConfig, ["quiet"])
    p.set_defaults(func=cmd_train_classify)


def classify_config_from_args(args: argparse.Namespace) -> ClassifyConfig:
    """The :class:`ClassifyConfig` of a parsed ``train classify`` command line."""
    return config_from_args(ClassifyConfig, args)


def print_run_summary(run: Path) -> None:
    """Print a classification run's headline metrics, its colour shortcut check and its folder."""
    from visionlab.data.shortcut import format_check
    from visionlab.runs import RunFolder
    from visionlab.utils.files import read_json

    folder = RunFolder(run)
    m = folder.metrics()
    auc = f"{m['roc_auc']:.4f}" if m["roc_auc"] is not None else "n/a"
    print(f"{m['split']}: accuracy {m['accuracy']:.4f}  F1 (macro) {m['f1_macro']:.4f}  ROC AUC {auc}  ({m['n_images']} images)")
    if folder.shortcut_path.is_file():
        print(format_check(read_json(folder.shortcut_path)))
    print(f"run folder: {run}  (config.json, split.json, best/last.safetensors, history.csv, metrics.json, plots/)")


def cmd_train_classify(args: argparse.Namespace) -> None:
    """Train the classifier; under torchrun only rank 0 prints the summary."""
    from visionlab.train.classify import train_classifier

    run = train_classifier(classify_config_from_args(args), resume=args.resume)
    if os.environ.get("RANK", "0") == "0":  # under torchrun only rank 0 reports
        print_run_summary(run)


def add_train_segment(sub: argparse._SubParsersAction) -> None:
    """Add ``train segment``: a semantic segmenter on image/mask pairs."""
    p = sub.add_parser("segment", help="train a semantic segmenter (U-Net, FPN, DeepLabV3, LRASPP, FCN)", formatter_class=Formatter,
                       description="Train a segmenter on image/mask pairs; evaluates the best epoch on val and test at the original image size.")
    add_field_options(p, SegmentConfig, (*SEGMENT_OPTIONS, "out", "pretrained"))
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its last completed epoch")
    p.set_defaults(func=cmd_train_segment)


def segment_config_from_args(args: argparse.Namespace, **overrides: object) -> SegmentConfig:
    """The :class:`SegmentConfig` of a parsed ``train segment`` or ``experiment`` command line."""
    return config_from_args(SegmentConfig, args, **overrides)


def cmd_train_segment(args: argparse.Namespace) -> None:
    """Train the segmenter and print its val/test metrics and run folder."""
    from visionlab.evaluate.segment import format_metrics
    from visionlab.runs import RunFolder
    from visionlab.train.segment import train_segmenter

    run = RunFolder(train_segmenter(segment_config_from_args(args), resume=args.resume))
    if os.environ.get("RANK", "0") != "0":  # under torchrun only rank 0 reports
        return
    for split in run.evaluated_splits(("val", "test")):
        print(format_metrics(run.metrics(split)))
    print(f"run folder: {run.path}  (config.json, split.json, best/last.safetensors, history.csv, metrics.json, plots/)")


def add_experiment(sub: argparse._SubParsersAction) -> None:
    """Add ``experiment``: the same segmenter pretrained vs from scratch."""
    p = sub.add_parser("experiment", help="the coursework experiment: the same segmenter pretrained vs from scratch", formatter_class=Formatter,
                       description="Trains the segmenter twice (ImageNet encoder / random init) with the same data and budget and "
                                   "tabulates mIoU, pixel accuracy, time per epoch, parameters and epochs to reach --target-miou; "
                                   "classical baselines are scored on the same test images.")
    add_field_options(p, SegmentConfig, SEGMENT_OPTIONS)
    p.add_argument("--out", required=True, help="experiment folder (runs pretrained/ and scratch/, table.md, curves.png)")
    p.add_argument("--target-miou", type=float, default=0.5, help="validation mIoU for the 'epochs to reach' column")
    p.add_argument("--baselines", nargs="*", default=["otsu", "kmeans"], help="classical baselines to score on the same test images")
    p.add_argument("--reuse-pretrained", default=None, help="an existing run with the same settings to use as the pretrained arm")
    p.set_defaults(func=cmd_experiment)


def cmd_experiment(args: argparse.Namespace) -> None:
    """Train both arms and print the comparison table."""
    from visionlab.train.experiment import run_encoder_experiment

    result = run_encoder_experiment(segment_config_from_args(args, out=args.out), args.out, target_miou=args.target_miou,
                                    baselines=tuple(args.baselines), reuse_pretrained=args.reuse_pretrained)
    print(f"target validation mIoU {result['target_miou']}\n{result['table']}\nfolder: {args.out}")


def add_train(sub: argparse._SubParsersAction) -> None:
    """Add the ``train`` group (classify, segment)."""
    train = sub.add_parser("train", help="train a model").add_subparsers(dest="task", required=True, metavar="TASK")
    add_train_classify(train)
    add_train_segment(train)
