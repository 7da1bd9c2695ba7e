"""The epoch loop every training task shares: checkpoints, history, early stopping, resume."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from visionlab.evaluate.plots import plot_history
from visionlab.models.checkpoint import load_train_state, save_train_state
from visionlab.runs import RunFolder
from visionlab.utils.files import write_csv_rows

EpochHook = Callable[[int, dict], None]

# Loss changes below this do not count as improvement (for best checkpoints and early stopping).
MIN_DELTA = 1e-4


class EpochTrainer(Protocol):
    """What :func:`fit` drives: one epoch at a time, and the state that resumes it."""

    def run_epoch(self, epoch: int) -> dict:
        """Train epoch ``epoch`` (from 0); return its history row: train_loss, val_loss, the score, lr, seconds."""
        ...

    def state_dict(self) -> dict:
        """The optimizer's and schedule's state, saved after each epoch for resuming."""
        ...

    def load_state(self, state: dict) -> None:
        """Restore what :meth:`state_dict` returned."""
        ...


@dataclass
class FitPlan:
    """How a task plugs into :func:`fit`."""

    run: Path
    epochs: int
    patience: int  # epochs without improvement before stopping; 0: never stop early
    score: str  # history key to maximise, e.g. "val_acc" or "val_miou"
    save_model: Callable[[Path, dict], object]  # (path, extra metadata) -> writes a checkpoint
    load_model: Callable[[Path], object]  # loads a checkpoint into the model being trained
    describe: Callable[[dict], str]  # one progress line per epoch
    quiet: bool = False
    is_main: bool = True  # only the main process writes files and prints


def read_history(path: Path) -> list[dict]:
    """The rows of a ``history.csv`` (values as strings); none when the file does not exist."""
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def is_better(row: dict, best: dict | None, score: str) -> bool:
    """A higher score wins; at an equal score, a clearly lower validation loss."""
    if best is None or row[score] > best[score]:
        return True
    return row[score] == best[score] and row["val_loss"] < best["val_loss"] - MIN_DELTA


def fit(trainer: EpochTrainer, plan: FitPlan, on_epoch_end: EpochHook | None = None) -> list[dict]:
    """Run epochs with best/last checkpoints, ``history.csv``, early stopping and resumable state.

    A run folder holding ``train_state.pt`` continues after its last completed epoch.

    Args:
        trainer: Runs the epochs.
        plan: The run folder, epochs, score and checkpoint functions.
        on_epoch_end: Called with ``(epoch, history_row)`` after each epoch's files are written.

    Returns:
        The history rows, one per epoch.
    """
    run = RunFolder(plan.run)
    history = read_history(run.history_path)
    start, best, bad = 0, None, 0
    if run.train_state_path.is_file():
        state = load_train_state(run.train_state_path)
        plan.load_model(run.last_path)
        trainer.load_state(state)
        start, best, bad = int(state["epoch"]), state["best"], int(state["bad_epochs"])
        history = history[:start]
    for epoch in range(start, plan.epochs):
        row = {"epoch": epoch + 1, **trainer.run_epoch(epoch)}
        improved = is_better(row, best, plan.score)
        best, bad = (row, 0) if improved else (best, bad + 1)
        history.append(row)
        if plan.is_main:
            plan.save_model(run.last_path, {"epoch": epoch + 1})
            if improved:
                plan.save_model(run.best_path, {**row})
            save_train_state(run.train_state_path, {"epoch": epoch + 1, "best": best, "bad_epochs": bad, **trainer.state_dict()})
            write_csv_rows(run.history_path, history)
            if not plan.quiet:
                print(f"epoch {epoch + 1}/{plan.epochs}  {plan.describe(row)}  ({row['seconds']:.1f}s)", flush=True)
        if on_epoch_end is not None:
            on_epoch_end(epoch + 1, row)
        if plan.patience and bad >= plan.patience:
            if not plan.quiet and plan.is_main:
                print(f"early stop: no validation improvement for {bad} epochs", flush=True)
            break
    if plan.is_main and history:
        plot_history(history, run.plots / "curves.png")
    return history

