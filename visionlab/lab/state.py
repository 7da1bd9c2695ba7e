"""What the lab's stages hand to each other, and the manifest (``lab.json``) they fill in."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from visionlab.errors import ConfigError
from visionlab.lab.config import LabConfig
from visionlab.lab.plan import LabPlan
from visionlab.runs import LabFolder

T = TypeVar("T")


@dataclass
class LabState:
    """What the stages hand to each other."""

    cfg: LabConfig
    out: Path
    manifest: dict
    t0: float
    plan: LabPlan
    cls_run: Path | None = None
    val_images: list[Path] = field(default_factory=list)
    train_images: list[Path] = field(default_factory=list)
    seg_run: str | Path | None = None
    data: Path | None = None
    seg_data: Path | None = None
    scenes: list[Path] = field(default_factory=list)
    resuming: bool = False  # `visionlab lab --resume`: a stage's training run that exists continues

    def path(self, recorded: str) -> Path:
        """A path ``lab.json`` recorded (relative to the lab, or absolute) as a path."""
        p = Path(recorded)
        return p if p.is_absolute() else self.out / p

    def resumes(self, run: Path) -> bool:
        """Whether a stage continues the training run in ``run`` (resuming a lab that began it) rather than starting it."""
        from visionlab.runs import RunFolder

        return self.resuming and RunFolder(run).is_run()

    def record(self, stage: str, entry: dict, started: float) -> None:
        """Add ``stage``'s entry (paths made relative to the lab) with its seconds, and save ``lab.json``."""
        self.manifest["stages"][stage] = {k: self.rel(v) for k, v in entry.items()} | {"seconds": round(time.perf_counter() - started, 1)}
        LabFolder(self.out).write_manifest(self.manifest)

    def rel(self, value: Any) -> Any:
        """``value`` as a path relative to the lab when it is a path inside it, absolute when outside; anything else unchanged."""
        if isinstance(value, Path):
            try:
                return value.resolve().relative_to(self.out.resolve()).as_posix()
            except ValueError:
                return str(value.resolve())
        return value

    def classifier_run(self) -> Path:
        """The classify stage's run folder.

        Raises:
            ConfigError: The classify stage did not run before the one asking.
        """
        return _need(self.cls_run, "classify")

    def segmenter(self) -> str | Path:
        """The segment stage's segmenter: its run folder or a pretrained model's name.

        Raises:
            ConfigError: The segment stage did not run before the one asking.
        """
        if self.seg_run is None:
            raise ConfigError("stages: this stage needs the output of the segment stage; add segment to stages:")
        return self.seg_run

    def segmentation_data(self) -> Path:
        """The mask dataset the segment stage trained on.

        Raises:
            ConfigError: The segment stage did not train a segmenter before the one asking.
        """
        return _need(self.seg_data, "segment")

    def say(self, step: int, total: int, text: str) -> None:
        """Print one progress line: the step, the text and the seconds since the lab started."""
        print(f"[{step}/{total}] {text} ({time.perf_counter() - self.t0:.1f}s)", flush=True)


def _need(value: T | None, stage: str) -> T:
    if value is None:
        raise ConfigError(f"stages: this stage needs the output of the {stage} stage; add {stage} to stages:")
    return value

