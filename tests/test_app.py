"""The web app: its plain functions on tiny real runs, and the page in Debian's chromium (Playwright)."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import struct
import threading
import time
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
import torch
from browser import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip
from PIL import Image

from visionlab import app
from visionlab.cli import build_parser, main
from visionlab.data.synth import SYNTH_CLASSES, SceneSpec, render_scene, write_dataset
from visionlab.errors import ConfigError, UnknownNameError, UnreadableImageError
from visionlab.pipeline import PipelineOptions
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig, SegAugmentConfig, SegmentConfig
from visionlab.train.segment import train_segmenter

# The decoded size of an <img>, once it has loaded.
IMAGE_SIZE_JS = ("i => i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : "
                 "new Promise(done => i.addEventListener('load', () => done([i.naturalWidth, i.naturalHeight])))")
# Every segmentation class is cut into regions: a 96 px scene then always has regions above the
# minimum area, whatever a one-epoch segmenter predicts.
OPTIONS = PipelineOptions(classes=SYNTH_CLASSES, min_area=20, amp="off")


@pytest.fixture(scope="module")
def world_runs(tmp_path_factory):
    """A tiny classifier (dragon/robot) and a tiny segmenter trained one epoch on game-world scenes."""
    root = tmp_path_factory.mktemp("app")
    world = root / "world"
    write_dataset(world, 12, seed=3, spec=SceneSpec(width=96, height=96, n_characters=2))
    cls = train_classifier(ClassifyConfig(data=str(world / "classify"), out=str(root / "cls"), backbone="tiny_cnn", weights="none",
                                          epochs=1, batch_size=8, img_size=64, quiet=True, amp="off"))
    seg = train_segmenter(SegmentConfig(data=str(world / "segment"), out=str(root / "seg"), model="tiny_unet", pretrained=False, epochs=1,
                                        batch_size=4, img_size=(96, 96), quiet=True, amp="off", augment=SegAugmentConfig(color_jitter=0.0)))
    return world, cls, seg


@pytest.fixture(scope="module")
def models(world_runs):
    _, cls, seg = world_runs
    return app.load_models(cls, seg, OPTIONS)


@pytest.fixture(scope="module")
def scene_file(tmp_path_factory) -> Path:
    """A 160x112 game-world scene (not square, so the CAM's crop-to-image mapping is exercised)."""
    path = tmp_path_factory.mktemp("scene") / "scene_dragon.png"
    Image.fromarray(render_scene(7, SceneSpec(width=160, height=112, n_characters=2, kind="dragon")).image).save(path)
    return path


def corrupt_file(folder: Path, name: str = "broken_photo.png") -> Path:
    path = folder / name
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    return path


def image_bomb(path: Path, width: int = 30_000, height: int = 30_000) -> Path:
    """A 6 kB PNG whose header declares ``width`` x ``height`` RGB pixels (only the first rows are there)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * (3 * width + 1) * 64, 9)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    return path


def write_scene(path: Path, seed: int, width: int, height: int, kind: str = "robot") -> Path:
    Image.fromarray(render_scene(seed, SceneSpec(width=width, height=height, n_characters=1, kind=kind)).image).save(path)
    return path


# --- the plain functions -------------------------------------------------------------------------

def test_probabilities_sum_to_one_and_name_the_run_classes(models, scene_file):
    result = app.analyse(models, scene_file)
    assert set(result.probabilities) == {"dragon", "robot"} == set(models.classifier.classes)
    assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    values = list(result.probabilities.values())
    assert values == sorted(values, reverse=True) and result.explained == next(iter(result.probabilities))
    assert any(f"**{result.explained}**" in note for note in result.notes)


def test_cam_overlay_has_the_image_size_and_is_zero_outside_the_crop(models, scene_file):
    image = app.read_upload(scene_file)
    assert image.shape == (112, 160, 3)
    cam = app.grad_cam(models, image, "robot")
    assert cam.shape == (112, 160) and cam.min() >= 0 and cam.max() <= 1
    # the classifier sees a centred square crop: the left and right edges lie outside it
    assert not cam[:, 0].any() and not cam[:, -1].any() and cam[:, 80].any()
    result = app.analyse(models, scene_file)
    assert result.cam_overlay.shape == image.shape and result.cam_overlay.dtype == np.uint8
    assert not np.array_equal(result.cam_overlay, image)


def test_segmentation_overlay_and_legend(models, scene_file):
    result = app.analyse(models, scene_file)
    assert result.seg_overlay.shape == result.image.shape
    names = [e["name"] for e in result.legend]
    assert names and set(names) <= set(SYNTH_CLASSES)
    assert sum(e["share"] for e in result.legend) == pytest.approx(1.0)
    assert [e["share"] for e in result.legend] == sorted((e["share"] for e in result.legend), reverse=True)
    classes = models.segmenter.classes
    for e in result.legend:
        assert e["color"] == tuple(int(v) for v in classes.colors[classes.names.index(e["name"])])
    page = app.legend_html(result.legend)
    assert all(f">{n}</span>" in page for n in names) and f"background:rgb{result.legend[0]['color']}" in page


def test_pipeline_regions_are_listed_with_labels(models, scene_file):
    result = app.analyse(models, scene_file)
    assert result.regions, "every class is cut into regions: a scene always has some"
    for r in result.regions:
        x0, y0, x1, y1 = r["box"]
        assert r["label"] in {"dragon", "robot"} and 0 <= r["confidence"] <= 1 and r["seg_class"] in SYNTH_CLASSES
        assert 0 <= x0 < x1 <= 160 and 0 <= y0 < y1 <= 112 and r["area"] >= OPTIONS.min_area
    assert result.annotated.size == (160, 112)
    table = app.region_table(result.regions)
    assert [row[0] for row in table] == list(range(1, len(result.regions) + 1))
    assert [row[1] for row in table] == [r["label"] for r in result.regions] and len(table[0]) == len(app.REGION_HEADERS)
    page = app.regions_html(result.regions)
    assert page.count("<tr>") == len(result.regions) + 1 and all(f">{h}</th>" in page for h in app.REGION_HEADERS)
    assert app.regions_html([]) == "<p>No region above the minimum area.</p>" and app.regions_html(None) == ""
    assert any(f"{len(result.regions)} " in note and "region(s)" in note for note in result.notes)


def test_bad_uploads_raise_the_repo_error_with_a_message(models, tmp_path):
    with pytest.raises(UnreadableImageError, match=r"^broken_photo\.png: not a readable image"):
        app.analyse(models, corrupt_file(tmp_path))
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(UnreadableImageError, match="empty.png: empty file"):
        app.read_upload(tmp_path / "empty.png")
    good = tmp_path / "ok.png"
    Image.new("RGB", (64, 48), (10, 200, 30)).save(good)
    (tmp_path / "cut.png").write_bytes(good.read_bytes()[:-40])
    with pytest.raises(UnreadableImageError, match="cut.png: corrupt or truncated"):
        app.read_upload(tmp_path / "cut.png")
    with pytest.raises(UnreadableImageError, match=r"64x48 is 0\.0 megapixels; the app takes at most 0\.001 megapixels"):
        app.read_upload(good, max_pixels=1000)
    with pytest.raises(UnreadableImageError) as info:
        app.read_upload(tmp_path / "empty.png")
    assert str(tmp_path) not in str(info.value)  # the server's upload folder is not shown
    message = app.refusal("broken_photo.png: not a readable image")[-1]
    assert message.startswith("**Cannot analyse this file.**") and r"broken\_photo\.png" in message


def test_uploads_over_twenty_megapixels_are_refused_before_decoding(tmp_path):
    big = tmp_path / "huge.png"
    Image.new("1", (5000, 4001)).save(big)  # 20.005 MP, a few kB on disk
    with pytest.raises(UnreadableImageError, match="huge.png: 5000x4001 is 20.0 megapixels; the app takes at most 20 megapixels"):
        app.read_upload(big)
    with pytest.raises(UnreadableImageError, match="^image_bomb.png: its header declares over 179 megapixels .*at most 20 megapixels"):
        app.read_upload(image_bomb(tmp_path / "image_bomb.png"))  # more than Pillow opens at all: the same kind of message


def test_one_model_is_enough_and_the_notes_name_the_missing_option(world_runs, scene_file):
    _, cls, seg = world_runs
    only_cls = app.analyse(app.load_models(classifier=cls, options=OPTIONS), scene_file)
    assert only_cls.probabilities and only_cls.cam_overlay is not None
    assert only_cls.seg_overlay is None and only_cls.regions is None and only_cls.legend is None
    assert any("--segmenter" in n for n in only_cls.notes)
    only_seg = app.analyse(app.load_models(segmenter=seg, options=OPTIONS), scene_file)
    assert only_seg.seg_overlay is not None and only_seg.legend
    assert only_seg.probabilities is None and only_seg.cam_overlay is None and only_seg.regions is None
    assert any("--classifier" in n for n in only_seg.notes)


def test_no_model_or_unknown_region_class_is_a_clear_error(world_runs):
    _, cls, seg = world_runs
    with pytest.raises(ConfigError, match="needs at least one model"):
        app.load_models()
    with pytest.raises(UnknownNameError, match="the segmenter predicts: sky"):
        app.load_models(cls, seg, PipelineOptions(classes=("enemy",)))
    clustered = app.load_models(cls, "otsu")  # no "character" class: regions are off, with the reason
    assert clustered.region_classes is None and "--classes" in clustered.pipeline_note
    assert any("--classes" in n for n in app.missing_notes(clustered))


def test_examples_come_from_the_runs_or_are_rendered_once(world_runs, tmp_path):
    world, cls, seg = world_runs
    found = app.find_examples(cls, seg, tmp_path / "cache")
    assert 1 <= len(found) <= app.N_EXAMPLES and all(p.is_file() and world in p.parents for p in found)
    assert {p.parent.name for p in found} == {"dragon", "robot"}  # classes taken in turn
    assert app.find_examples(None, "otsu", tmp_path / "cache") == app.rendered_examples(tmp_path / "cache")
    rendered = app.rendered_examples(tmp_path / "cache")
    assert len(rendered) == app.N_EXAMPLES and all(Image.open(p).size == (256, 256) for p in rendered)
    stamps = [p.stat().st_mtime_ns for p in rendered]
    assert [p.stat().st_mtime_ns for p in app.rendered_examples(tmp_path / "cache")] == stamps  # reused, not redrawn


def test_rendered_examples_show_the_classifiers_own_variant(tmp_path):
    """A run whose data is gone gets scenes of its own classes, or none: never another variant's images."""
    def run_with(classes: list[str]) -> Path:
        run = tmp_path / "_".join(classes)
        run.mkdir()
        (run / "config.json").write_text(json.dumps({"config": {}, "classes": classes}))
        return run

    weapons = app.find_examples(run_with(["melee_weapon", "ranged_weapon"]), None, tmp_path / "cache")
    assert len(weapons) == app.N_EXAMPLES and {p.name.split("_")[0] for p in weapons} == {"v5"}
    assert {"melee", "ranged"} <= {p.name.split("_")[3] for p in weapons}
    assert app.find_examples(run_with(["cat", "dog"]), None, tmp_path / "cache") == []  # the game world has no cats vs dogs
    assert app.game_variant_of(run_with(["robot", "dragon"])) == 1


def test_theme_names_system_fonts_only():
    theme = app.make_theme()
    assert theme._stylesheets == [] and theme._font_css == []
    css = theme._get_theme_css()
    assert "@font-face" not in css and "@import" not in css
    assert not re.findall(r"url\(\s*(?![\"']?data:)", css), "the theme's CSS loads a file"  # only inline data: URIs
    assert "system-ui" in theme.font and "monospace" in theme.font_mono


def test_app_hides_what_needs_a_missing_model(world_runs, scene_file):
    _, cls, _ = world_runs
    demo = app.build_app(classifier=cls, examples=[scene_file])
    visible = {b.elem_id: b.visible for b in demo.blocks.values() if getattr(b, "elem_id", None)}
    assert visible["probabilities"] and visible["cam"]
    assert not visible["segmentation"] and not visible["legend"] and not visible["regions"] and not visible["regions-image"]
    # The queue itself is tested with several users below; these are the events it covers.
    queued = [d["api_name"] for d in demo.get_config_file()["dependencies"] if d["queue"] is not False and d["backend_fn"]]
    assert queued == ["analyse", "analyse_example"], "a new queued event: give it the model queue (app.MODEL_QUEUE) and test it below"
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False" and demo.analytics_enabled is False
    assert demo.visionlab_examples == [scene_file]


def test_app_command_options_and_errors(capsys, tmp_path):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["app", "--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for word in ["--classifier", "--segmenter", "--port", "--share", "--host", "default: 127.0.0.1", "--classes", "--examples"]:
        assert word in text, word
    assert main(["app"]) == 2
    assert "needs at least one model" in capsys.readouterr().err
    assert main(["app", "--segmenter", "otsu", "--examples", str(tmp_path / "missing.png")]) == 2
    assert "example image(s) not found" in capsys.readouterr().err


# --- the page in a browser -----------------------------------------------------------------------

@pytest.fixture
def server_connections(monkeypatch):
    """Every address this process connects to or resolves while the app runs (the server side of "offline")."""
    seen: list = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock, address):
        seen.append(address)
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        seen.append((host, "resolve"))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return seen


def _is_local(host) -> bool:
    if host in (None, "localhost"):
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_browser_upload_shows_every_output_and_a_corrupt_file_a_message(world_runs, tmp_path, server_connections):
    chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    _, cls, seg = world_runs
    scene = tmp_path / "game_scene.png"
    Image.fromarray(render_scene(11, SceneSpec(width=256, height=256, n_characters=2)).image).save(scene)
    demo = app.build_app(cls, seg, options=OPTIONS, cache_dir=tmp_path / "examples")
    url = app.launch(demo, port=_free_port(), block=False, quiet=True)
    requests: list[str] = []
    try:
        assert urlsplit(url).hostname == "127.0.0.1"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.on("request", lambda r: requests.append(r.url))
            page.on("websocket", lambda ws: requests.append(ws.url))
            page.goto(url)

            page.locator("#upload input[type=file]").set_input_files(str(scene))
            expect(page.locator("#upload")).to_contain_text("game_scene")  # the page shows the name and the extension apart
            page.click("#analyse")
            expect(page.locator("#probabilities")).to_contain_text("robot", timeout=30_000)
            expect(page.locator("#probabilities")).to_contain_text("dragon")
            expect(page.locator("#status")).to_contain_text("Predicted")
            for output in ("#input-image", "#cam", "#segmentation", "#regions-image"):
                img = page.locator(f"{output} img").first
                expect(img).to_be_visible()
                assert img.evaluate(IMAGE_SIZE_JS) == [256, 256], output
            expect(page.locator("#legend")).to_contain_text("Legend")
            expect(page.locator("#legend .vl-legend-name").first).to_be_visible()
            expect(page.locator("#regions")).to_contain_text("confidence")
            assert page.locator("#regions").get_by_text("robot").count() + page.locator("#regions").get_by_text("dragon").count() > 0

            page.locator("#upload button[aria-label=Clear]").click()
            page.locator("#upload input[type=file]").set_input_files(str(corrupt_file(tmp_path)))
            expect(page.locator("#upload")).to_contain_text("broken_photo")
            page.click("#analyse")
            expect(page.locator("#status")).to_contain_text("Cannot analyse this file", timeout=30_000)
            expect(page.locator("#status")).to_contain_text("broken_photo.png: not a readable image")
            expect(page.locator("[data-testid=toast-body]")).to_contain_text("broken_photo.png: not a readable image")
            expect(page.locator("#probabilities")).not_to_contain_text("robot")  # the last image's results are gone
            shot = tmp_path / "app.png"
            page.screenshot(path=str(shot), full_page=True)

            page.locator("#examples button").first.click()  # an example runs at once
            expect(page.locator("#status")).to_contain_text("Predicted", timeout=30_000)
            expect(page.locator("#probabilities")).to_contain_text("robot")
            browser.close()
    finally:
        demo.close()
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and Image.open(shot).size[0] == 1400
    assert requests, "the page made no request at all"
    outside = [u for u in requests if urlsplit(u).hostname != "127.0.0.1" and not u.startswith(("data:", "blob:"))]
    assert not outside, f"requests left 127.0.0.1: {outside}"
    hosts = [a[0] if isinstance(a, tuple) else a for a in server_connections]
    assert all(isinstance(h, str) and h.startswith("/") or _is_local(h) for h in hosts), f"the server reached out: {server_connections}"


@pytest.mark.slow
def test_browser_image_bomb_and_oversize_upload_get_a_message_and_the_app_keeps_serving(world_runs, tmp_path):
    chromium_or_skip()
    import httpx
    from playwright.sync_api import expect, sync_playwright

    _, cls, _ = world_runs
    noise = tmp_path / "noise_photo.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (200, 200, 3), dtype=np.uint8)).save(noise)
    assert noise.stat().st_size > 100 * 1024
    bomb = image_bomb(tmp_path / "image_bomb.png")
    demo = app.build_app(classifier=cls, examples=[], options=OPTIONS)
    url = app.launch(demo, port=_free_port(), block=False, quiet=True, max_file_size="100kb")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(url)
            toasts = page.locator("[data-testid=toast-body]")

            page.locator("#upload input[type=file]").set_input_files(str(noise))  # over the size limit
            expect(toasts.filter(has_text="noise_photo.png")).to_contain_text("exceed the maximum allowed size of 100.0 Kb")
            expect(page.locator("#upload")).not_to_contain_text("noise_photo")  # nothing was taken
            # a client that skips the page's check is refused by the server
            answer = httpx.post(url + "gradio_api/upload", files={"files": ("noise_photo.png", noise.read_bytes())})
            assert answer.status_code == 413 and "maximum allowed size" in answer.text

            page.locator("#upload input[type=file]").set_input_files(str(bomb))
            expect(page.locator("#upload")).to_contain_text("image_bomb")
            page.click("#analyse")
            expect(page.locator("#status")).to_contain_text("Cannot analyse this file", timeout=30_000)
            expect(page.locator("#status")).to_contain_text("image_bomb.png: its header declares over 179 megapixels")
            expect(toasts.filter(has_text="image_bomb.png")).to_contain_text("at most 20 megapixels, downscale the image first")

            page.locator("#upload button[aria-label=Clear]").click()
            page.locator("#upload input[type=file]").set_input_files(str(write_scene(tmp_path / "after.png", 11, 96, 96)))
            expect(page.locator("#upload")).to_contain_text("after")
            page.click("#analyse")
            expect(page.locator("#status")).to_contain_text("Predicted", timeout=30_000)
            expect(page.locator("#probabilities")).to_contain_text("robot")
            expect(page.locator("#probabilities")).to_contain_text("dragon")
            browser.close()
    finally:
        demo.close()


# --- several users at once -----------------------------------------------------------------------

# Gradio's queue statistics warn through pandas 3 on every request (app.launch hides them; pytest resets the filters).
quiet_gradio_queue = pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated", "ignore:The copy keyword is deprecated")

def models_of(models) -> dict[str, torch.nn.Module]:
    nets = {"classifier": models.classifier.model, "segmenter": models.segmenter.model}
    if isinstance(models.predictor.network, torch.nn.Module) and models.predictor.network is not models.segmenter.model:
        nets["segmenter (inference copy)"] = models.predictor.network  # batch norms folded
    return nets


def model_state(models) -> dict[str, tuple[dict[str, torch.Tensor], list[bool], list[bool]]]:
    """Each network's tensors (copies), its modules' training flags and its parameters' requires_grad flags."""
    return {name: ({k: v.detach().clone() for k, v in net.state_dict().items()}, [m.training for m in net.modules()],
                   [p.requires_grad for p in net.parameters()]) for name, net in models_of(models).items()}


def assert_models_unchanged(models, before) -> None:
    after = model_state(models)
    assert after.keys() == before.keys()
    for name, (tensors, training, grads) in before.items():
        now_tensors, now_training, now_grads = after[name]
        assert now_tensors.keys() == tensors.keys() and all(torch.equal(now_tensors[k], v) for k, v in tensors.items()), name
        assert now_training == training, f"{name}: a module's train/eval mode changed"
        # eval mode: batch norm folding leaves parameter-free nn.Identity placeholders in (harmless) training mode
        in_training = [type(m).__name__ for m, on in zip(models_of(models)[name].modules(), now_training) if on and not isinstance(m, torch.nn.Identity)]
        assert not in_training, f"{name} has modules in training mode: {in_training}"
        assert now_grads == grads, f"{name}: requires_grad flags changed"


class Gate:
    """Stands in for ``app.analyse``: holds every analysis until opened, and records how many ran at once."""

    def __init__(self, analyse):
        self.analyse, self.lock = analyse, threading.Lock()
        self.opened, self.entered = threading.Event(), threading.Event()
        self.in_flight = self.most = 0
        self.started: list[str] = []  # file names, in the order their analyses began

    def __call__(self, models, path):
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            self.started.append(Path(path).name)
        self.entered.set()
        try:
            if not self.opened.wait(60):
                raise TimeoutError("the test never opened the gate")
            return self.analyse(models, path)
        finally:
            with self.lock:
                self.in_flight -= 1


def wait_until(condition, what: str, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.05)


def expected_probabilities(models, paths: list[Path]) -> dict[str, dict[str, float]]:
    """What the classifier gives for each image called directly (before any request, under the app's lock)."""
    with models.lock:
        return {p.name: app.classify(models, app.read_upload(p))[0] for p in paths}


def assert_answer_is_for(result: tuple, path: Path, expected: dict[str, dict[str, float]]) -> None:
    """The app's answer shows this image and the classifier's probabilities for it."""
    shown = np.asarray(Image.open(result[0]).convert("RGB"))
    assert np.array_equal(shown, app.read_upload(path)), f"{path.name}: the answer shows another image"
    got = {c["label"]: c["confidence"] for c in result[1]["confidences"]}
    assert got == pytest.approx(expected[path.name], abs=1e-6), path.name
    assert f"Predicted **{result[1]['label']}**" in result[-1]


@pytest.fixture(scope="module")
def served(world_runs, tmp_path_factory):
    """The app with both models and one example, served on 127.0.0.1, and its models' state before any request."""
    _, cls, seg = world_runs
    example = write_scene(tmp_path_factory.mktemp("example") / "example_dragon.png", 21, 88, 72, "dragon")
    demo = app.build_app(cls, seg, examples=[example], options=OPTIONS)
    before = model_state(demo.visionlab_models)
    url = app.launch(demo, port=_free_port(), block=False, quiet=True)
    yield demo, url, example, before
    demo.close()


def client_staging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where gradio_client stages its downloads, under ``tmp_path``.

    gradio_client (2.7.2) downloads each result file into a new folder of the system temp dir, moves the file on and
    leaves the folder there, empty: 76 of them in /tmp per test run. Its modules get a view of :mod:`tempfile` whose
    temp dir is this folder; the rest of the process, the served app among it, keeps the real one.
    """
    import tempfile
    import types

    import gradio_client.client
    import gradio_client.utils

    staging = tmp_path / "client_staging"
    staging.mkdir()
    view = types.SimpleNamespace(**{k: getattr(tempfile, k) for k in dir(tempfile) if not k.startswith("__")})
    view.gettempdir = lambda: str(staging)
    for module in (gradio_client.client, gradio_client.utils):
        monkeypatch.setattr(module, "tempfile", view)
    return staging


@pytest.mark.slow
@quiet_gradio_queue
def test_two_users_at_once_get_their_own_answers_one_inference_at_a_time(served, monkeypatch, tmp_path):
    """Analyse and an example click share one queue: the second waits for the first, and each gets its own answer."""
    from gradio_client import Client, handle_file
    from gradio_client.utils import Status

    demo, url, example, before = served
    models = demo.visionlab_models
    mine = write_scene(tmp_path / "mine_robot.png", 9, 96, 80)
    expected = expected_probabilities(models, [mine, example])
    gate = Gate(app.analyse)
    monkeypatch.setattr(app, "analyse", gate)
    staging = client_staging(tmp_path, monkeypatch)
    alice = Client(url, verbose=False, download_files=str(tmp_path / "alice"))
    bob = Client(url, verbose=False, download_files=str(tmp_path / "bob"))
    try:
        first = alice.submit(handle_file(str(mine)), api_name="/analyse")
        assert gate.entered.wait(30), "the first analysis never started"
        second = bob.submit(handle_file(str(example)), api_name="/analyse_example")  # what an example click runs
        wait_until(lambda: second.status().code == Status.IN_QUEUE or len(gate.started) > 1, "the second request reached the server")
        time.sleep(0.3)  # time enough for a second worker to pick it up, were there one
        assert gate.started == [mine.name], "a second analysis started while the first was running"
        assert second.status().code == Status.IN_QUEUE and not first.done()  # both requests are in the app at once
        gate.opened.set()
        mine_answer, example_answer = first.result(timeout=60), second.result(timeout=60)
    finally:
        gate.opened.set()
        alice.close()
        bob.close()
    assert gate.most == 1 and gate.started == [mine.name, example.name]
    assert any(staging.iterdir()) and not any(f.is_file() for f in staging.rglob("*"))  # the client's empty folders, here
    assert_answer_is_for(mine_answer, mine, expected)
    assert_answer_is_for(example_answer, example, expected)
    assert_models_unchanged(models, before)


@pytest.mark.slow
@quiet_gradio_queue
def test_a_burst_past_the_queue_limit_is_told_the_queue_is_full_and_the_rest_answered(served, monkeypatch, tmp_path):
    import httpx
    from gradio_client import Client, handle_file
    from gradio_client.utils import QueueError, Status

    demo, url, _, before = served
    models = demo.visionlab_models
    holder = write_scene(tmp_path / "holder.png", 30, 72, 64)
    burst = [write_scene(tmp_path / f"burst_{i:02d}.png", 40 + i, 64 + 2 * i, 56, ("robot", "dragon")[i % 2])
             for i in range(app.QUEUE_MAX_SIZE + 4)]
    expected = expected_probabilities(models, [holder, *burst])
    gate = Gate(app.analyse)
    monkeypatch.setattr(app, "analyse", gate)
    client_staging(tmp_path, monkeypatch)
    client = Client(url, verbose=False, download_files=str(tmp_path / "downloads"))
    try:
        running = client.submit(handle_file(str(holder)), api_name="/analyse")
        assert gate.entered.wait(30), "the first analysis never started"
        jobs = [client.submit(handle_file(str(p)), api_name="/analyse") for p in burst]  # all at once, the worker held
        wait_until(lambda: len(gate.started) > 1 or all(j.done() or j.status().code == Status.IN_QUEUE for j in jobs),
                   "every request was queued or refused")
        assert gate.started == ["holder.png"], "a second analysis started while the first was running"
        refused = [j for j in jobs if j.done()]
        assert len(refused) == 4, [j.status().code for j in jobs]
        for job in refused:
            assert isinstance(job.exception(), QueueError) and "Queue is full" in str(job.exception())
        # the server's own words, as the page gets them (the page then says the app is busy)
        answer = httpx.post(url + "gradio_api/queue/join", json={"data": [None], "fn_index": 0, "session_hash": "burst"})
        assert answer.status_code == 503
        assert answer.json()["detail"] == f"Queue is full. Max size is {app.QUEUE_MAX_SIZE} and size is {app.QUEUE_MAX_SIZE}."
        gate.opened.set()
        answers = {"holder.png": running.result(timeout=60)}
        answers.update((p.name, j.result(timeout=60)) for p, j in zip(burst, jobs) if j not in refused)
    finally:
        gate.opened.set()
        client.close()
    assert len(answers) == 1 + app.QUEUE_MAX_SIZE and gate.most == 1 and sorted(gate.started) == sorted(answers)
    for path in [holder, *burst]:
        if path.name in answers:
            assert_answer_is_for(answers[path.name], path, expected)
    assert_models_unchanged(models, before)
