"""``visionlab data fetch``: build a class-folder dataset from web image search, carefully.

Flow: one image search per ``(class name, query)`` (:mod:`visionlab.data.web_search`, the ``ddgs``
package), then concurrent downloads (:mod:`visionlab.data.download`) into
``OUT/<class>/<sha256[:16]>.<ext>``, the lab's class-folder layout, so ``visionlab data check OUT``
and ``visionlab train classify OUT`` work on it. Options: :class:`~visionlab.data.fetch_options.FetchOptions`.

Decisions:
    * HTTP with ``requests``, retries with exponential backoff for 5xx, 429, timeouts and
      connection errors only, size limits, complete decoding and atomic writes: see
      :mod:`visionlab.data.download`. Failures that could pass later (5xx, timeouts) are tried
      again by the next run; final ones are skipped by it.
    * Resume: ``OUT/manifest.jsonl`` (one line per saved image: URL, query, class, path, SHA-256,
      bytes, width, height, format, time) and ``OUT/failures.jsonl`` (URL, query, class, reason, tries,
      retryable, time) are read back; URLs already saved, or failed for good, are not requested again.
      A file deleted or quarantined by hand is therefore not fetched again: curating sticks.
      A last line cut short by a kill is dropped before the run appends (its URL is fetched again).
      Names come from the content hash, so the same picture found twice in a class is saved once.
    * Politeness: at most ``per_host`` (2) downloads per host and ``workers`` (8) in all, URLs
      interleaved across hosts, and a User-Agent that names visionlab.
    * Offline: a search that fails because the network is unreachable (DNS, connect, timeout) raises
      :class:`SearchError` with a one-line message at once, before anything is written.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from visionlab.data.download import CHUNK, Downloader, Hit, HostLimiter, Outcome, now_iso, size_text
from visionlab.data.fetch_options import MB, USER_AGENT, FetchOptions
from visionlab.data.folders import SPLIT_NAMES
from visionlab.data.web_search import OFFLINE_HINTS, SearchError, looks_offline, search_images
from visionlab.errors import ParamError
from visionlab.utils.progress import progress

__all__ = [
    "CHUNK", "FAILURES", "MANIFEST", "MB", "OFFLINE_HINTS", "USER_AGENT", "Downloader", "FetchOptions", "FetchResult", "Hit", "HostLimiter",
    "Outcome", "SearchError", "check_class_name", "fetch_images", "format_summary", "looks_offline", "read_jsonl", "search_images",
    "size_text",
]

MANIFEST = "manifest.jsonl"
FAILURES = "failures.jsonl"


@dataclass
class FetchResult:
    """Per class: results found, saved now, skipped (done before), and every failure of this run."""

    out: Path
    found: dict[str, int] = field(default_factory=dict)
    saved: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)


# --- the whole fetch ------------------------------------------------------------------------------

def check_class_name(name: str) -> None:
    """Refuse names that cannot be a class folder of the lab's layout.

    Raises:
        ParamError: Empty, a path, hidden, or a split name (``param`` is ``classes``).
    """
    if not name.strip() or "/" in name or "\\" in name or name in (".", ".."):
        raise ParamError("classes", f"classes: class name {name!r} must be a plain folder name (no slashes), such as cat or red_panda")
    if name.startswith("."):
        raise ParamError("classes", f"classes: class name {name!r} starts with a dot, and such folders are skipped as hidden; drop the dot")
    if name in SPLIT_NAMES:
        raise ParamError("classes", f"classes: class name {name!r} is a split folder name of the pre-split layout; choose another name")


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSON-lines file; a line cut short by an interruption is skipped.

    Lines are decoded one by one: a line cut inside a multi-byte character spoils only itself.
    """
    if not path.is_file():
        return []
    records = []
    for line in path.read_bytes().splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # JSONDecodeError, UnicodeDecodeError
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def _end_torn_line(path: Path) -> None:
    """Repair a JSON-lines file whose last line a kill cut short (no final newline) before appending to it.

    Appending after such a fragment would glue the next record onto it and lose both. A last line
    that is a whole record only lacks its newline, which is added; a fragment is removed (its URL
    is then fetched again). Whole lines are never touched.
    """
    if not path.is_file():
        return
    with open(path, "rb+") as f:
        data = f.read()
        if not data or data.endswith(b"\n"):
            return
        start = data.rfind(b"\n") + 1
        try:
            whole = isinstance(json.loads(data[start:]), dict)
        except ValueError:
            whole = False
        if whole:
            f.write(b"\n")
        else:
            f.truncate(start)


def _append_jsonl(path: Path, record: dict) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")


