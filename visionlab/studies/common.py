"""What every study shares: its data split, the classifier it studies, its result and ``study.json``.

A study is a function ``(StudyContext) -> StudyResult``. The context gives it the split (the run's,
so that every arm sees the same images), the trained classifier where the study needs one, a folder
for its plots, and a place to print. :func:`visionlab.studies.run_study` times it and writes
``OUT/study.json``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from visionlab.data.folders import ImageList, load_classification_splits, load_split
from visionlab.errors import RunFolderError
from visionlab.runs import RunFolder
from visionlab.studies.options import StudyOptions

Cell = str | int | float | None


@dataclass
class StudyResult:
    """What a study measured.

    Attributes:
        header: The table's column names (English; the report translates them).
        rows: The table's rows: numbers as numbers, names as text.
        outcome: One English sentence with ``{name}`` fields that restates the measured outcome.
        values: The fields of ``outcome``, already formatted (``"0.9500"``) or plain names.
        plots: File names of the study's plots in its folder, the main one first.
        data: The study's own numbers (curves per epoch, per-layer measures...), for ``study.json``.
        setup: One English sentence with ``{name}`` fields saying how the study was run.
        setup_values: The fields of ``setup``.
    """

    header: list[str]
    rows: list[list[Cell]]
    outcome: str
    values: dict[str, Any]
    plots: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    setup: str = ""
    setup_values: dict[str, Any] = field(default_factory=dict)


@dataclass
class StudyContext:
    """The data, options and folder of one study."""

    data: Path
    out: Path
    opts: StudyOptions
    _splits: dict[str, ImageList] | None = None
    _run: Path | None = None

    def say(self, text: str) -> None:
        """Print a progress line unless quiet."""
        if not self.opts.quiet:
            print(text, flush=True)

    def splits(self) -> dict[str, ImageList]:
        """The train/val (and test) split: the run's (``--run``), else DATA split with the options' seed and share."""
        if self._splits is None:
            if self.opts.run:
                self._splits = load_split(RunFolder(self.opts.run).require().split_path)
            else:
                self._splits = load_classification_splits(self.data, self.opts.val_fraction, self.opts.seed)
        return self._splits

    def classifier_run(self) -> Path:
        """The classification run the study examines: ``--run``, else a frozen classifier trained once in ``OUT/classifier``."""
        if self._run is None:
            if self.opts.run:
                self._run = RunFolder(self.opts.run).require().path
            else:
                self._run = train_frozen_classifier(self, self.out / "classifier")
        return self._run

    @property
    def examined_run(self) -> Path | None:
        """The classification run the study examined, if it asked for one (None: it trained only arms of its own)."""
        return self._run

    def model(self) -> tuple[Any, dict]:
        """The studied run's best classifier (eval mode) and its checkpoint metadata (classes, preprocess)."""
        from visionlab.models.checkpoint import load_classifier

        return load_classifier(RunFolder(self.classifier_run()).checkpoint())


def train_frozen_classifier(ctx: StudyContext, out: Path) -> Path:
    """A frozen classifier on the study's split, with the options' backbone, epochs and learning rate (cosine schedule)."""
    from visionlab.train.classify import train_classifier
    from visionlab.train.config import ClassifyConfig

    if RunFolder(out).best_path.is_file():
        return out
    o = ctx.opts
    data = materialise_split(ctx.splits(), ctx.out / "split")
    ctx.say(f"training a frozen {o.backbone} classifier to study in {out}")
    train_classifier(ClassifyConfig(data=str(data), out=str(out), backbone=o.backbone, weights=o.weights, mode="frozen", recipe="standard",
                                    epochs=o.epochs, lr=o.lr, scheduler="cosine", batch_size=o.batch_size, img_size=o.img_size, crop_pct=o.crop_pct,
                                    seed=o.seed,
                                    download=o.download, quiet=True))
    return out


def materialise_split(splits: dict[str, ImageList], folder: Path, per_class: int | None = None, seed: int = 0) -> Path:
    """A pre-split folder (``train/<class>/``, ``val/<class>/``...) of links to the split's images.

    Every arm that trains through ``visionlab train classify`` then sees exactly these images. With
    ``per_class`` the training split keeps that many images of each class (a seeded draw; the other
    splits stay whole). The links point at the user's files; nothing is copied or moved.

    Raises:
        RunFolderError: ``folder`` exists and holds something else than this split's links.
    """
    import numpy as np

    if folder.exists() and any(folder.iterdir()):
        if not (folder / "train").is_dir():
            raise RunFolderError(f"{folder} exists and is not a split folder of a study; choose another --out")
        return folder
    rng = np.random.default_rng(seed)
    for name, items in splits.items():
        keep, paths = np.arange(len(items)), items.abs_paths()
        if per_class is not None and name == "train":
            labels = np.asarray(items.labels)
            keep = np.sort(np.concatenate([rng.permutation(np.flatnonzero(labels == k))[:per_class] for k in range(len(items.classes))]))
        for i in keep:
            src = paths[i]
            dst = folder / name / items.classes[items.labels[i]] / f"{i:05d}_{src.name}"
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(src.resolve(), dst)
    return folder
