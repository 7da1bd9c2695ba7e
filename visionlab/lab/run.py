"""``run_lab``: the lab's stages in order into one folder, then its report."""

from __future__ import annotations

import platform
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from visionlab.lab.config import LabConfig
from visionlab.lab.plan import plan_lab
from visionlab.lab.stages import STAGE_FUNCTIONS
from visionlab.lab.state import LabState
from visionlab.runs import LAB_FORMAT, LabFolder


def _free_dir(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``... so that a rerun never overwrites an earlier lab."""
    candidate, k = base, 1
    while candidate.exists() and any(candidate.iterdir()):
        k += 1
        candidate = base.with_name(f"{base.name}-{k}")
    return candidate


def run_lab(cfg: LabConfig, out: str | Path | None = None) -> Path:
    """Run the lab's stages into ``out`` (default ``runs/<variant>``, or ``-2``, ``-3``... when taken).

    Args:
        cfg: The lab: variant, data source, models and the stages to run.
        out: The lab folder; a folder that holds files is never overwritten (``-2``, ``-3``... is used).

    Returns:
        The lab folder (``lab.json``, one folder per stage, ``report.html`` and ``report.md``).

    Raises:
        ConfigError: A listed stage that cannot run here (see :func:`~visionlab.lab.plan.plan_lab`), or a
            stage's input that is not configured; raised before the lab folder is made.
        WeightsUnavailableError: Pretrained files a listed stage needs are missing (each named, with its folder).
        DatasetError, RunFolderError: From the stages, with the fix in the message.

    Example:
        >>> run_lab(LabConfig.from_yaml("tiny"), "runs/tiny")  # doctest: +SKIP
        PosixPath('runs/tiny')
    """
    cfg.validate()
    plan = plan_lab(cfg)  # before the lab folder is made: nothing to clean up
    out = _free_dir(Path(out) if out else Path("runs") / cfg.variant)
    out.mkdir(parents=True, exist_ok=True)
    import torch

    manifest: dict[str, Any] = {"format": LAB_FORMAT, "variant": cfg.variant, "classes": None, "config": cfg.to_dict(),
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "seconds": None,
                "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                            "threads": torch.get_num_threads(), "torch": torch.__version__,
                            "device": "cuda" if torch.cuda.is_available() else "cpu"},
                "plan": plan.to_dict(), "stages": {}}
    state = LabState(cfg, out, manifest, time.perf_counter(), plan)
    for stage, skip in plan.skipped.items():
        print(f"skipping {stage}: {skip.text()}", flush=True)
    steps = ("data", *plan.stages)
    total = len(steps) + int(cfg.report)
    for step, stage in enumerate(steps, 1):
        STAGE_FUNCTIONS[stage](state, step, total)
    manifest["seconds"] = round(time.perf_counter() - state.t0, 1)
    LabFolder(out).write_manifest(manifest)
    if cfg.report:
        from visionlab.report import format_summary, write_report

        result = write_report(out)
        state.say(total, total, "report\n" + format_summary(result))
    return out
