"""Atomic file writes: an interrupted write never leaves a half-written file behind."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp_path)`` (its return value is ignored) then move the result over ``path`` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented UTF-8 JSON, atomically."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return atomic_write(path, lambda p: p.write_text(text + "\n", encoding="utf-8"))


def read_json(path: str | Path) -> Any:
    """The UTF-8 JSON file at ``path``."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_csv_rows(path: str | Path, rows: list[dict], fieldnames: list[str] | None = None) -> Path:
    """Write dict rows as CSV, atomically; the header is ``fieldnames`` or the first row's keys."""
    import csv

    def write(p: Path) -> None:
        with open(p, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=fieldnames or list(rows[0]))
            w.writeheader()
            w.writerows(rows)

    return atomic_write(path, write)
