"""visionlab: supervised computer vision from image classification to semantic segmentation.

The public API, one name per step of the lab (imported on first use, so ``import visionlab`` stays
fast and loads neither torch nor Gradio)::

    import visionlab as vl

    run = vl.train_classifier(vl.ClassifyConfig(data="photos", out="runs/r1", backbone="efficientnet_lite0"))
    vl.evaluate(run)["accuracy"]
    vl.predict(run, ["cat.jpg"])[0]["label"]
    vl.explain(run, ["photos/cat"])
    seg = vl.train_segmenter(vl.SegmentConfig(data="scenes", out="runs/s1", epochs=12))
    vl.segment(seg, ["street.jpg"], "seg_out")
    vl.distill(["unlabelled/"], "runs/student", vl.DistillOptions(teacher=str(seg), student="lraspp_compact"))
    vl.export(seg, "onnx")
    vl.run_lab(vl.LabConfig.from_yaml("game_world"))
    vl.get_classifier("resnet18", num_classes=2)
    vl.get_segmenter("deeplabv3_resnet50")
    vl.load_run("runs/r1").predict(["cat.jpg"])

The functions ``vl.predict``, ``vl.explain``, ``vl.segment``, ``vl.distill`` and ``vl.export`` share
their names with the modules that implement them; the package keeps the functions as its
attributes, and the modules stay importable by path (``from visionlab.segment import X``).

The package mirrors the lab's stages: ``data`` (datasets, the game world), ``models`` (registries,
weights, loading), ``predict``/``segment`` (inference), ``evaluate``, ``train``, ``explain``,
``compare``/``pipeline``/``walkmap``/``distill``/``export``, ``report``, ``lab``, and the front ends
``cli`` and ``app``. README "Architecture" draws the layers.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from visionlab._version import __version__

# name -> module that defines it (the attribute has the same name unless given as "module:attr")
_API: dict[str, str] = {
    "train_classifier": "visionlab.train.classify",
    "train_segmenter": "visionlab.train.segment",
    "evaluate": "visionlab.api",
    "predict": "visionlab.predict:predict_paths",
    "explain": "visionlab.explain.stage:explain_images",
    "segment": "visionlab.segment:segment_images",
    "distill": "visionlab.distill",
    "export": "visionlab.export:export_run",
    "run_lab": "visionlab.lab",
    "get_classifier": "visionlab.models.registry",
    "get_segmenter": "visionlab.models.loading",
    "load_run": "visionlab.api",
    "LoadedRun": "visionlab.api",
    "ClassifyConfig": "visionlab.train.config",
    "SegmentConfig": "visionlab.train.config",
    "LabConfig": "visionlab.lab",
    "ExplainOptions": "visionlab.explain.stage",
    "SegmentOptions": "visionlab.segment",
    "DistillOptions": "visionlab.distill",
    "SegmentationPredictor": "visionlab.segment",
    "RunFolder": "visionlab.runs",
}

__all__ = [
    "__version__",
    "train_classifier",
    "train_segmenter",
    "evaluate",
    "predict",
    "explain",
    "segment",
    "distill",
    "export",
    "run_lab",
    "get_classifier",
    "get_segmenter",
    "load_run",
    "LoadedRun",
    "ClassifyConfig",
    "SegmentConfig",
    "LabConfig",
    "ExplainOptions",
    "SegmentOptions",
    "DistillOptions",
    "SegmentationPredictor",
    "RunFolder",
]

if TYPE_CHECKING:  # what static checkers and IDEs see; at run time each name loads on first use
    from visionlab.api import LoadedRun, evaluate, load_run
    from visionlab.distill import DistillOptions, distill
    from visionlab.explain.stage import ExplainOptions
    from visionlab.explain.stage import explain_images as explain
    from visionlab.export import export_run as export
    from visionlab.lab import LabConfig, run_lab
    from visionlab.models.loading import get_segmenter
    from visionlab.models.registry import get_classifier
    from visionlab.predict import predict_paths as predict
    from visionlab.runs import RunFolder
    from visionlab.segment import SegmentationPredictor, SegmentOptions
    from visionlab.segment import segment_images as segment
    from visionlab.train.classify import train_classifier
    from visionlab.train.config import ClassifyConfig, SegmentConfig
    from visionlab.train.segment import train_segmenter


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'visionlab' has no attribute {name!r}; the public API: {', '.join(sorted(_API))}")
    module, _, attr = _API[name].partition(":")
    value = getattr(importlib.import_module(module), attr or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))


class _Package(types.ModuleType):
    """Keeps ``vl.segment`` (and the other API functions) when a submodule of the same name is imported.

    Importing ``visionlab.segment`` makes Python set the package's ``segment`` attribute to the module,
    which would turn ``vl.segment(...)`` into "module is not callable" after any internal import.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _API and isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.{name}":
            return  # the module stays in sys.modules, reachable as `from visionlab.<name> import ...`
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
