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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from visionlab.data.folders import SPLIT_NAMES, ImageList, is_presplit, scan_class_folders
from visionlab.data.images import load_rgb
from visionlab.data.quarantine import Move, default_quarantine, quarantine_files
from visionlab.errors import ConfigError, UnreadableImageError
from visionlab.utils.files import write_json
from visionlab.utils.progress import progress

# Decoded format (Pillow's name) -> extensions that name it honestly; the first is the one to use.
# MPO is what Pillow calls camera JPEGs with a second (preview) picture.
FORMAT_EXTENSIONS = {
    "JPEG": (".jpg", ".jpeg"), "MPO": (".jpg", ".jpeg"), "PNG": (".png",), "GIF": (".gif",),
    "WEBP": (".webp",), "BMP": (".bmp",), "TIFF": (".tif", ".tiff"),
}
LIST_LIMIT = 20  # lines per section in the terminal report (the JSON has everything)


class DataQualityWarning(UserWarning):
    """A dataset problem that does not stop training but makes its results less trustworthy."""


@dataclass
class CheckOptions:
    """Thresholds of ``data check``.

    Attributes:
        near_threshold: Largest pHash Hamming distance (of 64 bits) for a near duplicate; -1 turns
            the near-duplicate search off.
        min_side: Images with a shorter side below this many pixels are reported as tiny.
        max_imbalance: Largest/smallest class count ratio above which a split is flagged.
        workers: Decoding threads (Pillow releases the GIL while decoding).
        quiet: No progress bar.
    """

    near_threshold: int = 4
    min_side: int = 32
    max_imbalance: float = 3.0
    workers: int = 4
    quiet: bool = False

    def validate(self) -> None:
        if not -1 <= self.near_threshold <= 32:
            raise ConfigError(f"--near-threshold must be between -1 (off) and 32 bits, got {self.near_threshold}; 4 catches resized copies")
        if self.min_side < 0:
            raise ConfigError(f"--min-side must be 0 or more pixels, got {self.min_side}")
        if self.max_imbalance < 1:
            raise ConfigError(f"--max-imbalance is a ratio largest/smallest and must be at least 1, got {self.max_imbalance}")
        if self.workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {self.workers}")


@dataclass
class ImageRecord:
    """One file of the dataset: ``path`` relative to the dataset root; ``split`` is None in a flat layout."""

    path: str
    split: str | None
    label: str
    bytes: int
    sha256: str
    width: int = 0
    height: int = 0
    format: str | None = None
    phash: int | None = None
    error: str | None = None


@dataclass
class DuplicateGroup:
    """Files that hold the same picture; ``distance`` is the largest pHash distance inside (0 for exact)."""

    kind: str  # "exact" or "near"
    paths: list[str]
    scopes: list[str]  # "within class", "across classes", "across splits"
    keep: str
    distance: int = 0


@dataclass
class CheckReport:
    """Everything ``data check`` found; ``to_dict`` is the JSON report."""

    root: Path
    layout: str  # "flat" or "split"
    classes: list[str]
    options: CheckOptions
    records: list[ImageRecord]
    duplicates: list[DuplicateGroup]
    ignored: list[str] = field(default_factory=list)

    @property
    def corrupt(self) -> list[ImageRecord]:
        return [r for r in self.records if r.error is not None]

    @property
    def tiny(self) -> list[ImageRecord]:
        return [r for r in self.records if r.error is None and min(r.width, r.height) < self.options.min_side]

    @property
    def mismatched(self) -> list[ImageRecord]:
        return [r for r in self.records if r.error is None and r.format is not None
                and Path(r.path).suffix.lower() not in FORMAT_EXTENSIONS.get(r.format, ())]

    @property
    def leaks(self) -> list[DuplicateGroup]:
        return [g for g in self.duplicates if "across splits" in g.scopes]

    def imbalance(self) -> dict[str, dict]:
        """Per split (``all`` in a flat layout): readable images per class, largest/smallest ratio, flag."""
        out = {}
        for split in sorted({r.split or "all" for r in self.records}, key=_split_order):
            counts = Counter(r.label for r in self.records if (r.split or "all") == split and r.error is None)
            full = {c: counts.get(c, 0) for c in self.classes}
            low, high = min(full.values()), max(full.values())
            ratio = high / low if low else None
            out[split] = {"counts": full, "ratio": ratio, "flagged": ratio is None or ratio > self.options.max_imbalance}
        return out

    def moves(self) -> list[Move]:
        """The ``--fix`` plan: corrupt files, then every duplicate but the kept one (exact groups first)."""
        by_path = {r.path: r for r in self.records}
        plan = [Move(r.path, f"corrupt: {r.error}", r.sha256) for r in self.corrupt]
        taken = {m.original for m in plan}
        for group in sorted(self.duplicates, key=lambda g: g.kind != "exact"):
            up_to = "up to " if len(group.paths) > 2 else ""
            extra = f", pHash distance {up_to}{group.distance}" if group.kind == "near" else ""
            for path in group.paths:
                if path != group.keep and path not in taken:
                    reason = f"{group.kind} duplicate of {group.keep} ({', '.join(group.scopes)}{extra})"
                    plan.append(Move(path, reason, by_path[path].sha256))
                    taken.add(path)
        return plan

    @property
    def n_problems(self) -> int:
        flagged = sum(v["flagged"] for v in self.imbalance().values())
        return len(self.corrupt) + len(self.duplicates) + len(self.tiny) + len(self.mismatched) + flagged

    def to_dict(self) -> dict:
        return {
            "root": str(self.root), "layout": self.layout, "classes": self.classes, "options": asdict(self.options),
            "n_images": len(self.records), "n_problems": self.n_problems,
            "corrupt": [{"path": r.path, "reason": r.error} for r in self.corrupt],
            "duplicates": [asdict(g) for g in self.duplicates],
            "leakage": [asdict(g) for g in self.leaks],
            "tiny": [{"path": r.path, "width": r.width, "height": r.height} for r in self.tiny],
            "extension_mismatch": [{"path": r.path, "extension": Path(r.path).suffix, "format": r.format} for r in self.mismatched],
            "imbalance": self.imbalance(),
            "ignored": self.ignored,
            "images": [{k: v for k, v in asdict(r).items() if k != "phash"} | {"phash": f"{r.phash:016x}" if r.phash is not None else None}
                       for r in self.records],
        }


