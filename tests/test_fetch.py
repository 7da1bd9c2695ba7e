"""``data fetch`` against a local HTTP server: what is saved, what is refused and why, resume, offline.

The server's routes include hostile ones: a stalled and a trickling body, 429 with Retry-After, lying
Content-Length, a reset mid-body, long redirect chains and redirects to other schemes, a gzip bomb,
an image bomb, a tiny image, an SVG. Normal routes are served at once and the client's read timeout
is generous (5 s), so a loaded machine cannot fail them by chance; the slow routes are past their
limit by construction (they wait for the client to give up, or for the fixture's teardown).
"""

from __future__ import annotations

import builtins
import dataclasses
import functools
import hashlib
import io
import json
import select
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from visionlab.cli import build_parser, main
from visionlab.data import download, fetch
from visionlab.data.fetch import FetchOptions, fetch_images
from visionlab.errors import ParamError

SIZE_LIMIT = 100 * 1024  # bytes; "over size limit 100 KB"
READ_TIMEOUT = 5.0  # generous: normal routes answer at once, however loaded the machine
STALL_READ_TIMEOUT = 0.3  # the stalled route never answers, so any timeout is passed by construction
TRICKLE_BYTES, TRICKLE_PAUSE = 8, 0.05  # far shorter pauses than READ_TIMEOUT ...


def _encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR declaring ``width`` x ``height`` (8-bit grey), with a token IDAT: a bomb's header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(bytes(1024))) + _png_chunk(b"IEND", b"")


CAT = Image.fromarray(skdata.chelsea()).resize((180, 120))
DOG = Image.fromarray(skdata.coffee()).resize((150, 100))
CAT_JPEG = _encode(CAT, "JPEG", quality=85)
DOG_PNG = _encode(DOG, "PNG")
NOISE_PNG = _encode(Image.fromarray(np.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=np.uint8)), "PNG")
COLOR_PNGS = [_encode(Image.new("RGB", (40, 40), (40 * i, 255 - 40 * i, 100)), "PNG") for i in range(6)]  # distinct pictures
TINY_PNG = _encode(Image.new("RGB", (4, 4), "red"), "PNG")
BOMB_PNG = _png_header_only(30000, 30000)  # 900 Mpx: over twice Pillow's limit (DecompressionBombError)
BOMB_WARN_PNG = _png_header_only(10000, 10000)  # 100 Mpx: over Pillow's limit, under twice it (only a warning in Pillow)
SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
       b'<rect width="64" height="64" fill="red"/></svg>')
assert len(NOISE_PNG) > SIZE_LIMIT and len(CAT_JPEG) < SIZE_LIMIT and len(DOG_PNG) < SIZE_LIMIT
assert len(CAT_JPEG) / TRICKLE_BYTES * TRICKLE_PAUSE > 30  # ... yet the whole trickle takes over 30 s
HTML = b"<!DOCTYPE html><html><head><title>Cat pictures</title></head><body>Please enable JavaScript</body></html>"
BOMB_BYTES = 50 * 1024 * 1024  # what the gzip bomb inflates to: 500 times the size limit


