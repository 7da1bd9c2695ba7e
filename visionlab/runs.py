"""Run and lab folders: the only code that knows their layout.

A *run* is what one training command writes (``visionlab train classify|segment``, ``distill``)::

    RUN/config.json          every resolved setting, library versions, seed (``{"config": ..., "versions": ...}``)
    RUN/split.json           the data split, reused by evaluation
    RUN/best.safetensors     the best epoch's weights; ``last.safetensors`` the last epoch's
    RUN/train_state.pt       optimizer/scheduler state for ``--resume``
    RUN/.commit/             only while an epoch's files are committed (:mod:`visionlab.utils.commit`)
    RUN/history.csv          one row per epoch
    RUN/metrics.json         the latest evaluation
    RUN/ood.json             classifiers: the out-of-distribution flag's method, k, threshold and validation pass share
    RUN/ood.safetensors      classifiers: its reference features (training images, fp16)
    RUN/shortcut.json        classifiers: how well colour alone tells the classes apart (visionlab.data.shortcut)
    RUN/eval/<split>/        per-split metrics and per-image rows
    RUN/plots/               curves, confusion matrices, ROC, worst examples
    RUN/explain/<method>/    class activation maps

A *lab* is what ``visionlab lab`` writes: ``LAB/lab.json`` (format ``visionlab-lab/1``) lists each
stage's folder relative to the lab; ``LAB/report.html``, ``LAB/report.md`` and ``LAB/report_files/``
are the report.

Example:
    >>> run = RunFolder("runs/r1")
    >>> run.checkpoint()  # doctest: +SKIP
    PosixPath('runs/r1/best.safetensors')
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path
from typing import Any

from visionlab._version import __version__
from visionlab.errors import RunFolderError
from visionlab.utils.files import read_json, write_json

CONFIG = "config.json"
SPLIT = "split.json"
HISTORY = "history.csv"
METRICS = "metrics.json"
BEST = "best.safetensors"
LAST = "last.safetensors"
TRAIN_STATE = "train_state.pt"
OOD = "ood.json"
OOD_FEATURES = "ood.safetensors"
SHORTCUT = "shortcut.json"
PLOTS = "plots"
EVAL = "eval"
EXPLAIN = "explain"

LAB_MANIFEST = "lab.json"
LAB_FORMAT = "visionlab-lab/1"
REPORT_HTML = "report.html"
REPORT_MARKDOWN = "report.md"
REPORT_FILES = "report_files"


def library_versions() -> dict[str, str]:
    """The versions of Python, the platform and the libraries a run depends on."""
    import numpy
    import PIL
    import segmentation_models_pytorch as smp
    import sklearn
    import timm
    import torch
    import torchvision

    return {
        "visionlab": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "timm": timm.__version__,
        "numpy": numpy.__version__,
        "pillow": PIL.__version__,
        "scikit-learn": sklearn.__version__,
        "segmentation-models-pytorch": smp.__version__,
    }


class RunFolder:
    """One run folder: its paths, and the checks that a command may read or create it.

    Args:
        path: The folder (need not exist yet).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"

    def __fspath__(self) -> str:
        return str(self.path)

    # --- paths -------------------------------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        """``RUN/config.json``: the resolved settings, library versions and seed."""
        return self.path / CONFIG

    @property
    def split_path(self) -> Path:
        """``RUN/split.json``: the data split, reused by evaluation."""
        return self.path / SPLIT

    @property
    def history_path(self) -> Path:
        """``RUN/history.csv``: one row per epoch."""
        return self.path / HISTORY

    @property
    def metrics_path(self) -> Path:
        """``RUN/metrics.json``: the latest evaluation."""
        return self.path / METRICS

    @property
    def best_path(self) -> Path:
        """``RUN/best.safetensors``: the best epoch's weights."""
        return self.path / BEST

    @property
    def last_path(self) -> Path:
        """``RUN/last.safetensors``: the last epoch's weights."""
        return self.path / LAST

    @property
    def train_state_path(self) -> Path:
        """``RUN/train_state.pt``: optimizer and scheduler state for resuming."""
        return self.path / TRAIN_STATE

    @property
    def ood_path(self) -> Path:
        """``RUN/ood.json``: the out-of-distribution flag's method, k, threshold and validation pass share."""
        return self.path / OOD

    @property
    def ood_features_path(self) -> Path:
        """``RUN/ood.safetensors``: the flag's reference features (pooled features of training images, fp16)."""
        return self.path / OOD_FEATURES

    @property
    def shortcut_path(self) -> Path:
        """``RUN/shortcut.json``: the colour shortcut check's accuracies on the validation split, chance and sizes."""
        return self.path / SHORTCUT

    @property
    def plots(self) -> Path:
        """``RUN/plots/``: curves, confusion matrices, ROC and worst examples."""
        return self.path / PLOTS

    def eval_dir(self, split: str) -> Path:
        """``RUN/eval/<split>/``: one split's metrics and per-image rows."""
        return self.path / EVAL / split

    def eval_metrics_path(self, split: str) -> Path:
        """``RUN/eval/<split>/metrics.json``."""
        return self.eval_dir(split) / METRICS

    @property
    def explain_root(self) -> Path:
        """``RUN/explain/``: one folder per CAM method."""
        return self.path / EXPLAIN

    def explain_dir(self, method: str) -> Path:
        """``RUN/explain/<method>/``: the default output folder of ``visionlab explain``."""
        return self.path / EXPLAIN / method

    def is_run(self) -> bool:
        """Whether the folder holds a run's config."""
        return self.config_path.is_file()

    def checkpoint(self) -> Path:
        """The best epoch's weights, else the last epoch's.

        Raises:
            RunFolderError: The folder is not a run, or holds no checkpoint yet.
        """
        self.require()
        return self.best_path if self.best_path.is_file() else self.last_path

    def best_or_none(self) -> Path | None:
        """The best epoch's weights when present, else ``None``."""
        return self.best_path if self.best_path.is_file() else None

    # --- checks ------------------------------------------------------------------------------------
    def require(self) -> RunFolder:
        """Check that this is a finished-or-resumable run folder.

        Raises:
            RunFolderError: The folder or its config/checkpoint is missing.
        """
        if not self.config_path.is_file():
            raise RunFolderError(
                f"{self.path} is not a visionlab run folder (no {CONFIG}); pass the out folder of a training run"
            )
        if not self.best_path.is_file() and not self.last_path.is_file():
            raise RunFolderError(
                f"{self.path} has no checkpoint yet; finish its training first (resume=True; on the command line "
                "the same training command plus --resume)"
            )
        return self

    def check_new(self) -> None:
        """Refuse a folder that already holds a run or other files, without touching it.

        Raises:
            RunFolderError: The folder already holds a run or other files.
        """
        if self.config_path.exists():
            raise RunFolderError(
                f"{self.path} already holds a run; resume it (resume=True, --resume) or choose another out folder "
                "(nothing was overwritten)"
            )
        if self.path.exists() and any(self.path.iterdir()):
            raise RunFolderError(
                f"{self.path} is not empty; choose a new or empty out folder (nothing was touched)"
            )

    def start(self, resume: bool, *, keep: tuple[str, ...] = ()) -> dict | None:
        """The run-start check every trainer shares: refuse a taken folder, or find the run to resume.

        Nothing is created or changed; :func:`visionlab.train.start.start_run` creates a new run once its settings are checked.

        Args:
            resume: Continue the run in this folder instead of starting one.
            keep: Names that may already lie in a new run's folder (distillation's ``pseudo/`` cache).

        Returns:
            The saved ``config.json`` when resuming, else ``None``.

        Raises:
            RunFolderError: ``resume`` without a run here, or a new run in a folder that holds one or other files.
        """
        if resume:
            if not self.is_run():
                raise RunFolderError(f"resume: {self.path} holds no run to resume (no {CONFIG}); start a new run instead")
            return self.load_config()
        if self.is_run():
            self.check_new()
        if self.path.exists() and any(p.name not in keep for p in self.path.iterdir()):
            raise RunFolderError(f"{self.path} is not empty; choose a new or empty folder for the run (nothing was touched)")
        return None

    # --- files -------------------------------------------------------------------------------------
    def save_config(self, config: dict, extra: dict | None = None) -> None:
        """Write ``config.json``: the resolved settings, library versions and anything in ``extra``."""
        write_json(self.config_path, {"config": config, "versions": library_versions(), **(extra or {})})

    def load_config(self) -> dict:
        """``config.json`` as saved (``{"config": ..., "versions": ..., ...}``)."""
        return read_json(self.config_path)

    def flip_averaged(self) -> bool:
        """Whether the run was trained with ``tta_flip``: its evaluations average each image and its mirror image."""
        return self.config_path.is_file() and bool(self.load_config()["config"].get("tta_flip"))

    @property
    def task(self) -> str | None:
        """``classify``, ``segment`` or ``None`` for a folder without a config."""
        if not self.is_run():
            return None
        return self.load_config().get("task")

    def metrics(self, split: str | None = None) -> dict:
        """``RUN/eval/<split>/metrics.json``, or ``RUN/metrics.json`` when ``split`` is ``None``."""
        return read_json(self.eval_metrics_path(split) if split else self.metrics_path)

    def evaluated_splits(self, order: tuple[str, ...] = ("val", "test", "train")) -> list[str]:
        """The splits that have ``eval/<split>/metrics.json``, in ``order``."""
        return [s for s in order if self.eval_metrics_path(s).is_file()]


