"""``visionlab export RUN --format onnx|torchscript``: a run's best model as one portable file.

What a game engine needs travels inside the file (ONNX ``metadata_props`` / TorchScript extra
file ``visionlab.json``) and beside it (``FILE.json``), as ``visionlab-model/1``:

- ``task``: ``classify`` or ``segment``; ``classes``; ``colors`` (segmentation, one RGB per class)
- ``input``: ``NCHW`` float32 RGB scaled to 0..1, then ``(x - mean) / std``; ``size`` ``[H, W]``
  the model was trained at (classification: the centre crop after resizing the short side to
  ``resize_short_side``); segmentation inputs may have other sizes, padded to ``pad_to``; a segmenter
  trained with ``tta_flip`` (``input.tta_flip``) predicts the mean of the logits of the image and of its
  mirror image, mirrored back
- ``output``: logits, ``(N, K)`` or ``(N, K, H, W)``; softmax / argmax over K

The file is written to a temporary name, checked, and only then moved into place: on real
images of the run's validation split, ONNX Runtime (or the reloaded TorchScript module) must give
the PyTorch fp32 logits within ``TOLERANCE`` and the same argmax. ONNX uses torch's TorchScript-
based exporter (``dynamo=False``): on the U-Net it exports in 2.5 s, the dynamo exporter in 25 s,
with the same outputs.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from visionlab._version import __version__
from visionlab.data.images import load_rgb
from visionlab.data.transforms import eval_transform
from visionlab.errors import ParamError, VisionLabError
from visionlab.evaluate.segment import resolve_mask_split
from visionlab.models.loading import LoadedSegmenter, load_classifier_run, load_exported_segmenter, load_segmenter
from visionlab.models.onnx import OnnxNetwork
from visionlab.models.onnx import read_exported_metadata as read_exported_metadata  # re-exported for engines' scripts
from visionlab.runs import RunFolder
from visionlab.segment import SegmentationPredictor
from visionlab.utils.files import read_json, write_json

FORMATS = {"onnx": ".onnx", "torchscript": ".pt"}
FORMAT_VERSION = "visionlab-model/1"
TOLERANCE = 1e-3  # max |logit difference| between PyTorch fp32 and the exported model
N_CHECK = 4  # real images in the check
MIN_AGREEMENT = 0.999  # share of equal argmax (pixels whose top two logits tie within the tolerance may flip)


class ExportCheckError(VisionLabError):
    """The exported model's outputs differ from PyTorch's beyond the tolerance."""


# --- what gets exported ---------------------------------------------------------------------------

def load_for_export(run: str | Path) -> tuple[nn.Module, dict, torch.Tensor]:
    """The run's network (fp32, eval), its engine metadata, and real check inputs ``(N, 3, H, W)``.

    Raises:
        RunFolderError: ``run`` is not a run folder, or holds no checkpoint.
    """
    folder = RunFolder(run).require()
    if folder.task == "segment":
        return _segmenter_parts(folder.path)
    return _classifier_parts(folder)


def _segmenter_parts(run: Path) -> tuple[nn.Module, dict, torch.Tensor]:
    items = resolve_mask_split(run, None, "val")
    images = [np.asarray(load_rgb(items.image_path(i))) for i in range(min(N_CHECK, len(items)))]
    return segmenter_parts(load_segmenter(run), images)


def segmenter_parts(seg: LoadedSegmenter, images: list[np.ndarray]) -> tuple[nn.Module, dict, torch.Tensor]:
    """A loaded segmenter's fp32 network, its ``visionlab-model/1`` record, and the check batch.

    Args:
        seg: A network (not a classical baseline).
        images: ``(H, W, 3)`` uint8 images; those with the first one's network input size make the check batch.

    Raises:
        ParamError: ``seg`` is a classical baseline (there is no network to export).
    """
    if seg.model is None or seg.preprocess is None:
        raise ParamError("seg", f"seg: {seg.name} is a classical baseline, with no network to export; pass a network")
    predictor = SegmentationPredictor(seg, device="cpu", amp="off", fold=False)
    pre = seg.preprocess
    size = pre.input_size(*images[0].shape[:2])
    x = torch.stack([predictor.prepare(im) for im in images if pre.input_size(*im.shape[:2]) == size])
    meta = {"task": "segment", "classes": list(seg.classes.names), "colors": [list(c) for c in seg.classes.colors],
            "ignore_index": seg.classes.ignore_index, "arch": seg.model.arch, "encoder": seg.model.encoder,
            "input": {"layout": "NCHW", "dtype": "float32", "scale": "RGB / 255", "mean": list(pre.mean), "std": list(pre.std),
                      "size": list(x.shape[-2:]), "resize": pre.to_dict()["size"], "interpolation": pre.interpolation, "pad_to": pre.pad_to,
                      "tta_flip": pre.tta_flip},
            "output": "logits (N, K, H, W) at the input size; class = argmax over K (with tta_flip: of the mean of the image's and its "
                      "mirror image's logits, mirrored back)"}
    return seg.model.float().eval(), meta, x


def _classifier_parts(run: RunFolder) -> tuple[nn.Module, dict, torch.Tensor]:
    model, meta = load_classifier_run(run.path)
    split = read_json(run.split_path)
    rows = split["splits"].get("val") or split["splits"]["train"]
    tf = eval_transform(meta["preprocess"])
    x = torch.stack([tf(load_rgb(Path(split["root"]) / rel)) for rel, _ in rows[:N_CHECK]])
    pre = meta["preprocess"]
    info = {"task": "classify", "classes": list(meta["classes"]), "arch": meta["arch"],
            "input": {"layout": "NCHW", "dtype": "float32", "scale": "RGB / 255", "mean": list(pre.mean), "std": list(pre.std),
                      "size": [pre.crop_size, pre.crop_size], "resize_short_side": pre.resize_size, "interpolation": pre.interpolation},
            "output": "logits (N, K); probabilities = softmax over K"}
    return model.float().eval(), info, x


# --- writing --------------------------------------------------------------------------------------

def _write_onnx(model: nn.Module, x: torch.Tensor, meta: dict, path: Path, opset: int) -> None:
    import onnx

    axes = {0: "batch", 2: "height", 3: "width"} if meta["task"] == "segment" else {0: "batch"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about Python-side shape arithmetic
        torch.onnx.export(model, (x[:1],), str(path), dynamo=False, opset_version=opset, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": axes, "logits": axes})
    proto = onnx.load(str(path))
    for key, value in _flat_metadata(meta).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(proto, str(path))


def _write_torchscript(model: nn.Module, x: torch.Tensor, meta: dict, path: Path) -> None:
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings; torch.jit's deprecation in favour of torch.export
        traced = torch.jit.trace(model, (x[:1],), check_trace=False)
        torch.jit.save(traced, str(path), _extra_files={"visionlab.json": json.dumps(meta)})


def _flat_metadata(meta: dict) -> dict[str, str]:
    """Engine-friendly keys (``classes``, ``mean``, ``input_size`` ...) plus the whole record as ``visionlab``."""
    flat = {"visionlab": json.dumps(meta), "task": meta["task"], "classes": json.dumps(meta["classes"]),
            "mean": json.dumps(meta["input"]["mean"]), "std": json.dumps(meta["input"]["std"]),
            "input_size": json.dumps(meta["input"]["size"])}
    if "colors" in meta:
        flat["colors"] = json.dumps(meta["colors"])
    return flat


# --- loading and checking -------------------------------------------------------------------------

def _exported_outputs(path: Path, fmt: str, x: torch.Tensor) -> np.ndarray:
    if fmt == "onnx":
        return OnnxNetwork(path)(x).numpy()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.jit is deprecated in favour of torch.export; engines still load it
        return torch.jit.load(str(path), map_location="cpu")(x).float().numpy()


def verify(path: Path, fmt: str, model: nn.Module, x: torch.Tensor, tolerance: float = TOLERANCE) -> dict:
    """Compare the exported file with PyTorch (fp32) on ``x``.

    Args:
        path: The exported file.
        fmt: ``onnx`` or ``torchscript``.
        model: The PyTorch network it was exported from.
        x: The check batch ``(N, 3, H, W)``.
        tolerance: The largest absolute logit difference that passes.

    Returns:
        The check's record: ``max_abs_diff``, ``argmax_agreement``, ``passed``...
    """
    with torch.no_grad():
        ref = model(x).float().numpy()
    got = _exported_outputs(path, fmt, x)
    diff = float(np.abs(got - ref).max())
    agree = float((got.argmax(1) == ref.argmax(1)).mean())
    return {"inputs": int(x.shape[0]), "input_shape": list(x.shape), "max_abs_diff": diff, "max_abs_logit": float(np.abs(ref).max()),
            "argmax_agreement": agree, "tolerance": tolerance, "passed": diff <= tolerance and agree >= MIN_AGREEMENT,
            "reference": "PyTorch fp32 on the CPU, images from the run's validation split"}


def export_run(run: str | Path, fmt: str = "onnx", out: str | Path | None = None, *, opset: int = 17,
               tolerance: float = TOLERANCE) -> dict:
    """Export ``run``'s model, check it against PyTorch, and move it into place.

    Args:
        run: A training run folder (classification or segmentation).
        fmt: ``onnx`` or ``torchscript``.
        out: The file to write; default ``RUN/model.onnx`` or ``RUN/model.pt``.
        opset: The ONNX opset.
        tolerance: The largest absolute logit difference the check passes.

    Returns:
        ``{"path", "format", "metadata", "check", "bytes"}`` (also written to ``FILE.json``).

    Raises:
        ParamError: Unknown format or an existing output file.
        RunFolderError: ``run`` is not a run folder, or holds no checkpoint.
        ExportCheckError: Outputs differ beyond ``tolerance``; nothing is written.

    Example:
        >>> export_run("runs/seg", "onnx")["check"]["passed"]  # doctest: +SKIP
        True
    """
    if fmt not in FORMATS:
        raise ParamError("fmt", f"fmt: unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    run = Path(run)
    path = Path(out) if out else run / f"model{FORMATS[fmt]}"
    if path.exists():
        raise ParamError("out", f"out: {path} already exists; choose another file (nothing was overwritten)")
    model, meta, x = load_for_export(run)
    meta = {"format": FORMAT_VERSION, **meta, "source_run": str(run.resolve()), "visionlab": __version__}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=FORMATS[fmt])
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _write_onnx(model, x, meta, tmp, opset) if fmt == "onnx" else _write_torchscript(model, x, meta, tmp)
        check = verify(tmp, fmt, model, x, tolerance)
        if not check["passed"]:
            raise ExportCheckError(f"the exported model differs from PyTorch: max |difference| {check['max_abs_diff']:.2e} "
                                   f"(tolerance {tolerance:.0e}), same argmax on {100 * check['argmax_agreement']:.2f}%; "
                                   "nothing was written; try another opset or format")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    report = {"path": str(path), "format": fmt, "bytes": path.stat().st_size, "metadata": meta, "check": check}
    write_json(Path(str(path) + ".json"), report)
    return report


def onnx_twin(seg: LoadedSegmenter, images: list[np.ndarray], path: str | Path, *, opset: int = 17,
              tolerance: float = TOLERANCE) -> LoadedSegmenter:
    """``seg`` (a network loaded in PyTorch) exported to ``path`` and loaded back to run in ONNX Runtime.

    The export is checked on ``images`` like :func:`export_run`; for timing one model in both runtimes.

    Raises:
        ExportCheckError: ONNX Runtime's outputs differ from PyTorch's beyond ``tolerance``.
    """
    path = Path(path)
    model, meta, x = segmenter_parts(seg, images)
    _write_onnx(model, x, {"format": FORMAT_VERSION, **meta, "source": seg.name, "visionlab": __version__}, path, opset)
    check = verify(path, "onnx", model, x, tolerance)
    if not check["passed"]:
        raise ExportCheckError(f"{seg.name} in ONNX Runtime differs from PyTorch: max |difference| {check['max_abs_diff']:.2e} "
                               f"(tolerance {tolerance:.0e}), same argmax on {100 * check['argmax_agreement']:.2f}%")
    return load_exported_segmenter(path)


def format_report(report: dict) -> str:
    """Three lines for the terminal: the file written, the check's result, where the metadata is."""
    c = report["check"]
    return (f"exported {report['metadata']['task']} model to {report['path']} ({report['bytes'] / 2**20:.1f} MB, {report['format']})\n"
            f"check on {c['inputs']} real images {tuple(c['input_shape'][1:])}: max |logit difference| {c['max_abs_diff']:.2e} "
            f"(tolerance {c['tolerance']:.0e}, logits up to {c['max_abs_logit']:.1f}), same argmax on {100 * c['argmax_agreement']:.2f}% "
            f"of {'pixels' if report['metadata']['task'] == 'segment' else 'images'}: {'passed' if c['passed'] else 'FAILED'}\n"
            f"metadata: {report['path']}.json")
