"""``visionlab eval``: score a run's best checkpoint on a split."""

from __future__ import annotations

from pathlib import Path

from torch.utils.data import DataLoader

from visionlab import runs
from visionlab.data.dataset import ImageListDataset
from visionlab.data.folders import ImageList, drop_unreadable, load_split, scan_class_folders
from visionlab.data.transforms import eval_transform
from visionlab.errors import DatasetError
from visionlab.evaluate.report import write_evaluation
from visionlab.models.checkpoint import load_classifier
from visionlab.predict import predict_logits
from visionlab.utils.device import resolve_amp, resolve_device


def resolve_eval_split(run: Path, data: str | Path | None, split: str, classes: list[str]) -> ImageList:
    """The images to evaluate: the run's saved split, or ``DATA/<split>/``, or all of ``DATA``.

    Raises:
        DatasetError: The split does not exist; the message lists the ones that do.
    """
    if data is None:
        saved = load_split(run / runs.SPLIT)
        if split not in saved:
            raise DatasetError(
                f"the run {run} has no {split!r} split (it has: {', '.join(saved)}); "
                f"pass --split {' or --split '.join(s for s in saved if s != 'train')} or --data DATA"
            )
        return saved[split]
    data = Path(data)
    root = data / split if (data / split).is_dir() else data
    items, skipped = scan_class_folders(root, classes=classes)
    return drop_unreadable(items, skipped)


def evaluate_run(run: str | Path, data: str | Path | None = None, split: str = "val", batch_size: int = 64, device: str = "auto", amp: str = "auto") -> dict:
    """Evaluate ``RUN/best.safetensors`` and write ``RUN/metrics.json`` plus plots.

    Args:
        run: A training run folder.
        data: Dataset folder; default: the split saved in the run.
        split: ``val`` or ``test`` (or ``train``).

    Returns:
        The metrics written to ``metrics.json``.

    Example:
        >>> evaluate_run("runs/r1", split="val")["accuracy"]  # doctest: +SKIP
        0.98
    """
    run = runs.require_run(run)
    ckpt = run / runs.BEST if (run / runs.BEST).is_file() else run / runs.LAST
    model, meta = load_classifier(ckpt)
    items = resolve_eval_split(run, data, split, meta["classes"])
    dev = resolve_device(device)
    model.to(dev)
    loader = DataLoader(ImageListDataset(items, eval_transform(meta["preprocess"])), batch_size=batch_size)
    logits, labels, _ = predict_logits(model, loader, dev, resolve_amp(amp, dev), channels_last=False)
    probs = logits.softmax(1).numpy()
    return write_evaluation(run, split, probs, labels.numpy(), items.paths, items.root, meta["classes"])
