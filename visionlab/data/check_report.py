"""What ``visionlab data check`` found: per-file records, duplicate groups, the report and its terminal form."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from visionlab.data.check_options import CheckOptions
from visionlab.data.folders import SPLIT_NAMES
from visionlab.data.quarantine import Move

# Decoded format (Pillow's name) -> extensions that name it honestly; the first is the one to use.
# MPO is what Pillow calls camera JPEGs with a second (preview) picture.
FORMAT_EXTENSIONS = {
    "JPEG": (".jpg", ".jpeg"), "MPO": (".jpg", ".jpeg"), "PNG": (".png",), "GIF": (".gif",),
    "WEBP": (".webp",), "BMP": (".bmp",), "TIFF": (".tif", ".tiff"),
}
LIST_LIMIT = 20  # lines per section in the terminal report (the JSON has everything)


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
        """Files that could not be decoded."""
        return [r for r in self.records if r.error is not None]

    @property
    def tiny(self) -> list[ImageRecord]:
        """Readable images whose shorter side is below ``options.min_side``."""
        return [r for r in self.records if r.error is None and min(r.width, r.height) < self.options.min_side]

    @property
    def mismatched(self) -> list[ImageRecord]:
        """Readable images whose extension does not name their decoded format."""
        return [r for r in self.records if r.error is None and r.format is not None
                and Path(r.path).suffix.lower() not in FORMAT_EXTENSIONS.get(r.format, ())]

    @property
    def leaks(self) -> list[DuplicateGroup]:
        """Duplicate groups with copies in more than one split (leakage)."""
        return [g for g in self.duplicates if "across splits" in g.scopes]

    def imbalance(self) -> dict[str, dict]:
        """Per split (``all`` in a flat layout): readable images per class, largest/smallest ratio, flag."""
        out = {}
        for split in sorted({r.split or "all" for r in self.records}, key=split_order):
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
        """Corrupt files, duplicate groups, tiny images, mismatched extensions and imbalanced splits, counted."""
        flagged = sum(v["flagged"] for v in self.imbalance().values())
        return len(self.corrupt) + len(self.duplicates) + len(self.tiny) + len(self.mismatched) + flagged

    def to_dict(self) -> dict:
        """The JSON report (``--json FILE``, and ``check.json`` in the quarantine)."""
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


def split_order(name: str) -> int:
    """Sort key of a split name: train, val, test, then anything else (``all`` in a flat layout)."""
    return SPLIT_NAMES.index(name) if name in SPLIT_NAMES else len(SPLIT_NAMES)


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
    lines += _listing([f"{r.path}: named {Path(r.path).suffix} but is {r.format} (rename to {FORMAT_EXTENSIONS.get(r.format or '', ('?',))[0]})"
                       for r in report.mismatched])
    lines += _format_imbalance(report)
    if report.ignored:
        lines.append(f"ignored (no image extension, training skips them too): {len(report.ignored)}")
        lines += _listing(report.ignored)
    lines.append(f"{report.n_problems} problem(s) found" if report.n_problems else "no problems found")
    return "\n".join(lines)