def _split_order(name: str) -> int:
    return SPLIT_NAMES.index(name) if name in SPLIT_NAMES else len(SPLIT_NAMES)


# --- listing and inspecting files ---------------------------------------------------------------

def _collect(root: Path) -> tuple[str, list[str], list[tuple[str, str | None, str]], list[str]]:
    """Layout, classes, ``(relative path, split, label)`` per image, and ignored non-image files."""
    if not is_presplit(root):
        items, skipped = scan_class_folders(root)
        entries = [(p, None, items.classes[lab]) for p, lab in zip(items.paths, items.labels)]
        return "flat", items.classes, entries, [p.relative_to(root).as_posix() for p in skipped]
    train, _ = scan_class_folders(root / "train")
    entries: list[tuple[str, str | None, str]] = []
    ignored: list[str] = []
    for split in SPLIT_NAMES:
        if not (root / split).is_dir():
            continue
        part, skipped = scan_class_folders(root / split, classes=train.classes)
        entries += [(f"{split}/{p}", split, part.classes[lab]) for p, lab in zip(part.paths, part.labels)]
        ignored += [p.relative_to(root).as_posix() for p in skipped]
    return "split", train.classes, entries, ignored


def file_sha256(path: Path) -> str:
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


# --- duplicates -------------------------------------------------------------------------------------

def _popcount(x: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):  # numpy >= 2
        return np.bitwise_count(x)
    return np.unpackbits(x.view(np.uint8).reshape(*x.shape, 8), axis=-1).sum(-1)


def near_pairs(hashes: np.ndarray, threshold: int, chunk: int = 512) -> list[tuple[int, int]]:
    """Index pairs ``i < j`` whose 64-bit hashes differ in at most ``threshold`` bits (all pairs, chunked)."""
    hashes = np.asarray(hashes, dtype=np.uint64)
    pairs: list[tuple[int, int]] = []
    for start in range(0, len(hashes), chunk):
        dist = _popcount(hashes[start:start + chunk, None] ^ hashes[None, :])
        rows, cols = np.nonzero(dist <= threshold)
        rows = rows + start
        keep = cols > rows
        pairs += list(zip(rows[keep].tolist(), cols[keep].tolist()))
    return pairs


