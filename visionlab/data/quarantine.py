"""Quarantine: move problem files out of a dataset and put them back later; nothing is ever deleted.

Decisions:
    * The default quarantine folder is ``DATA/.quarantine``. The dataset scanner in
      :mod:`visionlab.data.folders` skips names that start with a dot, so the folder is never taken
      for a class (or a split), and it travels with the dataset when the folder is copied.
      A quarantine folder elsewhere is fine too; one inside the dataset must start with a dot.
    * Files keep their path relative to the dataset inside the quarantine
      (``DATA/train/cats/a.jpg`` -> ``DATA/.quarantine/train/cats/a.jpg``), so it can be browsed.
    * ``manifest.jsonl`` is an append-only log: a ``quarantined`` line is written (and flushed)
      *before* each move and a ``restored`` line after each move back. An interruption therefore
      never loses track of a file: replaying the log tells where every file is.
    * Restoring refuses to overwrite: when any original path is taken again, nothing is moved and
      the error lists the conflicting files.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from visionlab.errors import ConfigError, DatasetError

QUARANTINE_DIRNAME = ".quarantine"
MANIFEST = "manifest.jsonl"


@dataclass
class Move:
    """One file to take out of the dataset: path relative to the dataset root, why, and its SHA-256."""

    original: str
    reason: str
    sha256: str


@dataclass
class RestoreResult:
    """What ``restore`` did: moved back, already in place, and entries whose file is nowhere."""

    quarantine: Path
    restored: list[str] = field(default_factory=list)
    already_in_place: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def now_iso() -> str:
    """The current UTC time to the second, ISO 8601 (``2024-05-01T12:00:00+00:00``), as manifests record it."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_quarantine(root: str | Path) -> Path:
    """``DATA/.quarantine``: where ``--fix`` moves files unless told otherwise."""
    return Path(root) / QUARANTINE_DIRNAME


def check_quarantine_location(root: Path, quarantine: Path) -> None:
    """Refuse a quarantine folder that the dataset scanner would read as a class or split.

    Raises:
        ConfigError: ``quarantine`` is inside ``root`` under a name that does not start with a dot.
    """
    try:
        rel = quarantine.resolve().relative_to(root.resolve())
    except ValueError:
        return  # outside the dataset: always safe
    if not rel.parts or not rel.parts[0].startswith("."):
        raise ConfigError(
            f"quarantine folder {quarantine} is inside the dataset {root} where it would be read as a class; "
            f"use a name starting with a dot (the default is {default_quarantine(root)}) or a folder outside the dataset"
        )


def _dataset_ref(root: Path, quarantine: Path) -> str:
    """The dataset root as the manifest stores it: relative to the quarantine when possible."""
    try:
        return os.path.relpath(root.resolve(), quarantine.resolve())
    except ValueError:  # another drive on Windows
        return str(root.resolve())


def _free_path(path: Path) -> Path:
    """``path``, or ``name~N.ext`` when it is taken (a file quarantined twice under one name)."""
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}~{n}{path.suffix}")
        n += 1
    return candidate


def _append(manifest: Path, record: dict) -> None:
    with open(manifest, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def quarantine_files(root: str | Path, moves: list[Move], quarantine: str | Path | None = None) -> list[dict]:
    """Move ``moves`` from the dataset ``root`` into ``quarantine`` and log each in its manifest.

    Returns:
        The manifest records written (``original``, ``quarantined``, ``reason``, ``sha256``, ...).

    Raises:
        ConfigError: The quarantine folder would be scanned as a class.
    """
    root = Path(root)
    qdir = Path(quarantine) if quarantine is not None else default_quarantine(root)
    check_quarantine_location(root, qdir)
    if not moves:
        return []
    qdir.mkdir(parents=True, exist_ok=True)
    manifest = qdir / MANIFEST
    records = []
    for move in moves:
        src = root / move.original
        dst = _free_path(qdir / move.original)
        record = {
            "event": "quarantined", "original": move.original, "quarantined": dst.relative_to(qdir).as_posix(),
            "dataset": _dataset_ref(root, qdir), "reason": move.reason, "sha256": move.sha256, "time": now_iso(),
        }
        _append(manifest, record)  # logged before the move: a crash in between loses nothing
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(src), str(dst))
        records.append(record)
    return records


def read_manifest(quarantine: str | Path) -> list[dict]:
    """Records of files still in quarantine (``quarantined`` lines without a later ``restored`` line).

    Raises:
        DatasetError: The folder holds no quarantine manifest.
    """
    manifest = Path(quarantine) / MANIFEST
    if not manifest.is_file():
        raise DatasetError(
            f"{quarantine} holds no quarantine manifest ({MANIFEST}); pass the folder that "
            "`visionlab data check DATA --fix` reported (by default DATA/.quarantine)"
        )
    pending: dict[str, dict] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by an interruption
        if record.get("event") == "quarantined":
            pending[record["quarantined"]] = record
        elif record.get("event") == "restored":
            pending.pop(record["quarantined"], None)
    return list(pending.values())


def restore(quarantine: str | Path) -> RestoreResult:
    """Move every quarantined file back to its original place in the dataset.

    Refuses to overwrite: if any original path exists again, nothing is moved.

    Raises:
        DatasetError: No manifest, or original paths are taken (listed in the message).
    """
    qdir = Path(quarantine)
    result = RestoreResult(qdir)
    plan: list[tuple[dict, Path, Path]] = []
    conflicts: list[str] = []
    taken: set[Path] = set()
    for record in read_manifest(qdir):
        src = qdir / record["quarantined"]
        dst = (qdir / record["dataset"]).resolve() / record["original"]
        if not src.exists():
            (result.already_in_place if dst.exists() else result.missing).append(record["original"])
        elif dst.exists() or dst in taken:  # taken: two quarantined files from one original path
            conflicts.append(str(dst))
        else:
            plan.append((record, src, dst))
            taken.add(dst)
    if conflicts:
        listing = "\n".join(f"  {c}" for c in conflicts[:20]) + (f"\n  ... and {len(conflicts) - 20} more" if len(conflicts) > 20 else "")
        raise DatasetError(
            f"{len(conflicts)} original path(s) are taken again, so nothing was restored (restore never overwrites):\n"
            f"{listing}\nmove or rename those files, then run `visionlab data restore {qdir}` again"
        )
    for record, src, dst in plan:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():  # appeared while restoring: still never overwrite
            raise DatasetError(f"{dst} appeared while restoring; {len(result.restored)} file(s) were restored, "
                               f"move {dst} away and run `visionlab data restore {qdir}` again for the rest")
        shutil.move(str(src), str(dst))
        _append(qdir / MANIFEST, {"event": "restored", "original": record["original"],
                                  "quarantined": record["quarantined"], "time": now_iso()})
        result.restored.append(record["original"])
    return result


def format_restore(result: RestoreResult) -> str:
    """The terminal lines about a restore: how many came back, and entries already in place or missing."""
    lines = [f"restored {len(result.restored)} file(s) from {result.quarantine}"]
    if result.already_in_place:
        lines.append(f"  {len(result.already_in_place)} already back in place")
    if result.missing:
        lines.append(f"  {len(result.missing)} listed in the manifest but found neither in quarantine nor in the dataset:")
        lines += [f"    {p}" for p in result.missing[:20]]
    return "\n".join(lines)
