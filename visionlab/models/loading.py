"""Loading a model by name, from a run folder or from an exported file: one place for every front end.

``load_segmenter`` resolves a segmenter given as a run folder, an exported ``.onnx`` file, a
pretrained torchvision name or a classical baseline; ``load_classifier_run`` does the same for
classifiers (a run folder or an exported ``.onnx`` file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torch import nn

from visionlab import runs
from visionlab.data.masks import VOC, SegClasses, voc_palette
from visionlab.errors import ParamError, RunFolderError, UnknownNameError
from visionlab.models.checkpoint import load_classifier
from visionlab.models.checkpoint import load_segmenter as load_checkpoint
from visionlab.models.classical import CLASSICAL, DEFAULT_K
from visionlab.models.onnx import OnnxNetwork, load_exported_classifier, require_task
from visionlab.models.segmenters import (
    PRETRAINED,
    Segmenter,
    SegPreprocess,
    arch_preprocess,
    build_segmenter,
    list_archs,
    load_pretrained,
    pretrained_preprocess,
)


@dataclass
class LoadedSegmenter:
    """A segmenter ready to predict, and what its outputs mean."""

    name: str  # as the user gave it
    classes: SegClasses  # for classical baselines: cluster_0..cluster_{k-1}
    model: Segmenter | OnnxNetwork | None = None  # OnnxNetwork: an exported file run by ONNX Runtime
    preprocess: SegPreprocess | None = None
    classical: str | None = None  # baseline name when not a network
    k: int | None = None  # clusters of a classical baseline
    run: Path | None = None

    def describe(self) -> dict:
        """A JSON-friendly description: name, classes, and the network's or the baseline's settings."""
        d: dict[str, Any] = {"name": self.name, "classes": list(self.classes.names)}
        if self.model is not None:
            d |= {"arch": self.model.arch, "encoder": self.model.encoder, "preprocess": self.preprocess.to_dict() if self.preprocess else None,
                  "weights": self.model.weights.describe() if self.model.weights else None}
        if self.classical:
            d |= {"classical": self.classical, "k": self.k}
        return d


def _palette_classes(prefix: str, n: int) -> SegClasses:
    colors = tuple((int(c[0]), int(c[1]), int(c[2])) for c in voc_palette(n + 1)[1:])
    return SegClasses(tuple(f"{prefix}_{i}" for i in range(n)), colors, 255)


def cluster_classes(k: int) -> SegClasses:
    """Classes ``cluster_0``...``cluster_{k-1}`` (VOC palette colours) of a classical baseline's clusters."""
    return _palette_classes("cluster", k)


def numbered_classes(n: int) -> SegClasses:
    """Classes ``class_0``...``class_{n-1}`` (VOC palette colours) of a network not trained yet."""
    return _palette_classes("class", n)


class SegmenterRegistry:
    """One lookup for every segmenter name, each returned as a :class:`LoadedSegmenter`.

    Trainable architectures, pretrained torchvision models and classical baselines share it. It reads
    three tables: :func:`~visionlab.models.segmenters.list_archs` (``unet``, ``fpn``, ``deeplabv3``...;
    registered with ``register_arch``), ``PRETRAINED`` (torchvision's COCO/VOC models) and
    ``CLASSICAL`` (Otsu, multi-Otsu, k-means: cluster ids, not classes).

    Example:
        >>> SEGMENTERS.kind("deeplabv3_resnet50")
        'pretrained'
        >>> SEGMENTERS.get("unet", num_classes=3).model.num_classes  # doctest: +SKIP
        3
    """

    KINDS = ("architecture", "pretrained", "classical")

    def names(self, kind: str | None = None) -> list[str]:
        """Registered names of one ``kind`` (one of :attr:`KINDS`), or of all kinds, sorted."""
        tables = {"architecture": list_archs(), "pretrained": sorted(PRETRAINED), "classical": sorted(CLASSICAL)}
        if kind is None:
            return sorted(n for names in tables.values() for n in names)
        if kind not in tables:
            raise UnknownNameError(f"kind: unknown segmenter kind {kind!r}; choose one of: {', '.join(self.KINDS)}")
        return tables[kind]

    def kind(self, name: str) -> str:
        """``architecture``, ``pretrained`` or ``classical``.

        Raises:
            UnknownNameError: ``name`` is registered nowhere; the message lists every name by kind.
        """
        for kind in self.KINDS:
            if name in self.names(kind):
                return kind
        listing = "; ".join(f"{kind}: {', '.join(self.names(kind))}" for kind in self.KINDS)
        raise UnknownNameError(f"unknown segmenter {name!r}; choose a run folder or one of ({listing})")

    def get(self, name: str, *, num_classes: int | None = None, encoder: str | None = None, pretrained_encoder: bool = False,
            img_size: tuple[int, int] = (256, 256), download: bool = False, k: int | None = None,
            random_weights: bool = False) -> LoadedSegmenter:
        """Build or load the segmenter registered as ``name``.

        Args:
            name: A registered name (see :meth:`names`).
            num_classes: Architectures only: the new network's output classes (required).
            encoder: Architectures only: the encoder (default: the architecture's first).
            pretrained_encoder: Architectures only: start from the encoder's ImageNet weights.
            img_size: Architectures only: the network input ``(H, W)`` of the preprocessing.
            download: Allow fetching torchvision weights that are not cached.
            k: Classical baselines only: the number of clusters (default: the baseline's).
            random_weights: Pretrained models only: the same network with random weights (timing, tests).

        Returns:
            The segmenter with what its outputs mean; an architecture's classes are ``class_0``...

        Raises:
            UnknownNameError: ``name`` is not registered.
            ParamError: An architecture without ``num_classes``.
            WeightsUnavailableError: Pretrained weights neither cached nor downloadable.
        """
        kind = self.kind(name)
        if kind == "pretrained":
            model = load_pretrained(name, download=download, weights=not random_weights)
            return LoadedSegmenter(name, VOC, model.eval(), pretrained_preprocess(name))
        if kind == "classical":
            k = k or DEFAULT_K[name]
            return LoadedSegmenter(name, cluster_classes(k), classical=name, k=k)
        if num_classes is None:
            raise ParamError("num_classes", f"num_classes: architecture {name!r} builds a new network; pass its number of classes")
        model = build_segmenter(name, num_classes, encoder, pretrained_encoder=pretrained_encoder, download=download)
        classes = numbered_classes(num_classes)
        return LoadedSegmenter(name, classes, model, arch_preprocess(model, img_size))


