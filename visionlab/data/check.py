"""``visionlab data check``: find what would quietly spoil training before it does.

Checks, per image (decoded completely once, in threads):
    * corrupt / truncated / empty files (decoded with :func:`visionlab.data.images.load_rgb`, the
      same reader training uses);
    * exact duplicates: SHA-256 of the file bytes;
    * near duplicates: 64-bit perceptual hash (``imagehash.phash``) with Hamming distance
      ``<= near_threshold`` (default 4). Measured on scikit-image's photos: resized (30-80 %) and
      re-encoded (JPEG quality 40-80) copies lie at 0-4, unrelated photos at 20 or more; small crops
      (2 % per side) lie at 4-8 and are mostly *not* caught. Small flat synthetic images can meet
      by chance (one pair in 780 of the 48-px test shapes sat at 4): the report lists every group,
      so look before using ``--fix``; a quarantine can always be restored;
    * every duplicate group is placed: within a class, across classes (one picture, two labels)
      and across splits (leakage: the same picture in train and val/test makes the scores optimistic,
      called out on its own);
    * tiny images (shorter side below ``min_side``), class imbalance (largest / smallest class per
      split above ``max_imbalance``), and an extension that does not match the decoded format.

Layouts and file lists come from :mod:`visionlab.data.folders` (``DATA/<class>/*`` or
``DATA/{train,val,test}/<class>/*``), so the check sees exactly the files training would see.
The thresholds are :class:`~visionlab.data.check_options.CheckOptions`, the report and its terminal
form :mod:`visionlab.data.check_report`, the duplicate search :mod:`visionlab.data.duplicates`.

Report: always printed; written as JSON only where ``--json FILE`` says, and with ``--fix`` also as
``check.json`` in the quarantine folder next to its manifest (the record of why files were moved).
Nothing is written into the dataset otherwise.

``--fix`` moves corrupt files and all but one file of each duplicate group (kept: the one in train,
then the one with more pixels, then more bytes, then the first path) to ``DATA/.quarantine``
(see :mod:`visionlab.data.quarantine`); ``visionlab data restore`` puts them back. Tiny images,
extension mismatches and imbalance are reported only: they are decisions for a person.

:func:`quick_check` is the cheap part that ``train classify`` runs on its splits: byte hashes only
(no decoding, no perceptual hash), warning about leakage and imbalance.
"""

from __future__ import annotations

import hashlib
import warnings
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from visionlab.data.check_options import CheckOptions
from visionlab.data.check_report import (
    FORMAT_EXTENSIONS,
    LIST_LIMIT,
    CheckReport,
    DuplicateGroup,
    ImageRecord,
    format_report,
    split_order,
)
from visionlab.data.duplicates import find_duplicates, near_pairs
from visionlab.data.folders import SPLIT_NAMES, ImageList, is_presplit, scan_class_folders
from visionlab.data.images import load_rgb
from visionlab.data.quarantine import Move, default_quarantine, quarantine_files
from visionlab.errors import UnreadableImageError
from visionlab.utils.files import write_json
from visionlab.utils.progress import progress

__all__ = [
    "FORMAT_EXTENSIONS", "LIST_LIMIT", "CheckOptions", "CheckReport", "DataQualityWarning", "DuplicateGroup", "FixResult", "ImageRecord",
    "check_dataset", "emptied_by", "file_sha256", "find_duplicates", "fix_dataset", "format_fix", "format_report", "near_pairs",
    "quick_check", "warn_quick_check",
]


class DataQualityWarning(UserWarning):
    """A dataset problem that does not stop training but makes its results less trustworthy."""


# --- listing and inspecting files ---------------------------------------------------------------

def _collect(root: Path) -> tuple[str, list[str], list[tuple[str, str | None, str]], list[str]]:
    """Layout, classes, ``(relative path, split, label)`` per image, and ignored non-image files."""
    entries: list[tuple[str, str | None, str]] = []
    if not is_presplit(root):
        items, skipped = scan_class_folders(root)
        entries += [(p, None, items.classes[lab]) for p, lab in zip(items.paths, items.labels)]
        return "flat", items.classes, entries, [p.relative_to(root).as_posix() for p in skipped]
    train, _ = scan_class_folders(root / "train")
    ignored: list[str] = []
    for split in SPLIT_NAMES:
        if not (root / split).is_dir():
            continue
        part, skipped = scan_class_folders(root / split, classes=train.classes)
        entries += [(f"{split}/{p}", split, part.classes[lab]) for p, lab in zip(part.paths, part.labels)]
        ignored += [p.relative_to(root).as_posix() for p in skipped]
    return "split", train.classes, entries, ignored


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex (read in 1 MiB pieces)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _decoded_format(path: Path) -> str | None:
    try:
        with Image.open(path) as img:
            return img.format
    except Exception:  # noqa: BLE001 - load_rgb already decoded it; a format is only a label
        return None


def _inspect(root: Path, entry: tuple[str, str | None, str], with_phash: bool) -> ImageRecord:
    import imagehash

    rel, split, label = entry
    path = root / rel
    record = ImageRecord(rel, split, label, path.stat().st_size, file_sha256(path))
    try:
        img = load_rgb(path)
    except UnreadableImageError as exc:
        message = str(exc)
        record.error = message[len(f"{path}: "):] if message.startswith(f"{path}: ") else message
        return record
    record.width, record.height = img.size
    record.format = _decoded_format(path)
    if with_phash:
        record.phash = int(str(imagehash.phash(img)), 16)
    return record


