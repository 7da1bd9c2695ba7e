"""Checkpoints as safetensors (no pickle) plus JSON metadata; training state via weights_only."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, safe_open, save_file
from torch import nn

from visionlab.data.masks import SegClasses
from visionlab.errors import CheckpointMismatchError, RunFolderError
from visionlab.models import Classifier, get_classifier
from visionlab.models.segmenters import Segmenter, SegPreprocess, build_segmenter
from visionlab.models.weights import Preprocess
from visionlab.utils.files import atomic_write


def save_classifier(path: str | Path, model: Classifier, classes: list[str], preprocess: Preprocess, extra: dict | None = None) -> None:
    """Write the model's tensors and what is needed to rebuild and use it, atomically."""
    meta = {
        "arch": model.arch,
        "num_classes": str(model.num_classes),
        "classes": json.dumps(classes, ensure_ascii=False),
        "preprocess": json.dumps(preprocess.to_dict()),
        "dropout": str(model.dropout),
        "weights": model.weights.name if model.weights else "none",
        "extra": json.dumps(extra or {}),
    }
    _save_tensors(path, model, meta)


def _save_tensors(path: str | Path, model: nn.Module, meta: dict[str, str]) -> None:
    # safetensors refuses shared or non-contiguous storage; clone into plain tensors.
    state = {k: v.detach().to("cpu").contiguous().clone() for k, v in model.state_dict().items()}
    atomic_write(path, lambda p: save_file(state, str(p), metadata=meta))


def _raw_metadata(path: str | Path) -> dict[str, str]:
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
    except Exception as exc:  # safetensors raises its own error types for damaged files
        raise CheckpointMismatchError(f"{path} is not a readable safetensors checkpoint ({exc}); retrain or restore the file") from exc
    if "arch" not in meta:
        raise CheckpointMismatchError(f"{path} is not a visionlab checkpoint (no metadata)")
    return meta


def checkpoint_epoch(path: str | Path) -> int | None:
    """The epoch a training run saved ``path`` at (its ``extra["epoch"]``); ``None`` when missing or unreadable."""
    try:
        return int(json.loads(_raw_metadata(path).get("extra", "{}"))["epoch"])
    except (CheckpointMismatchError, KeyError, ValueError, TypeError, FileNotFoundError):
        return None


def read_metadata(path: str | Path) -> dict:
    """The metadata of a classifier checkpoint, decoded."""
    meta = _raw_metadata(path)
    if meta.get("task", "classify") != "classify":
        raise CheckpointMismatchError(f"{path} holds a {meta['task']} model, not a classifier; pass a classification run")
    return {
        "arch": meta["arch"],
        "num_classes": int(meta["num_classes"]),
        "classes": json.loads(meta["classes"]),
        "preprocess": Preprocess.from_dict(json.loads(meta["preprocess"])),
        "dropout": float(meta.get("dropout", 0.3)),
        "weights": meta.get("weights", "none"),
        "extra": json.loads(meta.get("extra", "{}")),
    }


def load_state_into(model: Classifier, path: str | Path) -> None:
    """Load a checkpoint into an existing model, checking that it fits.

    Raises:
        CheckpointMismatchError: The checkpoint comes from another backbone or class count.
    """
    meta = read_metadata(path)
    if meta["arch"] != model.arch:
        raise CheckpointMismatchError(f"backbone: {path} holds a {meta['arch']} model, not {model.arch}; use backbone {meta['arch']}")
    if meta["num_classes"] != model.num_classes:
        raise CheckpointMismatchError(
            f"{path} was trained for {meta['num_classes']} classes {meta['classes']}, "
            f"but this model has {model.num_classes}; use a dataset with the same classes or start a new run"
        )
    model.load_state_dict(load_file(str(path)), strict=True)


def load_classifier(path: str | Path) -> tuple[Classifier, dict]:
    """Rebuild a classifier from a checkpoint file; returns the model (eval mode) and its metadata."""
    path = Path(path)
    if not path.is_file():
        raise RunFolderError(f"checkpoint {path} does not exist")
    meta = read_metadata(path)
    model = get_classifier(meta["arch"], num_classes=meta["num_classes"], weights=None, dropout=meta["dropout"])
    load_state_into(model, path)
    return model.eval(), meta


def save_train_state(path: Path, state: dict) -> None:
    """Optimizer, scheduler, epoch and RNG state for --resume (tensors and plain types only)."""
    atomic_write(path, lambda p: torch.save(state, p))


def load_train_state(path: Path) -> dict:
    """The state written by :func:`save_train_state` (loaded with ``weights_only``: no pickle code runs)."""
    return torch.load(path, map_location="cpu", weights_only=True)


def save_segmenter(path: str | Path, model: Segmenter, classes: SegClasses, preprocess: SegPreprocess, extra: dict | None = None) -> None:
    """Write a segmenter's tensors with its architecture, classes and preprocessing, atomically."""
    meta = {
        "task": "segment",
        "arch": model.arch,
        "encoder": model.encoder,
        "num_classes": str(model.num_classes),
        "classes": json.dumps(classes.to_dict(), ensure_ascii=False),
        "preprocess": json.dumps(preprocess.to_dict()),
        "extra": json.dumps(extra or {}),
    }
    _save_tensors(path, model, meta)


def read_segmenter_metadata(path: str | Path) -> dict:
    """What a segmenter checkpoint holds besides tensors: architecture, encoder, classes, preprocessing.

    Raises:
        CheckpointMismatchError: The file holds a classifier.
    """
    meta = _raw_metadata(path)
    if meta.get("task") != "segment":
        raise CheckpointMismatchError(f"{path} holds a classifier, not a segmenter; pass a segmentation run (visionlab train segment)")
    return {
        "arch": meta["arch"],
        "encoder": meta["encoder"],
        "num_classes": int(meta["num_classes"]),
        "classes": SegClasses.from_dict(json.loads(meta["classes"])),
        "preprocess": SegPreprocess.from_dict(json.loads(meta["preprocess"])),
        "extra": json.loads(meta.get("extra", "{}")),
    }


def load_segmenter_state(model: Segmenter, path: str | Path) -> dict:
    """Load a segmentation checkpoint into ``model``, checking that it fits; returns the metadata.

    Raises:
        CheckpointMismatchError: Another architecture, encoder or class count.
    """
    meta = read_segmenter_metadata(path)
    if (meta["arch"], meta["encoder"], meta["num_classes"]) != (model.arch, model.encoder, model.num_classes):
        raise CheckpointMismatchError(
            f"{path} holds {meta['arch']}/{meta['encoder']} with {meta['num_classes']} classes, not "
            f"{model.arch}/{model.encoder} with {model.num_classes}; start a new run for another model or dataset"
        )
    model.load_state_dict(load_file(str(path)), strict=True)
    return meta


def load_segmenter(path: str | Path) -> tuple[Segmenter, dict]:
    """Rebuild a trained segmenter from a checkpoint file; returns the model (eval mode) and metadata."""
    path = Path(path)
    if not path.is_file():
        raise RunFolderError(f"checkpoint {path} does not exist")
    meta = read_segmenter_metadata(path)
    model = build_segmenter(meta["arch"], meta["num_classes"], meta["encoder"])
    load_segmenter_state(model, path)
    return model.eval(), meta
