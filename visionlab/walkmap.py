"""``visionlab walkmap``: where a character can stand in side-view scenes, as a tile grid.

A segmenter labels every pixel; the image is then cut into square tiles of ``tile`` pixels and
each tile gets one code:

======  ========  ==================================================================
code    name      meaning
======  ========  ==================================================================
0       free      open space: a character can pass through it
1       stand     free, the tile below is solid and ``clearance`` tiles from this one
                  upwards are free: a character's feet can rest here
2       solid     at least ``fill`` (default half) of its pixels are a walkable class
                  (terrain, platform): ground you stand on and cannot pass through
3       hazard    at least ``fill`` of its pixels are a hazard class (water/lava);
                  hazard wins over solid
======  ========  ==================================================================

Outputs per image ``NAME`` (under ``--out``)::

    overlays/NAME.png   the image with stand tiles green, solid grey, hazard red, and grid lines
    maps/NAME.json      the grid and how to read it (below)
    maps/NAME.csv       the grid only: one line per tile row, top row first, codes comma-separated
    summary.json        options, per-image tile counts and, on game-world images, tile accuracy

The JSON map (``"format": "visionlab-walkmap/1"``)::

    {
      "format": "visionlab-walkmap/1",
      "tile": 16,                       # tile side in pixels of the original image
      "rows": 16, "cols": 16,           # grid size: rows = ceil(H / tile), cols = ceil(W / tile)
      "image_size": [256, 256],         # [width, height] in pixels
      "legend": {"0": "free", "1": "stand", "2": "solid", "3": "hazard"},
      "origin": "top-left, row-major, row 0 at the top",
      "walkable": ["terrain", "platform"],   # classes counted as solid
      "hazard": ["water"],                   # classes counted as hazard
      "grid": [[0, 0, ...], ...]             # grid[row][col], rows top to bottom
    }

Reading it in a game engine: tile ``grid[r][c]`` covers pixels ``x`` in
``[c * tile, min((c + 1) * tile, W))`` and ``y`` in ``[r * tile, min((r + 1) * tile, H))``; the
last row and column may be partial when the image size is not a multiple of ``tile``. A pixel
``(x, y)`` lies in tile ``(y // tile, x // tile)``. ``y`` grows downwards (image convention);
engines with ``y`` up use ``row_up = rows - 1 - r``. A character standing on tile ``(r, c)`` has
its feet on the top edge of tile ``(r + 1, c)``, at pixel ``y = (r + 1) * tile``.

On images of the game world (``visionlab data synth``: a folder with ``synth.json`` above them)
the generator's own geometry (terrain line, platform boxes, water pools) gives a second,
ground-truth grid made with the same tile/clearance/fill, and the predicted grid is scored
against it (tile accuracy, precision and recall of stand tiles).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from visionlab.data.images import expand_paths
from visionlab.data.masks import class_ids_by_name
from visionlab.errors import ParamError, UnknownNameError
from visionlab.segment import SUMMARY, SegmentationPredictor, check_output_folder, load_segmenter, output_names
from visionlab.utils.files import atomic_write, write_json
from visionlab.walkmap_options import WalkmapOptions, check_tiling

FREE, STAND, SOLID, HAZARD = 0, 1, 2, 3
LEGEND = {FREE: "free", STAND: "stand", SOLID: "solid", HAZARD: "hazard"}
FORMAT = "visionlab-walkmap/1"
ORIGIN = "top-left, row-major, row 0 at the top"
DEFAULT_WALKABLE = ("terrain", "platform")
DEFAULT_HAZARD = ("water",)
COLORS = {STAND: (40, 220, 60), SOLID: (128, 128, 128), HAZARD: (230, 30, 30)}  # overlay colours; free is untouched
ALPHA = 0.45  # weight of the tile colour in the overlay
# The game world draws a terrain "blob" as an ellipse whose box (in the annotation) is
# (cx - rx, ground - BLOB_BOX * ry, cx + rx, ground), centred at ground - (BLOB_BOX - 1) * ry.
BLOB_BOX = 1.85


# --- classes -------------------------------------------------------------------------------------

def resolve_classes(opts: WalkmapOptions, classes: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The walkable and hazard class names to use with a segmenter that predicts ``classes``.

    Raises:
        UnknownNameError: A class is not predicted by the segmenter, or no default applies; the
            message starts with ``walkable`` or ``hazard``.
        ParamError: A class is both walkable and a hazard, or no walkable class is given.
    """
    classes = tuple(classes)
    if opts.walkable is None:
        walkable = [c for c in DEFAULT_WALKABLE if c in classes]
        if not walkable:
            raise UnknownNameError(f"walkable: this segmenter predicts none of the default walkable classes ({', '.join(DEFAULT_WALKABLE)}); "
                                   f"name some of its classes: {', '.join(classes)}")
    else:
        walkable = [classes[i] for i in class_ids_by_name(opts.walkable, classes, "walkable")]
    hazard = [c for c in DEFAULT_HAZARD if c in classes] if opts.hazard is None else [classes[i] for i in class_ids_by_name(opts.hazard, classes, "hazard")]
    if not walkable:
        raise ParamError("walkable", f"walkable: empty; name at least one of the segmenter's classes: {', '.join(classes)}")
    both = [c for c in walkable if c in hazard]
    if both:
        raise ParamError("hazard", f"hazard: class(es) {', '.join(both)} are also walkable; list each class in only one of walkable and hazard")
    return walkable, hazard


