"""One download of ``visionlab data fetch``: HTTP with retries, size and time limits, a complete decode, an atomic rename.

Decisions:
    * HTTP with ``requests`` (pinned in pyproject) rather than urllib: separate connect and read
      timeouts, streamed bodies that can be abandoned mid-way, a redirect limit that raises
      ``TooManyRedirects`` (with the chain, to tell a loop from a long chain) and per-host connection
      pools, all with less code than urllib's single timeout and redirect handler.
    * Retries with exponential backoff for 5xx, 429, timeouts and connection errors only; other
      4xx (404, 403, ...) are final at once. A ``Retry-After`` (seconds or a date, parsed by
      urllib3's ``Retry.parse_retry_after``) lengthens the wait up to :data:`RETRY_AFTER_CAP`
      seconds, never shortens it below the backoff: a server cannot park a worker for an hour.
    * Size limit: a ``Content-Length`` above it is refused before reading; otherwise the body is
      streamed and abandoned as soon as it passes the limit (servers often omit the header). The
      limit counts *decoded* bytes: a ``Content-Encoding: gzip`` bomb stops at the limit, and
      urllib3 (2.6 or later) inflates at most one chunk at a time, never the whole body.
    * Time limit: the read timeout bounds each wait for data, not a download, so a server sending a
      few bytes now and then could hold a worker for hours. A watchdog timer shuts the socket down
      when ``total_timeout`` has passed since the request started (a loop over a ``requests``
      stream only sees the clock between 64 KB chunks, which a trickle never completes); that is a
      final failure. The watchdog starts once the headers are in (the socket is reachable only from
      the response): until then each wait is bounded by the read timeout and the headers' size by
      ``http.client`` (100 lines of 64 KB).
    * Redirects go to http and https URLs only: another scheme (``file:``, ``ftp:``, ...) is refused
      with a reason before anything is requested from it (``requests`` has no adapter for them
      anyway, but the reason should say what happened).
    * An image is what Pillow decodes *completely* (``Image.open(...).load()``, plus ``verify()``
      for PNG, whose decoder accepts a file cut after its pixel data), not what the extension or
      ``Content-Type`` claims; the file extension comes from the decoded format. SVG is refused:
      the lab reads raster images only.
    * Atomic writes: bytes stream into a hidden ``.part-*`` file in the class folder (the dataset
      scanner skips dot-files), are checked, then renamed to their final name in one step, so no
      half-written image ever carries an image name.
    * Politeness: at most ``per_host`` downloads per host (:class:`HostLimiter`).
"""

from __future__ import annotations

import hashlib
import os
import socket
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
from urllib.parse import urljoin, urlsplit

from PIL import Image, UnidentifiedImageError

from visionlab.data.check_report import FORMAT_EXTENSIONS
from visionlab.data.fetch_options import MB, FetchOptions
from visionlab.data.images import MAX_PIXELS
from visionlab.data.web_search import one_line

