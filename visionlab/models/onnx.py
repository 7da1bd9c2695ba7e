"""Exported models (``visionlab-model/1``) run by ONNX Runtime, callable like PyTorch networks.

:mod:`visionlab.export` writes these files; this module only reads them, so that every loader
(``predict``, ``segment``, the app) can run them without importing the exporter.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from visionlab.data.preprocess import Preprocess
from visionlab.errors import ConfigError


class OnnxNetwork(nn.Module):
    """An ONNX file run by ONNX Runtime on the CPU, callable like the PyTorch network it came from."""

    runtime = "onnxruntime"

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        super().__init__()
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()
        # ORT's workers spin-wait after each run by default, stealing the cores from PyTorch work that
        # follows in the same process (measured: the U-Net's next PyTorch forward 21 -> 80 ms at batch 1),
        # and from other sessions: two spinning sessions made a small student's forward 2.6 -> 4.2 ms
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path = Path(path)
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.meta = json.loads(self.session.get_modelmeta().custom_metadata_map["visionlab"])
        self.arch, self.encoder = f"onnx:{self.meta['arch']}", self.meta.get("encoder", "")
        self.num_classes, self.weights = len(self.meta["classes"]), None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, H, W)`` -> the exported network's logits, run by ONNX Runtime (fp32, CPU)."""
        array = np.ascontiguousarray(x.detach().float().cpu().numpy())
        return torch.from_numpy(self.session.run(None, {"input": array})[0])

    def parameter_counts(self) -> dict[str, int]:
        """The file's parameter count (``total``; none train)."""
        import onnx

        n = sum(int(np.prod(t.dims)) for t in onnx.load(str(self.path)).graph.initializer)
        return {"total": n, "trainable": 0}


def load_exported_classifier(path: str | Path) -> tuple[nn.Module, dict]:
    """An exported ONNX classifier and the metadata ``predict`` needs (``classes``, ``preprocess``)."""
    meta = require_task(path, "classify")
    inp = meta["input"]
    pre = Preprocess(inp["resize_short_side"], inp["size"][0], tuple(inp["mean"]), tuple(inp["std"]), inp["interpolation"])
    return OnnxNetwork(path), {"classes": meta["classes"], "preprocess": pre}


def require_task(path: str | Path, task: str) -> dict:
    """The metadata of an exported ONNX file holding a ``task`` model.

    Raises:
        ConfigError: Not an ONNX file, or a model of another task.
    """
    if Path(path).suffix != ".onnx":
        raise ConfigError(f"{path}: only ONNX files run in visionlab (TorchScript files are for engines); export with --format onnx")
    meta = read_exported_metadata(path)
    if meta["task"] != task:
        raise ConfigError(f"{path} holds a {meta['task']} model; pass a {task} model here")
    return meta


def read_exported_metadata(path: str | Path) -> dict:
    """The ``visionlab-model/1`` record of an exported file.

    Raises:
        ConfigError: Not a file visionlab exported.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path} does not exist; export a run first: visionlab export RUN --format onnx")
    try:
        if path.suffix == ".onnx":
            import onnxruntime as ort

            return json.loads(ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).get_modelmeta().custom_metadata_map["visionlab"])
        extra = {"visionlab.json": ""}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            torch.jit.load(str(path), map_location="cpu", _extra_files=extra)
        return json.loads(extra["visionlab.json"])
    except Exception as exc:  # ONNX Runtime and torch.jit raise their own types for damaged or foreign files
        raise ConfigError(f"{path} is not a model exported by visionlab ({exc}); export it with: visionlab export RUN") from exc
