"""The functions of the public API that span both tasks: evaluating and loading any run folder.

Everything else the API offers is defined where its stage lives and exported lazily by
``visionlab/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from visionlab.errors import RunFolderError
from visionlab.runs import RunFolder

TASKS = ("classify", "segment")


def evaluate(run: str | Path, *, data: str | Path | None = None, split: str | None = None, device: str = "auto",
             batch_size: int | None = None) -> dict[str, Any]:
    """Evaluate a classification or segmentation run on one split and write its metrics and plots.

    Args:
        run: A run folder of ``train_classifier`` or ``train_segmenter``.
        data: A dataset folder to evaluate on instead of the run's own saved split.
        split: ``val``, ``test`` or ``train`` (default: ``val`` for classifiers, ``test`` for segmenters).
        device: ``auto``, ``cpu``, ``cuda`` or ``cuda:N``.
        batch_size: Images per batch (default: 64 for classifiers, 4 for segmenters).

    Returns:
        The metrics written to ``RUN/metrics.json`` (``accuracy``, ``f1_macro``... or ``miou``,
        ``pixel_accuracy``...).

    Raises:
        RunFolderError: Not a run folder, or no checkpoint in it.

    Example:
        >>> import visionlab as vl
        >>> vl.evaluate("runs/r1")["accuracy"]  # doctest: +SKIP
        0.9875
    """
    folder = RunFolder(run).require()
    if folder.task == "segment":
        from visionlab.evaluate.segment import evaluate_segmentation_run

        return evaluate_segmentation_run(folder.path, data, split or "test", device=device, batch_size=batch_size or 4)
    from visionlab.evaluate.classify import evaluate_run

    return evaluate_run(folder.path, data, split or "val", batch_size=batch_size or 64, device=device)


@dataclass
class LoadedRun:
    """A run folder with its model loaded, ready to predict.

    Attributes:
        folder: The run folder (paths, config, metrics).
        task: ``classify`` or ``segment``.
        model: The classifier (``torch.nn.Module``), or the segmenter as a
            :class:`~visionlab.models.loading.LoadedSegmenter` (network, classes, preprocessing).
        classes: The class names, in output order.
        meta: The classifier checkpoint's metadata (preprocessing...); empty for segmenters.
    """

    folder: RunFolder
    task: str
    model: Any
    classes: list[str]
    meta: dict[str, Any]

    @property
    def config(self) -> dict[str, Any]:
        """The run's resolved settings (``config.json``'s ``config``)."""
        return self.folder.load_config()["config"]

    def predict(self, paths: Sequence[str | Path], **kwargs: Any) -> list[dict[str, Any]]:
        """Classify image files or folders (classification runs).

        Args:
            paths: Image files and/or folders.
            **kwargs: ``top_k``, ``batch_size``, ``device`` of :func:`visionlab.predict.predict_paths`.

        Returns:
            One row per readable image: ``path``, ``label``, ``confidence``, ``top_k``.

        Raises:
            RunFolderError: A segmentation run; use :meth:`segment`.
        """
        if self.task != "classify":
            raise RunFolderError(f"{self.folder.path} is a {self.task} run; use segment(paths, out) for it")
        from visionlab.predict import predict_paths

        return predict_paths(self.folder.path, list(paths), **kwargs)

    def segment(self, paths: Sequence[str | Path], out: str | Path) -> dict[str, Any]:
        """Segment image files or folders into ``out`` (segmentation runs); returns ``summary.json``'s content.

        Raises:
            RunFolderError: A classification run; use :meth:`predict`.
        """
        if self.task != "segment":
            raise RunFolderError(f"{self.folder.path} is a {self.task} run; use predict(paths) for it")
        from visionlab.segment import segment_images

        return segment_images(self.folder.path, list(paths), out)


def load_run(run: str | Path) -> LoadedRun:
    """Load a run folder's model (the best checkpoint, else the last) with what its outputs mean.

    Args:
        run: A run folder of ``train_classifier``, ``train_segmenter`` or ``distill``.

    Returns:
        The run, its task, model and class names.

    Raises:
        RunFolderError: Not a run folder, or no checkpoint in it.

    Example:
        >>> import visionlab as vl
        >>> r = vl.load_run("runs/r1")  # doctest: +SKIP
        >>> r.classes, r.predict(["cat.jpg"])[0]["label"]  # doctest: +SKIP
        (['cat', 'dog'], 'cat')
    """
    folder = RunFolder(run).require()
    if folder.task == "segment":
        from visionlab.models.loading import load_segmenter

        seg = load_segmenter(folder.path)
        return LoadedRun(folder, "segment", seg, list(seg.classes.names), {})
    from visionlab.models.loading import load_classifier_run

    model, meta = load_classifier_run(folder.path)
    return LoadedRun(folder, "classify", model, list(meta["classes"]), meta)
