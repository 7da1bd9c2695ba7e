"""One download of ``visionlab data fetch``: HTTP with retries, size and time limits, a complete decode, an atomic rename.

Decisions:
    * HTTP with ``requests`` (pinned in pyproject) rather than urllib: separate connect and read
      timeouts, streamed bodies that can be abandoned mid-way, a redirect limit that raises
      ``TooManyRedirects`` (with the chain, to tell a loop from a long chain) and per-host connection
      pools, all with less code than urllib's single timeout and redirect handler.
    * Retries with exponential backoff for 5xx, 429, timeouts and connection errors only; other
      4xx (404, 403, ...) are final at once.
    * Size limit: a ``Content-Length`` above it is refused before reading; otherwise the body is
      streamed and abandoned as soon as it passes the limit (servers often omit the header).
    * An image is what Pillow decodes *completely* (``Image.open(...).load()``), not what the
      extension or ``Content-Type`` claims; the file extension comes from the decoded format.
    * Atomic writes: bytes stream into a hidden ``.part-*`` file in the class folder (the dataset
      scanner skips dot-files), are checked, then renamed to their final name in one step, so no
      half-written image ever carries an image name.
    * Politeness: at most ``per_host`` downloads per host (:class:`HostLimiter`).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
import warnings
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from visionlab.data.check_report import FORMAT_EXTENSIONS
from visionlab.data.fetch_options import MB, FetchOptions
from visionlab.data.images import MAX_PIXELS
from visionlab.data.web_search import one_line

CHUNK = 64 * 1024


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
        raise _Fail("truncated image" if "truncated" in str(exc).lower() else f"corrupt image ({one_line(exc, 80)})") from None
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
        """Hold one of ``host``'s slots for the duration of the ``with`` block (waits while all are taken)."""
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
                "sha256": sha, "bytes": size, "width": w, "height": h, "format": fmt, "time": now_iso()}

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


def now_iso() -> str:
    """The current UTC time to the second, ISO 8601, as manifest and failure lines record it."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
