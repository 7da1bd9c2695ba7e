"""Checkpoints as safetensors (no pickle) plus JSON metadata; training state via weights_only."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, safe_open, save_file

from visionlab.errors import CheckpointMismatchError, RunFolderError
from visionlab.models import Classifier, get_classifier
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
    # safetensors refuses shared or non-contiguous storage; clone into plain tensors.
    state = {k: v.detach().to("cpu").contiguous().clone() for k, v in model.state_dict().items()}
    atomic_write(path, lambda p: save_file(state, str(p), metadata=meta))


def read_metadata(path: str | Path) -> dict:
    """The metadata of a checkpoint, decoded."""
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
    except Exception as exc:  # safetensors raises its own error types for damaged files
        raise CheckpointMismatchError(f"{path} is not a readable safetensors checkpoint ({exc}); retrain or restore the file") from exc
    if "arch" not in meta:
        raise CheckpointMismatchError(f"{path} is not a visionlab classifier checkpoint (no metadata)")
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
        raise CheckpointMismatchError(f"{path} holds a {meta['arch']} model, not {model.arch}; use --backbone {meta['arch']}")
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
    return torch.load(path, map_location="cpu", weights_only=True)
