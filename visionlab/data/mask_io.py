"""Mask files: reading palette, grayscale, 16-bit and colour PNGs as class ids, and writing palette PNGs.

A mask is an (H, W) array of class ids, one per pixel; ``ignore_index`` marks unlabelled pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from visionlab.data.images import MAX_PIXELS
from visionlab.data.mask_classes import IGNORE_COLOR, MAX_LISTED, Color, SegClasses, colors_of, short_list, voc_palette
from visionlab.errors import DatasetError
from visionlab.utils.files import atomic_write

_ID_MODES = ("P", "L", "1")
_WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I")
_COLOR_MODES = ("RGB", "RGBA")


def _present(arr: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array."""
    if arr.dtype == np.uint8 or arr.dtype == np.uint16:
        return np.flatnonzero(np.bincount(arr.ravel(), minlength=1))
    return np.unique(arr)


def _check_ids(arr: np.ndarray, classes: SegClasses, path: Path) -> np.ndarray:
    values = _present(arr)
    bad = [int(v) for v in values if not (0 <= v < classes.num_classes or v == classes.ignore_index)]
    if bad:
        raise DatasetError(
            f"{path}: mask holds id(s) {short_list(bad, 10)} outside the valid class ids 0..{classes.num_classes - 1} "
            f"(plus ignore index {classes.ignore_index}); list every class in classes.json, or save the mask as class ids "
            "(not colours or 0-255 grey levels)"
        )
    return arr.astype(np.uint8)


def _ignore_colors(ignore_index: int) -> tuple[Color, ...]:
    """Colours read as ``ignore_index`` in colour masks: :meth:`SegClasses.colorize`'s and the VOC palette's."""
    return (IGNORE_COLOR, colors_of(voc_palette(256)[ignore_index:ignore_index + 1])[0])


def _map_colors(rgb: np.ndarray, classes: SegClasses, path: Path) -> np.ndarray:
    if not classes.has_colors:
        raise DatasetError(
            f"{path}: colour (RGB) mask, but classes.json gives no colours; add \"colors\": [[r, g, b], ...] "
            "(one per class) to classes.json, or save the masks as class ids (palette or grayscale PNG)"
        )
    rgb = rgb.astype(np.int32)
    codes = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    table = {(r << 16) | (g << 8) | b: i for i, (r, g, b) in enumerate(classes.colors)}
    for r, g, b in _ignore_colors(classes.ignore_index):
        table.setdefault((r << 16) | (g << 8) | b, classes.ignore_index)
    keys = np.array(sorted(table), dtype=np.int32)
    ids = np.array([table[k] for k in keys], dtype=np.uint8)
    pos = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
    known = keys[pos] == codes
    if not known.all():
        unknown = [((c >> 16) & 255, (c >> 8) & 255, c & 255) for c in np.unique(codes[~known]).tolist()]
        raise DatasetError(
            f"{path}: colour(s) {short_list(unknown, MAX_LISTED)} are not class colours in classes.json; add them to "
            "\"colors\" or repaint those pixels (anti-aliased or JPEG-compressed masks do not work: save masks as PNG "
            "without smoothing)"
        )
    return ids[pos]


def _open_mask(path: Path) -> Image.Image:
    if not path.is_file():
        raise DatasetError(f"{path}: mask file not found")
    if path.stat().st_size == 0:
        raise DatasetError(f"{path}: empty mask file (0 bytes); re-export it or remove the image/mask pair")
    img = Image.open(path)
    if img.width * img.height > MAX_PIXELS:
        img.close()
        raise DatasetError(f"{path}: {img.width}x{img.height} mask exceeds the {MAX_PIXELS} pixel limit; downscale it with nearest-neighbour")
    return img


