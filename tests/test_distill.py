"""Distillation (pseudo-label cache and resume, soft targets, the student run) and export round trips."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from torchvision.transforms import v2 as T

from visionlab import cli
from visionlab.data.masks import MaskList, SegClasses, load_mask, save_mask_png
from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.distill import (
    DistillLoss,
    DistillOptions,
    SoftTargetDataset,
    distill,
    parse_student,
    pseudo_label,
    resolve_init,
    speedups,
    time_runtimes,
)
from visionlab.errors import ConfigError, ParamError, RunFolderError, UnknownNameError
from visionlab.export import ExportCheckError, export_run, onnx_twin, read_exported_metadata
from visionlab.predict import predict_paths
from visionlab.segment import SegmentationPredictor, load_segmenter
from visionlab.train.classify import train_classifier
from visionlab.train.config import ClassifyConfig, SegAugmentConfig, SegmentConfig
from visionlab.train.segment import train_segmenter
from visionlab.utils.files import read_json


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("distill")
    write_dataset(root / "world", 20, seed=5, spec=SceneSpec(width=64, height=64, n_characters=2))
    write_dataset(root / "extra", 8, seed=6, spec=SceneSpec(width=64, height=64, n_characters=2))
    teacher = train_segmenter(SegmentConfig(data=str(root / "world" / "segment"), out=str(root / "teacher"), model="tiny_unet",
                                            pretrained=False, epochs=1, batch_size=4, img_size=(64, 64), quiet=True, amp="off",
                                            augment=SegAugmentConfig(color_jitter=0.0)))
    return root, teacher


def test_student_names():
    assert parse_student("lraspp_mobilenet_v3_large") == ("lraspp", "mobilenet_v3_large")
    assert parse_student("fcn_resnet50") == ("fcn", "resnet50")
    assert parse_student("unet_resnet18") == ("unet", "resnet18")
    assert parse_student("unet") == ("unet", "efficientnet_lite0")
    assert parse_student("tiny_unet") == ("tiny_unet", "none")
    with pytest.raises(UnknownNameError, match="lraspp_mobilenet_v3_large"):
        parse_student("lraspp_resnet18")


def test_pseudo_labels_are_the_teacher_masks_cached_and_resumed(world, tmp_path, monkeypatch):
    root, teacher_run = world
    teacher = load_segmenter(teacher_run)
    files = sorted((root / "extra" / "segment" / "images").iterdir())[:6]
    cache = tmp_path / "pseudo"
    real = SegmentationPredictor.predict_with_logits
    calls = []

    def interrupted(self, images):
        if calls:
            raise KeyboardInterrupt  # the user stops the run after the first batch
        calls.append(len(images))
        return real(self, images)

    monkeypatch.setattr(SegmentationPredictor, "predict_with_logits", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pseudo_label(teacher, files, cache, soft=True, batch_size=2)
    first = sorted(p.name for p in (cache / "masks").iterdir())
    assert first == ["scene_00000.png", "scene_00001.png"]
    stamps = {p: p.stat().st_mtime_ns for p in (cache / "masks").iterdir()}

    seen = []
    monkeypatch.setattr(SegmentationPredictor, "predict_with_logits", lambda self, images: seen.append(len(images)) or real(self, images))
    labelled = pseudo_label(teacher, files, cache, soft=True, batch_size=2)
    assert sum(seen) == 4 and len(labelled) == 6  # only the four missing images went through the teacher
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())  # cached labels untouched

    expected = SegmentationPredictor(teacher).predict([np.asarray(Image.open(f).convert("RGB")) for f in files])
    for f, ids in zip(files, expected):
        cached = load_mask(cache / "masks" / f"{f.stem}.png", teacher.classes, (64, 64))
        assert np.array_equal(cached, ids)
        soft = np.load(cache / "soft" / f"{f.stem}.npy")
        assert soft.shape == (teacher.classes.num_classes, 64, 64) and soft.dtype == np.float16
        assert (soft.astype(np.float32).argmax(0) == ids).mean() > 0.99  # fp16 rounding may flip near-ties

    seen.clear()
    assert pseudo_label(teacher, files, cache, soft=True, batch_size=2) == labelled  # a third run labels nothing
    assert seen == []


def test_a_cache_from_another_teacher_is_refused(world, tmp_path):
    root, teacher_run = world
    files = sorted((root / "extra" / "segment" / "images").iterdir())[:2]
    cache = tmp_path / "pseudo"
    pseudo_label(load_segmenter(teacher_run), files, cache)
    index = read_json(cache / "index.json")
    index["teacher"]["fingerprint"] = "sha256:another"
    (cache / "index.json").write_text(__import__("json").dumps(index))
    with pytest.raises(RunFolderError, match="another teacher"):
        pseudo_label(load_segmenter(teacher_run), files, cache)


def test_distillation_loss():
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 5, 5)
    hard = logits.argmax(1)
    packed = torch.cat([hard[:, None].float(), logits], 1)
    ce_only = DistillLoss(255, temperature=2.0, alpha=0.0)
    assert torch.allclose(ce_only(logits, packed), F.cross_entropy(logits, hard))
    kd_only = DistillLoss(255, temperature=2.0, alpha=1.0)
    assert float(kd_only(logits, packed)) == pytest.approx(0.0, abs=1e-6)  # the student equals the teacher
    student = torch.zeros_like(logits, requires_grad=True)
    kd_only(student, packed).backward()
    assert float((student.grad * logits).sum()) < 0  # the gradient step moves the student towards the teacher
    assert torch.equal(DistillLoss.labels(packed), hard)


def test_soft_targets_are_augmented_with_the_image(tmp_path):
    rng = np.random.default_rng(0)
    classes = SegClasses(("a", "b", "c"), ((0, 0, 0), (255, 0, 0), (0, 255, 0)))
    (tmp_path / "masks").mkdir()
    soft_paths = []
    for i in range(3):
        ids = rng.integers(0, 3, (24, 32)).astype(np.uint8)
        Image.fromarray(rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)).save(tmp_path / f"{i}.png")
        save_mask_png(ids, tmp_path / "masks" / f"{i}.png", classes.colors)
        np.save(tmp_path / f"{i}.npy", (np.eye(3)[ids].transpose(2, 0, 1) * 10).astype(np.float16))  # logits at full size
        soft_paths.append(tmp_path / f"{i}.npy")
    items = MaskList(tmp_path, [f"{i}.png" for i in range(3)], [f"masks/{i}.png" for i in range(3)], classes)
    transform = T.Compose([T.RandomResizedCrop((16, 16), scale=(0.3, 1.0), antialias=True), T.RandomHorizontalFlip(),
                           T.ToDtype({__import__("torchvision").tv_tensors.Image: torch.float32, "others": None}, scale=True)])
    ds = SoftTargetDataset(items, soft_paths, transform)
    torch.manual_seed(1)
    for i in range(3):
        for _ in range(4):
            x, target, idx = ds[i]
            assert x.shape == (3, 16, 16) and target.shape == (4, 16, 16) and idx == i
            assert torch.equal(target[1:].argmax(0), target[0].long())  # labels and logits cropped and flipped alike


def test_distill_command_end_to_end(world, tmp_path, capsys):
    root, teacher_run = world
    out = tmp_path / "student"
    args = ["distill", str(root / "world" / "segment" / "images"), str(root / "extra" / "segment" / "images"), "--teacher", str(teacher_run),
            "--student", "tiny_unet", "--out", str(out), "--data", str(root / "world" / "segment"), "--epochs", "2", "--soft",
            "--amp", "off", "--quiet"]
    assert cli.main(args) == 0
    assert "agreement with teacher" in capsys.readouterr().out
    split = read_json(out / "split.json")["splits"]
    teacher_test = read_json(teacher_run / "split.json")["splits"]["test"]["images"]
    assert split["test"]["images"] == teacher_test  # scored on the teacher's own held-out images
    distilled = [p for k in ("train", "val") for p in split[k]["images"]]
    test_files = {str((root / "world" / "segment" / p).resolve()) for p in teacher_test}
    assert len(distilled) == 28 - len(teacher_test) and not test_files & set(distilled)  # test images never distilled
    result = read_json(out / "distill" / "comparison.json")
    teacher_row, student_row = result["rows"]
    assert teacher_row["role"] == "teacher" and teacher_row["agreement_with_teacher"] == 1.0
    assert result["runtimes"] == ["pytorch", "onnxruntime"]
    for b in (1, 8):  # each model timed in both runtimes; the headline takes each model's faster one
        for row in (teacher_row, student_row):
            times = {rt: row[f"ms_batch{b}_{rt}"] for rt in result["runtimes"]}
            assert min(times.values()) > 0 and row[f"ms_batch{b}"] == min(times.values()) and times[row[f"runtime_batch{b}"]] == row[f"ms_batch{b}"]
        assert result[f"speedup_batch{b}"] == pytest.approx(teacher_row[f"ms_batch{b}"] / student_row[f"ms_batch{b}"])
        assert result[f"speedup_batch{b}_onnxruntime"] == pytest.approx(teacher_row[f"ms_batch{b}_onnxruntime"] / student_row[f"ms_batch{b}_onnxruntime"])
    assert 0.0 <= student_row["agreement_with_teacher"] <= 1.0 and student_row["miou_ground_truth"] is not None
    assert read_json(out / "metrics.json")["split"] == "test"
    assert read_json(out / "config.json")["config"]["augment"] == {"scale_min": 0.9, "hflip": True, "color_jitter": 0.0, "crop": 0}  # light
    assert (out / "distill" / "comparison.png").is_file() and (out / "distill" / "table.md").is_file()
    assert len(list((out / "pseudo" / "soft").iterdir())) == len(distilled)
    with pytest.raises(RunFolderError, match="already holds a run.*resume"):
        distill([root / "extra" / "segment" / "images"], out, DistillOptions(teacher=str(teacher_run), student="tiny_unet"))
    history = (out / "history.csv").read_text().splitlines()
    distill([root / "extra" / "segment" / "images"], out, DistillOptions(teacher=str(teacher_run), student="tiny_unet", epochs=3,
                                                                        data=str(root / "world" / "segment"), soft=True, amp="off", quiet=True),
            resume=True)
    assert len((out / "history.csv").read_text().splitlines()) == len(history) + 1  # one more epoch, not a new run


def test_speedups_take_each_model_in_its_faster_runtime():
    times = {"pytorch": {"teacher": {1: 20.0, 8: 10.0}, "student": {1: 4.0, 8: 1.0}},
             "onnxruntime": {"teacher": {1: 25.0, 8: 30.0}, "student": {1: 2.0, 8: 2.0}}}
    s = speedups(times)
    assert s["by_runtime"] == {"pytorch": {1: 5.0, 8: 10.0}, "onnxruntime": {1: 12.5, 8: 15.0}}
    assert s["best"][1] == {"speedup": 10.0, "teacher": (20.0, "pytorch"), "student": (2.0, "onnxruntime")}
    assert s["best"][8] == {"speedup": 10.0, "teacher": (10.0, "pytorch"), "student": (1.0, "pytorch")}
    with pytest.raises(ConfigError, match="tensorrt"):
        time_runtimes({}, [], runtimes=("tensorrt",))


def test_a_model_that_does_not_export_is_timed_in_pytorch_only(world, monkeypatch):
    export = importlib.import_module("visionlab.export")  # the module: `visionlab.export` is the API function

    root, teacher_run = world
    real = export.onnx_twin

    def fails_for_student(seg, images, path, **kw):
        if path.stem == "student":
            raise RuntimeError("Unsupported: ONNX export of operator foo")
        return real(seg, images, path, **kw)

    monkeypatch.setattr(export, "onnx_twin", fails_for_student)
    arrays = [np.asarray(Image.open(f).convert("RGB")) for f in sorted((root / "extra" / "segment" / "images").iterdir())[:2]]
    models = {"teacher": load_segmenter(teacher_run), "student": load_segmenter(teacher_run)}
    with pytest.warns(UserWarning, match="student .* was not timed in ONNX Runtime.*operator foo"):
        times = time_runtimes(models, arrays, rounds=1, block=1)
    assert set(times["pytorch"]) == {"teacher", "student"} and set(times["onnxruntime"]) == {"teacher"}
    s = speedups(times)
    assert set(s["by_runtime"]) == {"pytorch"} and s["best"][1]["student"][1] == "pytorch"


def test_onnx_twin_runs_the_same_network_in_onnx_runtime(world, tmp_path):
    root, teacher_run = world
    seg = load_segmenter(teacher_run)
    arrays = [np.asarray(Image.open(f).convert("RGB")) for f in sorted((root / "extra" / "segment" / "images").iterdir())]
    twin = onnx_twin(seg, arrays[:2], tmp_path / "t.onnx")
    assert twin.model.runtime == "onnxruntime" and twin.classes == seg.classes and twin.preprocess.pad_to == seg.preprocess.pad_to
    torch_masks = SegmentationPredictor(seg, amp="off").predict(arrays)
    assert np.mean([(a == b).mean() for a, b in zip(torch_masks, SegmentationPredictor(twin).predict(arrays))]) > 0.999
    with pytest.raises(ExportCheckError, match="differs from PyTorch"):
        onnx_twin(seg, arrays[:2], tmp_path / "strict.onnx", tolerance=-1.0)


def test_bad_student_settings_fail_before_the_teacher_labels_anything(world, tmp_path):
    root, teacher_run = world
    for opts in (dict(scale_min=0.0), dict(student="lraspp_compact", img_size=(40, 40))):
        out = tmp_path / "s"
        with pytest.raises(ParamError, match=r"^(scale_min must be in \(0, 1\]|img_size 40 40: .* multiples of 16)") as err:
            distill([root / "extra" / "segment" / "images"], out, DistillOptions(teacher=str(teacher_run), **{"student": "tiny_unet", **opts}))
        assert err.value.param in opts  # named as DistillOptions names it, not the trainer's augment.scale_min
        assert not out.exists()


def test_the_out_folder_is_checked_before_the_teacher_loads(tmp_path):
    opts = DistillOptions(teacher="no_such_teacher", student="tiny_unet")
    with pytest.raises(RunFolderError, match=r"^resume: .*holds no run to resume.*pseudo-labels cached in .* are reused anyway"):
        distill([tmp_path], tmp_path / "new", opts, resume=True)
    taken = tmp_path / "taken"
    (taken / "pseudo").mkdir(parents=True)
    (taken / "notes.txt").write_text("mine")
    with pytest.raises(RunFolderError, match=r"is not empty.*only an earlier distill's pseudo/ may stay"):
        distill([tmp_path], taken, opts)
    assert sorted(p.name for p in taken.iterdir()) == ["notes.txt", "pseudo"]  # nothing touched


def test_init_errors_name_the_parameter():
    with pytest.raises(ParamError, match=r"^init must be auto, pretrained or scratch; got 'imagenet'") as err:
        resolve_init("tiny_unet", "none", "imagenet", download=False)
    assert err.value.param == "init"
    with pytest.raises(ParamError, match=r"^init pretrained: tiny_unet_none has no pretrained encoder weights"):
        resolve_init("tiny_unet", "none", "pretrained", download=False)


def test_a_classical_teacher_is_refused(world, tmp_path):
    root, _ = world
    with pytest.raises(ConfigError, match="classical"):
        distill([root / "extra" / "segment" / "images"], tmp_path / "s", DistillOptions(teacher="otsu", student="tiny_unet"))


# --- export -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def classifier_run(world):
    root, _ = world
    return train_classifier(ClassifyConfig(data=str(root / "world" / "classify"), out=str(root / "cls"), backbone="tiny_cnn", weights="none",
                                           epochs=1, batch_size=8, img_size=48, quiet=True, amp="off"))


@pytest.mark.parametrize("fmt", ["onnx", "torchscript"])
def test_segmenter_export_round_trip(world, tmp_path, fmt):
    root, teacher_run = world
    path = tmp_path / f"seg.{fmt}"
    report = export_run(teacher_run, fmt, path)
    assert report["check"]["passed"] and report["check"]["max_abs_diff"] <= 1e-3 and report["check"]["inputs"] >= 1
    meta = read_exported_metadata(path)
    teacher = load_segmenter(teacher_run)
    assert meta["classes"] == list(teacher.classes.names) and meta["colors"] == [list(c) for c in teacher.classes.colors]
    assert meta["input"]["mean"] == list(teacher.preprocess.mean) and meta["input"]["size"] == [64, 64]
    assert read_json(str(path) + ".json")["metadata"]["format"] == "visionlab-model/1"


def test_compact_lraspp_student_distills_and_its_onnx_export_round_trips(world, tmp_path):
    root, teacher_run = world
    out = tmp_path / "compact"
    distill([root / "extra" / "segment" / "images"], out,
            DistillOptions(teacher=str(teacher_run), student="lraspp_compact", epochs=1, amp="off", quiet=True, scale_min=0.6, color_jitter=0.1))
    assert read_json(out / "config.json")["config"]["augment"] == {"scale_min": 0.6, "hflip": True, "color_jitter": 0.1, "crop": 0}
    student = load_segmenter(out)
    assert (student.model.arch, student.model.encoder, student.preprocess.pad_to) == ("lraspp", "compact", 16)
    report = export_run(out, "onnx", tmp_path / "student.onnx")
    assert report["check"]["passed"] and report["check"]["max_abs_diff"] <= 1e-3


def test_onnx_segmenter_and_classifier_run_in_visionlab(world, classifier_run, tmp_path):
    root, teacher_run = world
    images = sorted((root / "extra" / "segment" / "images").iterdir())
    arrays = [np.asarray(Image.open(f).convert("RGB")) for f in images]
    onnx_seg = export_run(teacher_run, "onnx", tmp_path / "seg.onnx")["path"]
    torch_masks = SegmentationPredictor(load_segmenter(teacher_run), amp="off").predict(arrays)
    onnx_masks = SegmentationPredictor(load_segmenter(onnx_seg)).predict(arrays)
    agree = np.mean([(a == b).mean() for a, b in zip(torch_masks, onnx_masks)])
    assert agree > 0.999

    onnx_cls = export_run(classifier_run, "onnx", tmp_path / "cls.onnx")["path"]
    from_run = predict_paths(classifier_run, images)
    from_onnx = predict_paths(onnx_cls, images)
    assert [r["label"] for r in from_onnx] == [r["label"] for r in from_run]
    assert all(abs(a["confidence"] - b["confidence"]) < 0.02 for a, b in zip(from_onnx, from_run))  # the run predicts under bf16 where native
    assert cli.main(["predict", onnx_cls, str(images[0])]) == 0


def test_a_flip_averaging_teacher_exports_it_and_its_student_predicts_and_trains_the_same_way(world, tmp_path):
    root, _ = world
    teacher_run = train_segmenter(SegmentConfig(data=str(root / "world" / "segment"), out=str(tmp_path / "teacher"), model="tiny_unet",
                                                pretrained=False, epochs=1, batch_size=4, img_size=(64, 64), quiet=True, amp="off",
                                                tta_flip=True, augment=SegAugmentConfig(color_jitter=0.0, crop=32)))
    images = sorted((root / "extra" / "segment" / "images").iterdir())
    arrays = [np.asarray(Image.open(f).convert("RGB")) for f in images]
    path = export_run(teacher_run, "onnx", tmp_path / "seg.onnx")["path"]
    assert read_exported_metadata(path)["input"]["tta_flip"] is True
    exported = load_segmenter(path)
    assert exported.preprocess.tta_flip is True
    torch_masks = SegmentationPredictor(load_segmenter(teacher_run), amp="off").predict(arrays)
    assert np.mean([(a == b).mean() for a, b in zip(torch_masks, SegmentationPredictor(exported).predict(arrays))]) > 0.999
    out = tmp_path / "student"
    distill([root / "extra" / "segment" / "images"], out, DistillOptions(teacher=str(teacher_run), student="tiny_unet", epochs=1, amp="off",
                                                                          quiet=True))
    assert load_segmenter(out).preprocess.tta_flip is True
    assert read_json(out / "config.json")["config"]["augment"]["crop"] == 32  # the teacher's 32-px windows of its 64-px input


def test_export_refuses_to_overwrite_and_leaves_nothing_when_the_check_fails(world, tmp_path):
    _, teacher_run = world
    path = tmp_path / "m.onnx"
    path.write_bytes(b"mine")
    with pytest.raises(ConfigError, match="already exists"):
        export_run(teacher_run, "onnx", path)
    assert path.read_bytes() == b"mine"
    with pytest.raises(ExportCheckError, match="nothing was written"):
        export_run(teacher_run, "onnx", tmp_path / "strict.onnx", tolerance=-1.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.onnx"]  # no model, no temporary file
    with pytest.raises(ConfigError, match="not a model exported by visionlab"):
        read_exported_metadata(path)
