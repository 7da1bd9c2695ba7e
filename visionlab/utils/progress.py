"""Progress bars that a ``--quiet`` flag silences."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(it: Iterable[T], desc: str, quiet: bool, total: int | None = None) -> Iterable[T]:
    """Wrap ``it`` in a tqdm bar unless ``quiet``."""
    if quiet:
        return it
    return tqdm(it, desc=desc, total=total, leave=False, dynamic_ncols=True)
