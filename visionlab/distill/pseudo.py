"""Teacher pseudo-labels, labelled once and cached in ``OUT/pseudo/``.

Each label is written as soon as it exists (``OUT/pseudo/masks/NAME.png``, and with soft targets the
teacher's logits at network resolution as ``OUT/pseudo/soft/NAME.npy``, float16).
``OUT/pseudo/index.json`` records which teacher made them, so an interrupted run picks up where it
stopped and a different teacher is refused instead of mixed in.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np

from visionlab.data.check import file_sha256
from visionlab.data.images import image_batches
from visionlab.data.masks import save_mask_png
from visionlab.errors import RunFolderError
from visionlab.runs import RunFolder
from visionlab.segment import LoadedSegmenter, SegmentationPredictor, output_names
from visionlab.utils.files import atomic_write, read_json, write_json
from visionlab.utils.progress import progress

PSEUDO = "pseudo"
INDEX = "index.json"


def teacher_fingerprint(teacher: LoadedSegmenter) -> str:
    """What identifies the teacher's outputs: its checkpoint's (or exported file's) SHA-256, or the pretrained weights' name."""
    if teacher.run is not None:
        return "sha256:" + file_sha256(RunFolder(teacher.run).checkpoint())
    if Path(teacher.name).suffix == ".onnx":
        return "sha256:" + file_sha256(Path(teacher.name))
    weights = teacher.model.weights if teacher.model is not None else None
    return f"pretrained:{teacher.name}:{weights.file_name if weights else 'random'}"


def _open_cache(cache: Path, teacher: LoadedSegmenter, files: list[Path]) -> dict:
    """Read or start the cache index; refuse a cache made by another teacher."""
    fingerprint = teacher_fingerprint(teacher)
    index_path = cache / INDEX
    if index_path.is_file():
        index = read_json(index_path)
        if index["teacher"]["fingerprint"] != fingerprint:
            raise RunFolderError(f"{cache} holds pseudo-labels of another teacher ({index['teacher']['name']}); "
                                 "choose another out folder for this teacher (nothing was overwritten)")
    else:
        index = {"teacher": {"name": teacher.name, "fingerprint": fingerprint, **teacher.describe()}, "items": {}}
    known = {v: k for k, v in index["items"].items()}
    names = output_names(files)
    taken = set(index["items"])
    for f, name in zip(files, names):
        key = str(f.resolve())
        if key not in known:
            base, k = name, 1
            while name in taken:
                k += 1
                name = f"{base}_{k}"
            index["items"][name] = key
            taken.add(name)
    return index


def pseudo_label(teacher: LoadedSegmenter, files: list[Path], cache: str | Path, *, soft: bool = False, batch_size: int = 8,
                 device: str = "auto", amp: str = "auto", quiet: bool = True) -> dict[str, Path]:
    """Label ``files`` with ``teacher`` into ``cache``; labels already there are kept, not recomputed.

    Returns:
        ``{name: image path}`` of every labelled image (unreadable files are skipped with a warning).
    """
    cache = Path(cache)
    (cache / "masks").mkdir(parents=True, exist_ok=True)
    if soft:
        (cache / "soft").mkdir(exist_ok=True)
    index = _open_cache(cache, teacher, files)
    write_json(cache / INDEX, index)
    wanted = {str(f.resolve()) for f in files}
    by_path = {v: k for k, v in index["items"].items() if v in wanted}
    todo = [Path(p) for p, name in by_path.items() if not _labelled(cache, name, soft)]
    predictor = SegmentationPredictor(teacher, device, amp, batch_size)
    done = 0
    for batch_files, images in progress(image_batches(todo, batch_size), "pseudo-labels", quiet,
                                        total=-(-len(todo) // batch_size)) if todo else []:
        arrays = [np.asarray(im) for im in images]
        for f, (ids, logits) in zip(batch_files, predictor.predict_with_logits(arrays)):
            name = by_path[str(f.resolve())]
            if soft:
                atomic_write(cache / "soft" / f"{name}.npy", partial(_save_npy, array=logits.half().numpy()))
            save_mask_png(ids, cache / "masks" / f"{name}.png", teacher.classes.colors)  # written last: marks the item done
            done += 1
    labelled = {name: Path(p) for p, name in by_path.items() if _labelled(cache, name, soft)}
    if not quiet:
        print(f"pseudo-labels: {done} new, {len(labelled) - done} from the cache ({cache})", flush=True)
    return labelled


def _labelled(cache: Path, name: str, soft: bool) -> bool:
    return (cache / "masks" / f"{name}.png").is_file() and (not soft or (cache / "soft" / f"{name}.npy").is_file())


def _save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:
        np.save(f, array)