# --- grids ---------------------------------------------------------------------------------------

def _tile_shares(mask: np.ndarray, tile: int) -> np.ndarray:
    """Share of true pixels per tile; partial edge tiles are divided by the pixels they have."""
    h, w = mask.shape
    rows, cols = math.ceil(h / tile), math.ceil(w / tile)
    padded = np.zeros((rows * tile, cols * tile), dtype=np.int64)
    padded[:h, :w] = mask
    counts = padded.reshape(rows, tile, cols, tile).sum(axis=(1, 3))
    tile_h = np.minimum(tile, h - np.arange(rows) * tile)
    tile_w = np.minimum(tile, w - np.arange(cols) * tile)
    return counts / (tile_h[:, None] * tile_w[None, :])


def tile_grid(solid: np.ndarray, hazard: np.ndarray, tile: int, clearance: int, fill: float = 0.5) -> np.ndarray:
    """Tile codes ``(ceil(H / tile), ceil(W / tile))`` uint8 from ``(H, W)`` bool pixel masks.

    A tile is HAZARD when at least ``fill`` of its pixels are hazard, else SOLID when at least
    ``fill`` are solid; a remaining tile is STAND when the tile below is SOLID and the
    ``clearance`` tiles from it upwards are neither solid nor hazard (above the top edge counts as
    free), else FREE.
    """
    check_tiling(tile, clearance, fill)
    solid, hazard = np.asarray(solid, dtype=bool), np.asarray(hazard, dtype=bool)
    if solid.ndim != 2 or solid.shape != hazard.shape or solid.size == 0:
        raise ValueError(f"solid {solid.shape} and hazard {hazard.shape} must be non-empty (H, W) masks of one size")
    eps = 1e-9  # shares are exact ratios; keep e.g. 8/16 >= 0.5 safe from rounding
    is_hazard = _tile_shares(hazard, tile) >= fill - eps
    is_solid = (_tile_shares(solid, tile) >= fill - eps) & ~is_hazard
    grid: np.ndarray = np.full(is_solid.shape, FREE, dtype=np.uint8)
    grid[is_solid] = SOLID
    grid[is_hazard] = HAZARD
    blocked = is_solid | is_hazard
    # blocked tiles among rows r - clearance + 1 .. r (rows above the top edge are free)
    csum = np.concatenate([np.zeros((1, grid.shape[1]), dtype=np.int64), np.cumsum(blocked, axis=0)])
    r = np.arange(grid.shape[0])
    above = csum[r + 1] - csum[np.maximum(r + 1 - clearance, 0)]
    below_solid = np.zeros_like(is_solid)
    below_solid[:-1] = is_solid[1:]
    grid[(above == 0) & below_solid] = STAND
    return grid


