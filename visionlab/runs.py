"""Run folders: one per command, self-describing (config.json with versions and seed)."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from visionlab.errors import RunFolderError
from visionlab.utils.files import read_json, write_json

CONFIG = "config.json"
SPLIT = "split.json"
HISTORY = "history.csv"
METRICS = "metrics.json"
BEST = "best.safetensors"
LAST = "last.safetensors"
TRAIN_STATE = "train_state.pt"


def library_versions() -> dict[str, str]:
    import numpy
    import PIL
    import segmentation_models_pytorch as smp
    import sklearn
    import timm
    import torch
    import torchvision

    import visionlab

    return {
        "visionlab": visionlab.__version__,
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


def check_new_run(out: str | Path) -> None:
    """Refuse a folder that already holds a run or other files, without touching it.

    Raises:
        RunFolderError: ``out`` already holds a run or other files.
    """
    out = Path(out)
    if (out / CONFIG).exists():
        raise RunFolderError(
            f"{out} already holds a run; pass --resume to continue it, or choose another --out "
            "(nothing was overwritten)"
        )
    if out.exists() and any(out.iterdir()):
        raise RunFolderError(f"{out} is not empty; choose a new or empty folder for --out (nothing was touched)")


def prepare_new_run(out: str | Path) -> Path:
    """Create ``out`` (with ``plots/``) for a new run after :func:`check_new_run`."""
    out = Path(out)
    check_new_run(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "plots").mkdir(exist_ok=True)
    return out


def require_run(run: str | Path) -> Path:
    """Check that ``run`` is a finished-or-resumable run folder.

    Raises:
        RunFolderError: The folder or its config/checkpoint is missing.
    """
    run = Path(run)
    if not (run / CONFIG).is_file():
        raise RunFolderError(f"{run} is not a visionlab run folder (no {CONFIG}); pass the --out folder of a training run")
    if not (run / BEST).is_file() and not (run / LAST).is_file():
        raise RunFolderError(f"{run} has no checkpoint yet; finish training with: visionlab train classify ... --out {run} --resume")
    return run


def save_config(run: Path, config: dict, extra: dict | None = None) -> None:
    """Write ``config.json``: the resolved settings, library versions and anything in ``extra``."""
    write_json(run / CONFIG, {"config": config, "versions": library_versions(), **(extra or {})})


def load_config(run: Path) -> dict:
    return read_json(Path(run) / CONFIG)
