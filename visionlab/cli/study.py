"""``visionlab study``: one of the lab's control questions answered by experiment."""

from __future__ import annotations

import argparse

from visionlab.cli.args import Formatter, add_field_options, config_from_args
from visionlab.studies.options import QUESTIONS, STUDY_NAMES, StudyOptions

_LIST = "; ".join(f"{name} ({QUESTIONS[name].label})" for name in STUDY_NAMES)


def add_study(sub: argparse._SubParsersAction) -> None:
    """Add ``study``: run one study on a folder of class images."""
    p = sub.add_parser("study", help="answer a control question of the lab by experiment (freezing, augmentation, cam-layers, ...)",
                       formatter_class=Formatter,
                       description=f"Run one study on DATA and write OUT/study.json (question, table, outcome, timing) and its plots. "
                                   f"Studies: {_LIST}. Studies that train only a head share cached features in OUT/../.features/.")
    p.add_argument("name", choices=STUDY_NAMES, metavar="NAME", help=f"the study: {', '.join(STUDY_NAMES)}")
    p.add_argument("data", help="class folders: DATA/<class>/* or DATA/train|val|test/<class>/*")
    p.add_argument("--out", required=True, help="the study's folder")
    add_field_options(p, StudyOptions, [f for f in StudyOptions.__dataclass_fields__])
    p.set_defaults(func=cmd_study)


def cmd_study(args: argparse.Namespace) -> None:
    """Run the study and print its table and outcome."""
    from visionlab.studies import format_study, run_study

    print(format_study(run_study(args.name, args.data, args.out, config_from_args(StudyOptions, args))))
