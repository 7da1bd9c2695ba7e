"""Commands that chain models: compare, pipeline, walkmap, distill and export."""

from __future__ import annotations

import argparse
from pathlib import Path

from visionlab.cli.args import Formatter, add_field_options, config_from_args
from visionlab.compare_options import CompareOptions
from visionlab.distill.options import DistillOptions
from visionlab.pipeline_options import PipelineOptions
from visionlab.walkmap_options import WalkmapOptions

PIPELINE_OPTIONS = ("classes", "min_area", "pad", "mask_background", "split_touching", "min_distance")  # then --out
COMPARE_OPTIONS = ("concept_classes", "method", "threshold", "top_percent", "target_class")  # then --out
WALKMAP_OPTIONS = ("walkable", "hazard", "tile", "clearance", "fill")  # then --out

DISTILL_OPTIONS = ("teacher", "student")  # then --out
DISTILL_TRAINING = ("soft", "temperature", "alpha", "data", "init", "epochs", "batch_size", "lr", "img_size", "scale_min", "hflip", "color_jitter",
                    "crop", "seed", "download")  # then --resume, then the last ones
DISTILL_LAST = ("amp", "device", "quiet")


def add_pipeline(sub: argparse._SubParsersAction) -> None:
    """Add ``pipeline``: segment, cut out every object, classify each one."""
    p = sub.add_parser("pipeline", help="segment scenes, cut out every object, classify each one", formatter_class=Formatter,
                       description="Segment each image, split the selected classes into one region per object, skip tiny regions, "
                                   "classify all regions in batches; writes annotated images, a JSON per image, regions.csv and "
                                   "summary.json. Game-world scenes are scored against their true character instances.")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--classifier", required=True, help="classification run folder")
    p.add_argument("--segmenter", required=True, help="segmentation run folder or pretrained name (e.g. deeplabv3_resnet50)")
    add_field_options(p, PipelineOptions, PIPELINE_OPTIONS)
    p.add_argument("--out", default="pipeline", help="output folder")
    add_field_options(p, PipelineOptions, ("batch_size", "device"))
    p.set_defaults(func=cmd_pipeline)


def cmd_pipeline(args: argparse.Namespace) -> None:
    """Run the pipeline and print the summary."""
    from visionlab.pipeline import format_summary, run_pipeline

    opts = config_from_args(PipelineOptions, args)
    print(format_summary(run_pipeline(args.classifier, args.segmenter, args.paths, args.out, opts), Path(args.out)))


def add_compare(sub: argparse._SubParsersAction) -> None:
    """Add ``compare``: Grad-CAM against the segmenter's object region."""
    p = sub.add_parser("compare", help="where the classifier looks (Grad-CAM) against where the segmenter finds the object", formatter_class=Formatter,
                       description="Per image: image | CAM overlay | segmentation | CAM outline over the concept's region; CAM mass "
                                   "inside the region against its area share, IoU of the thresholded CAM with the region, pointing game.")
    p.add_argument("run", help="classification run folder")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--segmenter", required=True, help="segmentation run folder or pretrained name (e.g. deeplabv3_resnet50)")
    add_field_options(p, CompareOptions, COMPARE_OPTIONS)
    p.add_argument("--out", default="compare", help="output folder")
    add_field_options(p, CompareOptions, ("batch_size", "download", "device"))
    p.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> None:
    """Compare CAMs with segmentations and print the summary."""
    from visionlab.compare import compare_images, format_summary

    opts = config_from_args(CompareOptions, args)
    print(format_summary(compare_images(args.run, args.paths, args.segmenter, args.out, opts), Path(args.out)))


def add_walkmap(sub: argparse._SubParsersAction) -> None:
    """Add ``walkmap``: tile maps of where a character can stand."""
    p = sub.add_parser("walkmap", help="tile maps of where a character can stand, for side-view game scenes", formatter_class=Formatter,
                       description="Segment each image and turn it into a tile grid: 0 free, 1 stand (walkable surface below, free "
                                   "space above), 2 solid, 3 hazard; PNG overlay plus JSON and CSV a game engine can load. Game-world "
                                   "scenes are scored against the generator's geometry.")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--segmenter", required=True, help="segmentation run folder or pretrained name")
    add_field_options(p, WalkmapOptions, WALKMAP_OPTIONS)
    p.add_argument("--out", default="walkmap", help="output folder")
    add_field_options(p, WalkmapOptions, ("batch_size", "device"))
    p.set_defaults(func=cmd_walkmap)


def cmd_walkmap(args: argparse.Namespace) -> None:
    """Build the tile maps and print the summary."""
    from visionlab.walkmap import format_summary, walkmap_images

    opts = config_from_args(WalkmapOptions, args)
    print(format_summary(walkmap_images(args.segmenter, args.paths, args.out, opts), Path(args.out)))


def add_distill(sub: argparse._SubParsersAction) -> None:
    """Add ``distill``: a light student segmenter trained on a teacher's pseudo-labels."""
    p = sub.add_parser("distill", help="train a light segmenter on a big one's pseudo-labels; compare speed, size and quality",
                       formatter_class=Formatter,
                       description="The teacher labels the images once (cached in OUT/pseudo/, resumable); the student trains on the labels, "
                                   "or with --soft on the teacher's softened outputs. OUT/distill/ gets the comparison table and plot.")
    p.add_argument("images", nargs="+", help="image files and/or folders (no labels needed)")
    add_field_options(p, DistillOptions, DISTILL_OPTIONS)
    p.add_argument("--out", required=True, help="student run folder")
    add_field_options(p, DistillOptions, DISTILL_TRAINING)
    p.add_argument("--resume", action="store_true", help="continue the student run in --out")
    add_field_options(p, DistillOptions, DISTILL_LAST)
    p.set_defaults(func=cmd_distill)


def cmd_distill(args: argparse.Namespace) -> None:
    """Distill the student and print the comparison table."""
    from visionlab.distill import distill

    result = distill(args.images, args.out, config_from_args(DistillOptions, args), resume=args.resume)
    if result is None:  # another rank than 0 under torchrun: rank 0 reports
        return
    print(result["table"])
    print(f"student run: {args.out}  (comparison in {Path(args.out) / 'distill'}; export with: visionlab export {args.out} --format onnx)")


def add_export(sub: argparse._SubParsersAction) -> None:
    """Add ``export``: one ONNX or TorchScript file checked against PyTorch."""
    p = sub.add_parser("export", help="a run's model as one ONNX or TorchScript file for game engines, checked against PyTorch",
                       formatter_class=Formatter,
                       description="Class names, colours, input size and mean/std travel inside the file and in FILE.json. The file is "
                                   "only written when the exported model matches PyTorch on real images within the tolerance.")
    p.add_argument("run", help="classification or segmentation run folder")
    p.add_argument("--format", default="onnx", choices=["onnx", "torchscript"], help="file format")
    p.add_argument("--out", default=None, help="output file (default: RUN/model.onnx or RUN/model.pt)")
    p.add_argument("--opset", type=int, default=17, help="ONNX opset")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> None:
    """Export the run and print the check report."""
    from visionlab.export import export_run, format_report

    print(format_report(export_run(args.run, args.format, args.out, opset=args.opset)))