class LabFolder:
    """One lab folder: its manifest (``lab.json``) and report files.

    Args:
        path: The folder (need not exist yet).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"LabFolder({str(self.path)!r})"

    @property
    def manifest_path(self) -> Path:
        """``LAB/lab.json``: the stages run, their folders, seconds and the resolved config."""
        return self.path / LAB_MANIFEST

    @property
    def html_path(self) -> Path:
        """``LAB/report.html``: the self-contained report."""
        return self.path / REPORT_HTML

    @property
    def markdown_path(self) -> Path:
        """``LAB/report.md``: the Markdown report (images in :attr:`files_dir`)."""
        return self.path / REPORT_MARKDOWN

    @property
    def files_dir(self) -> Path:
        """``LAB/report_files/``: the Markdown report's images."""
        return self.path / REPORT_FILES

    def write_manifest(self, manifest: dict[str, Any]) -> Path:
        """Write ``lab.json`` (atomically)."""
        return write_json(self.manifest_path, manifest)

    def read_manifest(self) -> dict[str, Any]:
        """``lab.json``, checked for its format.

        Raises:
            RunFolderError: The folder has no manifest, or not a visionlab one.
        """
        if not self.manifest_path.is_file():
            raise RunFolderError(f"{self.path} is not a lab folder (no {LAB_MANIFEST}); make one with: visionlab lab CONFIG")
        manifest = read_json(self.manifest_path)
        prefix = LAB_FORMAT.rsplit("/", 1)[0] + "/"
        if not str(manifest.get("format", "")).startswith(prefix):
            raise RunFolderError(
                f"{self.manifest_path} is not a visionlab lab manifest (format {manifest.get('format')!r}, expected {LAB_FORMAT})"
            )
        return manifest
