"""``visionlab data fetch``: build a class-folder dataset from web image search, carefully.

Flow: one image search per ``--class NAME QUERY`` (the ``ddgs`` package, successor of
``duckduckgo_search``; ``DDGS().images(query, max_results=n)`` returns dicts whose ``"image"`` key is
the picture's URL), then concurrent downloads into ``OUT/<class>/<sha256[:16]>.<ext>``, the lab's
class-folder layout, so ``visionlab data check OUT`` and ``visionlab train classify OUT`` work on it.

Decisions:
    * HTTP with ``requests`` (pinned in pyproject) rather than urllib: separate connect and read
      timeouts, streamed bodies that can be abandoned mid-way, a redirect limit that raises
      ``TooManyRedirects`` (with the chain, to tell a loop from a long chain) and per-host connection
      pools, all with less code than urllib's single timeout and redirect handler.
    * Retries with exponential backoff for 5xx, 429, timeouts and connection errors only; other
      4xx (404, 403, ...) are final at once. Failures that could pass later (5xx, timeouts) are
      tried again by the next run; final ones are skipped by it.
    * Size limit: a ``Content-Length`` above it is refused before reading; otherwise the body is
      streamed and abandoned as soon as it passes the limit (servers often omit the header).
    * An image is what Pillow decodes *completely* (``Image.open(...).load()``), not what the
      extension or ``Content-Type`` claims; the file extension comes from the decoded format.
    * Atomic writes: bytes stream into a hidden ``.part-*`` file in the class folder (the dataset
      scanner skips dot-files), are checked, then renamed to their final name in one step, so no
      half-written image ever carries an image name.
    * Resume: ``OUT/manifest.jsonl`` (one line per saved image: URL, query, class, path, SHA-256,
      bytes, width, height, format, time) and ``OUT/failures.jsonl`` (URL, query, class, reason, tries,
      retryable, time) are read back; URLs already saved, or failed for good, are not requested again.
      A file deleted or quarantined by hand is therefore not fetched again: curating sticks.
      Names come from the content hash, so the same picture found twice in a class is saved once.
    * Politeness: at most ``per_host`` (2) downloads per host and ``workers`` (8) in all, URLs
      interleaved across hosts, and a User-Agent that names visionlab.
    * Offline: a search that fails because the network is unreachable (DNS, connect, timeout) raises
      :class:`SearchError` with a one-line message at once, before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
import uuid
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from visionlab._version import __version__
from visionlab.data.check import FORMAT_EXTENSIONS
from visionlab.data.folders import SPLIT_NAMES
from visionlab.data.images import MAX_PIXELS
from visionlab.errors import ConfigError, VisionLabError
from visionlab.utils.progress import progress

USER_AGENT = f"visionlab/{__version__} (dataset fetcher for coursework; python-requests)"
MANIFEST = "manifest.jsonl"
FAILURES = "failures.jsonl"
CHUNK = 64 * 1024
MB = 1024 * 1024
OFFLINE_HINTS = ("dns", "name or service not known", "name resolution", "error sending request", "network is unreachable",
                 "connection refused", "connect error", "connecterror", "failed to connect", "timed out", "no route to host")


class SearchError(VisionLabError):
    """The image search cannot run (offline, rate-limited, refused); the message says what to do."""


@dataclass
class FetchOptions:
    """How ``data fetch`` downloads.

    Attributes:
        n: Search results requested per ``--class`` query (fewer are saved: failures and copies drop out).
        workers: Concurrent downloads in all.
        per_host: Concurrent downloads per host.
        connect_timeout, read_timeout: Seconds to connect, and to wait for each piece of the body.
        total_timeout: Seconds one download may take in all (a server trickling bytes).
        tries: Attempts per URL for retryable failures (5xx, 429, timeouts, connection errors).
        backoff: Seconds before the second attempt; doubled for each further one.
        max_bytes: Larger files are refused (``Content-Length``) or abandoned while streaming.
        max_redirects: Longer redirect chains fail ("redirect loop" when a URL repeats).
        min_side: Smaller pictures (icons, tracking pixels) are not saved.
        search_timeout: Seconds for the search request.
        quiet: No progress bar.
    """

    n: int = 150
    workers: int = 8
    per_host: int = 2
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 60.0
    tries: int = 3
    backoff: float = 1.0
    max_bytes: int = 10 * MB
    max_redirects: int = 5
    min_side: int = 32
    search_timeout: int = 10
    user_agent: str = USER_AGENT
    quiet: bool = False

    def validate(self) -> None:
        for name in ("n", "workers", "per_host", "tries", "max_bytes", "search_timeout"):
            if getattr(self, name) < 1:
                raise ConfigError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name.replace('_', ' ')} must be positive, got {getattr(self, name)}")
        if self.backoff < 0 or self.max_redirects < 0 or self.min_side < 0:
            raise ConfigError("backoff, max redirects and min side must not be negative")


@dataclass
class Hit:
    """One search result to download."""

    url: str
    query: str
    label: str


@dataclass
class Outcome:
    """What became of one URL: a manifest ``record`` when saved, else a ``reason``."""

    hit: Hit
    record: dict | None = None
    reason: str | None = None
    retryable: bool = False
    tries: int = 1


@dataclass
class FetchResult:
    """Per class: results found, saved now, skipped (done before), and every failure of this run."""

    out: Path
    found: dict[str, int] = field(default_factory=dict)
    saved: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)


# --- search ---------------------------------------------------------------------------------------

def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [x for x in (e.__cause__, e.__context__, *e.args) if isinstance(x, BaseException)]


def looks_offline(exc: BaseException) -> bool:
    """True when an error from the search says the network (DNS, connect, timeout) is unreachable."""
    for e in _exception_chain(exc):
        if isinstance(e, (ConnectionError, socket.gaierror, TimeoutError)) or type(e).__name__ == "TimeoutException":
            return True
        if any(hint in str(e).lower() for hint in OFFLINE_HINTS):
            return True
    return False


def _one_line(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def search_images(query: str, max_results: int, timeout: int = 10) -> list[str]:
    """Image URLs for ``query`` from ``ddgs``: the only place that calls the search service.

    Raises:
        SearchError: Offline, rate-limited or any other search failure, in one actionable line.
    """
    from ddgs import DDGS
    from ddgs.exceptions import DDGSException, RatelimitException

    try:
        results = DDGS(timeout=timeout).images(query, max_results=max_results)
    except RatelimitException:
        raise SearchError(f"the image search for {query!r} was rate-limited; wait a few minutes and run the same "
                          "command again (files already downloaded are kept and skipped)") from None
    except (DDGSException, OSError) as exc:
        if looks_offline(exc):
            raise SearchError(f"no network: the image search for {query!r} could not reach the search service "
                              f"({_one_line(exc, 100)}); connect to the internet (or check a proxy via DDGS_PROXY) "
                              "and run the same command again") from None
        if "no results found" in str(exc).lower():
            return []
        raise SearchError(f"the image search for {query!r} failed ({_one_line(exc)}); try again later or change the query") from None
    urls = [r.get("image") for r in results if isinstance(r, dict)]
    return [u for u in urls if isinstance(u, str) and u.startswith(("http://", "https://"))]


# --- one download -------------------------------------------------------------------------------

class _Retry(Exception):
    """A failure worth another attempt (5xx, 429, timeout, connection error)."""


class _Fail(Exception):
    """A final failure; ``args[0]`` is the reason."""


def size_text(n: int) -> str:
    """``10 MB`` / ``200 KB``, as limits are written in reasons."""
    value, unit = (n / MB, "MB") if n >= MB else (n / 1024, "KB")
    return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"


def _sniff(head: bytes) -> str:
    """What bytes that are not an image look like, for the failure reason."""
    text = head.lstrip()[:200].lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        return "text/html"
    if b"<svg" in text:
        return "image/svg+xml, a vector drawing"
    if text.startswith((b"<?xml", b"<")):
        return "xml or html"
    if text.startswith((b"{", b"[")):
        return "json"
    if not head:
        return "empty body"
    if all(32 <= c < 127 or c in (9, 10, 13) for c in head[:200]):
        return "text/plain"
    return "unknown binary data"


def _inspect_image(path: Path, content_type: str) -> tuple[str, int, int]:
    """Decode the downloaded file completely; returns (format, width, height).

    Raises:
        _Fail: Not an image, truncated, corrupt, too many pixels, or a format the lab does not read.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                fmt, (w, h) = img.format, img.size
                if w * h > MAX_PIXELS:
                    raise _Fail(f"too many pixels ({w}x{h})")
                img.load()
    except UnidentifiedImageError:
        with open(path, "rb") as f:
            kind = _sniff(f.read(512))
        served = f"; served as {content_type}" if content_type and content_type != kind else ""
        raise _Fail(f"not an image ({kind}{served})") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Fail("too many pixels (decompression bomb)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _Fail("truncated image" if "truncated" in str(exc).lower() else f"corrupt image ({_one_line(exc, 80)})") from None
    if fmt not in FORMAT_EXTENSIONS:
        raise _Fail(f"unsupported image format {fmt}")
    return fmt, w, h


class HostLimiter:
    """At most ``per_host`` concurrent downloads per host name."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            sem = self._slots.setdefault(host, threading.Semaphore(self._per_host))
        with sem:
            yield


class Downloader:
    """Downloads one URL at a time per thread (a ``requests.Session`` per thread) into a class folder."""

    def __init__(self, out: Path, opts: FetchOptions, known: dict[str, set[str]] | None = None) -> None:
        self.out, self.opts = out, opts
        self.known: dict[str, set[str]] = defaultdict(set, known or {})  # class -> SHA-256 of the saved files
        self.limiter = HostLimiter(opts.per_host)
        self._local = threading.local()
        self._claim = threading.Lock()

    def _session(self):
        import requests

        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.opts.user_agent
            session.max_redirects = self.opts.max_redirects
            adapter = requests.adapters.HTTPAdapter(pool_connections=16, pool_maxsize=self.opts.per_host)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    def fetch(self, hit: Hit) -> Outcome:
        """Download ``hit`` with retries; never raises for network or content problems."""
        host = urlsplit(hit.url).netloc.lower()
        reason = "unknown failure"
        with self.limiter.slot(host):
            for attempt in range(1, self.opts.tries + 1):
                try:
                    return Outcome(hit, record=self._attempt(hit), tries=attempt)
                except _Fail as exc:
                    return Outcome(hit, reason=str(exc), tries=attempt)
                except _Retry as exc:
                    reason = str(exc)
                if attempt < self.opts.tries:
                    time.sleep(self.opts.backoff * 2 ** (attempt - 1))
        tries = self.opts.tries
        return Outcome(hit, reason=f"{reason} after {tries} tries" if tries > 1 else reason, retryable=True, tries=tries)

    def _attempt(self, hit: Hit) -> dict:
        import requests

        try:
            timeout = (self.opts.connect_timeout, self.opts.read_timeout)
            with self._session().get(hit.url, stream=True, timeout=timeout) as resp:
                return self._receive(hit, resp)
        except requests.TooManyRedirects as exc:
            raise _Fail(_redirect_reason(exc, self.opts.max_redirects)) from None
        except requests.Timeout:
            raise _Retry("timeout") from None
        except requests.ConnectionError as exc:
            raise _Retry("timeout" if "timed out" in str(exc).lower() else "connection failed") from None
        except requests.RequestException as exc:
            raise _Fail(f"bad url or request ({type(exc).__name__})") from None

    def _receive(self, hit: Hit, resp) -> dict:
        code = resp.status_code
        if code >= 500 or code == 429:
            raise _Retry(f"http {code}")
        if not 200 <= code < 300:
            raise _Fail(f"http {code}")
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.opts.max_bytes:
            raise _Fail(f"over size limit {size_text(self.opts.max_bytes)}")
        folder = self.out / hit.label
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".part-{uuid.uuid4().hex}"
        try:
            sha, size = self._stream(resp, tmp)
            content_type = resp.headers.get("Content-Type", "").split(";")[0].strip()
            fmt, w, h = _inspect_image(tmp, content_type)
            if min(w, h) < self.opts.min_side:
                raise _Fail(f"too small ({w}x{h} px; at least {self.opts.min_side} needed)")
            final = folder / f"{sha[:16]}{FORMAT_EXTENSIONS[fmt][0]}"
            with self._claim:  # one file per picture and class, even when two URLs serve the same bytes
                if sha in self.known[hit.label]:
                    raise _Fail(f"same picture as {final.relative_to(self.out).as_posix()} (saved once)")
                self.known[hit.label].add(sha)
            os.replace(tmp, final)  # atomic: the image name only ever holds a complete, checked file
        finally:
            tmp.unlink(missing_ok=True)
        return {"url": hit.url, "query": hit.query, "class": hit.label, "path": final.relative_to(self.out).as_posix(),
                "sha256": sha, "bytes": size, "width": w, "height": h, "format": fmt, "time": _now()}

    def _stream(self, resp, tmp: Path) -> tuple[str, int]:
        import requests

        digest, size, start = hashlib.sha256(), 0, time.monotonic()
        with open(tmp, "wb") as f:
            try:
                for chunk in resp.iter_content(CHUNK):
                    size += len(chunk)
                    if size > self.opts.max_bytes:
                        raise _Fail(f"over size limit {size_text(self.opts.max_bytes)}")
                    if time.monotonic() - start > self.opts.total_timeout:
                        raise _Fail(f"timeout (download slower than {self.opts.total_timeout:g} s in total)")
                    digest.update(chunk)
                    f.write(chunk)
            except requests.RequestException as exc:  # connection dropped or stalled mid-body
                raise _Retry("timeout" if "timed out" in str(exc).lower() else "connection broken") from None
        return digest.hexdigest(), size


def _redirect_reason(exc, limit: int) -> str:
    resp = getattr(exc, "response", None)
    chain = [r.url for r in getattr(resp, "history", [])] + ([resp.url] if resp is not None else [])
    if len(set(chain)) < len(chain):
        return "redirect loop"
    return f"too many redirects (more than {limit})"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- the whole fetch ------------------------------------------------------------------------------

def check_class_name(name: str) -> None:
    """Refuse names that cannot be a class folder of the lab's layout.

    Raises:
        ConfigError: Empty, a path, hidden, or a split name.
    """
    if not name.strip() or "/" in name or "\\" in name or name in (".", ".."):
        raise ConfigError(f"class name {name!r} must be a plain folder name (no slashes), e.g. --class cat \"cat photo\"")
    if name.startswith("."):
        raise ConfigError(f"class name {name!r} starts with a dot, and such folders are skipped as hidden; drop the dot")
    if name in SPLIT_NAMES:
        raise ConfigError(f"class name {name!r} is a split folder name of the pre-split layout; choose another name")


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSON-lines file; a line cut short by an interruption is skipped."""
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


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
               "retryable": outcome.retryable, "time": _now()}
    _append_jsonl(out / FAILURES, failure)
    result.failures.append(failure)


def fetch_images(out: str | Path, classes: list[tuple[str, str]], options: FetchOptions | None = None) -> FetchResult:
    """Search and download images for each ``(class name, query)`` into ``out/<class>/``.

    Safe to run again with the same arguments: it continues where the last run stopped.

    Raises:
        ConfigError: Bad class name or option.
        SearchError: The search cannot run (e.g. offline); raised before anything is downloaded.

    Example:
        >>> fetch_images("data/pets", [("cat", "cat photo"), ("dog", "dog photo")])  # doctest: +SKIP
    """
    out = Path(out)
    opts = options or FetchOptions()
    opts.validate()
    if not classes:
        raise ConfigError('give at least one --class NAME "QUERY"')
    for label, _ in classes:
        check_class_name(label)
    result = FetchResult(out)
    hits = _plan(out, classes, opts, result)  # every search first: offline fails here, at once
    out.mkdir(parents=True, exist_ok=True)
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
