"""Robust image decoding: every supported format and mode to RGB, EXIF orientation applied."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, UnidentifiedImageError

from visionlab.errors import DatasetError, UnreadableImageError

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff"})

# Pillow's own bomb limit (~89 Mpx warns, twice that raises). We turn the warning into an
# error too: a 90-Mpx "photo" in a training folder is a mistake, not data.
MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485


def is_image_path(path: Path) -> bool:
    """True when the file name has a supported image extension."""
    return path.suffix.lower() in IMAGE_EXTENSIONS


# EXIF orientation -> the transpose that shows the pixels upright (the table of ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(img: Image.Image) -> Image.Image:
    """A copy of a loaded image with its EXIF orientation applied.

    Not ``ImageOps.exif_transpose``: that also re-encodes the EXIF block into the result, which
    raises (TypeError, AttributeError, struct.error) on photos whose EXIF holds a tag of an
    unexpected type, photos that browsers show fine (Pillow issues #4665, #6882, #7839). Only the
    orientation matters here.
    """
    method = _UPRIGHT.get(img.getexif().get(ExifTags.Base.Orientation, 1))
    if method is None:
        return img.copy()  # detached from the file (uncompressed formats may be memory-mapped)
    out = img.transpose(method)
    for key in ("exif", "xmp", "XML:com.adobe.xmp"):  # applied: no later exif_transpose may rotate it again
        out.info.pop(key, None)
    return out


def _to_rgb(img: Image.Image) -> Image.Image:
    """Convert any Pillow mode to RGB the way a person would expect to see it."""
    if img.mode == "RGB":
        return img
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # High-bit-depth grayscale: Pillow's convert("RGB") clips at 255, turning most
        # 16-bit images white. Rescale by the type's range instead.
        arr = np.asarray(img, dtype=np.float64)
        scale = 65535.0 if img.mode.startswith("I;16") else max(float(arr.max()), 1.0)
        arr8 = np.clip(arr / scale * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(arr8, mode="L").convert("RGB")
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        # Composite on white: fully transparent pixels often carry arbitrary colours.
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")


def load_rgb(path: str | Path) -> Image.Image:
    """Decode an image file completely and return it as an RGB image.

    The first frame of animated files is used; EXIF orientation is applied.

    Args:
        path: Image file.

    Returns:
        A fully loaded RGB ``PIL.Image``.

    Raises:
        UnreadableImageError: The file is empty, not an image, truncated, corrupt (whatever the
            decoder raised), or larger than ``MAX_PIXELS`` (a decompression bomb).
        MemoryError: Passed on as is: this process is out of memory, the file is not to blame.

    Example:
        >>> load_rgb("cat.png").mode  # doctest: +SKIP
        'RGB'
    """
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            raise UnreadableImageError(f"{path}: empty file (0 bytes)")
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise UnreadableImageError(
                        f"{path}: {img.width}x{img.height} exceeds the {MAX_PIXELS} pixel limit "
                        "(possible decompression bomb); downscale it if it is a real photo"
                    )
                img.seek(0)
                img.load()  # full decode: truncated files fail here, not during training
                return _to_rgb(_upright(img))
    except UnreadableImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnreadableImageError(f"{path}: not a readable image ({exc})") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise UnreadableImageError(f"{path}: corrupt or truncated image ({exc})") from exc
    except MemoryError:
        # Not swallowed: bombs are refused above by their declared pixel count, before any
        # allocation, so a MemoryError here means this process is out of memory. Turning it into
        # "skip this file" would hide that behind a warning while every later file fails too.
        raise
    except Exception as exc:
        # Pillow's decoders raise nearly anything on hostile bytes, e.g. TypeError when a TIFF tag
        # has an unexpected type (tests/test_fuzz_decoding.py). The file is still just unreadable.
        # KeyboardInterrupt and SystemExit are BaseExceptions and pass through untouched.
        raise UnreadableImageError(f"{path}: corrupt or truncated image (the decoder failed with {type(exc).__name__}: {exc})") from exc


def expand_paths(paths: Sequence[str | Path]) -> list[Path]:
    """Files as given, folders searched recursively for images, in sorted order.

    Raises:
        DatasetError: A path does not exist, or nothing to predict on was found.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and is_image_path(f))
        elif p.is_file():
            out.append(p)
        else:
            raise DatasetError(f"{p} does not exist; pass image files or folders")
    if not out:
        raise DatasetError(f"no images found in {', '.join(map(str, paths))}")
    return out


def image_batches(paths: list[Path], batch_size: int) -> Iterator[tuple[list[Path], list[Image.Image]]]:
    """Decode every file once, a batch at a time; unreadable files are skipped.

    After the last batch one warning lists the skipped files.

    Raises:
        DatasetError: Not one file could be read.
    """
    bad: list[str] = []
    seen_good = False
    for start in range(0, len(paths), batch_size):
        good, images = [], []
        for p in paths[start : start + batch_size]:
            try:
                images.append(load_rgb(p))
                good.append(p)
            except UnreadableImageError as exc:
                bad.append(str(exc))
        if good:
            seen_good = True
            yield good, images
    if bad:
        warnings.warn(f"skipped {len(bad)} unreadable file(s):\n  " + "\n  ".join(bad), stacklevel=3)
    if not seen_good:
        raise DatasetError("none of the given files is a readable image")
