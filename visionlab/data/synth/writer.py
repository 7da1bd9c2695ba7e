"""Write rendered scenes to disk in the lab's folder layouts.

Layout under ``out`` (these paths are a contract other code reads)::

    classify/<class>/<stem>.<ext>       class folders (the variant's two classes), label = the scene's class
    segment/images/<stem>.<ext>         the same image
    segment/masks/<stem>.png            8-bit "L" class ids
    segment/instances/<stem>.png        16-bit "I;16" character instance ids
    segment/classes.json                class names, colours, ignore index
    annotations/<stem>.json             characters, seed and scene geometry
    synth.json                          parameters and counts; written last
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
from PIL import Image

from visionlab.utils.files import atomic_write

from .palette import IGNORE_INDEX, class_colors
from .scene import Scene, SceneSpec, render_scene
from .variants import get_game_variant

GENERATOR = "visionlab.synth"
VERSION = 1
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG"}
JPEG_QUALITY = 95


def scene_seed(seed: int, index: int) -> int:
    """Seed of scene ``index`` of a dataset generated with ``seed`` (independent streams)."""
    return int(np.random.SeedSequence(seed, spawn_key=(index,)).generate_state(1)[0])


def setting_seed(seed: int, pair: int) -> int:
    """Seed of the setting shared by pair ``pair``'s two scenes (a paired variant's scenes ``2 * pair`` and ``2 * pair + 1``)."""
    return int(np.random.SeedSequence(seed, spawn_key=(pair, 1)).generate_state(1)[0])


def _encode(image: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG":
        image.save(buf, fmt, quality=JPEG_QUALITY)
    else:
        image.save(buf, fmt)
    return buf.getvalue()


def _atomic_write(path: Path, data: bytes) -> None:
    """Readers never see half a file (see :func:`visionlab.utils.files.atomic_write`)."""
    atomic_write(path, lambda tmp: tmp.write_bytes(data))


def _json_bytes(obj: dict, indent: int | None = 2) -> bytes:
    # Annotations are written compact: indenting forces json's slow pure-Python encoder.
    separators = (",", ":") if indent is None else None
    return (json.dumps(obj, indent=indent, separators=separators) + "\n").encode("utf-8")


def _check_folder(out: Path, params: dict) -> None:
    """Refuse a folder that holds a dataset made with other parameters."""
    marker = out / "synth.json"
    if not marker.exists():
        return
    try:
        existing = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FileExistsError(f"{out} holds an unreadable synth.json ({exc}); pick another folder or delete it") from exc
    diff = [k for k in params if existing.get(k) != params[k]]
    if diff:
        changes = ", ".join(f"{k}: {existing.get(k)!r} -> {params[k]!r}" for k in diff)
        raise FileExistsError(
            f"{out} already holds a synthetic dataset made with different parameters ({changes}); "
            "pick another output folder or delete this one")


def _write_scene(out: Path, stem: str, scene: Scene, ext: str) -> None:
    fmt = IMAGE_FORMATS[ext]
    image = _encode(Image.fromarray(scene.image), fmt)
    kind = scene.label
    paths = {
        "image": f"segment/images/{stem}.{ext}",
        "classify_image": f"classify/{kind}/{stem}.{ext}",
        "mask": f"segment/masks/{stem}.png",
        "instances": f"segment/instances/{stem}.png",
    }
    _atomic_write(out / paths["classify_image"], image)
    _atomic_write(out / paths["image"], image)
    _atomic_write(out / paths["mask"], _encode(Image.fromarray(scene.mask), "PNG"))
    _atomic_write(out / paths["instances"], _encode(Image.fromarray(scene.instances), "PNG"))
    height, width = scene.mask.shape
    annotation = {**paths, "label": kind, "width": width, "height": height, "seed": scene.meta["seed"],
                  "characters": [asdict(c) for c in scene.characters], "meta": scene.meta}
    _atomic_write(out / "annotations" / f"{stem}.json", _json_bytes(annotation, indent=None))


def write_dataset(out: str | Path, n: int, seed: int = 0, spec: SceneSpec | None = None, *,
                  image_format: str = "png", balanced: bool = True) -> dict:
    """Render ``n`` scenes and write them for classification and segmentation.

    Scene ``i`` is ``render_scene(scene_seed(seed, i), spec_i)`` where ``spec_i`` forces the scene's
    class to the variant's class ``i % 2`` when ``balanced`` (else ``spec_i = spec``); its annotation
    records that seed. A paired variant's balanced scenes ``2k`` and ``2k + 1`` also share the setting
    ``setting_seed(seed, k)``: one biome, time of day and ground line, one scene of each class on it.
    Re-running with identical parameters rewrites identical bytes.

    Args:
        out: Output folder (created if needed).
        n: Number of scenes.
        seed: Dataset seed (non-negative).
        spec: Scene parameters shared by all scenes, the variant among them (default: ``SceneSpec()``, variant 1).
        image_format: "png" or "jpg" (quality 95); masks are always PNG.
        balanced: Alternate the main character's kind so both classes get n/2 scenes.

    Returns:
        The summary written to ``out/synth.json``.

    Raises:
        ValueError: Unknown ``image_format``, negative ``n`` or ``seed``.
        FileExistsError: ``out`` holds a dataset made with different parameters.
    """
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"image_format={image_format!r} is not supported; choose one of {sorted(IMAGE_FORMATS)}")
    if n < 0 or seed < 0:
        raise ValueError(f"n={n} and seed={seed} must both be >= 0")
    spec = spec if spec is not None else SceneSpec()
    out = Path(out)
    params = {"generator": GENERATOR, "version": VERSION, "n": n, "seed": seed, "spec": asdict(spec),
              "image_format": image_format, "balanced": balanced}
    _check_folder(out, params)
    variant = get_game_variant(spec.variant)
    names = variant.class_names
    for sub in ["segment/images", "segment/masks", "segment/instances", "annotations"] + [f"classify/{k}" for k in names]:
        (out / sub).mkdir(parents=True, exist_ok=True)
    mask_classes = variant.mask_classes
    classes = {"classes": list(mask_classes), "colors": [list(c) for c in class_colors(mask_classes)], "ignore_index": IGNORE_INDEX}
    _atomic_write(out / "segment" / "classes.json", _json_bytes(classes))

    counts = {k: 0 for k in names}
    digits = max(5, len(str(max(0, n - 1))))
    for i in range(n):
        scene_spec = replace(spec, kind=names[i % len(names)]) if balanced else spec
        setting = setting_seed(seed, i // 2) if balanced and variant.paired else None
        scene = render_scene(scene_seed(seed, i), scene_spec, setting)
        _write_scene(out, f"scene_{i:0{digits}d}", scene, image_format)
        counts[scene.label] += 1
    summary = {**params, "counts": counts}
    _atomic_write(out / "synth.json", _json_bytes(summary))  # last: marks the dataset complete
    return summary
