"""Commands that use a trained or pretrained model: eval, predict, segment and explain."""

from __future__ import annotations

import argparse
from pathlib import Path

from visionlab.cli.args import Formatter, add_field_options, config_from_args
from visionlab.explain.options import ExplainOptions
from visionlab.segment_options import SegmentOptions

SEGMENT_OPTIONS = ("download", "k", "batch_size", "figures", "amp", "device")  # after --model and --out
EXPLAIN_OPTIONS = ("method", "target_class", "layer", "masks", "curve_images", "curve_steps")  # then --out, then batch_size


def add_eval(sub: argparse._SubParsersAction) -> None:
    """Add ``eval``: score a run on a split."""
    p = sub.add_parser("eval", help="evaluate a run on a split; writes RUN/metrics.json and plots", formatter_class=Formatter)
    p.add_argument("run", help="training run folder")
    p.add_argument("--data", default=None, help="dataset folder (default: the split saved in the run)")
    p.add_argument("--split", default="val", choices=["train", "val", "test"], help="which split to score")
    p.add_argument("--batch-size", type=int, default=64, help="inference batch size")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> None:
    """Evaluate a classification or segmentation run and print its metrics."""
    from visionlab.runs import RunFolder

    run = RunFolder(args.run).require()
    if run.task == "segment":
        from visionlab.evaluate.segment import evaluate_segmentation_run, format_metrics

        m = evaluate_segmentation_run(args.run, data=args.data, split=args.split, batch_size=min(args.batch_size, 8), device=args.device)
        print(format_metrics(m))
        print(f"metrics: {run.metrics_path}  plots: {run.plots}")
        return
    from visionlab.cli.train import print_run_summary
    from visionlab.evaluate.classify import evaluate_run

    evaluate_run(args.run, data=args.data, split=args.split, batch_size=args.batch_size, device=args.device)
    print_run_summary(Path(args.run))


def add_predict(sub: argparse._SubParsersAction) -> None:
    """Add ``predict``: classify images with a run's best model."""
    p = sub.add_parser("predict", help="classify image files or folders with a run's best model", formatter_class=Formatter)
    p.add_argument("run", help="training run folder, or a classifier exported with visionlab export (.onnx, runs in ONNX Runtime)")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--out", default=None, help="also write the table to this .csv or .json file")
    p.add_argument("--top-k", type=int, default=3, help="how many classes to list per image")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=cmd_predict)


def cmd_predict(args: argparse.Namespace) -> None:
    """Print the predictions table and optionally write it to a file."""
    from visionlab.predict import format_table, predict_paths, write_predictions

    rows = predict_paths(args.run, args.paths, top_k=args.top_k, device=args.device)
    print(format_table(rows))
    if args.out:
        print(f"wrote {write_predictions(rows, args.out)}")


def add_segment(sub: argparse._SubParsersAction) -> None:
    """Add ``segment``: masks from a pretrained model, a trained run, or a classical baseline."""
    p = sub.add_parser("segment", help="segment images with a pretrained model, a trained run, or a classical baseline", formatter_class=Formatter,
                       description="Masks at the original image size (palette PNG), overlays, a figure with a legend of detected "
                                   "classes and their pixel share, and summary.json.")
    p.add_argument("paths", nargs="+", help="image files and/or folders")
    p.add_argument("--model", default="deeplabv3_resnet50",
                   help="pretrained (deeplabv3_resnet50, deeplabv3_resnet101, deeplabv3_mobilenet_v3_large, fcn_resnet50, "
                        "lraspp_mobilenet_v3_large), a run folder of `visionlab train segment`, an exported .onnx file (ONNX Runtime), "
                        "or otsu / multi_otsu / kmeans")
    p.add_argument("--out", default=None, help="output folder (default: segment/<model name>)")
    add_field_options(p, SegmentOptions, SEGMENT_OPTIONS)
    p.set_defaults(func=cmd_segment)


def cmd_segment(args: argparse.Namespace) -> None:
    """Segment the images and print the summary."""
    from visionlab.segment import format_summary, segment_images

    out = Path(args.out) if args.out else Path("segment") / Path(args.model).name
    print(format_summary(segment_images(args.model, args.paths, out, config_from_args(SegmentOptions, args)), out))


def add_explain(sub: argparse._SubParsersAction) -> None:
    """Add ``explain``: class activation maps of a run's classifier."""
    p = sub.add_parser("explain", help="class activation maps with measures of where the model looks", formatter_class=Formatter,
                       description="Heatmaps (original, heatmap, overlay), per-class galleries and CAM measures for a run's classifier.")
    p.add_argument("run", help="training run folder")
    p.add_argument("paths", nargs="+", help="image files and/or folders (class sub-folders give the true labels)")
    add_field_options(p, ExplainOptions, EXPLAIN_OPTIONS)
    p.add_argument("--out", default=None, help="output folder (default: RUN/explain/METHOD)")
    add_field_options(p, ExplainOptions, ("batch_size",))
    p.set_defaults(func=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> None:
    """Compute the maps and measures and print the summary."""
    from visionlab.explain.stage import explain_images, format_summary

    print(format_summary(explain_images(args.run, args.paths, args.out, config_from_args(ExplainOptions, args))))
