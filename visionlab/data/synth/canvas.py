"""Paired RGB image / label-map drawing surface.

Every shape is drawn twice with the same rasteriser call: once in colour on the image and once
with its label value on the label map, so the two cannot drift apart. Label values are class ids
for the environment, ``CHARACTER - 1 + instance_id`` for characters and :data:`ROLE_LABELS` for held
weapons and effects, so one map carries both the class mask and the instance map (see :func:`split_labels`).

Scenes of at least ``SUPERSAMPLE_MIN`` pixels (both sides) are drawn at twice the size; the image is then
box-filtered (anti-aliasing) and the label map reduced by a 2x2 majority vote, which keeps
labels crisp and aligned with the image.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from PIL import Image, ImageDraw

from .palette import CHARACTER, Color

SUPERSAMPLE_MIN = 64  # below this, 2x drawing costs more than it improves (32 px benchmarks).


class Op(NamedTuple):
    """One drawing primitive, in final-image pixel coordinates."""

    kind: str  # "poly" | "ellipse" | "rect" | "line"
    geom: Any  # (n, 2) points for poly/line; (x0, y0, x1, y1) box for ellipse/rect
    fill: Color
    outline: Color | None = None  # dark edge; the label map gets the same edge, so footprints match
    width: float = 1.0  # outline width (poly/ellipse/rect) or line width, final pixels


def character_label(instance_id: int) -> int:
    """Label-map value of the character with this instance id (ids start at 1)."""
    return CHARACTER - 1 + instance_id


ROLE_LABELS = {"weapon": 200, "effect": 201, "hud": 202, "vehicle": 203, "wall": 204, "floor": 205, "furniture": 206, "road": 207}
"""Label-map values of the parts that are neither scenery nor a character's body (above every character label): held
weapons, cast effects, a game's on-screen display (HUD), vehicles, a room's wall, floor and furniture, and a map's roads."""


def split_labels(label: np.ndarray, role_classes: dict[str, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split a label map into the class mask (uint8) and the instance map (uint16).

    Args:
        label: The label map.
        role_classes: Class id of each role drawn (``{"weapon": 8}``); a weapon or effect belongs to no instance.
    """
    is_char = (label >= CHARACTER) & (label < min(ROLE_LABELS.values()))
    mask = np.where(is_char, CHARACTER, label).astype(np.uint8)
    for role, class_id in (role_classes or {}).items():
        mask[label == ROLE_LABELS[role]] = class_id
    instances = np.where(is_char, label.astype(np.int32) - (CHARACTER - 1), 0).astype(np.uint16)
    return mask, instances


def _majority2x2(label: np.ndarray) -> np.ndarray:
    """Most frequent value in each 2x2 block; ties go to the first in raster order."""
    b0, b1, b2, b3 = label[0::2, 0::2], label[0::2, 1::2], label[1::2, 0::2], label[1::2, 1::2]
    # With four values: b0 wins if it occurs twice (no other value can occur more often),
    # else b1 if it occurs twice, else b2 if b2 == b3, else all differ and b0 wins the tie.
    b0_pair = (b0 == b1) | (b0 == b2) | (b0 == b3)
    b1_pair = (b1 == b2) | (b1 == b3)
    return np.where(b0_pair, b0, np.where(b1_pair, b1, np.where(b2 == b3, b2, b0)))


def scaled(op: Op, ss: int) -> tuple[Any, int]:
    """Pillow-ready geometry (flat point list or ordered box) and width of ``op`` drawn ``ss`` times larger."""
    width = max(1, int(op.width * ss + 0.5))
    if op.kind in ("poly", "line"):
        pts = np.asarray(op.geom, dtype=float)
        return (pts * ss if ss != 1 else pts).ravel().tolist(), width
    x0, y0, x1, y1 = op.geom
    if x1 < x0:
        x0, x1 = x1, x0
    if y1 < y0:
        y0, y1 = y1, y0
    return (x0 * ss, y0 * ss, x1 * ss, y1 * ss), width


def draw_op(draw: ImageDraw.ImageDraw, kind: str, geom: Any, width: int, fill: Any, outline: Any) -> None:
    """One Pillow call for one primitive (geometry as :func:`scaled` returns it)."""
    if kind == "poly":
        draw.polygon(geom, fill=fill, outline=outline, width=width)
    elif kind == "line":
        draw.line(geom, fill=fill, width=width)
    elif kind == "ellipse":
        draw.ellipse(geom, fill=fill, outline=outline, width=width)
    else:
        draw.rectangle(geom, fill=fill, outline=outline, width=width)


class Canvas:
    """Image + label map of one scene, drawn at ``ss`` times the final size."""

    def __init__(self, width: int, height: int, sky_top: Color, sky_bottom: Color):
        self.width, self.height = width, height
        self.ss = 2 if min(width, height) >= SUPERSAMPLE_MIN else 1
        w, h = width * self.ss, height * self.ss
        t = np.linspace(0.0, 1.0, h)[:, None]
        rows = (np.asarray(sky_top) * (1 - t) + np.asarray(sky_bottom) * t).astype(np.uint8)
        self.image = Image.fromarray(rows[:, None, :]).resize((w, h), Image.Resampling.NEAREST)
        self.label = Image.new("L", (w, h), 0)
        self._draw = ImageDraw.Draw(self.image)
        self._ldraw = ImageDraw.Draw(self.label)

    def draw(self, ops: list[Op], label: int | None = None) -> None:
        """Draw ops on the image and, unless ``label`` is None, with value ``label`` on the label map."""
        for op in ops:
            geom, width = scaled(op, self.ss)
            draw_op(self._draw, op.kind, geom, width, op.fill, op.outline)
            if label is not None:
                # Same outline width as the image so both footprints match pixel for pixel.
                draw_op(self._ldraw, op.kind, geom, width, label, label if op.outline is not None else None)

    def footprint(self, ops: list[Op]) -> np.ndarray:
        """Boolean (canvas-size) map of the pixels ``ops`` would cover, without drawing them."""
        layer = Image.new("L", self.label.size, 0)
        draw = ImageDraw.Draw(layer)
        for op in ops:
            geom, width = scaled(op, self.ss)
            draw_op(draw, op.kind, geom, width, 1, 1 if op.outline is not None else None)
        return np.asarray(layer) > 0

    def labels(self) -> np.ndarray:
        """Current label map at canvas resolution (a copy)."""
        return np.array(self.label)

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """Final (H, W, 3) uint8 image and (H, W) uint8 label map."""
        if self.ss == 1:
            return np.array(self.image), np.array(self.label)
        image = np.asarray(self.image.reduce(self.ss))
        return image, _majority2x2(np.asarray(self.label))



def overlay(image: np.ndarray, label: np.ndarray, ops: list[Op], value: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``ops`` over a finished image, and with ``value`` over its label map (an on-screen display: no supersampling)."""
    im, lab = Image.fromarray(image), Image.fromarray(label)
    draw, ldraw = ImageDraw.Draw(im), ImageDraw.Draw(lab)
    for op in ops:
        geom, width = scaled(op, 1)
        draw_op(draw, op.kind, geom, width, op.fill, op.outline)
        draw_op(ldraw, op.kind, geom, width, value, value if op.outline is not None else None)
    return np.asarray(im), np.asarray(lab)