CHUNK = 64 * 1024
RETRY_AFTER_CAP = 5.0  # seconds: the longest wait a Retry-After header can ask for


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
    """A failure worth another attempt (5xx, 429, timeout, connection error); ``wait``: the server's Retry-After."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


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
        _Fail: Not a raster image, truncated, corrupt, too many pixels, or a format the lab does not read.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                fmt, (w, h) = img.format, img.size
                if w * h > MAX_PIXELS:
                    raise _Fail(f"too many pixels ({w}x{h})")
                img.load()
            if fmt == "PNG":  # load() stops after the pixel data: a PNG cut before its IEND chunk decodes
                with Image.open(path) as img:
                    img.verify()  # every chunk's CRC, up to IEND
    except UnidentifiedImageError:
        with open(path, "rb") as f:
            kind = _sniff(f.read(512))
        served = f"; served as {content_type}" if content_type and not kind.startswith(content_type) else ""
        what = "not a raster image" if kind.startswith("image/svg") else "not an image"
        raise _Fail(f"{what} ({kind}{served})") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Fail("too many pixels (decompression bomb)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _Fail("truncated image" if "truncated" in str(exc).lower() else f"corrupt image ({one_line(exc, 80)})") from None
    except MemoryError:
        raise
    except Exception as exc:  # Pillow raises almost anything on hostile files (TypeError on a mistyped TIFF tag, struct.error...)
        raise _Fail(f"corrupt image ({type(exc).__name__}: {one_line(exc, 60)})") from None
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
            session.hooks["response"].append(_refuse_other_schemes)
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
                    reason, asked = str(exc), exc.wait
                if attempt < self.opts.tries:
                    delay = self.opts.backoff * 2 ** (attempt - 1)
                    if asked is not None:  # Retry-After: wait longer when asked, but not for ever
                        delay = max(delay, min(asked, RETRY_AFTER_CAP))
                    time.sleep(delay)
        tries = self.opts.tries
        return Outcome(hit, reason=f"{reason} after {tries} tries" if tries > 1 else reason, retryable=True, tries=tries)

    def _attempt(self, hit: Hit) -> dict:
        import requests

        start = time.monotonic()
        try:
            timeout = (self.opts.connect_timeout, self.opts.read_timeout)
            with self._session().get(hit.url, stream=True, timeout=timeout) as resp:
                return self._receive(hit, resp, start)
        except requests.TooManyRedirects as exc:
            raise _Fail(_redirect_reason(exc, self.opts.max_redirects)) from None
        except requests.Timeout:
            raise _Retry("timeout") from None
        except requests.ConnectionError as exc:
            raise _Retry(_broken_reason(exc, "connection failed")) from None
        except requests.RequestException as exc:
            raise _Fail(f"bad url or request ({type(exc).__name__})") from None
        except ValueError as exc:  # a Location requests cannot parse ("http://[x", bytes that are not UTF-8): not a crash
            raise _Fail(f"unreadable url or redirect location ({one_line(exc, 60)})") from None

    def _receive(self, hit: Hit, resp, start: float) -> dict:
        code = resp.status_code
        if code >= 500 or code == 429:
            raise _Retry(f"http {code}", _retry_after(resp.headers.get("Retry-After")))
        if not 200 <= code < 300:
            raise _Fail(f"http {code}")
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.opts.max_bytes:
            raise _Fail(f"over size limit {size_text(self.opts.max_bytes)}")
        folder = self.out / hit.label
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".part-{uuid.uuid4().hex}"
        try:
            sha, size = self._stream(resp, tmp, start + self.opts.total_timeout)
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

    def _stream(self, resp, tmp: Path, deadline: float) -> tuple[str, int]:
        """Write the (decoded) body to ``tmp``; returns its SHA-256 and size.

        Raises:
            _Fail: Over the size limit, past the deadline, or a corrupt compressed body.
            _Retry: The connection broke or stalled mid-body.
        """
        import requests

        too_slow = f"timeout (download slower than {self.opts.total_timeout:g} s in total)"
        watchdog = _Watchdog(resp, deadline - time.monotonic())
        digest, size = hashlib.sha256(), 0
        try:
            with open(tmp, "wb") as f:
                for chunk in resp.iter_content(CHUNK):  # decoded bytes; blocks until 64 KB, the end, or the watchdog
                    size += len(chunk)
                    if size > self.opts.max_bytes:
                        raise _Fail(f"over size limit {size_text(self.opts.max_bytes)}")
                    if watchdog.expired or time.monotonic() > deadline:
                        raise _Fail(too_slow)
                    digest.update(chunk)
                    f.write(chunk)
        except requests.exceptions.ContentDecodingError:
            encoding = " ".join(resp.headers.get("Content-Encoding", "compressed").split())
            raise _Fail(f"corrupt {encoding[:30]} body") from None
        except requests.RequestException as exc:  # connection dropped or stalled mid-body, or cut by the watchdog
            if watchdog.expired:
                raise _Fail(too_slow) from None
            raise _Retry(_broken_reason(exc, "connection broken")) from None
        finally:
            watchdog.stop()
        if watchdog.expired:  # no Content-Length: the shut-down socket reads as the end of the body
            raise _Fail(too_slow)
        return digest.hexdigest(), size


class _Watchdog:
    """Shuts a response's socket down after ``seconds``, which ends a read blocked on it, unless stopped first."""

    def __init__(self, resp, seconds: float) -> None:
        self.expired = False
        self._resp, self._lock, self._stopped = resp, threading.Lock(), False
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        """After this returns the socket is never touched (its descriptor may be closed and reused next)."""
        with self._lock:
            self._stopped = True
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self.expired = True
            try:
                fd = self._resp.raw.fileno()  # urllib3's response: the socket's descriptor (http.client holds the socket)
            except (OSError, AttributeError, ValueError):  # body already read to its end: nothing blocks
                return
            sock = socket.socket(fileno=fd)  # a second object on the same socket: shut it down, then let go
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            finally:
                sock.detach()  # not close(): the descriptor stays the response's


def _refuse_other_schemes(resp, *args, **kwargs) -> None:
    """Session response hook: a redirect to anything but http(s) (``file:``, ``ftp:``) is a final failure."""
    if resp.is_redirect:
        scheme = urlsplit(urljoin(resp.url, resp.headers["Location"])).scheme.lower()
        if scheme not in ("http", "https"):
            resp.close()
            raise _Fail(f"redirect to {scheme or 'a bad'} url refused (only http and https are followed)")


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date); None when absent or unreadable."""
    from urllib3.exceptions import InvalidHeader
    from urllib3.util import Retry

    if not value:
        return None
    try:
        return Retry(0).parse_retry_after(value)
    except InvalidHeader:
        return None


def _broken_reason(exc: BaseException, default: str) -> str:
    """Why a connection failed, from the exception and those it wraps (requests > urllib3 > socket)."""
    from http.client import IncompleteRead

    todo, seen = [exc], set()
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, TimeoutError) or "timed out" in str(e).lower():
            return "timeout"
        if isinstance(e, IncompleteRead):
            return "body cut short (less than the server announced)"
        if isinstance(e, ConnectionResetError):
            return "connection reset"
        todo += [x for x in (e.__cause__, e.__context__, *e.args) if isinstance(x, BaseException)]
    return default


def _redirect_reason(exc, limit: int) -> str:
    resp = getattr(exc, "response", None)
    chain = [r.url for r in getattr(resp, "history", [])] + ([resp.url] if resp is not None else [])
    if len(set(chain)) < len(chain):
        return "redirect loop"
    return f"too many redirects (more than {limit})"


def now_iso() -> str:
    """The current UTC time to the second, ISO 8601, as manifest and failure lines record it."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
