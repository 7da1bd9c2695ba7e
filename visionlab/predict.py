"""``visionlab predict``: files or folders in, a table of labels and confidences out."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path
from typing import Iterator

import torch
from PIL import Image

from visionlab import runs
from visionlab.data.images import is_image_path, load_rgb
from visionlab.data.transforms import eval_transform
from visionlab.errors import ConfigError, DatasetError, UnreadableImageError
from visionlab.train.checkpoint import load_classifier
from visionlab.train.loop import predict_logits
from visionlab.utils.device import resolve_amp, resolve_device
from visionlab.utils.files import atomic_write, write_json


def expand_paths(paths: list[str | Path]) -> list[Path]:
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


def predict_paths(run: str | Path, paths: list[str | Path], top_k: int = 3, batch_size: int = 32, device: str = "auto") -> list[dict]:
    """Classify images with a run's best checkpoint, or an exported ``.onnx`` classifier.

    Returns:
        One row per readable image: ``path``, ``label``, ``confidence``, ``top_k`` (list of
        ``[label, probability]``).

    Example:
        >>> predict_paths("runs/r1", ["cat.jpg"])[0]["label"]  # doctest: +SKIP
        'cat'
    """
    if Path(run).suffix == ".onnx":  # exported with visionlab export; runs in ONNX Runtime on the CPU
        from visionlab.export import load_exported_classifier

        model, meta = load_exported_classifier(run)
        device = "cpu"
    else:
        run = runs.require_run(run)
        model, meta = load_classifier(run / runs.BEST if (run / runs.BEST).is_file() else run / runs.LAST)
    dev = resolve_device(device)
    model.to(dev)
    tf = eval_transform(meta["preprocess"])
    files: list[Path] = []

    def batches() -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        for good, images in image_batches(expand_paths(paths), batch_size):
            first = len(files)
            files.extend(good)
            yield torch.stack([tf(im) for im in images]), torch.full((len(good),), -1), torch.arange(first, len(files))

    logits, _, idx = predict_logits(model, batches(), dev, resolve_amp("auto", dev), channels_last=False)
    probs = logits.softmax(1)
    k = min(top_k, probs.shape[1])
    top_p, top_i = probs.topk(k, dim=1)
    classes = meta["classes"]
    return [
        {
            "path": str(files[int(i)]),
            "label": classes[int(top_i[r, 0])],
            "confidence": float(top_p[r, 0]),
            "top_k": [[classes[int(c)], float(p)] for p, c in zip(top_p[r], top_i[r])],
        }
        for r, i in enumerate(idx)
    ]


def rows_to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["path", "label", "confidence", "top_k"])
    for r in rows:
        w.writerow([r["path"], r["label"], f"{r['confidence']:.6f}", ";".join(f"{c}:{p:.4f}" for c, p in r["top_k"])])
    return buf.getvalue()


def write_predictions(rows: list[dict], out: str | Path) -> Path:
    """Write rows as CSV or JSON, chosen by the extension of ``out``.

    Raises:
        ConfigError: The extension is neither .csv nor .json.
    """
    out = Path(out)
    if out.suffix.lower() == ".json":
        return write_json(out, rows)
    if out.suffix.lower() == ".csv":
        text = rows_to_csv(rows)
        return atomic_write(out, lambda p: p.write_text(text, encoding="utf-8"))
    raise ConfigError(f"--out must end in .csv or .json; got {out.name}")


def format_table(rows: list[dict]) -> str:
    """A plain-text table for the terminal."""
    width = max(len(r["path"]) for r in rows)
    lines = [f"{'path':<{width}}  {'label':<12} {'conf':>6}  top-k"]
    for r in rows:
        top = ", ".join(f"{c} {p:.3f}" for c, p in r["top_k"])
        lines.append(f"{r['path']:<{width}}  {r['label']:<12} {r['confidence']:>6.3f}  {top}")
    return "\n".join(lines)