def _interleave_hosts(hits: list[Hit]) -> list[Hit]:
    """Round-robin over hosts so that one busy host does not hold every worker waiting for a slot."""
    by_host: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_host[urlsplit(hit.url).netloc.lower()].append(hit)
    queues = list(by_host.values())
    order = []
    for i in range(max((len(q) for q in queues), default=0)):
        order += [q[i] for q in queues if i < len(q)]
    return order


def _plan(out: Path, classes: list[tuple[str, str]], opts: FetchOptions, result: FetchResult) -> list[Hit]:
    """Search every query, then drop URLs saved before, failed for good before, or repeated."""
    done = {(r.get("class"), r.get("url")) for r in read_jsonl(out / MANIFEST)}
    final = {(r.get("class"), r.get("url")) for r in read_jsonl(out / FAILURES) if not r.get("retryable")}
    searched = [(label, query, search_images(query, opts.n, opts.search_timeout)) for label, query in classes]
    hits: list[Hit] = []
    seen: set[tuple[str, str]] = set()
    for label, query, urls in searched:
        result.found[label] = result.found.get(label, 0) + len(urls)
        for url in urls:
            key = (label, url)
            if key in seen:
                continue
            seen.add(key)
            if key in done or key in final:
                result.skipped[label] = result.skipped.get(label, 0) + 1
            else:
                hits.append(Hit(url, query, label))
    return hits


def _record(out: Path, outcome: Outcome, result: FetchResult) -> None:
    """Log one outcome (main thread only): manifest line, or failure line with its reason."""
    hit = outcome.hit
    if outcome.record is not None:
        _append_jsonl(out / MANIFEST, outcome.record)
        result.saved[hit.label] = result.saved.get(hit.label, 0) + 1
        return
    failure = {"url": hit.url, "query": hit.query, "class": hit.label, "reason": outcome.reason, "tries": outcome.tries,
               "retryable": outcome.retryable, "time": now_iso()}
    _append_jsonl(out / FAILURES, failure)
    result.failures.append(failure)


def fetch_images(out: str | Path, classes: list[tuple[str, str]], options: FetchOptions | None = None) -> FetchResult:
    """Search and download images for each ``(class name, query)`` into ``out/<class>/``.

    Safe to run again with the same arguments: it continues where the last run stopped.

    Raises:
        ParamError: Bad class name or option (a :class:`~visionlab.errors.ConfigError`).
        SearchError: The search cannot run (e.g. offline); raised before anything is downloaded.

    Example:
        >>> fetch_images("data/pets", [("cat", "cat photo"), ("dog", "dog photo")])  # doctest: +SKIP
    """
    out = Path(out)
    opts = options or FetchOptions()
    opts.validate()
    if not classes:
        raise ParamError("classes", "classes must hold at least one (class name, query) pair")
    for label, _ in classes:
        check_class_name(label)
    result = FetchResult(out)
    hits = _plan(out, classes, opts, result)  # every search first: offline fails here, at once
    out.mkdir(parents=True, exist_ok=True)
    for name in (MANIFEST, FAILURES):
        _end_torn_line(out / name)
    known: dict[str, set[str]] = defaultdict(set)
    for r in read_jsonl(out / MANIFEST):
        known[r.get("class", "")].add(r.get("sha256", ""))
    downloader = Downloader(out, opts, known)
    with ThreadPoolExecutor(max_workers=opts.workers) as pool:
        futures = [pool.submit(downloader.fetch, hit) for hit in _interleave_hosts(hits)]
        try:
            for future in progress(as_completed(futures), "downloading", opts.quiet, total=len(futures)):
                _record(out, future.result(), result)
        except BaseException:
            for f in futures:
                f.cancel()  # Ctrl-C: stop queued downloads; finished ones are already logged
            raise
    return result


def format_summary(result: FetchResult) -> str:
    """Per class counts, failure reasons with counts, where the files are and what to run next."""
    lines = []
    for label in result.found:
        failed = sum(f["class"] == label for f in result.failures)
        lines.append(f"{label}: {result.found[label]} search results, {result.saved.get(label, 0)} saved now, "
                     f"{result.skipped.get(label, 0)} done before, {failed} not saved")
    if result.failures:
        reasons = Counter(f["reason"] for f in result.failures)
        lines.append("not saved: " + "; ".join(f"{r} ({n})" for r, n in reasons.most_common()))
    lines.append(f"images in {result.out}/<class>/; manifest {result.out / MANIFEST}; failures {result.out / FAILURES}")
    lines.append(f"next: visionlab data check {result.out}   then   visionlab train classify {result.out} --out runs/NAME")
    return "\n".join(lines)
