"""Where a classifier's CAM lies on the original image.

A classifier sees the eval crop (short side resized to ``resize_size``, then a centre crop of
``crop_size``) and its CAM is computed on that crop. :func:`cam_to_image` maps it back onto the
part of the original image that the crop covers (bilinear, exact geometry of the eval transform);
pixels outside the crop get CAM 0 (the classifier never saw them). ``visionlab compare`` and
``visionlab app`` both show CAMs this way.
"""

from __future__ import annotations

import numpy as np

from visionlab.models.weights import Preprocess


def crop_window(pre: Preprocess, height: int, width: int) -> tuple[int, int, int, int]:
    """``(resized_h, resized_w, top, left)`` of the eval transform on an image of this size.

    The same arithmetic as torchvision's ``Resize(resize_size)`` (short side, long side
    truncated) and ``CenterCrop(crop_size)`` (rounded anchor; negative when it pads).
    """
    s = pre.resize_size
    if height <= width:
        rh, rw = s, int(s * width / height)
    else:
        rh, rw = int(s * height / width), s

    def anchor(size: int) -> int:
        c = pre.crop_size
        return -((c - size) // 2) if c > size else int(round((size - c) / 2.0))

    return rh, rw, anchor(rh), anchor(rw)


def _axis_weights(n_out: int, n_resized: int, offset: int, crop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bilinear sampling of a crop axis for each original pixel: indices, weights, inside-crop flag."""
    u = (np.arange(n_out) + 0.5) * (n_resized / n_out) - offset  # crop coordinates of pixel centres
    inside = (u >= 0) & (u < crop)
    p = np.clip(u - 0.5, 0, crop - 1)
    i0 = np.floor(p).astype(np.int64)
    i1 = np.minimum(i0 + 1, crop - 1)
    w1 = (p - i0).astype(np.float32)
    return i0, i1, w1, inside


def cam_to_image(cam: np.ndarray, pre: Preprocess, height: int, width: int) -> np.ndarray:
    """A CAM computed on the eval crop ``(crop, crop)`` mapped onto the original ``(height, width)``.

    Each original pixel takes the bilinear value at its centre's position in the crop; pixels
    whose centre lies outside the crop window get 0.

    Args:
        cam: The CAM on the eval crop, ``(crop_size, crop_size)``.
        pre: The classifier's eval preprocessing (its ``resize_size`` and ``crop_size``).
        height: The original image's height in pixels.
        width: The original image's width in pixels.

    Returns:
        ``(height, width)`` float32.
    """
    crop = pre.crop_size
    rh, rw, top, left = crop_window(pre, height, width)
    y0, y1, wy, iny = _axis_weights(height, rh, top, crop)
    x0, x1, wx, inx = _axis_weights(width, rw, left, crop)
    cam = np.asarray(cam, dtype=np.float32)
    rows = cam[y0] * (1 - wy)[:, None] + cam[y1] * wy[:, None]  # (height, crop)
    out = rows[:, x0] * (1 - wx) + rows[:, x1] * wx  # (height, width)
    out *= (iny[:, None] & inx[None, :])
    return out