# --- the check and the fix ----------------------------------------------------------------------

def check_dataset(root: str | Path, options: CheckOptions | None = None) -> CheckReport:
    """Decode every image of a classification dataset once and report its problems; changes nothing.

    Raises:
        DatasetError: The folder is missing or not a class-folder dataset (as for training).
        ConfigError: An option out of range.

    Example:
        >>> print(format_report(check_dataset("data/classify")))  # doctest: +SKIP
    """
    root = Path(root)
    opts = options or CheckOptions()
    opts.validate()
    layout, classes, entries, ignored = _collect(root)
    if opts.near_threshold >= 0:
        import imagehash  # noqa: F401 - imported once here rather than first inside the worker threads
    with ThreadPoolExecutor(max_workers=opts.workers) as pool:
        jobs = pool.map(lambda e: _inspect(root, e, opts.near_threshold >= 0), entries)
        records = list(progress(jobs, "checking", opts.quiet, total=len(entries)))
    return CheckReport(root, layout, classes, opts, records, find_duplicates(records, opts.near_threshold), ignored)


@dataclass
class FixResult:
    """What ``--fix`` did: the quarantine, its manifest records, and class folders it left without images."""

    quarantine: Path
    records: list[dict]
    emptied: list[str]


def emptied_by(report: CheckReport, moves: list[Move]) -> list[str]:
    """Class folders (``cat`` or ``val/cat``) that have no image left once ``moves`` are done."""
    moved = {m.original for m in moves}
    left = Counter((r.split, r.label) for r in report.records if r.path not in moved)
    before = sorted({(r.split, r.label) for r in report.records}, key=lambda k: (split_order(k[0] or ""), k[1]))
    return [f"{split}/{label}" if split else label for split, label in before if not left[(split, label)]]


def fix_dataset(report: CheckReport, quarantine: str | Path | None = None) -> FixResult:
    """Move corrupt files and extra duplicate copies to the quarantine; writes ``check.json`` there."""
    qdir = Path(quarantine) if quarantine is not None else default_quarantine(report.root)
    moves = report.moves()
    records = quarantine_files(report.root, moves, qdir)
    if records:
        write_json(qdir / "check.json", report.to_dict())
    return FixResult(qdir, records, emptied_by(report, moves))


def format_fix(result: FixResult) -> str:
    """The terminal lines about ``--fix``: what moved where, how to undo it, class folders left empty."""
    if not result.records:
        return "--fix: nothing to move"
    qdir = result.quarantine
    reasons = Counter(r["reason"].split(" ", 1)[0].rstrip(":") for r in result.records)
    kinds = ", ".join(f"{n} {k}" for k, n in reasons.items())
    lines = [f"--fix: moved {len(result.records)} file(s) ({kinds}) to {qdir}; manifest {qdir / 'manifest.jsonl'}, "
             f"report {qdir / 'check.json'}", f"  undo with: visionlab data restore {qdir}"]
    lines += [f"  warning: {folder} has no image left; training needs one there: add images "
              "(or restore and move a file there)" for folder in result.emptied]
    return "\n".join(lines)


# --- the cheap check that training runs -----------------------------------------------------------

def _hash_all(paths: list[Path], workers: int = 4) -> list[str | None]:
    def one(path: Path) -> str | None:
        try:
            return file_sha256(path)
        except OSError:
            return None

    with ThreadPoolExecutor(max_workers=workers) as pool:  # hashlib releases the GIL on large buffers
        return list(pool.map(one, paths))


def quick_check(splits: dict[str, ImageList], max_imbalance: float = CheckOptions.max_imbalance) -> list[str]:
    """Warnings about exact copies shared between splits and class imbalance in train.

    Cheap: reads and hashes the bytes of each file once; no decoding, no perceptual hash.
    """
    where: dict[str, dict[str, str]] = defaultdict(dict)  # sha -> split -> one path
    for name, items in splits.items():
        for rel, sha in zip(items.paths, _hash_all(items.abs_paths())):
            if sha is not None:
                where[sha].setdefault(name, rel)
    root = next(iter(splits.values())).root
    names = sorted(splits, key=split_order)
    messages = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            shared = [w for w in where.values() if a in w and b in w]
            if shared:
                messages.append(
                    f"leakage between splits: {len(shared)} file(s) in {b} are exact copies of files in {a} "
                    f"(e.g. {shared[0][a]} = {shared[0][b]}); {b} scores will be too optimistic. "
                    f"`visionlab data check {root}` lists them and --fix moves the extra copies to a quarantine"
                )
    counts = splits["train"].class_counts() if "train" in splits else {}
    if counts and min(counts.values()) > 0:
        big, small = max(counts, key=lambda c: counts[c]), min(counts, key=lambda c: counts[c])
        ratio = counts[big] / counts[small]
        if ratio > max_imbalance:
            messages.append(
                f"class imbalance in train: largest/smallest = {ratio:.1f} ({big} {counts[big]}, {small} {counts[small]}); "
                "accuracy can hide a weak class: look at per-class recall and F1 (macro), or add images to the small classes"
            )
    return messages


def warn_quick_check(splits: dict[str, ImageList]) -> list[str]:
    """Run :func:`quick_check` and issue each message as a :class:`DataQualityWarning`; returns them."""
    messages = quick_check(splits)
    for message in messages:
        warnings.warn(message, DataQualityWarning, stacklevel=2)
    return messages