def walkmap_from_mask(ids: np.ndarray, walkable_ids: Iterable[int], hazard_ids: Iterable[int], tile: int, clearance: int,
                      fill: float = 0.5) -> np.ndarray:
    """Tile codes from a class-id mask: ``walkable_ids`` are solid, ``hazard_ids`` hazards."""
    ids = np.asarray(ids)
    return tile_grid(np.isin(ids, list(walkable_ids)), np.isin(ids, list(hazard_ids)), tile, clearance, fill)


# --- game-world ground truth ---------------------------------------------------------------------

def _image_size(annotation: dict) -> tuple[int, int]:
    meta = annotation.get("meta", {})
    try:
        return int(annotation.get("width", meta.get("width"))), int(annotation.get("height", meta.get("height")))
    except (TypeError, ValueError):
        raise ValueError("annotation has no width/height; pass a game-world annotations/<stem>.json") from None


def geometry_masks(annotation: dict) -> tuple[np.ndarray, np.ndarray]:
    """``(solid, hazard)`` pixel masks ``(H, W)`` bool from a game-world annotation's geometry.

    Drawn in the renderer's order, later shapes replacing earlier ones: the ground below the
    terrain polyline (solid), water pools (hazard: the rounded bed under the box's top edge, the
    shape the renderer fills), platform boxes (solid, crates and slabs included) and terrain
    boulders (solid ellipses). A pixel belongs to a shape when its centre does. Nothing is read
    from the rendered mask, so the two can be compared.
    """
    width, height = _image_size(annotation)
    meta = annotation.get("meta", annotation)
    ys = np.arange(height)[:, None] + 0.5
    xs = np.arange(width)[None, :] + 0.5
    label = np.zeros((height, width), dtype=np.uint8)  # 0 none, 1 solid, 2 hazard

    line = np.asarray(meta.get("terrain") or [], dtype=float).reshape(-1, 2)
    if len(line):
        order = np.argsort(line[:, 0], kind="stable")
        top = np.interp(xs[0], line[order, 0], line[order, 1])
        label[ys >= top[None, :]] = 1
    for x0, y0, x1, y1 in meta.get("water", []):
        cx, a, b = (x0 + x1) / 2, max((x1 - x0) / 2, 1e-9), max(y1 - y0, 1e-9)
        label[(ys >= y0) & (((xs - cx) / a) ** 2 + ((ys - y0) / b) ** 2 <= 1)] = 2
    for x0, y0, x1, y1 in meta.get("platforms", []):
        label[(ys >= y0) & (ys < y1) & (xs >= x0) & (xs < x1)] = 1
    for d in meta.get("distractors", []):
        if d.get("class") == "terrain":
            x0, y0, x1, y1 = d["box"]
            rx, ry = (x1 - x0) / 2, (y1 - y0) / BLOB_BOX
            if rx > 0 and ry > 0:
                label[((xs - (x0 + x1) / 2) / rx) ** 2 + ((ys - (y0 + ry)) / ry) ** 2 <= 1] = 1
    return label == 1, label == 2


def find_annotation(image_path: Path) -> dict | None:
    """The game world's ``annotations/<stem>.json`` for an image inside a synth dataset, else None.

    The dataset root is the nearest parent folder holding ``synth.json``.
    """
    image_path = Path(image_path).resolve()
    for parent in image_path.parents:
        if (parent / "synth.json").is_file():
            path = parent / "annotations" / f"{image_path.stem}.json"
            if not path.is_file():
                return None
            try:
                annotation = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return annotation if isinstance(annotation, dict) and "meta" in annotation else None
    return None


def tile_scores(pred: np.ndarray, truth: np.ndarray) -> dict:
    """Tile accuracy and precision/recall of STAND tiles (None where undefined)."""
    pred, truth = np.asarray(pred), np.asarray(truth)
    if pred.shape != truth.shape:
        raise ValueError(f"grids differ in size: predicted {pred.shape}, truth {truth.shape}")
    n = int(pred.size)
    tp, n_pred, n_true = _stand_counts(pred, truth)
    return {"tile_accuracy": float((pred == truth).mean()) if n else None,
            "stand_precision": tp / n_pred if n_pred else None,
            "stand_recall": tp / n_true if n_true else None,
            "n_tiles": n}


