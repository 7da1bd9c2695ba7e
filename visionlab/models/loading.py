"""Loading a model by name, from a run folder or from an exported file: one place for every front end.

``load_segmenter`` resolves a segmenter given as a run folder, an exported ``.onnx`` file, a
pretrained torchvision name or a classical baseline; ``load_classifier_run`` does the same for
classifiers (a run folder or an exported ``.onnx`` file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from torch import nn

from visionlab import runs
from visionlab.data.masks import VOC, SegClasses, voc_palette
from visionlab.errors import RunFolderError, UnknownNameError
from visionlab.models.checkpoint import load_classifier
from visionlab.models.checkpoint import load_segmenter as load_checkpoint
from visionlab.models.classical import CLASSICAL, DEFAULT_K
from visionlab.models.onnx import OnnxNetwork, load_exported_classifier, require_task
from visionlab.models.segmenters import PRETRAINED, Segmenter, SegPreprocess, load_pretrained, pretrained_preprocess


@dataclass
class LoadedSegmenter:
    """A segmenter ready to predict, and what its outputs mean."""

    name: str  # as the user gave it
    classes: SegClasses  # for classical baselines: cluster_0..cluster_{k-1}
    model: Segmenter | None = None
    preprocess: SegPreprocess | None = None
    classical: str | None = None  # baseline name when not a network
    k: int | None = None  # clusters of a classical baseline
    run: Path | None = None

    def describe(self) -> dict:
        d = {"name": self.name, "classes": list(self.classes.names)}
        if self.model is not None:
            d |= {"arch": self.model.arch, "encoder": self.model.encoder, "preprocess": self.preprocess.to_dict(),
                  "weights": self.model.weights.describe() if self.model.weights else None}
        if self.classical:
            d |= {"classical": self.classical, "k": self.k}
        return d


def cluster_classes(k: int) -> SegClasses:
    colors = tuple(tuple(int(v) for v in c) for c in voc_palette(k + 1)[1:])
    return SegClasses(tuple(f"cluster_{i}" for i in range(k)), colors, 255)


def load_segmenter(spec: str | Path, *, download: bool = False, k: int | None = None, random_weights: bool = False) -> LoadedSegmenter:
    """Resolve a segmenter given as a run folder, a pretrained name or a classical baseline.

    Args:
        spec: Run folder, an exported ``.onnx`` file (run by ONNX Runtime), a name from ``PRETRAINED`` or ``CLASSICAL``.
        download: Allow fetching pretrained weights that are not cached.
        k: Clusters of a classical baseline.
        random_weights: Pretrained architectures with random weights (timing, tests).

    Raises:
        UnknownNameError: Neither a run nor a known name; the message lists the names.
        WeightsUnavailableError: Pretrained weights neither cached nor downloadable.
    """
    path = Path(spec)
    if path.suffix == ".onnx":
        return load_exported_segmenter(path)
    if runs.RunFolder(path).is_run():
        model, meta = load_checkpoint(runs.RunFolder(path).checkpoint())
        return LoadedSegmenter(str(spec), meta["classes"], model, meta["preprocess"], run=path)
    name = str(spec)
    if name in PRETRAINED:
        model = load_pretrained(name, download=download, weights=not random_weights)
        return LoadedSegmenter(name, VOC, model.eval(), pretrained_preprocess(name))
    if name in CLASSICAL:
        k = k or DEFAULT_K[name]
        return LoadedSegmenter(name, cluster_classes(k), classical=name, k=k)
    if path.exists():
        raise RunFolderError(f"{path} is not a visionlab run folder (no {runs.CONFIG}); pass the --out folder of visionlab train segment")
    raise UnknownNameError(f"unknown segmenter {name!r}; choose a run folder, a pretrained model "
                           f"({', '.join(sorted(PRETRAINED))}) or a classical baseline ({', '.join(CLASSICAL)})")


def load_exported_segmenter(path: str | Path) -> LoadedSegmenter:
    """An exported ONNX segmenter as a :class:`LoadedSegmenter` (run by ONNX Runtime)."""
    meta = require_task(path, "segment")
    inp = meta["input"]
    size = inp["resize"] if isinstance(inp["resize"], int) else tuple(inp["resize"])
    pre = SegPreprocess(size, tuple(inp["mean"]), tuple(inp["std"]), inp["interpolation"], inp["pad_to"])
    classes = SegClasses(tuple(meta["classes"]), tuple(tuple(c) for c in meta["colors"]), meta["ignore_index"])
    return LoadedSegmenter(str(path), classes, OnnxNetwork(path), pre)


def load_classifier_run(spec: str | Path) -> tuple[nn.Module, dict]:
    """A classifier and its metadata (``classes``, ``preprocess``...) from a run folder or an exported ``.onnx`` file.

    Args:
        spec: A run folder of ``visionlab train classify`` (its best checkpoint, else the last), or
            an ``.onnx`` file written by ``visionlab export`` (run by ONNX Runtime on the CPU).

    Returns:
        ``(model, meta)``: the network in eval mode and its checkpoint metadata.

    Raises:
        RunFolderError: Not a run folder, or no checkpoint in it.
        ConfigError: An exported file that is not a classifier.

    Example:
        >>> model, meta = load_classifier_run("runs/r1")  # doctest: +SKIP
        >>> meta["classes"]  # doctest: +SKIP
        ['dragon', 'robot']
    """
    if Path(spec).suffix == ".onnx":
        return load_exported_classifier(spec)
    return load_classifier(runs.RunFolder(spec).checkpoint())
