"""Several files of a folder replaced as one unit: after a crash at any instant, all new or all old.

A redo log in the folder itself: the new files are written and flushed to disk in ``FOLDER/.commit/``,
then a ``COMMITTED`` list of their names is renamed into place (the commit point), then each file is moved
over its old version and the staging folder removed. :func:`recover_commit` finishes a marked commit (the
moves are idempotent) and discards an unmarked one, whose old files were never touched.

Example:
    >>> commit_files(run, {"last.safetensors": save_last, "history.csv": save_history})  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from visionlab.utils.faults import fault_point
from visionlab.utils.files import read_json, write_json

STAGING = ".commit"
MARKER = "COMMITTED"


def _fsync(path: Path) -> None:
    """Flush a file's (or a folder's entries') data to disk; folders cannot be opened on Windows."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except (IsADirectoryError, PermissionError):
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_files(folder: str | Path, writers: dict[str, Callable[[Path], object]]) -> None:
    """Write ``folder/NAME`` for every ``NAME: write`` in ``writers`` as one unit.

    Args:
        folder: The folder the files belong in (it exists).
        writers: File name -> a function writing that file's new content to the path it is given.
    """
    folder = Path(folder)
    recover_commit(folder)
    stage = folder / STAGING
    stage.mkdir()
    for name, write in writers.items():
        write(stage / name)
        _fsync(stage / name)
        fault_point("commit.write")
    tmp = stage / f".{MARKER}.tmp"
    write_json(tmp, list(writers))
    _fsync(tmp)  # the list is on disk before the rename that makes it the commit point
    os.replace(tmp, stage / MARKER)
    _fsync(stage)
    fault_point("commit.marked")
    _apply(folder, stage)


def _apply(folder: Path, stage: Path) -> None:
    for name in read_json(stage / MARKER):
        if (stage / name).exists():  # moved already by an apply that was cut short
            os.replace(stage / name, folder / name)
            fault_point("commit.move")
    _fsync(folder)
    shutil.rmtree(stage)


def recover_commit(folder: str | Path) -> str | None:
    """Finish or undo a commit a crash cut short.

    Returns:
        ``"finished"`` (the commit was marked: its files are now in place), ``"discarded"`` (it was not:
        the old files stand) or ``None`` (no commit was under way).
    """
    stage = Path(folder) / STAGING
    if not stage.is_dir():
        return None
    if (stage / MARKER).is_file():
        _apply(Path(folder), stage)
        return "finished"
    shutil.rmtree(stage)
    return "discarded"
