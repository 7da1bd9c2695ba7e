"""The run-start routine every trainer shares: classification, segmentation and distillation.

A trainer calls :func:`start_run` before any work (on every rank under torchrun): it checks the
settings of a new run, refuses a folder that is taken, or finds the run to resume. Once the model
is built, the main process calls :meth:`RunStart.create` for a new run: the folder, its split and,
last, ``config.json`` (the file that makes the folder a run)::

    start = start_run(cfg.out, resume=resume, validate=cfg.validate)
    cfg = start.settings(cfg)  # the saved settings when resuming
    ...  # load the data, build the model
    if not start.resuming:
        start.create(cfg.to_dict(), extra, lambda path: save_split(path, splits))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from visionlab.runs import RunFolder
from visionlab.train.config import ClassifyConfig, SegmentConfig
from visionlab.train.distributed import SINGLE_PROCESS, DistContext, main_first

Config = TypeVar("Config", ClassifyConfig, SegmentConfig)


@dataclass(frozen=True)
class RunStart:
    """What :func:`start_run` found: the run folder and, when resuming, its saved ``config.json``.

    Attributes:
        run: The run folder.
        saved: ``config.json`` as saved (``{"config": ..., "versions": ..., ...}``) when resuming, else ``None``.
        keep: Names a new run's folder may already hold (distillation's ``pseudo/`` cache).
    """

    run: RunFolder
    saved: dict | None = None
    keep: tuple[str, ...] = ()

    @property
    def resuming(self) -> bool:
        """Whether training continues a run saved in the folder."""
        return self.saved is not None

    def settings(self, cfg: Config) -> Config:
        """The settings to train with.

        Args:
            cfg: The settings the caller was given.

        Returns:
            ``cfg`` for a new run; when resuming, the saved settings, except the ones a resumed run
            may change (``epochs``, ``quiet``, ``workers``, ``out``), which are taken from ``cfg``.
        """
        if self.saved is None:
            return cfg
        saved = type(cfg).from_dict(self.saved["config"])
        return replace(saved, epochs=cfg.epochs, quiet=cfg.quiet, workers=cfg.workers, out=cfg.out)

    def create(self, config: dict, extra: dict, write_split: Callable[[Path], object]) -> Path:
        """Create a new run's folder (with ``plots/``), write its split, then its ``config.json``.

        The folder is checked again first, so nothing is overwritten; ``config.json`` comes last, so
        a folder whose start failed half-way is not taken for a run.

        Args:
            config: The resolved settings (``cfg.to_dict()``).
            extra: What else ``config.json`` records (classes, counts, preprocessing...).
            write_split: Writes the data split to the path it is given (``RUN/split.json``).

        Returns:
            The run folder's path.

        Raises:
            RunFolderError: The folder holds a run or other files.
            RuntimeError: Called for a run being resumed (its folder exists already).
        """
        if self.resuming:
            raise RuntimeError(f"{self.run.path} holds the run being resumed; create() is for new runs")
        self.run.start(False, keep=self.keep)
        self.run.path.mkdir(parents=True, exist_ok=True)
        self.run.plots.mkdir(exist_ok=True)
        write_split(self.run.split_path)
        self.run.save_config(config, extra)
        return self.run.path


def start_run(out: str | Path, *, resume: bool, validate: Callable[[], None], keep: tuple[str, ...] = (),
              ctx: DistContext = SINGLE_PROCESS) -> RunStart:
    """Start or resume the run in ``out``: the check every trainer makes before any work.

    Nothing is created or changed; a new run's folder is made by :meth:`RunStart.create`. Under
    torchrun only rank 0 looks at the folder, and every rank gets its answer (or its error): a rank
    that looked after rank 0 had created the folder would find it taken.

    Args:
        out: The run folder.
        resume: Continue the run in ``out`` instead of starting one.
        validate: Checks a new run's settings (``cfg.validate``); not called when resuming, since a
            resumed run trains with its saved settings.
        keep: Names that may already lie in a new run's folder (see :meth:`RunFolder.start`).
        ctx: This process's place in a torchrun job.

    Returns:
        The run folder, with its saved ``config.json`` when resuming.

    Raises:
        ConfigError: A new run's settings are out of range (raised by ``validate``).
        RunFolderError: ``resume`` without a run in ``out``, or a new run in a folder that holds one or other files.
    """
    run = RunFolder(out)
    if not resume:
        validate()
    return RunStart(run, main_first(ctx, lambda: run.start(resume, keep=keep)), keep)