def _stand_counts(pred: np.ndarray, truth: np.ndarray) -> tuple[int, int, int]:
    p, t = pred == STAND, truth == STAND
    return int((p & t).sum()), int(p.sum()), int(t.sum())


# --- outputs -------------------------------------------------------------------------------------

def overlay_png(image: np.ndarray, grid: np.ndarray, tile: int) -> Image.Image:
    """Tile colours blended over the image (stand green, solid grey, hazard red, free untouched), grid lines."""
    image = np.asarray(image)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    h, w = image.shape[:2]
    codes = np.kron(np.asarray(grid), np.ones((tile, tile), dtype=np.uint8))[:h, :w]
    out = image[..., :3].astype(np.float32)
    for code, color in COLORS.items():
        sel = codes == code
        out[sel] = out[sel] * (1 - ALPHA) + np.asarray(color, dtype=np.float32) * ALPHA
    im = Image.fromarray(out.round().clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(im, "RGBA")
    for x in range(tile, w, tile):
        draw.line([(x, 0), (x, h - 1)], fill=(0, 0, 0, 70), width=1)
    for y in range(tile, h, tile):
        draw.line([(0, y), (w - 1, y)], fill=(0, 0, 0, 70), width=1)
    return im


def map_document(grid: np.ndarray, tile: int, image_size: tuple[int, int], classes_used: dict) -> dict:
    """The JSON map of one image (see the module docstring)."""
    grid = np.asarray(grid)
    return {"format": FORMAT, "tile": int(tile), "rows": int(grid.shape[0]), "cols": int(grid.shape[1]),
            "image_size": [int(image_size[0]), int(image_size[1])], "legend": {str(k): v for k, v in LEGEND.items()},
            "origin": ORIGIN, "walkable": list(classes_used.get("walkable", [])), "hazard": list(classes_used.get("hazard", [])),
            "grid": grid.astype(int).tolist()}


def _map_json(doc: dict) -> str:
    """Indented JSON with one grid row per line (readable and diff-friendly)."""
    head = json.dumps({k: v for k, v in doc.items() if k != "grid"}, indent=2, ensure_ascii=False)
    rows = ",\n    ".join(json.dumps(r, separators=(",", ":")) for r in doc["grid"])
    return head[:-2] + ',\n  "grid": [\n    ' + rows + "\n  ]\n}\n"


def write_walkmap(out: Path, name: str, image: np.ndarray, grid: np.ndarray, tile: int, classes_used: dict) -> None:
    """Write ``overlays/NAME.png``, ``maps/NAME.json`` and ``maps/NAME.csv`` under ``out``, atomically."""
    out, grid, image = Path(out), np.asarray(grid), np.asarray(image)
    h, w = image.shape[:2]
    if grid.shape != (math.ceil(h / tile), math.ceil(w / tile)):
        raise ValueError(f"grid {grid.shape} does not tile a {w}x{h} image with {tile} px tiles")
    ov = overlay_png(image, grid, tile)
    atomic_write(out / "overlays" / f"{name}.png", lambda p: ov.save(p, format="PNG"))
    text = _map_json(map_document(grid, tile, (w, h), classes_used))
    atomic_write(out / "maps" / f"{name}.json", lambda p: p.write_text(text, encoding="utf-8"))
    csv = "".join(",".join(str(int(v)) for v in row) + "\n" for row in grid)
    atomic_write(out / "maps" / f"{name}.csv", lambda p: p.write_text(csv, encoding="utf-8"))


def walkmap_images(segmenter: str | Path, paths: list, out: str | Path, opts: WalkmapOptions | None = None) -> dict:
    """Segment files and folders, turn each mask into a walkmap and write it under ``out``.

    Images inside a game-world dataset are also scored against the grid made from the
    generator's geometry (same tile, clearance and fill).

    Returns:
        The summary written to ``out/summary.json``.

    Raises:
        UnknownNameError: A ``walkable``/``hazard`` class the segmenter does not predict (the
            message lists its classes), or an unknown segmenter.
        RunFolderError: ``out`` holds files that are not an earlier walkmap output.

    Example:
        >>> walkmap_images("runs/seg", ["synth/segment/images"], "walk_out")  # doctest: +SKIP
    """
    opts = opts or WalkmapOptions()
    out = Path(out)
    check_output_folder(out)
    files = expand_paths(paths)
    seg = load_segmenter(segmenter)
    classes = tuple(seg.classes.names)
    walkable, hazard = resolve_classes(opts, classes)
    walkable_ids, hazard_ids = class_ids_by_name(walkable, classes, "walkable"), class_ids_by_name(hazard, classes, "hazard")
    used = {"walkable": walkable, "hazard": hazard}
    predictor = SegmentationPredictor(seg, opts.device, opts.amp, opts.batch_size)
    names = dict(zip(files, output_names(files)))
    rows, accs, pooled, t0 = [], [], np.zeros(3, dtype=np.int64), time.perf_counter()
    for path, image, ids in predictor.predict_paths(files):
        name = names[path]
        grid = walkmap_from_mask(ids, walkable_ids, hazard_ids, opts.tile, opts.clearance, opts.fill)
        write_walkmap(out, name, image, grid, opts.tile, used)
        acc = None
        annotation = find_annotation(path)
        if annotation is not None and _image_size(annotation) == (ids.shape[1], ids.shape[0]):
            truth = tile_grid(*geometry_masks(annotation), opts.tile, opts.clearance, opts.fill)
            acc = tile_scores(grid, truth)["tile_accuracy"]
            accs.append(acc)
            pooled += _stand_counts(grid, truth)
        counts = np.bincount(grid.ravel(), minlength=len(LEGEND))
        rows.append({"path": str(path), "name": name, "rows": int(grid.shape[0]), "cols": int(grid.shape[1]),
                     "counts": {LEGEND[c]: int(counts[c]) for c in LEGEND}, "tile_accuracy": acc})
    tp, n_pred, n_true = (int(v) for v in pooled)
    summary = {"segmenter": seg.describe(), "options": asdict(opts) | used, "format": FORMAT, "n_images": len(rows),
               "scored_images": len(accs), "tile_accuracy": float(np.mean(accs)) if accs else None,
               "stand_precision": tp / n_pred if n_pred else None, "stand_recall": tp / n_true if n_true else None,
               "images": rows, "seconds": time.perf_counter() - t0}
    write_json(out / SUMMARY, summary)
    return summary


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}%"


