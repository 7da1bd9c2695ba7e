"""Studies: the lab manual's control questions answered by experiment on the student's own data.

``visionlab study NAME DATA --out DIR`` runs one study; a lab runs those its YAML lists under
``studies:`` and its report shows each in the "Control questions" section. A study is registered
here with the function that runs it; each writes ``DIR/study.json`` (question, table, outcome
sentence, timing, the numbers behind its plots) and its plots.

Example:
    >>> run_study("freezing", "data/classify", "studies/freezing")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from visionlab.data.preprocess import check_crop_pct
from visionlab.errors import UnknownNameError
from visionlab.studies.options import QUESTIONS, STUDY_NAMES, StudyOptions
from visionlab.utils.files import write_json

STUDY_FILE = "study.json"

# name -> "module:function" (imported when the study runs: the command line stays torch-free)
_REGISTRY: dict[str, str] = {
    "freezing": "visionlab.studies.training:freezing_study",
    "augmentation": "visionlab.studies.training:augmentation_study",
    "schedule": "visionlab.studies.training:schedule_study",
    "batch-size": "visionlab.studies.training:batch_size_study",
    "cam-layers": "visionlab.studies.cam_layers:cam_layers_study",
    "class-visualisation": "visionlab.studies.class_visualisation:class_visualisation_study",
    "adversarial": "visionlab.studies.adversarial:adversarial_study",
}


def get_study(name: str) -> Callable:
    """The function that runs study ``name``.

    Raises:
        UnknownNameError: ``name`` is not a study; the message lists them.
    """
    if name not in _REGISTRY:
        raise UnknownNameError(f"study: unknown study {name!r}; choose one of: {', '.join(STUDY_NAMES)}")
    module, func = _REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), func)


def run_study(name: str, data: str | Path, out: str | Path, opts: StudyOptions | None = None) -> dict:
    """Run study ``name`` on the class folders ``data`` and write ``out/study.json`` and its plots.

    Args:
        name: One of :data:`STUDY_NAMES`.
        data: ``DATA/<class>/*`` or ``DATA/train|val|test/<class>/*`` (with ``opts.run``: the run's data).
        out: The study's folder (made if missing).
        opts: The settings; None: the defaults.

    Returns:
        What ``study.json`` holds.

    Raises:
        UnknownNameError: ``name`` is not a study.
        DatasetError, RunFolderError, WeightsUnavailableError: From the data or the run, with the fix.
    """
    from visionlab.studies.common import StudyContext
    from visionlab.utils.clock import take_start

    take_start()  # the command's start is not a training run's: each arm's budget counts from the arm's own start
    study = get_study(name)
    opts = opts or StudyOptions()
    check_crop_pct(opts.crop_pct)
    out = Path(out)
    t0 = time.perf_counter()
    ctx = StudyContext(Path(data), out, opts)
    ctx.splits()  # a missing or empty DATA, or a RUN that is not one, is refused before OUT is made
    out.mkdir(parents=True, exist_ok=True)
    result = study(ctx)
    seconds = round(time.perf_counter() - t0, 1)
    q = QUESTIONS[name]
    record = {
        "study": name, "questions": q.label, "question": {"en": q.en, "uk": q.uk}, "seconds": seconds,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"), "data": str(data), "options": asdict(opts),
        "run": str(ctx.examined_run) if ctx.examined_run is not None else None,
        "table": {"header": result.header, "rows": result.rows},
        "outcome": {"template": result.outcome, "values": result.values, "text": result.outcome.format(**result.values)},
        "setup": {"template": result.setup, "values": result.setup_values, "text": result.setup.format(**result.setup_values)},
        "plots": result.plots, "results": result.data,
    }
    write_json(out / STUDY_FILE, record)
    ctx.say(f"study {name}: {record['outcome']['text']} ({seconds} s; {out / STUDY_FILE})")
    return record


def format_study(record: dict) -> str:
    """The study's table and outcome as terminal lines."""
    header, rows = record["table"]["header"], record["table"]["rows"]
    cells = [[_cell(c) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join([f"{record['study']} ({record['questions']}): {record['question']['en']}", *lines, record["outcome"]["text"],
                      f"{record['seconds']} s"])


def _cell(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3g}" if 0 < abs(value) < 1e-3 else f"{value:.4f}"  # a decayed learning rate is not 0.0000
    return str(value)
