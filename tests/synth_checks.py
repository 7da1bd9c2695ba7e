"""Checks shared by the game-world variant tests: is a mask drawn where the image changes?"""

from __future__ import annotations

import numpy as np


def edge_fraction(image: np.ndarray, mask: np.ndarray) -> float:
    """Share of the boundary pixels of ``mask`` (boolean) whose colour differs strongly across it."""
    img, hits, total = image.astype(np.int32), 0, 0
    for axis in (0, 1):
        a, b = [slice(None)] * 2, [slice(None)] * 2
        a[axis], b[axis] = slice(None, -1), slice(1, None)
        boundary = mask[tuple(a)] != mask[tuple(b)]
        hits += int((np.abs(img[tuple(a)] - img[tuple(b)]).sum(-1)[boundary] > 40).sum())
        total += int(boundary.sum())
    return hits / max(total, 1)