@functools.cache
def gzip_bomb() -> bytes:
    """``BOMB_BYTES`` zeros, gzip-compressed (about 50 KB), made without holding them in memory."""
    packer, zeros = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS), bytes(1024 * 1024)
    body = b"".join(packer.compress(zeros) for _ in range(BOMB_BYTES // len(zeros))) + packer.flush()
    assert len(body) < SIZE_LIMIT  # so Content-Length passes the size check: only the decoded bytes can stop it
    return body


class Handler(BaseHTTPRequestHandler):
    """The routes; class attributes are the server's observations (reset by the ``server`` fixture)."""

    hits: Counter = Counter()  # requests per path (with its query)
    times: defaultdict = defaultdict(list)  # time.monotonic() of each request's arrival, per path
    sent: Counter = Counter()  # body bytes the trickling routes managed to send
    lock = threading.Condition()
    in_flight = max_in_flight = 0
    stop = threading.Event()  # set at teardown: every waiting route returns

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts, size limit)
            pass

    def _send(self, body: bytes, ctype: str, length: int | None = None, headers: dict | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if length != -1:  # -1: no Content-Length
            self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _too_many_requests(self, retry_after: str, then: tuple[bytes, str] | None) -> None:
        """429 with Retry-After on the first request; ``then`` (body, type) on the next ones, or 429 for ever when None."""
        if then is not None and self.hits[self.path] > 1:
            return self._send(*then)
        self.send_response(429)
        self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _client_gone(self) -> bool:
        readable, _, _ = select.select([self.connection], [], [], 0)
        try:
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _stall(self) -> None:
        """Never answer: wait until the client gives up (or teardown), however long its timeout."""
        deadline = time.monotonic() + 60
        while not self.stop.wait(0.02) and not self._client_gone() and time.monotonic() < deadline:
            pass

    def _trickle(self, body: bytes, length: bool) -> None:
        """``TRICKLE_BYTES`` every ``TRICKLE_PAUSE`` s: each wait is short, the whole body takes minutes."""
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for i in range(0, len(body), TRICKLE_BYTES):
            if self.stop.wait(TRICKLE_PAUSE):
                return
            self.wfile.write(body[i:i + TRICKLE_BYTES])  # raises once the client has shut the connection
            self.sent[self.path] += len(body[i:i + TRICKLE_BYTES])

    def _reset_mid_body(self, body: bytes) -> None:
        """Declare the whole body, send half, wait for the client to read it, then reset (RST) the connection."""
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.stop.wait(0.3)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = RST
        self.wfile.close()
        self.rfile.close()
        self.connection.close()

    def _busy(self, body: bytes) -> None:
        """Until two requests have been in flight together (5 s at most), wait for a second one; then hold a moment."""
        with self.lock:
            self.lock.wait_for(lambda: Handler.max_in_flight >= 2, timeout=5.0)
        time.sleep(0.15)
        self._send(body, "image/png")

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        with self.lock:
            Handler.hits[self.path] += 1
            Handler.times[self.path].append(time.monotonic())
            Handler.in_flight += 1
            Handler.max_in_flight = max(Handler.max_in_flight, Handler.in_flight)
            self.lock.notify_all()
        try:
            self._route()
        finally:
            with self.lock:
                Handler.in_flight -= 1

    def _route(self) -> None:
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        if path.startswith("/chain/"):  # /chain/N: N redirects to go, then the cat
            hops = int(path.removeprefix("/chain/"))
            return self._redirect(f"/chain/{hops - 1}") if hops > 0 else self._send(CAT_JPEG, "image/jpeg")
        if path.startswith(("/img/", "/busy/")):  # /img/N.png, /busy/N.png: distinct small pictures
            body = COLOR_PNGS[int(path.rsplit("/", 1)[1].removesuffix(".png"))]
            return self._busy(body) if path.startswith("/busy/") else self._send(body, "image/png")
        route = {
            "/cat.jpg": lambda: self._send(CAT_JPEG, "image/jpeg"),
            "/cat-copy.jpg": lambda: self._send(CAT_JPEG, "image/jpeg"),
            "/dog.png": lambda: self._send(DOG_PNG, "image/png"),
            "/html.jpg": lambda: self._send(HTML, "image/jpeg"),
            "/truncated.jpg": lambda: self._send(CAT_JPEG[: len(CAT_JPEG) // 2], "image/jpeg"),
            "/big.png": lambda: self._send(NOISE_PNG, "image/png"),
            "/big-stream.png": lambda: self._send(NOISE_PNG, "image/png", length=-1),  # no Content-Length
            "/stall.jpg": self._stall,
            "/trickle.jpg": lambda: self._trickle(CAT_JPEG, length=True),
            "/trickle-no-length.jpg": lambda: self._trickle(CAT_JPEG, length=False),
            "/retry-after-1.jpg": lambda: self._too_many_requests("1", (CAT_JPEG, "image/jpeg")),
            "/retry-after-0.png": lambda: self._too_many_requests("0", (DOG_PNG, "image/png")),
            "/retry-after-hour.jpg": lambda: self._too_many_requests("3600", None),
            "/long-length.jpg": lambda: self._send(CAT_JPEG, "image/jpeg", length=len(CAT_JPEG) + 1000),  # then closes
            "/short-length.jpg": lambda: self._send(CAT_JPEG, "image/jpeg", length=len(CAT_JPEG) // 2),
            "/short-length.png": lambda: self._send(DOG_PNG, "image/png", length=len(DOG_PNG) - 12),  # all but IEND
            "/reset.jpg": lambda: self._reset_mid_body(CAT_JPEG),
            "/redirect": lambda: self._redirect(query["to"][0]),
            "/bad-location": lambda: self._redirect("http://[oops/cat.jpg"),  # requests cannot parse it (ValueError)
            "/gzip-bomb.png": lambda: self._send(gzip_bomb(), "image/png", headers={"Content-Encoding": "gzip"}),
            "/bad-gzip.jpg": lambda: self._send(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8, "image/jpeg",
                                                headers={"Content-Encoding": "gzip"}),
            "/bomb.png": lambda: self._send(BOMB_PNG, "image/png"),
            "/bomb-warn.png": lambda: self._send(BOMB_WARN_PNG, "image/png"),
            "/tiny.png": lambda: self._send(TINY_PNG, "image/png"),
            "/drawing.svg": lambda: self._send(SVG, "image/svg+xml"),
            "/loop-a.jpg": lambda: self._redirect("/loop-b.jpg"),
            "/loop-b.jpg": lambda: self._redirect("/loop-a.jpg"),
            "/error.jpg": lambda: self.send_error(500),
        }.get(path, lambda: self.send_error(404))
        route()


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # a proxy from the environment must not see the local server
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    Handler.hits, Handler.times, Handler.sent = Counter(), defaultdict(list), Counter()
    Handler.in_flight = Handler.max_in_flight = 0
    Handler.stop = threading.Event()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    Handler.stop.set()
    httpd.shutdown()
    httpd.server_close()


CAT_PATHS = ["/cat.jpg", "/cat-copy.jpg", "/html.jpg", "/truncated.jpg", "/big.png", "/big-stream.png"]
DOG_PATHS = ["/dog.png", "/loop-a.jpg", "/missing.jpg", "/error.jpg"]


@dataclasses.dataclass
class FakeSearch:
    """The search results by query (tests may add queries) and every search made."""

    results: dict[str, list[str]]
    queries: list[tuple[str, int]] = dataclasses.field(default_factory=list)

    def __call__(self, query: str, max_results: int, timeout: int = 10) -> list[str]:
        self.queries.append((query, max_results))
        return self.results[query][:max_results]


@pytest.fixture
def fake_search(server, monkeypatch) -> FakeSearch:
    """Replace the ddgs boundary: each query returns URLs of the local server."""
    search = FakeSearch({"cat photo": [server + p for p in CAT_PATHS], "dog photo": [server + p for p in DOG_PATHS]})
    monkeypatch.setattr(fetch, "search_images", search)
    return search


def _options(**changes) -> FetchOptions:
    base = FetchOptions(n=20, workers=4, per_host=2, connect_timeout=2.0, read_timeout=READ_TIMEOUT, tries=3,
                        backoff=0.01, max_bytes=SIZE_LIMIT, min_side=16, quiet=True)
    return dataclasses.replace(base, **changes)


def _files(root: Path) -> dict[str, bytes]:
    """Every file under the class folders, hidden ones included (no temp file may be left)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.glob("*/**/*")) if p.is_file()}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _fetch_paths(out: Path, server: str, search: FakeSearch, paths: list[str], **changes) -> dict[str, dict]:
    """Fetch ``paths`` of the server as class ``x``; returns the failure records by path."""
    search.results["x photo"] = [server + p for p in paths]
    fetch_images(out, [("x", "x photo")], _options(**changes))
    return {r["url"].removeprefix(server): r for r in _jsonl(out / "failures.jsonl")}


def test_fetch_saves_exactly_the_valid_images_and_records_every_failure(tmp_path: Path, server: str, fake_search) -> None:
    out = tmp_path / "pets"
    result = fetch_images(out, [("cat", "cat photo"), ("dog", "dog photo")], _options())

    sha_cat, sha_dog = hashlib.sha256(CAT_JPEG).hexdigest(), hashlib.sha256(DOG_PNG).hexdigest()
    files = _files(out)
    assert files == {f"cat/{sha_cat[:16]}.jpg": CAT_JPEG, f"dog/{sha_dog[:16]}.png": DOG_PNG}
    for name in files:
        with Image.open(out / name) as img:
            img.load()
    assert result.saved == {"cat": 1, "dog": 1}
    assert fake_search.queries == [("cat photo", 20), ("dog photo", 20)]

    manifest = {r["class"]: r for r in _jsonl(out / "manifest.jsonl")}
    assert set(manifest) == {"cat", "dog"}
    assert manifest["cat"]["url"] in (server + "/cat.jpg", server + "/cat-copy.jpg")  # two URLs, one picture
    assert manifest["dog"]["url"] == server + "/dog.png"
    for label, sha, body, fmt, img in [("cat", sha_cat, CAT_JPEG, "JPEG", CAT), ("dog", sha_dog, DOG_PNG, "PNG", DOG)]:
        entry = manifest[label]
        assert entry["sha256"] == sha and entry["bytes"] == len(body) and entry["format"] == fmt
        assert (entry["width"], entry["height"]) == img.size
        assert entry["query"] == f"{label} photo" and entry["path"] in files and entry["time"]

    reasons = {r["url"].removeprefix(server): r["reason"] for r in _jsonl(out / "failures.jsonl")}
    copy = "/cat-copy.jpg" if manifest["cat"]["url"].endswith("/cat.jpg") else "/cat.jpg"
    assert reasons.pop(copy) == f"same picture as cat/{sha_cat[:16]}.jpg (saved once)"
    assert reasons == {
        "/html.jpg": "not an image (text/html; served as image/jpeg)",
        "/truncated.jpg": "truncated image",
        "/big.png": "over size limit 100 KB",
        "/big-stream.png": "over size limit 100 KB",
        "/loop-a.jpg": "redirect loop",
        "/missing.jpg": "http 404",
        "/error.jpg": "http 500 after 3 tries",
    }
    hits = Handler.hits
    assert hits["/error.jpg"] == 3  # retried
    assert hits["/missing.jpg"] == 1 and hits["/html.jpg"] == 1 and hits["/truncated.jpg"] == 1  # final at once


def test_second_run_resumes_without_requesting_saved_or_finally_failed_urls(tmp_path: Path, server: str, fake_search, capsys) -> None:
    out = tmp_path / "pets"
    fetch_images(out, [("cat", "cat photo"), ("dog", "dog photo")], _options())
    before_files, before_hits = _files(out), Counter(Handler.hits)
    manifest_before = (out / "manifest.jsonl").read_text()

    argv = ["data", "fetch", str(out), "--class", "cat", "cat photo", "--class", "dog", "dog photo", "-n", "20",
            "--timeout", "2", str(READ_TIMEOUT), "--tries", "3", "--backoff", "0.01", "--max-mb", str(SIZE_LIMIT / 2**20),
            "--min-side", "16", "--quiet"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "cat: 6 search results, 0 saved now" in printed and "dog: 4 search results, 0 saved now" in printed

    assert _files(out) == before_files
    assert (out / "manifest.jsonl").read_text() == manifest_before
    new_hits = Handler.hits - before_hits
    for path in ["/cat.jpg", "/cat-copy.jpg", "/dog.png", "/html.jpg", "/truncated.jpg", "/big.png", "/big-stream.png",
                 "/loop-a.jpg", "/missing.jpg"]:
        assert new_hits[path] == 0, path
    assert new_hits["/error.jpg"] == 3  # failures that may pass later are tried again


def test_a_stalled_server_times_out_on_every_try_and_stays_retryable(tmp_path: Path, server: str, fake_search) -> None:
    failures = _fetch_paths(tmp_path / "o", server, fake_search, ["/stall.jpg"], read_timeout=STALL_READ_TIMEOUT)
    assert failures["/stall.jpg"]["reason"] == "timeout after 3 tries" and failures["/stall.jpg"]["retryable"] is True
    assert Handler.hits["/stall.jpg"] == 3
    assert _files(tmp_path / "o") == {}


@pytest.mark.parametrize("path", ["/trickle.jpg", "/trickle-no-length.jpg"])
def test_a_trickling_server_is_cut_off_by_the_total_time_limit(tmp_path: Path, server: str, fake_search, path: str) -> None:
    start = time.monotonic()
    failures = _fetch_paths(tmp_path / "o", server, fake_search, [path], total_timeout=1.0)
    elapsed = time.monotonic() - start
    assert failures[path]["reason"] == "timeout (download slower than 1 s in total)"
    assert failures[path]["retryable"] is False and Handler.hits[path] == 1  # not tried again: it would trickle again
    assert elapsed < 20  # the whole trickle takes over 30 s; every pause is far under the 5 s read timeout
    assert Handler.sent[path] < len(CAT_JPEG) // 2  # the client hung up; the server did not finish
    assert _files(tmp_path / "o") == {}


def test_retry_after_is_waited_for_capped_and_never_shorter_than_the_backoff(tmp_path: Path, server: str, fake_search,
                                                                            monkeypatch) -> None:
    monkeypatch.setattr(download, "RETRY_AFTER_CAP", 1.5)
    paths = ["/retry-after-1.jpg", "/retry-after-0.png", "/retry-after-hour.jpg"]
    start = time.monotonic()
    failures = _fetch_paths(tmp_path / "o", server, fake_search, paths, tries=2, backoff=0.3, per_host=3)
    elapsed = time.monotonic() - start

    saved = {r["url"].removeprefix(server) for r in _jsonl(tmp_path / "o" / "manifest.jsonl")}
    assert saved == {"/retry-after-1.jpg", "/retry-after-0.png"}  # 429 once, then the picture
    assert failures == {"/retry-after-hour.jpg": failures["/retry-after-hour.jpg"]}
    assert failures["/retry-after-hour.jpg"]["reason"] == "http 429 after 2 tries"
    assert all(Handler.hits[p] == 2 for p in paths)
    gap = {p: Handler.times[p][1] - Handler.times[p][0] for p in paths}
    assert 0.99 <= gap["/retry-after-1.jpg"] < 10  # Retry-After: 1, not the 0.3 s backoff
    assert gap["/retry-after-0.png"] >= 0.29  # Retry-After: 0 does not shorten the backoff
    assert gap["/retry-after-hour.jpg"] >= 1.49 and elapsed < 30  # an hour asked, the cap (1.5 s here) waited


@pytest.mark.parametrize(("path", "reason", "hits"), [
    ("/long-length.jpg", "body cut short (less than the server announced) after 2 tries", 2),  # declares more, then closes
    ("/short-length.jpg", "truncated image", 1),  # declares half the JPEG
    ("/short-length.png", "truncated image", 1),  # declares all but the IEND chunk: the pixels decode, the file is cut
    ("/reset.jpg", "connection reset after 2 tries", 2),
    ("/chain/6", "too many redirects (more than 5)", 1),
    ("/redirect?to=ftp://127.0.0.1/cat.jpg", "redirect to ftp url refused (only http and https are followed)", 1),
    ("/bad-location", "unreadable url or redirect location (Invalid IPv6 URL)", 1),  # crashed the whole run before
    ("/bad-gzip.jpg", "corrupt gzip body", 1),
    ("/bomb.png", "too many pixels (decompression bomb)", 1),  # 30000x30000 declared in 1 KB
    ("/bomb-warn.png", "too many pixels (decompression bomb)", 1),  # 10000x10000: Pillow only warns
    ("/tiny.png", "too small (4x4 px; at least 16 needed)", 1),
    ("/drawing.svg", "not a raster image (image/svg+xml, a vector drawing)", 1),
])
def test_hostile_responses_are_refused_with_a_reason_and_leave_no_file(tmp_path: Path, server: str, fake_search, path: str,
                                                                       reason: str, hits: int) -> None:
    out = tmp_path / "o"
    failures = _fetch_paths(out, server, fake_search, [path], tries=2)
    assert set(failures) == {path} and failures[path]["reason"] == reason
    assert failures[path]["retryable"] is (hits > 1)
    assert Handler.hits[path] == hits
    assert _files(out) == {}  # no partial or hidden temp file either
    assert _jsonl(out / "manifest.jsonl") == []


def test_redirect_chains_up_to_the_limit_are_followed(tmp_path: Path, server: str, fake_search) -> None:
    failures = _fetch_paths(tmp_path / "o", server, fake_search, ["/chain/5"])
    assert failures == {} and [r["url"] for r in _jsonl(tmp_path / "o" / "manifest.jsonl")] == [server + "/chain/5"]
    assert all(Handler.hits[f"/chain/{i}"] == 1 for i in range(6))


def test_a_redirect_to_a_file_url_is_refused_and_the_file_never_read(tmp_path: Path, server: str, fake_search, monkeypatch) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(DOG_PNG)  # a valid picture: had it been read, it would have been saved
    opened: list[str] = []
    real_open = builtins.open

    def recording_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    path = f"/redirect?to=file://{secret}"
    failures = _fetch_paths(tmp_path / "o", server, fake_search, [path])
    assert failures[path]["reason"] == "redirect to file url refused (only http and https are followed)"
    assert str(secret) not in opened and opened  # the recorder saw the fetch's own files
    assert _files(tmp_path / "o") == {}


def test_a_gzip_bomb_stops_at_the_size_limit_on_decoded_bytes_without_inflating_it(tmp_path: Path, server: str,
                                                                                  fake_search) -> None:
    gzip_bomb()  # made before tracing
    tracemalloc.start()
    try:
        failures = _fetch_paths(tmp_path / "o", server, fake_search, ["/gzip-bomb.png"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert failures["/gzip-bomb.png"]["reason"] == "over size limit 100 KB"
    assert peak < 10 * 1024 * 1024  # the bomb inflates to 50 MB; at most a chunk of it was ever held
    assert _files(tmp_path / "o") == {}


def test_at_most_per_host_downloads_run_at_once(tmp_path: Path, server: str, fake_search) -> None:
    paths = [f"/busy/{i}.png" for i in range(6)]
    failures = _fetch_paths(tmp_path / "o", server, fake_search, paths, workers=6, per_host=2)
    assert failures == {} and len(_jsonl(tmp_path / "o" / "manifest.jsonl")) == 6
    assert Handler.max_in_flight == 2  # never more than per_host; and 2 were reached, so the counter sees overlap


def test_resume_after_a_kill_mid_line_keeps_every_whole_line_and_fetches_the_torn_one_again(tmp_path: Path, server: str,
                                                                                         fake_search) -> None:
    out, query = tmp_path / "o", "chat été"  # non-ASCII: the manifest (UTF-8) is cut inside a character
    fake_search.results[query] = [server + f"/img/{i}.png" for i in range(4)]
    fetch_images(out, [("chat", query)], _options())
    manifest = out / "manifest.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    assert len(lines) == 4
    torn_url = json.loads(lines[-1])["url"]
    cut = lines[-1].index("é".encode()) + 1  # half of a two-byte character, as a kill mid-write can leave
    manifest.write_bytes(b"".join(lines[:-1]) + lines[-1][:cut])
    files_before, hits_before = _files(out), Counter(Handler.hits)

    result = fetch_images(out, [("chat", query)], _options())  # must not crash

    assert result.saved == {"chat": 1} and result.skipped == {"chat": 3} and result.failures == []
    new_hits = Handler.hits - hits_before
    assert new_hits == Counter({torn_url.removeprefix(server): 1})  # only the torn entry was fetched again
    after = manifest.read_bytes()
    assert after.startswith(b"".join(lines[:-1]))  # every whole line kept as it was
    records = [json.loads(line) for line in after.splitlines()]  # and every line whole
    assert sorted(r["url"] for r in records) == sorted(fake_search.results[query])
    assert _files(out) == files_before

    manifest.write_bytes(after.removesuffix(b"\n"))  # killed between a record and its newline: the record is whole
    assert fetch_images(out, [("chat", query)], _options()).skipped == {"chat": 4}
    assert manifest.read_bytes() == after and Handler.hits - hits_before == new_hits


@pytest.mark.parametrize("error", ["dns", "connection"])
def test_offline_search_fails_at_once_with_one_clear_line(tmp_path: Path, monkeypatch, capsys, error: str) -> None:
    import ddgs
    from ddgs.exceptions import DDGSException

    searches: list[str] = []
    sleeps: list[float] = []

    class OfflineDDGS:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def images(self, query: str, **kwargs):
            searches.append(query)
            if error == "dns":  # what ddgs 9 raises with no network (its engines' errors, wrapped)
                raise DDGSException(DDGSException("DNSError: error sending request for url (https://duckduckgo.com/?q=cat) "
                                                  "> error resolving DNS > no records found"))
            raise ConnectionError("[Errno 101] Network is unreachable")

    monkeypatch.setattr(ddgs, "DDGS", OfflineDDGS)
    real_sleep = time.sleep

    def recording_sleep(seconds: float) -> None:  # "at once": no waiting (other threads, if any, sleep as usual)
        if threading.current_thread() is threading.main_thread():
            sleeps.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", recording_sleep)
    out = tmp_path / "pets"
    assert main(["data", "fetch", str(out), "--class", "cat", "cat photo", "--class", "dog", "dog photo", "--quiet"]) == 2
    assert searches == ["cat photo"] and sleeps == []  # the first search's failure ends the command
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("error: no network:") and "connect to the internet" in err
    assert "\n" not in err and "Traceback" not in err
    assert not out.exists()  # nothing half-made


def test_search_results_keep_only_http_image_urls(monkeypatch) -> None:
    import ddgs

    class FakeDDGS:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def images(self, query: str, max_results: int = 10):
            return [{"image": "https://a.example/1.jpg", "thumbnail": "x"}, {"image": "data:image/png;base64,AAAA"},
                    {"title": "no image key"}, {"image": "http://b.example/2.png"}][:max_results]

    monkeypatch.setattr(ddgs, "DDGS", FakeDDGS)
    assert fetch.search_images("cats", 10) == ["https://a.example/1.jpg", "http://b.example/2.png"]


def test_bad_class_names_are_refused(tmp_path: Path, capsys) -> None:
    for name in ["train", ".hidden", "a/b"]:
        assert main(["data", "fetch", str(tmp_path / "o"), "--class", name, "q"]) == 2
        assert "class name" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("field", "value"), [("workers", 0), ("read_timeout", 0.0), ("backoff", -1.0), ("max_redirects", -1)])
def test_bad_options_name_the_parameter(tmp_path: Path, field: str, value: float) -> None:
    with pytest.raises(ParamError, match=f"^{field} must") as err:
        fetch_images(tmp_path / "o", [("cat", "cat photo")], FetchOptions(**{field: value}))  # before any search
    assert err.value.param == field
    with pytest.raises(ParamError, match="^classes ") as err:
        fetch_images(tmp_path / "o", [])
    assert err.value.param == "classes"
    assert not (tmp_path / "o").exists()


def test_fetch_help_lists_its_options(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["data", "fetch", "--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for word in ["--class NAME QUERY", "-n N", "default: 150", "--per-host", "--max-mb", "--timeout", "--tries"]:
        assert word in text, word
