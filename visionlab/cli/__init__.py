"""The ``visionlab`` command line: argument parsing only; every command calls the Python API.

One module per command group (:mod:`~visionlab.cli.data`, :mod:`~visionlab.cli.train`,
:mod:`~visionlab.cli.infer`, :mod:`~visionlab.cli.stages`, :mod:`~visionlab.cli.lab`); what they
share is in :mod:`~visionlab.cli.args`. Building the parser imports no heavy library: handlers
import the API they call when they run.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import TextIO

from visionlab.cli import data, infer, lab, stages, study, train
from visionlab.cli.args import PARAM_FLAGS, Formatter, add_option_flags, cli_message
from visionlab.errors import VisionLabError
from visionlab.utils.clock import mark_command_start

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``visionlab`` parser with every command; each parsed namespace's ``func`` runs the command."""
    parser = argparse.ArgumentParser(prog="visionlab", description="Supervised computer vision, from classification to segmentation.",
                                     formatter_class=Formatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data.add_data(sub)
    train.add_train(sub)
    infer.add_eval(sub)
    infer.add_predict(sub)
    infer.add_explain(sub)
    infer.add_segment(sub)
    train.add_experiment(sub)
    study.add_study(sub)
    stages.add_pipeline(sub)
    stages.add_compare(sub)
    stages.add_walkmap(sub)
    stages.add_distill(sub)
    stages.add_export(sub)
    lab.add_app(sub)
    lab.add_report(sub)
    lab.add_models(sub)
    lab.add_variants(sub)
    lab.add_lab(sub)
    lab.add_demo(sub)
    add_option_flags(parser)
    return parser


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: TextIO | None = None,
                  line: str | None = None) -> None:
    """Print a warning as ``warning: MESSAGE`` (no file, line or category: users read these, not developers)."""
    stream = sys.stderr if file is None else file
    if stream is not None:
        try:
            stream.write(f"warning: {message}\n")
        except OSError:  # stderr closed
            pass


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``visionlab`` console script; returns the exit status.

    Warnings raised while the command runs print as ``warning: MESSAGE``; the process's warning
    settings are as they were once ``main`` returns.

    Args:
        argv: The arguments after the program name; None: ``sys.argv[1:]``.

    Returns:
        0 on success, 2 for an error the user can fix (printed without a traceback), 130 when interrupted.
    """
    mark_command_start()  # --time-budget counts from here
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            args.func(args)
        except (VisionLabError, FileExistsError) as exc:
            print(f"error: {cli_message(exc, getattr(args, PARAM_FLAGS, {}))}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            out = getattr(args, "out", None)
            hint = f"; continue with the same command plus --resume (run folder {out})" if out and args.command == "train" else ""
            print(f"\ninterrupted{hint}", file=sys.stderr)
            return 130
    return 0
