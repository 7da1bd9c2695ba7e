"""The epoch loop every training task shares: checkpoints, history, early stopping, resume."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from visionlab import runs
from visionlab.evaluate.plots import plot_history
from visionlab.models.checkpoint import load_train_state, save_train_state
from visionlab.utils.files import write_csv_rows

EpochHook = Callable[[int, dict], None]

# Loss changes below this do not count as improvement (for best checkpoints and early stopping).
MIN_DELTA = 1e-4


class EpochTrainer(Protocol):
    def run_epoch(self, epoch: int) -> dict: ...  # one history row: train_loss, val_loss, the score, lr, seconds
    def state_dict(self) -> dict: ...
    def load_state(self, state: dict) -> None: ...


@dataclass
class FitPlan:
    """How a task plugs into :func:`fit`."""

    run: Path
    epochs: int
    patience: int  # epochs without improvement before stopping; 0: never stop early
    score: str  # history key to maximise, e.g. "val_acc" or "val_miou"
    save_model: Callable[[Path, dict], None]  # (path, extra metadata) -> writes a checkpoint
    load_model: Callable[[Path], None]  # loads a checkpoint into the model being trained
    describe: Callable[[dict], str]  # one progress line per epoch
    quiet: bool = False
    is_main: bool = True  # only the main process writes files and prints


def read_history(path: Path) -> list[dict]:
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

    Returns:
        The history rows, one per epoch.
    """
    run = plan.run
    state_path = run / runs.TRAIN_STATE
    history = read_history(run / runs.HISTORY)
    start, best, bad = 0, None, 0
    if state_path.is_file():
        state = load_train_state(state_path)
        plan.load_model(run / runs.LAST)
        trainer.load_state(state)
        start, best, bad = int(state["epoch"]), state["best"], int(state["bad_epochs"])
        history = history[:start]
    for epoch in range(start, plan.epochs):
        row = {"epoch": epoch + 1, **trainer.run_epoch(epoch)}
        improved = is_better(row, best, plan.score)
        best, bad = (row, 0) if improved else (best, bad + 1)
        history.append(row)
        if plan.is_main:
            plan.save_model(run / runs.LAST, {"epoch": epoch + 1})
            if improved:
                plan.save_model(run / runs.BEST, {**row})
            save_train_state(state_path, {"epoch": epoch + 1, "best": best, "bad_epochs": bad, **trainer.state_dict()})
            write_csv_rows(run / runs.HISTORY, history)
            if not plan.quiet:
                print(f"epoch {epoch + 1}/{plan.epochs}  {plan.describe(row)}  ({row['seconds']:.1f}s)", flush=True)
        if on_epoch_end is not None:
            on_epoch_end(epoch + 1, row)
        if plan.patience and bad >= plan.patience:
            if not plan.quiet and plan.is_main:
                print(f"early stop: no validation improvement for {bad} epochs", flush=True)
            break
    if plan.is_main and history:
        plot_history(history, run / "plots" / "curves.png")
    return history
