"""``data fetch`` against a local HTTP server: what is saved, what is refused and why, resume, offline."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from visionlab.cli import build_parser, main
from visionlab.data import fetch
from visionlab.data.fetch import FetchOptions, fetch_images
from visionlab.errors import ParamError

SIZE_LIMIT = 100 * 1024  # bytes; "over size limit 100 KB"
READ_TIMEOUT = 0.3
SLOW_DELAY = 1.0  # the slow route answers after this many seconds, well past READ_TIMEOUT


def _encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


CAT = Image.fromarray(skdata.chelsea()).resize((180, 120))
DOG = Image.fromarray(skdata.coffee()).resize((150, 100))
CAT_JPEG = _encode(CAT, "JPEG", quality=85)
DOG_PNG = _encode(DOG, "PNG")
NOISE_PNG = _encode(Image.fromarray(np.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=np.uint8)), "PNG")
assert len(NOISE_PNG) > SIZE_LIMIT and len(CAT_JPEG) < SIZE_LIMIT and len(DOG_PNG) < SIZE_LIMIT
HTML = b"<!DOCTYPE html><html><head><title>Cat pictures</title></head><body>Please enable JavaScript</body></html>"


class Handler(BaseHTTPRequestHandler):
    hits: Counter = Counter()
    lock = threading.Lock()

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts, size limit)
            pass

    def _send(self, body: bytes, ctype: str, length: bool = True) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        with self.lock:
            self.hits[self.path] += 1
        route = {
            "/cat.jpg": lambda: self._send(CAT_JPEG, "image/jpeg"),
            "/cat-copy.jpg": lambda: self._send(CAT_JPEG, "image/jpeg"),
            "/dog.png": lambda: self._send(DOG_PNG, "image/png"),
            "/html.jpg": lambda: self._send(HTML, "image/jpeg"),
            "/truncated.jpg": lambda: self._send(CAT_JPEG[: len(CAT_JPEG) // 2], "image/jpeg"),
            "/big.png": lambda: self._send(NOISE_PNG, "image/png"),
            "/big-stream.png": lambda: self._send(NOISE_PNG, "image/png", length=False),  # no Content-Length
            "/slow.jpg": lambda: (time.sleep(SLOW_DELAY), self._send(CAT_JPEG, "image/jpeg")),
            "/loop-a.jpg": lambda: self._redirect("/loop-b.jpg"),
            "/loop-b.jpg": lambda: self._redirect("/loop-a.jpg"),
            "/error.jpg": lambda: self.send_error(500),
        }.get(self.path, lambda: self.send_error(404))
        route()


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # a proxy from the environment must not see the local server
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    Handler.hits = Counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


CAT_PATHS = ["/cat.jpg", "/cat-copy.jpg", "/html.jpg", "/truncated.jpg", "/big.png", "/big-stream.png", "/slow.jpg"]
DOG_PATHS = ["/dog.png", "/loop-a.jpg", "/missing.jpg", "/error.jpg"]


@pytest.fixture
def fake_search(server, monkeypatch):
    """Replace the ddgs boundary: each query returns URLs of the local server."""
    results = {"cat photo": [server + p for p in CAT_PATHS], "dog photo": [server + p for p in DOG_PATHS]}
    queries = []

    def search(query: str, max_results: int, timeout: int = 10) -> list[str]:
        queries.append((query, max_results))
        return results[query][:max_results]

    monkeypatch.setattr(fetch, "search_images", search)
    return queries


def _options() -> FetchOptions:
    return FetchOptions(n=20, workers=4, per_host=2, connect_timeout=2.0, read_timeout=READ_TIMEOUT, tries=3,
                        backoff=0.01, max_bytes=SIZE_LIMIT, min_side=16, quiet=True)


def _files(root: Path) -> dict[str, bytes]:
    """Every file under the class folders, hidden ones included (no temp file may be left)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.glob("*/**/*")) if p.is_file()}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


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
    assert fake_search == [("cat photo", 20), ("dog photo", 20)]

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
        "/slow.jpg": "timeout after 3 tries",
        "/loop-a.jpg": "redirect loop",
        "/missing.jpg": "http 404",
        "/error.jpg": "http 500 after 3 tries",
    }
    hits = Handler.hits
    assert hits["/error.jpg"] == 3 and hits["/slow.jpg"] == 3  # retried
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
    assert "cat: 7 search results, 0 saved now" in printed and "dog: 4 search results, 0 saved now" in printed

    assert _files(out) == before_files
    assert (out / "manifest.jsonl").read_text() == manifest_before
    new_hits = Handler.hits - before_hits
    for path in ["/cat.jpg", "/cat-copy.jpg", "/dog.png", "/html.jpg", "/truncated.jpg", "/big.png", "/big-stream.png",
                 "/loop-a.jpg", "/missing.jpg"]:
        assert new_hits[path] == 0, path
    assert new_hits["/error.jpg"] == 3 and new_hits["/slow.jpg"] == 3  # failures that may pass later are tried again


@pytest.mark.parametrize("error", ["dns", "connection"])
def test_offline_search_fails_at_once_with_one_clear_line(tmp_path: Path, monkeypatch, capsys, error: str) -> None:
    import ddgs
    from ddgs.exceptions import DDGSException

    class OfflineDDGS:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def images(self, query: str, **kwargs):
            if error == "dns":  # what ddgs 9 raises with no network (its engines' errors, wrapped)
                raise DDGSException(DDGSException("DNSError: error sending request for url (https://duckduckgo.com/?q=cat) "
                                                  "> error resolving DNS > no records found"))
            raise ConnectionError("[Errno 101] Network is unreachable")

    monkeypatch.setattr(ddgs, "DDGS", OfflineDDGS)
    out = tmp_path / "pets"
    start = time.monotonic()
    assert main(["data", "fetch", str(out), "--class", "cat", "cat photo", "--quiet"]) == 2
    assert time.monotonic() - start < 5
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
