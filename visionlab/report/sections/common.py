"""What several sections share: the classification run's files, training histories, names and notes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from visionlab.report.document import Lab, as_float, read_csv
from visionlab.report.i18n import Translator
from visionlab.runs import RunFolder

# A stage runs when its name is in the lab config's ``stages:`` list (visionlab.lab.STAGES).
STAGES_KEY = "stages"

SPLIT_NAMES = {"train": "training", "val": "validation", "test": "test"}  # English words, translated where used
CACHED_MODES = ("frozen", "partial")  # classifier modes that train on activations cached once per image (and augmented view)

# The lab config's line that runs the control-question studies (visionlab.studies.STUDY_NAMES has them all).
STUDIES_FIX = "studies: [freezing, augmentation, cam-layers]"

METHOD_NAMES = {"gradcam": "Grad-CAM", "gradcam++": "Grad-CAM++", "hirescam": "HiResCAM", "layercam": "LayerCAM",
                "eigencam": "Eigen-CAM", "scorecam": "Score-CAM"}


def not_run_text(stage: str, t: Translator | None = None) -> str:
    """The note for a section (or part of one) whose stage the lab manifest does not list, in the language of ``t`` (English when None).

    The studies are not a ``stages:`` entry but a list of their own (``studies:``), so their note names that line.
    """
    t = t or Translator()
    if stage == "studies":
        return t("Not run: the lab ran no control-question studies. To run them, add a line such as {line} to the lab config "
                 "and run visionlab lab CONFIG again.", line=STUDIES_FIX)
    return t("Not run: the lab manifest lists no {stage} stage. To run it, add {stage} to the {key}: list of the lab config "
             "and run visionlab lab CONFIG again.", stage=stage, key=STAGES_KEY)


def split_name(t: Translator, split: str) -> str:
    """A split's name in words (``validation``), in the report's language."""
    return t(SPLIT_NAMES[split]) if split in SPLIT_NAMES else split


def split_title(t: Translator, split: str) -> str:
    """A split's name at the start of a sentence or heading (``Validation``)."""
    name = split_name(t, split)
    return name[:1].upper() + name[1:]


def method_name(method: Any) -> str:
    """The usual spelling of a CAM method (``gradcam++`` -> ``Grad-CAM++``); unknown ones as they are."""
    return METHOD_NAMES.get(str(method), str(method))


def weights_text(t: Translator, weights: dict | None) -> str:
    """Pretrained weights as ``NAME from SOURCE (ImageNet-1K top-1 X%)``, from a run's ``weights`` record."""
    if not weights:
        return t("none (random initialisation)")
    source = weights.get("source") or weights.get("url") or t("n/a")
    acc = (weights.get("metrics") or {}).get("ImageNet-1K acc@1")
    if acc is None:
        return t("{name} from {source}", name=weights.get("name"), source=source)
    return t("{name} from {source} (ImageNet-1K top-1 {acc}%)", name=weights.get("name"), source=source, acc=acc)


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
