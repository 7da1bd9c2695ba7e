"""Decoding every supported format and mode to RGB, and refusing broken files clearly."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visionlab.data.images import load_rgb
from visionlab.errors import UnreadableImageError


@pytest.mark.parametrize("ext", ["jpg", "png", "bmp", "webp", "gif", "tiff"])
def test_formats_load_as_rgb(tmp_path: Path, ext: str) -> None:
    arr = np.zeros((20, 30, 3), np.uint8)
    arr[:, :15] = (200, 30, 30)
    p = tmp_path / f"img.{ext}"
    Image.fromarray(arr).save(p)
    img = load_rgb(p)
    assert img.mode == "RGB" and img.size == (30, 20)
    left = np.asarray(img)[10, 5].astype(int)
    assert left[0] > 150 and left[1] < 80  # red stays red (lossy formats within tolerance)


def test_gif_uses_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (8, 8), c) for c in [(255, 0, 0), (0, 0, 255)]]
    p = tmp_path / "anim.gif"
    frames[0].save(p, save_all=True, append_images=frames[1:])
    r, g, b = np.asarray(load_rgb(p))[4, 4]
    assert r > 200 and b < 50


def test_grayscale_palette_and_cmyk(tmp_path: Path) -> None:
    Image.new("L", (4, 4), 100).save(tmp_path / "l.png")
    assert tuple(np.asarray(load_rgb(tmp_path / "l.png"))[0, 0]) == (100, 100, 100)
    p = Image.new("RGB", (4, 4), (10, 200, 30)).convert("P", palette=Image.Palette.ADAPTIVE)
    p.save(tmp_path / "p.png")
    assert tuple(np.asarray(load_rgb(tmp_path / "p.png"))[0, 0]) == (10, 200, 30)
    Image.new("CMYK", (4, 4), (0, 255, 255, 0)).save(tmp_path / "c.tiff")  # pure red ink
    r, g, b = np.asarray(load_rgb(tmp_path / "c.tiff"))[0, 0]
    assert r > 200 and g < 50 and b < 50


def test_alpha_is_composited_on_white(tmp_path: Path) -> None:
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 3] = 0  # fully transparent black
    rgba[0, 0] = (0, 0, 255, 255)  # one opaque blue pixel
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    out = np.asarray(load_rgb(tmp_path / "a.png"))
    assert tuple(out[0, 0]) == (0, 0, 255)
    assert tuple(out[2, 2]) == (255, 255, 255)
    Image.fromarray(np.stack([np.full((4, 4), 50, np.uint8), np.zeros((4, 4), np.uint8)], -1), "LA").save(tmp_path / "la.png")
    assert tuple(np.asarray(load_rgb(tmp_path / "la.png"))[1, 1]) == (255, 255, 255)


def test_16bit_grayscale_is_rescaled_not_clipped(tmp_path: Path) -> None:
    arr = np.array([[0, 32768, 65535, 16384]], dtype=np.uint16)
    Image.fromarray(arr).save(tmp_path / "g16.png")
    assert Image.open(tmp_path / "g16.png").mode.startswith("I")
    out = np.asarray(load_rgb(tmp_path / "g16.png"))[0, :, 0]
    assert out.tolist() == [0, 128, 255, 64]


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    arr = np.zeros((10, 20, 3), np.uint8)
    arr[:, :10] = 255  # white on the left half of a landscape image
    img = Image.fromarray(arr)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    img.save(tmp_path / "rot.jpg", exif=exif, quality=95)
    out = load_rgb(tmp_path / "rot.jpg")
    assert out.size == (10, 20)  # portrait after applying the tag
    a = np.asarray(out).mean(axis=2)
    assert a[:10].mean() > 200 and a[10:].mean() < 50  # the white half is now on top


def test_broken_files_raise_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "zero.jpg").write_bytes(b"")
    (tmp_path / "html.jpg").write_text("<html>not an image</html>")
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(buf, "JPEG")
    (tmp_path / "trunc.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    for name, word in [("zero.jpg", "empty"), ("html.jpg", "not a readable image"), ("trunc.jpg", "truncated")]:
        with pytest.raises(UnreadableImageError, match=word) as info:
            load_rgb(tmp_path / name)
        assert name in str(info.value)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares a huge size (a decompression bomb's signature)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))  # noqa: E731
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bomb.png").write_bytes(_png_header_only(30000, 30000))
    with pytest.raises(UnreadableImageError, match="pixel limit|bomb"):
        load_rgb(tmp_path / "bomb.png")


def test_one_pixel_image_loads(tmp_path: Path) -> None:
    Image.new("RGB", (1, 1), (1, 2, 3)).save(tmp_path / "one.png")
    assert load_rgb(tmp_path / "one.png").size == (1, 1)