SEGMENTERS = SegmenterRegistry()


def get_segmenter(name: str, **kwargs: Any) -> LoadedSegmenter:
    """A segmenter by registered name, run folder or exported file: the one public way to get one.

    Args:
        name: A registered name (``SEGMENTERS.names()``: architectures such as ``unet``, pretrained
            models such as ``deeplabv3_resnet50``, classical baselines such as ``otsu``), a run folder
            of ``visionlab train segment``, or an ``.onnx`` file from ``visionlab export``.
        **kwargs: Passed to :meth:`SegmenterRegistry.get` for registered names (``num_classes`` for
            architectures, ``download``, ``k``, ``random_weights``...).

    Returns:
        The segmenter, its classes and preprocessing.

    Raises:
        UnknownNameError: Neither a run, a file nor a registered name.

    Example:
        >>> seg = get_segmenter("otsu")
        >>> seg.classes.names
        ('cluster_0', 'cluster_1')
    """
    path = Path(name)
    if path.suffix == ".onnx" or runs.RunFolder(path).is_run():
        return load_segmenter(path)
    return SEGMENTERS.get(str(name), **kwargs)


def load_segmenter(spec: str | Path, *, download: bool = False, k: int | None = None, random_weights: bool = False) -> LoadedSegmenter:
    """Resolve a segmenter given as a run folder, an exported file, a pretrained name or a classical baseline.

    Args:
        spec: Run folder, an exported ``.onnx`` file (run by ONNX Runtime), a name from ``PRETRAINED`` or ``CLASSICAL``.
        download: Allow fetching pretrained weights that are not cached.
        k: Clusters of a classical baseline.
        random_weights: Pretrained architectures with random weights (timing, tests).

    Returns:
        The segmenter, ready to predict, with its classes and preprocessing.

    Raises:
        UnknownNameError: Neither a run nor a known name; the message lists the names.
        RunFolderError: A folder that is not a run.
        WeightsUnavailableError: Pretrained weights neither cached nor downloadable.
    """
    path = Path(spec)
    if path.suffix == ".onnx":
        return load_exported_segmenter(path)
    folder = runs.RunFolder(path)
    if folder.is_run():
        model, meta = load_checkpoint(folder.checkpoint())
        return LoadedSegmenter(str(spec), meta["classes"], model, meta["preprocess"], run=path)
    name = str(spec)
    if name in PRETRAINED or name in CLASSICAL:
        return SEGMENTERS.get(name, download=download, k=k, random_weights=random_weights)
    if path.exists():
        raise RunFolderError(f"{path} is not a visionlab run folder (no {runs.CONFIG}); pass the out folder of a segmentation run")
    raise UnknownNameError(f"unknown segmenter {name!r}; choose a run folder, a pretrained model "
                           f"({', '.join(sorted(PRETRAINED))}) or a classical baseline ({', '.join(CLASSICAL)})")


def load_exported_segmenter(path: str | Path) -> LoadedSegmenter:
    """An exported ONNX segmenter as a :class:`LoadedSegmenter` (run by ONNX Runtime)."""
    meta = require_task(path, "segment")
    inp = meta["input"]
    size = inp["resize"] if isinstance(inp["resize"], int) else tuple(inp["resize"])
    pre = SegPreprocess(size, tuple(inp["mean"]), tuple(inp["std"]), inp["interpolation"], inp["pad_to"], bool(inp.get("tta_flip", False)))
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
