"""Named points where a test can kill the process, to prove that no instant of a write loses work.

A test sets ``VISIONLAB_KILL_AT=NAME#K`` in a subprocess's environment; the K-th time the process passes
:func:`fault_point` ``(NAME)`` it sends itself SIGKILL (no cleanup, no ``finally``: what a power cut or
the out-of-memory killer does). Without the variable a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "VISIONLAB_KILL_AT"
_passes: Counter[str] = Counter()


def fault_point(name: str) -> None:
    """Count one pass of the point ``name``; kill this process when ``VISIONLAB_KILL_AT`` names this pass."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, _, nth = spec.partition("#")
    if target != name:
        return
    _passes[name] += 1
    if _passes[name] == int(nth or 1):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
