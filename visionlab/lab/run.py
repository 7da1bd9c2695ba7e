"""``run_lab``: the lab's stages in order into one folder, then its report."""

from __future__ import annotations

import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from visionlab.errors import ConfigError, RunFolderError
from visionlab.lab.config import LabConfig
from visionlab.lab.plan import plan_lab
from visionlab.lab.stages import RESTORE_FUNCTIONS, STAGE_FUNCTIONS
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
    _refuse_torchrun()
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
    LabFolder(out).write_manifest(manifest)  # from now on `visionlab lab --resume` can continue this lab
    state = LabState(cfg, out, manifest, time.perf_counter(), plan)
    for stage, skip in plan.skipped.items():
        print(f"skipping {stage}: {skip.text()}", flush=True)
    return _run_stages(state)


def _refuse_torchrun() -> None:
    """The lab runs its stages in one process; under torchrun every rank would run the whole lab."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        raise ConfigError("visionlab lab runs in one process; launch it without torchrun (torchrun --nproc-per-node N works with "
                          "visionlab train classify, train segment and distill)")


def resume_lab(lab: str | Path) -> Path:
    """Continue a lab that stopped (killed, interrupted, failed) from the first stage that did not finish.

    Finished stages (those ``lab.json`` records) are not run again: what they handed to later stages is
    read back from their folders. The unfinished stage starts again, and a training run it began
    continues from its last whole epoch. The settings are the lab's own, from ``lab.json``.

    Args:
        lab: The lab folder (holds ``lab.json``).

    Returns:
        The lab folder.

    Raises:
        RunFolderError: ``lab`` holds no lab.
        ConfigError, WeightsUnavailableError: As :func:`run_lab`, for the stages left.
    """
    out = Path(lab)
    folder = LabFolder(out)
    if not folder.manifest_path.is_file():
        raise RunFolderError(f"resume: {out} holds no lab ({folder.manifest_path.name} is missing); start one with visionlab lab --out {out}")
    _refuse_torchrun()
    manifest = folder.read_manifest()
    cfg = LabConfig.from_dict(manifest["config"])
    cfg.validate()
    plan = plan_lab(cfg)
    done = [s for s in ("data", *plan.stages) if s in manifest["stages"]]
    manifest.setdefault("resumed", []).append(datetime.now(timezone.utc).isoformat(timespec="seconds"))
    manifest["seconds"] = None
    spent = sum(float(manifest["stages"][s].get("seconds", 0.0)) for s in done)
    state = LabState(cfg, out, manifest, time.perf_counter() - spent, plan, resuming=True)
    for stage in done:
        RESTORE_FUNCTIONS[stage](state, manifest["stages"][stage])
    left = [s for s in ("data", *plan.stages) if s not in done]
    print(f"resuming {out}: {', '.join(done) or 'no stage'} finished; running {', '.join(left) or 'only the report'}", flush=True)
    return _run_stages(state, skip=tuple(done))


def _run_stages(state: LabState, skip: tuple[str, ...] = ()) -> Path:
    """Run the plan's stages (those not in ``skip``), then write the manifest's total and the report."""
    cfg, out, manifest = state.cfg, state.out, state.manifest
    steps = ("data", *state.plan.stages)
    total = len(steps) + int(cfg.report)
    for step, stage in enumerate(steps, 1):
        if stage not in skip:
            STAGE_FUNCTIONS[stage](state, step, total)
    manifest["seconds"] = round(time.perf_counter() - state.t0, 1)
    LabFolder(out).write_manifest(manifest)
    if cfg.report:
        from visionlab.report import format_summary, write_report

        result = write_report(out, cfg.lang)
        state.say(total, total, "report\n" + format_summary(result))
    return out
