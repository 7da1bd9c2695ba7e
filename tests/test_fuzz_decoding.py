"""Decoding that never surprises: a mangled image or mask file gives a clean result or the library's error.

Seeds: one small file (16x12) per supported format and per mode the format can hold (TIFF holds nearly
all of them, plus its compressions), and the mask kinds :func:`load_mask` reads. Each seed is mutated a
few hundred times by a seeded byte mutator (flip bits, overwrite bytes with random or boundary values,
truncate, delete/insert/duplicate chunks, zero or max the header's size fields, give a TIFF or EXIF
tag another type; PNG chunk CRCs are fixed up half the time so the damage reaches the decoder, not
only the CRC check), and ``hypothesis`` drives a second, shrinking mutator over the same seeds.
Escapes found this way are also kept as hand-built cases that do not depend on the random streams.

Every mutant must give a fully loaded RGB image (masks: (H, W) uint8 class ids) or raise
:class:`UnreadableImageError` (masks: :class:`DatasetError`) naming the file; any other exception, or
any other result, fails. The pixel limit is lowered to 1 Mpx while fuzzing: a mangled size field
otherwise declares images of up to 89 Mpx that decode for seconds each (the same code path, refusing
a "bomb", runs either way). Failures name the seed, the mutant index and the mutations;
``mutant(seed_name, index)`` rebuilds the exact bytes. ``VISIONLAB_FUZZ_MUTANTS=5000`` runs a longer
campaign with the same (deterministic) first mutants.
"""

from __future__ import annotations

import functools
import io
import os
import random
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import visionlab.data.images
import visionlab.data.mask_io
from visionlab.data.images import IMAGE_EXTENSIONS, load_rgb
from visionlab.data.masks import SegClasses, load_mask, save_mask_png
from visionlab.errors import DatasetError, UnreadableImageError