def _components(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    return [g for g in groups.values() if len(g) > 1]


def _scopes(members: list[ImageRecord]) -> list[str]:
    scopes = []
    if any(n > 1 for n in Counter((r.split, r.label) for r in members).values()):
        scopes.append("within class")
    if len({r.label for r in members}) > 1:
        scopes.append("across classes")
    if len({r.split for r in members}) > 1:
        scopes.append("across splits")
    return scopes


def _keep_key(r: ImageRecord) -> tuple:
    """The copy to keep sorts first: in train (or a flat layout), more pixels, more bytes, first path."""
    return (r.split not in (None, "train"), -(r.width * r.height), -r.bytes, r.path)


def _group(kind: str, members: list[ImageRecord], distance: int = 0) -> DuplicateGroup:
    members = sorted(members, key=_keep_key)
    return DuplicateGroup(kind, [r.path for r in members], _scopes(members), members[0].path, distance)


def find_duplicates(records: list[ImageRecord], near_threshold: int) -> list[DuplicateGroup]:
    """Exact groups (same SHA-256) and near groups (pHash within ``near_threshold``, more than one SHA).

    Every exact group lies inside one near group (equal bytes give equal hashes), and both pick the
    kept file with the same rule, so fixing keeps exactly one file of each connected set.
    """
    readable = [r for r in records if r.error is None]
    by_sha: dict[str, list[ImageRecord]] = defaultdict(list)
    for r in readable:
        by_sha[r.sha256].append(r)
    groups = [_group("exact", members) for members in by_sha.values() if len(members) > 1]
    hashed = [r for r in readable if r.phash is not None]
    if near_threshold < 0 or len(hashed) < 2:
        return groups
    hashes = np.array([r.phash for r in hashed], dtype=np.uint64)
    for comp in _components(len(hashed), near_pairs(hashes, near_threshold)):
        members = [hashed[i] for i in comp]
        if len({r.sha256 for r in members}) > 1:
            sub = hashes[comp]
            distance = int(_popcount(sub[:, None] ^ sub[None, :]).max())
            groups.append(_group("near", members, distance))
    return groups


# --- the check, its report, the fix -------------------------------------------------------------

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


def _listing(lines: list[str]) -> list[str]:
    more = [f"    ... and {len(lines) - LIST_LIMIT} more (all in the JSON report)"] if len(lines) > LIST_LIMIT else []
    return [f"    {line}" for line in lines[:LIST_LIMIT]] + more


def _format_duplicates(report: CheckReport) -> list[str]:
    if not report.duplicates:
        return ["duplicates: none"]
    n_exact = sum(g.kind == "exact" for g in report.duplicates)
    lines = [f"duplicates: {len(report.duplicates)} group(s): {n_exact} exact (same bytes), "
             f"{len(report.duplicates) - n_exact} near (pHash distance <= {report.options.near_threshold} of 64 bits)"]
    lines += _listing([f"{g.kind} [{', '.join(g.scopes)}]: keep {g.keep}; copies: {', '.join(p for p in g.paths if p != g.keep)}"
                       for g in report.duplicates])
    if any("across classes" in g.scopes for g in report.duplicates):
        lines.append("  across classes: one picture under two labels; decide which label is right (--fix keeps the first copy listed)")
    if report.leaks:
        lines.append(f"  LEAKAGE: {len(report.leaks)} group(s) have copies in more than one split (train vs val/test): "
                     "those val/test scores measure memory, not generalisation")
        lines += _listing([" = ".join(g.paths) for g in report.leaks])
    elif report.layout == "flat":
        lines.append("  (flat layout: the tool's train/val split can put copies on both sides, which is leakage)")
    return lines


def _format_imbalance(report: CheckReport) -> list[str]:
    lines = [f"class balance (largest/smallest, flagged above {report.options.max_imbalance:g}):"]
    for split, info in report.imbalance().items():
        ratio = "inf (a class has no readable image)" if info["ratio"] is None else f"{info['ratio']:.2f}"
        counts = ", ".join(f"{c} {n}" for c, n in info["counts"].items())
        flag = "  <- imbalanced: watch per-class recall and F1 (macro), or add images to the small classes" if info["flagged"] else ""
        lines.append(f"    {split}: {ratio} ({counts}){flag}")
    return lines


def format_report(report: CheckReport) -> str:
    """The terminal report: one section per check, problems listed with their paths."""
    layout = "DATA/<class>/*" if report.layout == "flat" else "DATA/{train,val,test}/<class>/*"
    lines = [f"dataset {report.root} ({layout}): {len(report.records)} images, {len(report.classes)} classes"]
    lines.append(f"corrupt or unreadable: {len(report.corrupt)}")
    lines += _listing([f"{r.path}: {r.error}" for r in report.corrupt])
    lines += _format_duplicates(report)
    lines.append(f"tiny (shorter side < {report.options.min_side} px): {len(report.tiny)}")
    lines += _listing([f"{r.path}: {r.width}x{r.height}" for r in report.tiny])
    lines.append(f"extension does not match the content: {len(report.mismatched)}")
    lines += _listing([f"{r.path}: named {Path(r.path).suffix} but is {r.format} (rename to {FORMAT_EXTENSIONS.get(r.format, ('?',))[0]})"
                       for r in report.mismatched])
    lines += _format_imbalance(report)
    if report.ignored:
        lines.append(f"ignored (no image extension, training skips them too): {len(report.ignored)}")
        lines += _listing(report.ignored)
    lines.append(f"{report.n_problems} problem(s) found" if report.n_problems else "no problems found")
    return "\n".join(lines)


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
    before = sorted({(r.split, r.label) for r in report.records}, key=lambda k: (_split_order(k[0] or ""), k[1]))
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
    names = sorted(splits, key=_split_order)
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
        big, small = max(counts, key=counts.get), min(counts, key=counts.get)
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
