"""Commands that use a trained or pretrained model: eval, predict, segment and explain."""

from __future__ import annotations

import argparse
from pathlib import Path

from visionlab.cli.args import Formatter
from visionlab.explain.methods import METHOD_NAMES
from visionlab.train.config import AMP_MODES


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
    from visionlab import runs

    if runs.load_config(runs.require_run(args.run)).get("task") == "segment":
        from visionlab.evaluate.segment import evaluate_segmentation_run, format_metrics

        m = evaluate_segmentation_run(args.run, data=args.data, split=args.split, batch_size=min(args.batch_size, 8), device=args.device)
        print(format_metrics(m))
        print(f"metrics: {Path(args.run) / 'metrics.json'}  plots: {Path(args.run) / 'plots'}")
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
    p.add_argument("--download", action="store_true", help="allow downloading pretrained weights that are not cached")
    p.add_argument("--k", type=int, default=None, help="clusters of a classical baseline")
    p.add_argument("--batch-size", type=int, default=4, help="images per batch")
    p.add_argument("--no-figures", action="store_true", help="skip the per-image legend figures")
    p.add_argument("--amp", default="auto", choices=list(AMP_MODES), help="autocast precision (auto: bf16 where supported)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.set_defaults(func=cmd_segment)


def cmd_segment(args: argparse.Namespace) -> None:
    """Segment the images and print the summary."""
    from visionlab.segment import SegmentOptions, format_summary, segment_images

    out = Path(args.out) if args.out else Path("segment") / Path(args.model).name
    opts = SegmentOptions(batch_size=args.batch_size, device=args.device, amp=args.amp, download=args.download, k=args.k,
                          figures=not args.no_figures)
    print(format_summary(segment_images(args.model, args.paths, out, opts), out))


def add_explain(sub: argparse._SubParsersAction) -> None:
    """Add ``explain``: class activation maps of a run's classifier."""
    p = sub.add_parser("explain", help="class activation maps with measures of where the model looks", formatter_class=Formatter,
                       description="Heatmaps (original, heatmap, overlay), per-class galleries and CAM measures for a run's classifier.")
    p.add_argument("run", help="training run folder")
    p.add_argument("paths", nargs="+", help="image files and/or folders (class sub-folders give the true labels)")
    p.add_argument("--method", default="gradcam", choices=list(METHOD_NAMES), help="CAM method (pytorch-grad-cam)")
    p.add_argument("--target-class", default=None, help="explain this class for every image (default: the predicted class)")
    p.add_argument("--layer", default=None, help="target layer name (default: the backbone's last convolutional block)")
    p.add_argument("--masks", default=None, help="folder of object masks <stem>.png, non-zero = object (game-world masks are found by themselves)")
    p.add_argument("--out", default=None, help="output folder (default: RUN/explain/METHOD)")
    p.add_argument("--batch-size", type=int, default=32, help="images per batch")
    p.set_defaults(func=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> None:
    """Compute the maps and measures and print the summary."""
    from visionlab.explain.stage import ExplainOptions, explain_images, format_summary

    opts = ExplainOptions(method=args.method, target_class=args.target_class, layer=args.layer, masks=args.masks, batch_size=args.batch_size)
    print(format_summary(explain_images(args.run, args.paths, args.out, opts)))
