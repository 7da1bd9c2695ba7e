"""What several sections share: the classification run's files, training histories, names and notes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from visionlab.report.document import Lab, as_float, read_csv
from visionlab.runs import RunFolder

# A stage runs when its name is in the lab config's ``stages:`` list (visionlab.lab.STAGES).
STAGES_KEY = "stages"

SPLIT_NAMES = {"train": "training", "val": "validation", "test": "test"}

METHOD_NAMES = {"gradcam": "Grad-CAM", "gradcam++": "Grad-CAM++", "hirescam": "HiResCAM", "layercam": "LayerCAM",
                "eigencam": "Eigen-CAM", "scorecam": "Score-CAM"}


def not_run_text(stage: str) -> str:
    """The note for a section (or part of one) whose stage the lab manifest does not list."""
    return (f"Not run: the lab manifest lists no {stage} stage. To run it, add {stage} to the {STAGES_KEY}: list of the lab config "
            "and run visionlab lab CONFIG again.")


def method_name(method: Any) -> str:
    """The usual spelling of a CAM method (``gradcam++`` -> ``Grad-CAM++``); unknown ones as they are."""
    return METHOD_NAMES.get(str(method), str(method))


def weights_text(weights: dict | None) -> str:
    """Pretrained weights as ``NAME from SOURCE (ImageNet-1K top-1 X%)``, from a run's ``weights`` record."""
    if not weights:
        return "none (random initialisation)"
    text = f"{weights.get('name')} from {weights.get('source') or weights.get('url') or 'n/a'}"
    acc = (weights.get("metrics") or {}).get("ImageNet-1K acc@1")
    return text + (f" (ImageNet-1K top-1 {acc}%)" if acc is not None else "")


def classify_run(lab: Lab) -> tuple[RunFolder, dict]:
    """The classification run and its saved config.

    Raises:
        RunFolderError: The manifest names no run, or the run has no config.
    """
    run = lab.run("classify")
    return run, lab.json(run.config_path, "classify")


def classify_data_root(lab: Lab, run: RunFolder) -> tuple[Path, dict]:
    """The classification images: the data stage's folder, else the root saved in the run's split.

    Returns:
        The image folder and the run's saved split.

    Raises:
        RunFolderError: The split or the image folder is missing.
    """
    split = lab.json(run.split_path, "classify")
    data = lab.stage("data") or {}
    root = lab.root / data["classify_data"] if data.get("classify_data") else Path(split["root"])
    return lab.need(root, "data" if data.get("classify_data") else "classify"), split


def numeric_history(path: Path) -> list[dict]:
    """A run's ``history.csv`` with every cell as a float (``None`` where empty)."""
    return [{k: as_float(v) for k, v in row.items()} for row in read_csv(path)]


def best_row(history: list[dict], score: str) -> dict:
    """The epoch the run kept as best (same rule as training: higher score, ties to the lower loss).

    Args:
        history: The rows of :func:`numeric_history`; at least one.
        score: The column training maximised (``val_acc``, ``val_miou``).
    """
    from visionlab.train.fit import is_better

    best = history[0]
    for row in history[1:]:
        if is_better(row, best, score):
            best = row
    return best
