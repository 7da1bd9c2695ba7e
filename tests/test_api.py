"""The public API (``import visionlab as vl``): one name per lab step, the segmenter registry, run loading."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest
import torch

import visionlab as vl
from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.errors import ParamError, RunFolderError, UnknownNameError
from visionlab.models.loading import SEGMENTERS, LoadedSegmenter, get_segmenter
from visionlab.runs import RunFolder

API = ("train_classifier", "evaluate", "predict", "explain", "train_segmenter", "segment", "distill", "export",
       "run_lab", "get_classifier", "get_segmenter", "load_run")


def test_every_api_name_is_a_documented_callable():
    for name in API:
        fn = getattr(vl, name)
        assert callable(fn), name
        missing = [part for part in ("Args:", "Returns:", "Raises:", "Example") if part not in (fn.__doc__ or "")]
        assert not missing, f"vl.{name}'s docstring lacks {missing}"


def test_api_functions_survive_imports_of_their_namesake_modules():
    # Importing visionlab.segment (or .export, .explain...) must not replace vl.segment by the module.
    for name in ("segment", "export", "explain", "predict", "distill"):
        importlib.import_module(f"visionlab.{name}")
        assert callable(getattr(vl, name)) and not isinstance(getattr(vl, name), type(importlib)), name
    from visionlab.segment import segment_images

    assert vl.segment is segment_images


def test_registry_covers_architectures_pretrained_models_and_baselines():
    assert {"unet", "fpn", "deeplabv3", "lraspp"} <= set(SEGMENTERS.names("architecture"))
    assert "deeplabv3_resnet50" in SEGMENTERS.names("pretrained")
    assert {"otsu", "kmeans"} <= set(SEGMENTERS.names("classical"))
    assert SEGMENTERS.kind("deeplabv3_resnet50") == "pretrained"
    assert SEGMENTERS.kind("kmeans") == "classical"
    assert sorted(SEGMENTERS.names()) == sorted(SEGMENTERS.names("architecture") + SEGMENTERS.names("pretrained")
                                                + SEGMENTERS.names("classical"))
    with pytest.raises(UnknownNameError, match="unet.*deeplabv3_resnet50.*otsu"):
        SEGMENTERS.kind("unetz")


def test_get_segmenter_builds_an_architecture_with_its_preprocessing():
    seg = get_segmenter("tiny_unet", num_classes=5, img_size=(48, 64))
    assert isinstance(seg, LoadedSegmenter) and seg.classes.names == tuple(f"class_{i}" for i in range(5))
    assert seg.preprocess.size == (48, 64) and seg.preprocess.pad_to == 2
    assert seg.model(torch.zeros(2, 3, 48, 64)).shape == (2, 5, 48, 64)
    lite = get_segmenter("unet", num_classes=3)  # EfficientNet-Lite0 encoder: its own mean/std, multiples of 32
    assert lite.preprocess.mean == (0.5, 0.5, 0.5) and lite.preprocess.pad_to == 32
    with pytest.raises(ParamError, match="num_classes") as err:
        get_segmenter("unet")
    assert err.value.param == "num_classes"


def test_get_segmenter_baselines_and_random_pretrained():
    otsu = get_segmenter("otsu")
    assert otsu.classical == "otsu" and otsu.k == 2 and otsu.model is None
    km = get_segmenter("kmeans", k=3)
    assert km.classes.names == ("cluster_0", "cluster_1", "cluster_2")
    lraspp = get_segmenter("lraspp_mobilenet_v3_large", random_weights=True)
    assert lraspp.classes.names[0] == "background" and len(lraspp.classes.names) == 21


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A tiny classification run and a tiny segmentation run on the game world."""
    root = tmp_path_factory.mktemp("api")
    write_dataset(root / "world", 16, seed=2, spec=SceneSpec(width=64, height=64))
    cls_run = vl.train_classifier(vl.ClassifyConfig(data=str(root / "world" / "classify"), out=str(root / "cls"),
                                                    backbone="tiny_cnn", weights="none", epochs=1, img_size=32, quiet=True))
    seg_run = vl.train_segmenter(vl.SegmentConfig(data=str(root / "world" / "segment"), out=str(root / "seg"), model="tiny_unet",
                                                  pretrained=False, epochs=1, batch_size=4, img_size=(64, 64), quiet=True))
    return root, cls_run, seg_run


@pytest.mark.slow
def test_load_run_and_evaluate_dispatch_on_the_task(runs):
    root, cls_run, seg_run = runs
    c = vl.load_run(cls_run)
    assert c.task == "classify" and c.classes == ["dragon", "robot"] and c.config["backbone"] == "tiny_cnn"
    rows = c.predict([root / "world" / "classify" / "dragon"])
    assert rows and {r["label"] for r in rows} <= {"dragon", "robot"}
    m = vl.evaluate(cls_run)
    assert m["split"] == "val" and 0.0 <= m["accuracy"] <= 1.0
    assert json.loads(RunFolder(cls_run).metrics_path.read_text())["accuracy"] == m["accuracy"]

    s = vl.load_run(seg_run)
    assert s.task == "segment" and s.classes[0] == "sky" and isinstance(s.model, LoadedSegmenter)
    sm = vl.evaluate(seg_run)
    assert sm["split"] == "test" and "miou" in sm
    with pytest.raises(RunFolderError, match="segment"):
        s.predict([root / "world" / "classify"])
    summary = s.segment([root / "world" / "segment" / "images"], root / "seg_out")
    assert summary["n_images"] == 16 and len(list((root / "seg_out" / "masks").glob("*.png"))) == 16


@pytest.mark.slow
def test_get_segmenter_reads_run_folders(runs):
    _, _, seg_run = runs
    seg = vl.get_segmenter(str(seg_run))
    assert seg.run == seg_run and seg.model.arch == "tiny_unet"
    ids = vl.SegmentationPredictor(seg).predict([np.zeros((40, 50, 3), np.uint8)])[0]
    assert ids.shape == (40, 50)


def test_load_run_refuses_a_folder_that_is_not_a_run(tmp_path):
    with pytest.raises(RunFolderError, match="not a visionlab run folder"):
        vl.load_run(tmp_path)
