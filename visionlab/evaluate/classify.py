"""``visionlab eval``: score a run's best checkpoint on a split."""

from __future__ import annotations

from pathlib import Path

import torch
from torch.utils.data import DataLoader

from visionlab.data.dataset import ImageListDataset
from visionlab.data.folders import ImageList, drop_unreadable, load_split, scan_class_folders
from visionlab.data.transforms import eval_transform, mirrored
from visionlab.errors import ParamError
from visionlab.evaluate.report import write_evaluation
from visionlab.models.checkpoint import load_classifier
from visionlab.predict import predict_logits
from visionlab.runs import RunFolder
from visionlab.utils.device import resolve_amp, resolve_device


def resolve_eval_split(run: Path, data: str | Path | None, split: str, classes: list[str]) -> ImageList:
    """The images to evaluate: the run's saved split, or ``DATA/<split>/``, or all of ``DATA``.

    Args:
        run: The training run folder.
        data: A dataset folder; ``None`` takes the split saved in the run.
        split: ``val``, ``test`` or ``train``.
        classes: The run's class names, in label order (a dataset folder's must match).

    Raises:
        ParamError: The run has no such split; the message lists the ones it has.
        DatasetError: ``data`` is not a usable class-folder dataset.
    """
    if data is None:
        saved = load_split(RunFolder(run).split_path)
        if split not in saved:
            choices = " or ".join(repr(s) for s in saved if s != "train")
            raise ParamError("split", f"split: the run {run} has no {split!r} split (it has: {', '.join(saved)}); "
                                      f"pass split {choices}, or a data folder")
        return saved[split]
    data = Path(data)
    root = data / split if (data / split).is_dir() else data
    items, skipped = scan_class_folders(root, classes=classes)
    return drop_unreadable(items, skipped)


def evaluate_run(run: str | Path, data: str | Path | None = None, split: str = "val", batch_size: int = 64, device: str = "auto", amp: str = "auto") -> dict:
    """Evaluate the run's checkpoint (:meth:`~visionlab.runs.RunFolder.checkpoint`); write ``RUN/metrics.json`` and plots.

    A run trained with ``tta_flip`` is evaluated the same way: each image and its mirror image, probabilities averaged.

    Args:
        run: A training run folder.
        data: Dataset folder; default: the split saved in the run.
        split: ``val`` or ``test`` (or ``train``).
        batch_size: Images per forward.
        device: ``auto``, ``cpu``, ``cuda``...
        amp: Autocast precision: ``auto``, ``bf16``, ``fp16`` or ``off``.

    Returns:
        The metrics written to ``metrics.json``.

    Raises:
        RunFolderError: ``run`` is not a run folder, or holds no checkpoint.
        ParamError: The run has no such split.
        DatasetError: ``data`` is not a usable class-folder dataset.

    Example:
        >>> evaluate_run("runs/r1", split="val")["accuracy"]  # doctest: +SKIP
        0.98
    """
    folder = RunFolder(run)
    model, meta = load_classifier(folder.checkpoint())
    items = resolve_eval_split(folder.path, data, split, meta["classes"])
    dev = resolve_device(device)
    model.to(dev)
    views = [eval_transform(meta["preprocess"])]
    if folder.flip_averaged():  # evaluated as it was trained to be
        views.append(mirrored(views[0]))
    probs_per_view = []
    for view in views:
        loader = DataLoader(ImageListDataset(items, view), batch_size=batch_size)
        logits, labels, _ = predict_logits(model, loader, dev, resolve_amp(amp, dev), channels_last=False)
        probs_per_view.append(logits.softmax(1))
    probs = torch.stack(probs_per_view).mean(0).numpy()
    return write_evaluation(folder.path, split, probs, labels.numpy(), items.paths, items.root, meta["classes"])
