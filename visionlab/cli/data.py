"""``visionlab data``: synth, fetch, check and restore."""

from __future__ import annotations

import argparse
from pathlib import Path

from visionlab.cli.args import Formatter, add_field_options, config_from_args
from visionlab.data.check_options import CheckOptions
from visionlab.data.fetch_options import FetchOptions

# connect_timeout: --timeout
FETCH_OPTIONS = ("n", "workers", "per_host", "connect_timeout", "tries", "backoff", "total_timeout", "max_bytes", "min_side", "quiet")
CHECK_OPTIONS = ("near_threshold", "min_side", "max_imbalance", "workers", "quiet")


def add_synth(sub: argparse._SubParsersAction) -> None:
    """Add ``data synth``: render game-world scenes."""
    p = sub.add_parser("synth", help="render game-world scenes of a lab variant (images, masks, a two-class set)", formatter_class=Formatter,
                       description="Render procedural 2D game scenes with per-pixel masks; also writes OUT/classify/<class>/ with the "
                                   "variant's two classes for classification (variant 1: dragon, robot).")
    p.add_argument("out", help="output folder")
    p.add_argument("--n", type=int, default=400, help="number of scenes (balanced between the two classes)")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same bytes")
    p.add_argument("--size", type=int, nargs=2, default=[256, 256], metavar=("W", "H"), help="image width and height in pixels")
    p.add_argument("--format", default="png", choices=["png", "jpg"], help="image file format (masks are always PNG)")
    p.add_argument("--characters", type=int, default=1, help="characters per scene (at least); the first (main) one gives the class label")
    p.add_argument("--variant", type=int, default=1, metavar="N",
                   help="the manual's variant whose two classes are rendered (`visionlab variants` marks those the game world renders)")
    p.set_defaults(func=cmd_synth)


def cmd_synth(args: argparse.Namespace) -> None:
    """Render the scenes and print where the two datasets went."""
    from visionlab.data.synth import SceneSpec, get_game_variant, write_dataset
    from visionlab.data.variants import get_variant

    get_variant(args.variant)  # a number the manual lacks: ParamError naming --variant
    get_game_variant(args.variant)  # one the game world does not render: ParamError listing those it does
    spec = SceneSpec(width=args.size[0], height=args.size[1], n_characters=args.characters, variant=args.variant)
    info = write_dataset(args.out, args.n, seed=args.seed, spec=spec, image_format=args.format)
    print(f"wrote {info['n']} scenes to {args.out} ({', '.join(f'{k}: {v}' for k, v in info['counts'].items())})")
    print(f"  classification set: {Path(args.out) / 'classify'}")
    print(f"  segmentation set:   {Path(args.out) / 'segment'}")


def add_fetch(sub: argparse._SubParsersAction) -> None:
    """Add ``data fetch``: a class-folder dataset from web image search."""
    p = sub.add_parser("fetch", help="download a class-folder dataset from web image search (resumable)", formatter_class=Formatter,
                       description="Search images per class (ddgs) and download them into OUT/<class>/<sha>.<ext>: every file is decoded "
                                   "completely before it is kept; OUT/manifest.jsonl lists the saved images, OUT/failures.jsonl every "
                                   "URL that was not saved and why. Running the same command again continues where it stopped.")
    p.add_argument("out", help="output folder (one sub-folder per class)")
    p.add_argument("--class", dest="classes", action="append", nargs=2, metavar=("NAME", "QUERY"), required=True,
                   help="a class folder name and its search query; repeat for each class (a name may repeat with another query)")
    add_field_options(p, FetchOptions, FETCH_OPTIONS)
    p.set_defaults(func=cmd_fetch)


def cmd_fetch(args: argparse.Namespace) -> None:
    """Search, download, and print the summary."""
    from visionlab.data.fetch import fetch_images, format_summary

    print(format_summary(fetch_images(args.out, [tuple(c) for c in args.classes], config_from_args(FetchOptions, args))))


def add_check(sub: argparse._SubParsersAction) -> None:
    """Add ``data check``: corrupt files, duplicates, leakage, tiny images, imbalance."""
    p = sub.add_parser("check", help="find corrupt files, duplicates, split leakage, tiny images, imbalance; --fix quarantines", formatter_class=Formatter,
                       description="Decode every image of DATA/<class>/* or DATA/{train,val,test}/<class>/* and report corrupt files, exact "
                                   "(SHA-256) and near (perceptual hash) duplicates within a class, across classes and across splits "
                                   "(leakage), tiny images, class imbalance and extensions that do not match the content. "
                                   "--fix moves corrupt files and extra duplicate copies into a quarantine folder; nothing is deleted.")
    p.add_argument("data", help="dataset folder")
    p.add_argument("--fix", action="store_true", help="move corrupt files and all but one copy of each duplicate group to the quarantine")
    p.add_argument("--quarantine", default=None, help="quarantine folder for --fix (default: DATA/.quarantine, which training skips)")
    p.add_argument("--json", default=None, metavar="FILE", help="also write the full report as JSON here (--fix always writes QUARANTINE/check.json)")
    add_field_options(p, CheckOptions, CHECK_OPTIONS)
    p.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> None:
    """Check the dataset, print the report, and with ``--fix`` quarantine what it found."""
    from visionlab.data.check import check_dataset, fix_dataset, format_fix, format_report
    from visionlab.utils.files import write_json

    opts = config_from_args(CheckOptions, args)
    if args.fix and args.quarantine:  # a bad --quarantine fails before the (long) check, not after it
        from visionlab.data.quarantine import check_quarantine_location

        check_quarantine_location(Path(args.data), Path(args.quarantine))
    report = check_dataset(args.data, opts)
    print(format_report(report))
    if args.json:
        print(f"report: {write_json(args.json, report.to_dict())}")
    if args.fix:
        print(format_fix(fix_dataset(report, args.quarantine)))


def add_restore(sub: argparse._SubParsersAction) -> None:
    """Add ``data restore``: put quarantined files back."""
    p = sub.add_parser("restore", help="put files quarantined by `data check --fix` back (never overwrites)", formatter_class=Formatter,
                       description="Move every file listed in QUARANTINE/manifest.jsonl back to its original path. If any original "
                                   "path is taken again, nothing is moved and the conflicts are listed.")
    p.add_argument("quarantine", help="quarantine folder (default place: DATA/.quarantine)")
    p.set_defaults(func=cmd_restore)


def cmd_restore(args: argparse.Namespace) -> None:
    """Move the quarantined files back and print what happened."""
    from visionlab.data.quarantine import format_restore, restore

    print(format_restore(restore(args.quarantine)))


def add_data(sub: argparse._SubParsersAction) -> None:
    """Add the ``data`` group and its commands."""
    data = sub.add_parser("data", help="make or inspect datasets").add_subparsers(dest="data_command", required=True, metavar="DATA_COMMAND")
    add_synth(data)
    add_fetch(data)
    add_check(data)
    add_restore(data)