def load_mask(path: str | Path, classes: SegClasses, image_size: tuple[int, int] | None = None) -> np.ndarray:
    """Read a mask file as (H, W) uint8 class ids.

    Palette ("P") masks store the class id as palette index (like VOC); grayscale ("L", "1") and
    16-bit ("I;16", "I") masks store it as value; colour ("RGB", "RGBA") masks are mapped through
    ``classes.colors`` by exact match; white and the VOC palette colour of the ignore index
    (e.g. VOC's (224, 224, 192) border) read as ``ignore_index`` unless a class uses them.

    Args:
        path: Mask file (PNG recommended).
        classes: The dataset's classes.
        image_size: (width, height) of the matching image; checked when given.

    Returns:
        Class ids, with ``classes.ignore_index`` kept as is.

    Raises:
        DatasetError: Unreadable file, unsupported mode, size mismatch, ids that are neither a
            class nor the ignore index, or colours that are not class colours.
    """
    path = Path(path)
    try:
        with _open_mask(path) as img:
            if image_size is not None and tuple(image_size) != img.size:
                raise DatasetError(
                    f"{path}: mask is {img.width}x{img.height} but its image is {image_size[0]}x{image_size[1]}; "
                    "masks must have exactly the image's size (resize with nearest-neighbour or re-export)"
                )
            img.load()
            mode, arr = img.mode, np.asarray(img)
    except DatasetError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise DatasetError(f"{path}: not a readable image ({exc}); re-export the mask as PNG or remove the pair") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise DatasetError(f"{path}: corrupt or truncated mask ({exc}); re-export it or remove the pair") from exc
    except MemoryError:
        raise  # out of memory, not a bad file: the pixel limit above refuses bombs before allocating (as load_rgb)
    except Exception as exc:  # Pillow's decoders raise nearly anything on hostile bytes
        raise DatasetError(
            f"{path}: corrupt or truncated mask (the decoder failed with {type(exc).__name__}: {exc}); re-export it or remove the pair"
        ) from exc
    if mode in _ID_MODES or mode in _WIDE_MODES:
        return _check_ids(arr.astype(np.uint8) if mode == "1" else arr, classes, path)
    if mode in _COLOR_MODES:
        return _map_colors(arr[..., :3], classes, path)
    raise DatasetError(f"{path}: unsupported mask mode {mode!r}; save masks as palette (P) or 8-bit grayscale (L) PNGs of class ids")


def save_mask_png(ids: np.ndarray, path: str | Path, colors: Sequence[Sequence[int]]) -> Path:
    """Write class ids as a palette PNG, atomically; :func:`load_mask` reads back the same ids.

    Args:
        ids: (H, W) integer class ids in 0..255.
        path: Output file.
        colors: Palette colours of ids ``0..len(colors)-1``; the rest of the palette is VOC's.

    Returns:
        ``path``.

    Raises:
        ValueError: ``ids`` is not 2-D or holds values outside 0..255.
    """
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"mask ids must be a 2-D (H, W) array, got shape {ids.shape}")
    if ids.size and (ids.min() < 0 or ids.max() > 255):
        raise ValueError(f"mask ids must lie in 0..255 for a palette PNG, got {ids.min()}..{ids.max()}")
    palette = voc_palette(256)
    given = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)[:256]
    palette[: len(given)] = given
    img = Image.frombytes("P", (ids.shape[1], ids.shape[0]), np.ascontiguousarray(ids, dtype=np.uint8).tobytes())
    img.putpalette(palette.ravel().tolist())
    return atomic_write(path, lambda tmp: img.save(tmp, format="PNG"))


def image_size(path: str | Path) -> tuple[int, int]:
    """(width, height) of an image as :func:`~visionlab.data.images.load_rgb` returns it, from the header only.

    Raises:
        DatasetError: The file cannot be opened as an image.
    """
    path = Path(path)
    try:
        with Image.open(path) as img:
            size = img.size
            orientation = img.getexif().get(0x0112, 1)
    except MemoryError:
        raise
    except Exception as exc:  # Pillow raises almost anything on a hostile header (see tests/test_fuzz_decoding.py)
        raise DatasetError(f"{path}: cannot open the image ({type(exc).__name__}: {exc}); fix or remove the file and its mask") from exc
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size