W, H = 16, 12
MUTANTS_PER_SEED = int(os.environ.get("VISIONLAB_FUZZ_MUTANTS", "400"))
CLASSES = SegClasses(("bg", "road", "car"), ((0, 0, 0), (128, 64, 128), (0, 0, 142)), 255)
EXT = {"PNG": ".png", "JPEG": ".jpg", "BMP": ".bmp", "GIF": ".gif", "TIFF": ".tif", "WEBP": ".webp"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- seeds ----------------------------------------------------------------------------------


def _pixels(mode: str, seed: int) -> Image.Image:
    """A 16x12 image of ``mode`` with varied content (noise, so every decoder path does work)."""
    rng = np.random.default_rng(seed)
    if mode == "1":
        return Image.fromarray(rng.integers(0, 2, (H, W)).astype(bool))
    if mode == "I":
        return Image.fromarray(rng.integers(-1000, 70000, (H, W)).astype(np.int32))
    if mode == "I;16":
        return Image.fromarray(rng.integers(0, 65536, (H, W)).astype(np.uint16))
    if mode == "F":
        return Image.fromarray(rng.normal(0, 100, (H, W)).astype(np.float32))
    if mode in ("P", "PA"):
        img = Image.frombytes("P", (W, H), rng.integers(0, 8, (H, W), dtype=np.uint8).tobytes())
        img.putpalette([(i * 37) % 256 for i in range(8 * 3)])
        if mode == "PA":
            img = img.convert("PA")
        else:
            img.info["transparency"] = 0
        return img
    bands = len(Image.new(mode, (1, 1)).getbands())
    return Image.frombytes(mode, (W, H), rng.integers(0, 256, (H, W, bands), dtype=np.uint8).tobytes())


def _encode(fmt: str, mode: str, seed: int = 0, frames: int = 1, **save: object) -> bytes:
    first = _pixels(mode, seed)
    buf = io.BytesIO()
    if mode == "P" and "transparency" in first.info and fmt in ("PNG", "GIF"):
        save.setdefault("transparency", 0)
    if frames > 1:
        save.update(save_all=True, append_images=[_pixels(mode, seed + i) for i in range(1, frames)])
    first.save(buf, fmt, **save)
    return buf.getvalue()


def _exif_rotated(fmt: str) -> bytes:
    """An RGB file whose EXIF says "rotate 90 degrees" (load_rgb returns it 12x16), with a few more tags and an Exif sub-IFD."""
    img = _pixels("RGB", 5)
    exif = img.getexif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "visionlab"  # Make (ASCII)
    exif[0x011A] = 72.0  # XResolution (RATIONAL)
    exif.get_ifd(0x8769).update({0x829A: 0.004, 0x9003: "2024:01:01 00:00:00"})  # ExposureTime, DateTimeOriginal
    buf = io.BytesIO()
    img.save(buf, fmt, exif=exif)
    return buf.getvalue()


# name -> the seed's bytes. Modes per format: those Pillow can write there; "-rotated" seeds load as 12x16.
IMAGE_SEED_SPECS: dict[str, Callable[[], bytes]] = {
    **{f"png-{m}": functools.partial(_encode, "PNG", m) for m in ("1", "L", "LA", "P", "I;16", "RGB", "RGBA")},
    "png-RGB-animated": functools.partial(_encode, "PNG", "RGB", frames=2),
    **{f"jpeg-{m}": functools.partial(_encode, "JPEG", m) for m in ("L", "RGB", "CMYK")},
    "jpeg-RGB-progressive": functools.partial(_encode, "JPEG", "RGB", progressive=True),
    **{f"{f.lower()}-RGB-exif-rotated": functools.partial(_exif_rotated, f) for f in ("JPEG", "PNG", "WEBP", "TIFF")},
    **{f"bmp-{m}": functools.partial(_encode, "BMP", m) for m in ("1", "L", "P", "RGB", "RGBA")},
    **{f"gif-{m}": functools.partial(_encode, "GIF", m) for m in ("L", "P")},
    "gif-P-animated": functools.partial(_encode, "GIF", "P", frames=3),
    **{f"tiff-{m}": functools.partial(_encode, "TIFF", m) for m in ("1", "L", "LA", "P", "PA", "I", "I;16", "F", "CMYK", "RGB", "RGBA")},
    **{f"tiff-RGB-{c}": functools.partial(_encode, "TIFF", "RGB", compression=c) for c in ("tiff_lzw", "tiff_adobe_deflate", "packbits", "jpeg")},
    "tiff-1-group4": functools.partial(_encode, "TIFF", "1", compression="group4"),
    "tiff-L-multipage": functools.partial(_encode, "TIFF", "L", frames=2),
    "webp-RGB-lossy": functools.partial(_encode, "WEBP", "RGB"),
    "webp-RGBA-lossless": functools.partial(_encode, "WEBP", "RGBA", lossless=True),
    "webp-RGB-animated": functools.partial(_encode, "WEBP", "RGB", frames=2),
}


def _mask_ids(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, CLASSES.num_classes, (H, W)).astype(np.uint8)
    ids[rng.random((H, W)) < 0.1] = CLASSES.ignore_index
    return ids


def _mask_png(kind: str) -> bytes:
    ids = _mask_ids()
    buf = io.BytesIO()
    if kind == "P":
        with tempfile.TemporaryDirectory() as folder:
            return save_mask_png(ids, Path(folder) / "seed.png", CLASSES.colors).read_bytes()
    if kind == "1":
        Image.fromarray(ids == 1).save(buf, "PNG")
    elif kind == "L":
        Image.fromarray(ids).save(buf, "PNG")
    elif kind == "I;16":
        Image.fromarray(ids.astype(np.uint16)).save(buf, "PNG")
    else:  # colour masks, RGB or RGBA
        palette = np.array([*CLASSES.colors, *[(255, 255, 255)] * (256 - CLASSES.num_classes)], dtype=np.uint8)
        rgb = Image.fromarray(palette[ids])
        (rgb.convert("RGBA") if kind == "RGBA" else rgb).save(buf, "PNG")
    return buf.getvalue()


def _mask_tiff() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(_mask_ids()).save(buf, "TIFF")
    return buf.getvalue()


MASK_SEED_SPECS: dict[str, Callable[[], bytes]] = {
    **{f"mask-png-{k}": functools.partial(_mask_png, k) for k in ("P", "1", "L", "I;16", "RGB", "RGBA")},
    "mask-tiff-L": _mask_tiff,  # load_mask reads whatever Pillow opens; TIFF's decoder is the least forgiving
}


@functools.cache
def seed_bytes(name: str) -> bytes:
    """The unmangled seed file ``name`` (a key of ``IMAGE_SEED_SPECS`` or ``MASK_SEED_SPECS``)."""
    return {**IMAGE_SEED_SPECS, **MASK_SEED_SPECS}[name]()


def _ext(data: bytes) -> str:
    magics = (("PNG", PNG_SIGNATURE), ("JPEG", b"\xff\xd8"), ("BMP", b"BM"), ("GIF", b"GIF"), ("TIFF", b"II*\0"), ("TIFF", b"MM\0*"), ("WEBP", b"RIFF"))
    for fmt, magic in magics:
        if data.startswith(magic):
            return EXT[fmt]
    return ".img"


# --- the mutator ----------------------------------------------------------------------------

BOUNDARY = (0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)


def _size_fields(data: bytes) -> list[tuple[int, int, str]]:
    """(offset, length, byte order) of the header fields that hold sizes, counts and offsets."""
    n = len(data)
    out: list[tuple[int, int, str]] = []
    if data.startswith(PNG_SIGNATURE):
        out += [(16, 4, "big"), (20, 4, "big")]  # IHDR width, height
        pos = 8
        while pos + 8 <= n:  # every chunk's length
            out.append((pos, 4, "big"))
            pos += 12 + int.from_bytes(data[pos : pos + 4], "big")
    elif data.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 4 <= n and data[pos] == 0xFF:
            marker = data[pos + 1]
            if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            out.append((pos + 2, 2, "big"))  # segment length
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                out += [(pos + 5, 2, "big"), (pos + 7, 2, "big"), (pos + 9, 1, "big")]  # height, width, components
            if marker == 0xDA:
                break
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    elif data.startswith(b"BM"):
        # file size, pixel offset, header size, width, height, bits per pixel, image size, palette size
        out += [(at, 2 if at == 28 else 4, "little") for at in (2, 10, 14, 18, 22, 28, 34, 46)]
    elif data.startswith(b"GIF"):
        out += [(6, 2, "little"), (8, 2, "little")]  # logical screen
        table = 3 << ((data[10] & 7) + 1) if n > 10 and data[10] & 0x80 else 0
        desc = data.find(b",", 13 + table)
        if desc >= 0:
            out += [(desc + 1 + 2 * i, 2, "little") for i in range(4)]  # frame left, top, width, height
    elif data[:4] in (b"II*\0", b"MM\0*"):
        out += _ifd_fields(data, 0, every_value=False)
    elif data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        out += [(4, 4, "little"), (16, 4, "little")]
        if data[12:16] == b"VP8X":
            out += [(24, 3, "little"), (27, 3, "little")]
        elif data[12:16] == b"VP8L":
            out.append((21, 4, "little"))
        elif data[12:16] == b"VP8 ":
            out += [(26, 2, "little"), (28, 2, "little")]
    if _tiff_base(data) > 0:  # EXIF embedded in JPEG, PNG, WebP
        out += _ifd_fields(data, _tiff_base(data), every_value=True)
    return [(o, k, b) for o, k, b in out if o + k <= n]


def _ifd_entries(data: bytes, base: int) -> tuple[str, list[int]]:
    """Byte order and entry offsets of the first IFD of the TIFF structure at ``base`` (a TIFF file, or EXIF)."""
    order = "little" if data[base : base + 2] == b"II" else "big"
    ifd = base + int.from_bytes(data[base + 4 : base + 8], order)
    count = int.from_bytes(data[ifd : ifd + 2], order) if ifd + 2 <= len(data) else 0
    return order, [e for e in range(ifd + 2, ifd + 2 + 12 * count, 12) if e + 12 <= len(data)]


def _tiff_base(data: bytes) -> int:
    """Where the TIFF structure starts: 0 in a TIFF file, the EXIF block in others; -1 when there is none."""
    return 0 if data[:4] in (b"II*\0", b"MM\0*") else max(data.find(b"II*\0"), data.find(b"MM\0*"))


def _ifd_fields(data: bytes, base: int, every_value: bool) -> list[tuple[int, int, str]]:
    """Type, count and (for sizes, strips and tiles, or ``every_value``) value of each entry of the first IFD at ``base``."""
    order, entries = _ifd_entries(data, base)
    out = []
    for e in entries:
        tag, typ = int.from_bytes(data[e : e + 2], order), int.from_bytes(data[e + 2 : e + 4], order)
        out += [(e + 2, 2, order), (e + 4, 4, order)]
        if every_value or tag in (256, 257, 258, 273, 277, 278, 279, 322, 323, 324, 325):
            out.append((e + 8, 2 if typ == 3 else 4, order))
    return out


def _fix_png_crcs(data: bytearray) -> None:
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        end = pos + 8 + length
        if end + 4 > len(data):
            return
        data[end : end + 4] = zlib.crc32(bytes(data[pos + 4 : end])).to_bytes(4, "big")
        pos = end + 4


def _mutate_once(data: bytearray, rng: random.Random) -> str:
    """Apply one random mutation to ``data`` in place; returns its description."""
    n = len(data)
    op = rng.choice(("flip", "bytes", "boundary", "truncate", "delete", "insert", "duplicate", "header", "header", "retype"))
    if n == 0:
        data += rng.randbytes(rng.randint(1, 16))
        return "refill"
    if op == "flip":
        bits = [rng.randrange(n * 8) for _ in range(rng.randint(1, 4))]
        for b in bits:
            data[b // 8] ^= 1 << (b % 8)
        return f"flip bits {bits}"
    if op == "bytes":
        at = [rng.randrange(n) for _ in range(rng.randint(1, 4))]
        for i in at:
            data[i] = rng.randrange(256)
        return f"random bytes at {at}"
    if op == "boundary":
        k = rng.choice((1, 2, 4))
        at, order = rng.randrange(max(n - k, 0) + 1), rng.choice(("big", "little"))
        value = rng.choice(BOUNDARY) & ((1 << (8 * k)) - 1)
        data[at : at + k] = value.to_bytes(k, order)
        return f"{k}-byte {value:#x} ({order}) at {at}"
    if op == "truncate":
        keep = rng.randrange(n)
        del data[keep:]
        return f"truncate to {keep} bytes"
    if op == "delete":
        at, k = rng.randrange(n), rng.randint(1, max(n // 4, 1))
        del data[at : at + k]
        return f"delete {k} bytes at {at}"
    if op == "insert":
        at, chunk = rng.randrange(n + 1), rng.randbytes(rng.randint(1, 64))
        data[at:at] = chunk
        return f"insert {len(chunk)} random bytes at {at}"
    if op == "duplicate":
        start = rng.randrange(n)
        chunk = bytes(data[start : start + rng.randint(1, max(n // 4, 1))])
        at = rng.randrange(n + 1)
        data[at:at] = chunk
        return f"duplicate {len(chunk)} bytes from {start} at {at}"
    if op == "retype":  # a TIFF / EXIF tag of another type (1-12: BYTE ... DOUBLE): the value's Python type changes
        base = _tiff_base(bytes(data))
        order, entries = _ifd_entries(bytes(data), base) if base >= 0 else ("", [])
        if entries:
            at, typ = rng.choice(entries) + 2, rng.randint(1, 12)
            data[at : at + 2] = typ.to_bytes(2, order)
            return f"TIFF type at {at} = {typ}"
    fields = _size_fields(bytes(data))
    if not fields:
        return _mutate_once(data, rng)
    at, k, order = rng.choice(fields)
    value = rng.choice((0, 0, (1 << (8 * k)) - 1, rng.randrange(1 << (8 * k))))
    data[at : at + k] = value.to_bytes(k, order)
    return f"header field at {at} ({k} bytes, {order}) = {value:#x}"


def mutant(name: str, index: int) -> tuple[bytes, str]:
    """Mutant ``index`` of seed ``name``, and what was done to it (deterministic)."""
    rng = random.Random(f"{name}/{index}")
    data = bytearray(seed_bytes(name))
    ops = [_mutate_once(data, rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    if data.startswith(PNG_SIGNATURE) and rng.random() < 0.5:
        _fix_png_crcs(data)
        ops.append("fix PNG CRCs")
    return bytes(data), "; ".join(ops)


# --- the contract ---------------------------------------------------------------------------


def _image_problem(path: Path) -> str | None:
    """None when ``load_rgb(path)`` keeps its contract, else what went wrong."""
    try:
        img = load_rgb(path)
    except UnreadableImageError as exc:
        return None if str(path) in str(exc) else f"UnreadableImageError without the file name: {exc}"
    except Exception as exc:  # the point of the test: nothing else may come out
        return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
    path.unlink()  # fully loaded: the pixels must not need the file any more
    if not isinstance(img, Image.Image) or img.mode != "RGB" or img.width <= 0 or img.height <= 0:
        return f"returned {img!r}, not an RGB image with a positive size"
    try:
        pixels = img.tobytes()
    except Exception as exc:
        return f"returned an image that was not fully loaded ({type(exc).__name__}: {exc})"
    return None if len(pixels) == img.width * img.height * 3 else f"returned {len(pixels)} bytes of pixels for {img.size}"


def _mask_problem(path: Path) -> str | None:
    """None when ``load_mask(path)`` keeps its contract, else what went wrong."""
    try:
        ids = load_mask(path, CLASSES)
    except DatasetError as exc:
        return None if str(path) in str(exc) else f"DatasetError without the file name: {exc}"
    except Exception as exc:
        return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
    if not isinstance(ids, np.ndarray) or ids.dtype != np.uint8 or ids.ndim != 2 or 0 in ids.shape:
        return f"returned {type(ids).__name__} {getattr(ids, 'dtype', '')} {getattr(ids, 'shape', '')}, not (H, W) uint8 ids"
    return None


def _run_mutants(name: str, folder: Path, problem: Callable[[Path], str | None]) -> None:
    failures = []
    for i in range(MUTANTS_PER_SEED):
        data, ops = mutant(name, i)
        path = folder / f"{name}-{i}{_ext(data)}"
        path.write_bytes(data)
        found = problem(path)
        if found is None:
            path.unlink(missing_ok=True)
        else:
            failures.append(f"mutant({name!r}, {i}) [{ops}] -> {found}  (file kept: {path})")
    assert not failures, f"{len(failures)} of {MUTANTS_PER_SEED} mutants broke the contract:\n" + "\n".join(failures[:20])


# --- tests ----------------------------------------------------------------------------------


@pytest.fixture
def small_pixel_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """1 Mpx for load_rgb, load_mask and Pillow itself: mangled headers cannot ask for seconds of decoding."""
    limit = 1 << 20
    monkeypatch.setattr(visionlab.data.images, "MAX_PIXELS", limit)
    monkeypatch.setattr(visionlab.data.mask_io, "MAX_PIXELS", limit)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)


def test_seeds_cover_every_extension() -> None:
    exts = {_ext(seed_bytes(name)) for name in IMAGE_SEED_SPECS}
    assert {EXT[f] for f in EXT} <= exts
    assert {".png", ".jpg", ".bmp", ".gif", ".tif", ".webp"} <= IMAGE_EXTENSIONS


@pytest.mark.parametrize("name", sorted(IMAGE_SEED_SPECS))
def test_image_seed_decodes(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"seed{_ext(seed_bytes(name))}"
    path.write_bytes(seed_bytes(name))
    img = load_rgb(path)
    assert img.mode == "RGB"
    assert img.size == ((H, W) if name.endswith("-rotated") else (W, H))


@pytest.mark.parametrize("name", sorted(MASK_SEED_SPECS))
def test_mask_seed_decodes(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"seed{_ext(seed_bytes(name))}"
    path.write_bytes(seed_bytes(name))
    ids = load_mask(path, CLASSES)
    expected = _mask_ids()
    if name == "mask-png-1":
        expected = (expected == 1).astype(np.uint8)
    assert np.array_equal(ids, expected)


@pytest.mark.filterwarnings("ignore")  # Pillow warns about corrupt EXIF and such; only exceptions matter here
@pytest.mark.parametrize("name", sorted(IMAGE_SEED_SPECS))
@pytest.mark.usefixtures("small_pixel_limit")
def test_mangled_images_load_or_raise_unreadable(tmp_path: Path, name: str) -> None:
    _run_mutants(name, tmp_path, _image_problem)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(MASK_SEED_SPECS))
@pytest.mark.usefixtures("small_pixel_limit")
def test_mangled_masks_load_or_raise_dataset_error(tmp_path: Path, name: str) -> None:
    _run_mutants(name, tmp_path, _mask_problem)


# --- escapes the mutators found, rebuilt by hand (independent of the mutator's random stream) ------


def _retype(data: bytes, tag: int, typ: int) -> bytes:
    """``data`` with the TIFF type of ``tag`` in the first IFD (a TIFF file's, or an embedded EXIF block's) set to ``typ``."""
    order, entries = _ifd_entries(data, _tiff_base(data))
    out = bytearray(data)
    for e in entries:
        if int.from_bytes(data[e : e + 2], order) == tag:
            out[e + 2 : e + 4] = typ.to_bytes(2, order)
            if out.startswith(PNG_SIGNATURE):
                _fix_png_crcs(out)
            return bytes(out)
    raise AssertionError(f"tag {tag} not in the first IFD")


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


ASCII, RATIONAL, UNDEFINED, SRATIONAL, FLOAT, DOUBLE = 2, 5, 7, 10, 11, 12


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
@pytest.mark.parametrize(("tag", "typ"), [(0x011A, ASCII), (0x011A, UNDEFINED), (0x010F, FLOAT)])
def test_photo_with_mistyped_exif_tag_loads_upright(tmp_path: Path, fmt: str, tag: int, typ: int) -> None:
    # XResolution stored as text or bytes, Make as a float: ImageOps.exif_transpose re-encodes the
    # EXIF block and raised TypeError / AttributeError; the pixels are fine, so the photo loads, rotated.
    seed = seed_bytes(f"{fmt}-RGB-exif-rotated")
    img = load_rgb(_written(tmp_path / f"odd_exif.{fmt}", _retype(seed, tag, typ)))
    assert img.mode == "RGB" and img.size == (H, W)
    assert np.array_equal(np.asarray(img), np.asarray(load_rgb(_written(tmp_path / f"plain.{fmt}", seed))))


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("typ", [ASCII, RATIONAL, UNDEFINED, SRATIONAL, FLOAT, DOUBLE])
def test_tiff_with_non_integer_strip_offset_is_unreadable(tmp_path: Path, typ: int) -> None:
    # StripOffsets (273) typed as text, a fraction, bytes or a float: Pillow's loader raised TypeError.
    path = _written(tmp_path / "odd_strip.tif", _retype(seed_bytes("tiff-L"), 273, typ))
    with pytest.raises(UnreadableImageError, match=r"odd_strip\.tif: corrupt"):
        load_rgb(path)
    mask = _written(tmp_path / "odd_strip_mask.tif", _retype(seed_bytes("mask-tiff-L"), 273, typ))
    with pytest.raises(DatasetError, match=r"odd_strip_mask\.tif: corrupt"):
        load_mask(mask, CLASSES)


# hypothesis: edits at fractional positions with arbitrary payloads (retype: the fraction picks a TIFF / EXIF
# tag, the payload's first byte its new type); shrinks a failure to few, small edits
_EDITS = st.lists(
    st.tuples(st.sampled_from(("overwrite", "insert", "delete", "truncate", "retype")), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    min_size=1,
    max_size=4,
)


def _apply_edits(data: bytes, edits: list[tuple[str, float, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, where, payload in edits:
        at = min(int(where * len(out)), len(out))
        if kind == "retype":
            base = _tiff_base(bytes(out))
            order, entries = _ifd_entries(bytes(out), base) if base >= 0 else ("", [])
            if entries:
                e = entries[min(int(where * len(entries)), len(entries) - 1)]
                out[e + 2 : e + 4] = (payload[0] % 12 + 1).to_bytes(2, order)
        elif kind == "overwrite":
            out[at : at + len(payload)] = payload
        elif kind == "insert":
            out[at:at] = payload
        elif kind == "delete":
            del out[at : at + len(payload)]
        else:
            del out[at:]
    return bytes(out)


_HYPOTHESIS = settings(max_examples=400, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.filterwarnings("ignore")
@pytest.mark.usefixtures("small_pixel_limit")
@_HYPOTHESIS
@given(name=st.sampled_from(sorted(IMAGE_SEED_SPECS)), edits=_EDITS)
def test_hypothesis_edited_images(tmp_path: Path, name: str, edits: list[tuple[str, float, bytes]]) -> None:
    data = _apply_edits(seed_bytes(name), edits)
    path = tmp_path / f"edited{_ext(data)}"
    path.write_bytes(data)
    problem = _image_problem(path)
    assert problem is None, f"{name} with edits {edits}: {problem}"


@pytest.mark.filterwarnings("ignore")
@pytest.mark.usefixtures("small_pixel_limit")
@_HYPOTHESIS
@given(name=st.sampled_from(sorted(MASK_SEED_SPECS)), edits=_EDITS)
def test_hypothesis_edited_masks(tmp_path: Path, name: str, edits: list[tuple[str, float, bytes]]) -> None:
    data = _apply_edits(seed_bytes(name), edits)
    path = tmp_path / f"edited{_ext(data)}"
    path.write_bytes(data)
    problem = _mask_problem(path)
    assert problem is None, f"{name} with edits {edits}: {problem}"


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("typ", [ASCII, RATIONAL, FLOAT])
def test_the_download_check_and_the_header_reader_refuse_a_mistyped_tiff_too(tmp_path: Path, typ: int) -> None:
    from visionlab.data.download import _Fail, _inspect_image
    from visionlab.data.mask_io import image_size

    path = _written(tmp_path / "odd_strip.tif", _retype(seed_bytes("tiff-L"), 273, typ))
    with pytest.raises(_Fail, match=r"^corrupt image \(TypeError"):  # a failed download with its reason, not a crashed fetch
        _inspect_image(path, "image/tiff")
    header = _written(tmp_path / "odd_exif.jpeg", _retype(seed_bytes("jpeg-RGB-exif-rotated"), 0x0112, typ))  # Orientation mistyped
    try:
        assert image_size(header) in ((W, H), (H, W))
    except DatasetError as exc:
        assert str(exc).startswith(f"{header}: cannot open the image")
