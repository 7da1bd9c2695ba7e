"""The epoch loop every training task shares: checkpoints, history, early stopping, resume."""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from visionlab.errors import RunFolderError
from visionlab.evaluate.plots import plot_history
from visionlab.models.checkpoint import checkpoint_epoch, load_train_state, save_train_state
from visionlab.runs import RunFolder
from visionlab.utils.commit import commit_files, recover_commit
from visionlab.utils.faults import fault_point
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

    def replan(self, epochs: int, done: int) -> None:
        """Stretch or shrink the learning-rate schedule to ``epochs`` in all, ``done`` of them run."""
        ...


MARGIN = 0.02  # share of a time budget kept free: the plan is an estimate


@dataclass
class TimeBudget:
    """A wall-clock limit on a whole run (see ``--time-budget``).

    Attributes:
        seconds: What the run may take, from ``started`` to its last file.
        started: ``time.perf_counter()`` when the run began (before its data and model were loaded).
        after_fit: Estimated seconds the run needs after its last epoch (final evaluation), given one epoch's seconds.
    """

    seconds: float
    started: float
    after_fit: Callable[[float], float] = lambda epoch_s: 0.0

    def epochs_that_fit(self, done: int, epoch_s: float, most: int) -> int:
        """How many epochs in all (at least ``done``, at most ``most``) end within the budget at ``epoch_s`` each."""
        left = self.seconds * (1 - MARGIN) - (time.perf_counter() - self.started) - self.after_fit(epoch_s)
        return max(done, min(most, done + math.floor(left / max(epoch_s, 1e-6))))


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
    barrier: Callable[[], None] | None = None  # waits for every rank (multi-process runs)
    epoch_of: Callable[[Path], int | None] = checkpoint_epoch  # the epoch a weights file was saved at
    budget: TimeBudget | None = None  # plans the number of epochs (at most ``epochs``) to finish in time
    agree: Callable[[int], int] = lambda n: n  # multi-process runs: every rank takes rank 0's number of epochs


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


def _commit_epoch(run: RunFolder, plan: FitPlan, trainer: EpochTrainer, history: list[dict], progress: dict, improved: bool) -> None:
    """Write the epoch's weights, best weights, training state and history as one unit (see :mod:`visionlab.utils.commit`)."""
    row = history[-1]
    writers = {run.last_path.name: lambda p: plan.save_model(p, {"epoch": row["epoch"]})}
    if improved:
        writers[run.best_path.name] = lambda p: plan.save_model(p, {**row})
    writers[run.train_state_path.name] = lambda p: save_train_state(p, {**progress, **trainer.state_dict()})
    writers[run.history_path.name] = lambda p: write_csv_rows(p, history)
    commit_files(run.path, writers)
    fault_point("epoch.committed")


def _check_resumable(run: RunFolder, epoch: int, rows: int, epoch_of: Callable[[Path], int | None]) -> None:
    """Refuse to resume from files that do not belong to the same epoch (written by hand, or by an older visionlab)."""
    weights_epoch = epoch_of(run.last_path)
    if weights_epoch != epoch or rows < epoch:
        raise RunFolderError(
            f"resume: {run.path} is inconsistent: {run.train_state_path.name} is at epoch {epoch}, {run.last_path.name} at "
            f"epoch {weights_epoch}, {run.history_path.name} has {rows} rows; start a new run (nothing was changed)"
        )


def _plan_epochs(trainer: EpochTrainer, plan: FitPlan, history: list[dict], planned: int, first: bool) -> int:
    """The number of epochs the budget allows after the epochs in ``history``; the schedule follows it.

    After the first epoch of the run the plan may grow or shrink (up to ``plan.epochs``); later it only
    shrinks, when epochs run slower than the first one promised.
    """
    assert plan.budget is not None
    done = len(history)
    epoch_s = max(float(r["seconds"]) for r in history[-3:])  # the slowest of the last three: epochs vary by a tenth or so
    fits = plan.budget.epochs_that_fit(done, epoch_s, plan.epochs)
    new = plan.agree(fits if first else min(planned, fits))
    if new != planned:
        trainer.replan(new, done)
    if plan.is_main and not plan.quiet and (first or new != planned):
        spent = time.perf_counter() - plan.budget.started
        print(f"time budget {plan.budget.seconds / 60:.1f} min: {spent / 60:.1f} min spent, {epoch_s:.1f} s per epoch; "
              f"running {new} of at most {plan.epochs} epochs", flush=True)
    return new


def fit(trainer: EpochTrainer, plan: FitPlan, on_epoch_end: EpochHook | None = None) -> list[dict]:
    """Run epochs with best/last checkpoints, ``history.csv``, early stopping and resumable state.

    A run folder holding ``train_state.pt`` continues after its last completed epoch. Each epoch's files
    (last and best weights, ``train_state.pt``, ``history.csv``) are committed as one unit, so a run killed
    at any instant resumes from a whole epoch; every epoch reseeds its randomness from the run's seed and
    its number, so no generator state needs saving.

    Args:
        trainer: Runs the epochs.
        plan: The run folder, epochs, score and checkpoint functions; with a time budget, ``epochs``
            is the most it runs (the number planned is saved with the training state; a resumed run
            keeps it and plans no more).
        on_epoch_end: Called with ``(epoch, history_row)`` after each epoch's files are written.

    Returns:
        The history rows, one per epoch.
    """
    run = RunFolder(plan.run)
    if plan.is_main:
        recover_commit(run.path)  # an epoch a crash cut short: finished when marked, else discarded
    barrier_hook = plan.barrier or (lambda: None)
    barrier_hook()  # other ranks read the run's files only once they are whole
    history = read_history(run.history_path)
    start, best, bad, planned = 0, None, 0, plan.epochs
    if run.train_state_path.is_file():
        state = load_train_state(run.train_state_path)
        start, best, bad = int(state["epoch"]), state["best"], int(state["bad_epochs"])
        planned = int(state.get("planned_epochs") or plan.epochs)  # a budget's plan stands; else the epochs asked for now
        _check_resumable(run, start, len(history), plan.epoch_of)
        plan.load_model(run.last_path)
        trainer.load_state(state)
        history = history[:start]
    epoch = start
    while epoch < planned:
        row = {"epoch": epoch + 1, **trainer.run_epoch(epoch)}
        improved = is_better(row, best, plan.score)
        best, bad = (row, 0) if improved else (best, bad + 1)
        history.append(row)
        if plan.budget is not None and start == 0 and (epoch == 0 or planned > epoch + 1):
            planned = _plan_epochs(trainer, plan, history, planned, first=epoch == 0)
        if plan.is_main:
            progress = {"epoch": epoch + 1, "best": best, "bad_epochs": bad, "planned_epochs": planned if plan.budget else None}
            _commit_epoch(run, plan, trainer, history, progress, improved)
            if not plan.quiet:
                print(f"epoch {epoch + 1}/{planned}  {plan.describe(row)}  ({row['seconds']:.1f}s)", flush=True)
        if on_epoch_end is not None:
            on_epoch_end(epoch + 1, row)
        if plan.patience and bad >= plan.patience:
            if not plan.quiet and plan.is_main:
                print(f"early stop: no validation improvement for {bad} epochs", flush=True)
            break
        epoch += 1
    if plan.is_main and history:
        plot_history(history, run.plots / "curves.png")
    return history