def format_summary(summary: dict, out: Path, max_rows: int = 10) -> str:
    """Terminal lines: the settings, up to ``max_rows`` images' tile counts, the scores and where the files are."""
    out = Path(out)
    o = summary["options"]
    seg = summary["segmenter"]
    seg_name = seg.get("name", seg) if isinstance(seg, dict) else seg
    lines = [f"{summary['n_images']} walkmaps from {seg_name} in {summary['seconds']:.1f}s "
             f"(tile {o['tile']} px, clearance {o['clearance']}, walkable: {', '.join(o['walkable'])}; "
             f"hazard: {', '.join(o['hazard']) or 'none'})"]
    for row in summary["images"][:max_rows]:
        c = row["counts"]
        acc = f"  accuracy {100 * row['tile_accuracy']:.1f}%" if row.get("tile_accuracy") is not None else ""
        lines.append(f"  {row['name']:<28} {row['cols']}x{row['rows']} tiles: stand {c['stand']}, solid {c['solid']}, "
                     f"hazard {c['hazard']}{acc}")
    if summary["n_images"] > max_rows:
        lines.append(f"  ... ({summary['n_images'] - max_rows} more in {out / SUMMARY})")
    if summary.get("scored_images"):
        lines.append(f"tile accuracy vs the generator's geometry: {_pct(summary['tile_accuracy'])} over {summary['scored_images']} "
                     f"image(s); stand precision {_pct(summary['stand_precision'])}, recall {_pct(summary['stand_recall'])}")
    lines.append(f"overlays: {out / 'overlays'}  maps (JSON, CSV): {out / 'maps'}  summary: {out / SUMMARY}")
    return "\n".join(lines)
