"""Where a command's time budget starts (``--time-budget``): when the command started, not when training did.

The command line marks its start first thing; the first training run of the command takes that mark
(so loading Python, torch and the data count against the budget), later runs of the same command and
runs started from Python count from their own start.
"""

from __future__ import annotations

import time

_command_start: float | None = None


def mark_command_start() -> None:
    """Remember now as the start of the command being run."""
    global _command_start
    _command_start = time.perf_counter()


def take_start() -> float:
    """The command's start if no run has taken it yet, else now (a ``time.perf_counter()`` value)."""
    global _command_start
    start, _command_start = _command_start, None
    return start if start is not None else time.perf_counter()
