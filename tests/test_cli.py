"""The command line: help texts, bad input, and the whole flow on a small game-world set."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from visionlab.cli import build_parser, main


def test_every_command_documents_its_options_and_defaults(capsys) -> None:
    for argv, expected in [
        (["--help"], ["data", "train", "eval", "predict"]),
        (["data", "synth", "--help"], ["--n", "--seed", "default: 400"]),
        (["train", "classify", "--help"], ["--backbone", "--mode", "--epochs", "--batch-size", "--lr", "--img-size", "--seed", "default: resnet18",
                                           "default: frozen", "--resume", "--recipe", "default: auto", "--time-budget", "partial"]),
        (["eval", "--help"], ["--data", "--split", "default: val"]),
        (["predict", "--help"], ["--out", "--top-k"]),
        (["train", "segment", "--help"], ["--model", "--encoder", "--pretrained", "--scratch", "--img-size", "--loss", "--class-weights",
                                          "default: unet", "--resume", "--time-budget", "default: ce+dice", "default: balanced"]),
        (["segment", "--help"], ["--model", "default: deeplabv3_resnet50", "--out", "kmeans"]),
        (["experiment", "--help"], ["--target-miou", "--reuse-pretrained", "--baselines"]),
        (["pipeline", "--help"], ["--classifier", "--segmenter", "--classes", "--min-area", "--pad", "--mask-background", "--split-touching"]),
        (["compare", "--help"], ["--segmenter", "--concept-classes", "--threshold", "--top-percent"]),
        (["walkmap", "--help"], ["--segmenter", "--walkable", "--hazard", "--tile", "default: 16"]),
        (["explain", "--help"], ["--method", "default: gradcam", "--masks", "--batch-size", "default: 32"]),
        (["app", "--help"], ["--classes", "segmentation classes cut into regions", "--min-area", "default: 150", "--device"]),
    ]:
        with pytest.raises(SystemExit) as info:
            build_parser().parse_args(argv)
        assert info.value.code == 0
        text = " ".join(capsys.readouterr().out.split())  # help text wraps lines
        for word in expected:
            assert word in text, (argv, word)


def test_bad_input_gives_a_message_and_exit_code_2(tmp_path: Path, capsys) -> None:
    assert main(["train", "classify", str(tmp_path / "missing"), "--out", str(tmp_path / "r"), "--backbone", "tiny_cnn"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["eval", str(tmp_path)]) == 2
    assert "not a visionlab run folder" in capsys.readouterr().err
    assert main(["train", "classify", str(tmp_path), "--out", str(tmp_path / "r"), "--epochs", "0"]) == 2
    assert "--epochs must be at least 1" in capsys.readouterr().err


def test_unknown_backbone_lists_choices(blobs_dir: Path, tmp_path: Path, capsys) -> None:
    assert main(["train", "classify", str(blobs_dir), "--out", str(tmp_path / "r"), "--backbone", "resnet19"]) == 2
    err = capsys.readouterr().err
    assert "unknown classifier 'resnet19'" in err and "efficientnet_lite0" in err
    assert not (tmp_path / "r").exists()  # nothing half-made


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "visionlab", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_end_to_end_game_world_with_bundled_lite0(tmp_path: Path) -> None:
    data = tmp_path / "гра з пробілами"  # Cyrillic letters and spaces in every path below
    r = _cli("data", "synth", str(data), "--n", "120", "--seed", "1", "--size", "160", "160")
    assert r.returncode == 0, r.stderr
    run = tmp_path / "run"
    r = _cli("train", "classify", str(data / "classify"), "--out", str(run), "--backbone", "efficientnet_lite0",
             "--mode", "frozen", "--epochs", "8", "--lr", "3e-3", "--scheduler", "cosine", "--img-size", "160", "--quiet")
    assert r.returncode == 0, r.stderr
    assert "accuracy" in r.stdout
    r = _cli("train", "classify", str(data / "classify"), "--out", str(run), "--backbone", "efficientnet_lite0")
    assert r.returncode == 2 and "already holds a run" in r.stderr
    r = _cli("eval", str(run), "--split", "val")
    assert r.returncode == 0, r.stderr
    m = json.loads((run / "metrics.json").read_text())
    assert m["split"] == "val" and m["n_images"] == 24
    assert m["accuracy"] >= 0.75  # 96 training scenes, 8 epochs: well above chance (0.5)
    out = tmp_path / "pred.csv"
    r = _cli("predict", str(run), str(data / "classify" / "robot"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 60 and {row["label"] for row in rows} <= {"dragon", "robot"}
    robots = sum(row["label"] == "robot" for row in rows)
    assert robots >= 45  # mostly right on the robot folder (training images included)


def test_ctrl_c_during_training_prints_the_resume_command(monkeypatch, tmp_path: Path, capsys) -> None:
    import visionlab.train.classify as tc

    def interrupted(cfg, resume=False):
        raise KeyboardInterrupt

    monkeypatch.setattr(tc, "train_classifier", interrupted)
    code = main(["train", "classify", str(tmp_path), "--out", str(tmp_path / "run")])
    assert code == 130
    err = capsys.readouterr().err
    assert "--resume" in err and str(tmp_path / "run") in err


def test_predict_skips_unreadable_files_with_a_warning(blobs_dir: Path, tmp_path: Path) -> None:
    from conftest import make_blob_dataset  # noqa: F401  (fixture module)

    from visionlab.errors import ParamError
    from visionlab.predict import predict_paths, write_predictions
    from visionlab.train.classify import train_classifier
    from visionlab.train.config import ClassifyConfig

    run = train_classifier(ClassifyConfig(data=str(blobs_dir), out=str(tmp_path / "run"), backbone="tiny_cnn", weights="none",
                                          img_size=32, epochs=1, quiet=True))
    (blobs_dir / "red" / "broken.png").write_bytes(b"nope")
    with pytest.warns(UserWarning, match="broken.png"):
        rows = predict_paths(run, [blobs_dir / "red"])
    assert len(rows) == 24 and all(0.0 <= r["confidence"] <= 1.0 for r in rows)
    assert write_predictions(rows, tmp_path / "p.json").is_file()
    with pytest.raises(ParamError, match=r"^out must end in \.csv or \.json; got p\.txt"):
        write_predictions(rows, tmp_path / "p.txt")


def test_library_errors_name_the_parameter_and_the_cli_names_the_flag(tmp_path: Path, capsys) -> None:
    from visionlab.errors import ParamError
    from visionlab.train.config import ClassifyConfig

    with pytest.raises(ParamError, match=r"^lr must be positive; got 0") as info:
        ClassifyConfig(data=str(tmp_path), out=str(tmp_path / "r"), lr=0).validate()
    assert info.value.param == "lr" and "--" not in str(info.value)
    assert main(["train", "classify", str(tmp_path), "--out", str(tmp_path / "r"), "--lr", "0"]) == 2
    assert "error: --lr must be positive; got 0.0" in capsys.readouterr().err


def test_parameters_map_to_their_flags_nested_and_renamed_ones_included() -> None:
    from visionlab.cli.args import PARAM_FLAGS, cli_message
    from visionlab.errors import ParamError
    from visionlab.train.config import SegAugmentConfig, SegmentConfig

    with pytest.raises(ParamError) as info:
        SegmentConfig(data="d", out="o", augment=SegAugmentConfig(scale_min=0.0)).validate()
    assert info.value.param == "augment.scale_min"
    flags = getattr(build_parser().parse_args(["train", "segment", "d", "--out", "o"]), PARAM_FLAGS)
    assert cli_message(info.value, flags) == "--scale-min must be in (0, 1]; got 0.0"
    for param, flag in [("img_size", "--img-size"), ("augment.color_jitter", "--jitter"), ("augment.hflip", "--no-flip"), ("lr", "--lr")]:
        assert cli_message(ParamError(param, f"{param} is bad"), flags) == f"{flag} is bad"
    assert cli_message(ParamError("cache_mb", "cache_mb is bad"), flags) == "cache_mb is bad"  # not an option: left as it is
    classify = getattr(build_parser().parse_args(["train", "classify", "d", "--out", "o"]), PARAM_FLAGS)
    assert classify["augment.crop_scale_min"] == "--crop-scale-min" and "feature_cache_mb" not in classify


def test_errors_of_hand_written_options_name_their_flags(tmp_path: Path, capsys) -> None:
    # Stage functions say "walkable: ..." / "classes: ..."; the command line shows the flag instead.
    from visionlab.cli.args import PARAM_FLAGS, cli_message
    from visionlab.errors import UnknownNameError

    flags = getattr(build_parser().parse_args(["walkmap", "x.png", "--segmenter", "otsu"]), PARAM_FLAGS)
    err = UnknownNameError("walkable: unknown class 'lava'; the segmenter's classes: sky, terrain")
    assert cli_message(err, flags) == "--walkable: unknown class 'lava'; the segmenter's classes: sky, terrain"
    assert cli_message(UnknownNameError("teacher: no such thing"), flags) == "teacher: no such thing"  # not a walkmap option
    fetch = getattr(build_parser().parse_args(["data", "fetch", "out", "--class", "a", "q"]), PARAM_FLAGS)
    assert fetch["classes"] == "--class"
    image = tmp_path / "scene.png"
    from PIL import Image

    Image.new("RGB", (32, 32)).save(image)
    assert main(["walkmap", str(image), "--segmenter", "otsu", "--walkable", "lava", "--out", str(tmp_path / "w")]) == 2
    assert "error: --walkable:" in capsys.readouterr().err


def test_configs_built_from_the_command_line_match_the_dataclass_defaults() -> None:
    from visionlab.cli.train import classify_config_from_args, segment_config_from_args
    from visionlab.data.augment import AugmentConfig
    from visionlab.train.config import ClassifyConfig, SegAugmentConfig, SegmentConfig

    parse = build_parser().parse_args
    assert classify_config_from_args(parse(["train", "classify", "d", "--out", "o"])) == ClassifyConfig("d", "o")
    assert segment_config_from_args(parse(["train", "segment", "d", "--out", "o"])) == SegmentConfig("d", "o")
    args = parse(["experiment", "d", "--out", "o"])
    assert segment_config_from_args(args, out=args.out) == SegmentConfig("d", "o")
    cfg = classify_config_from_args(parse(["train", "classify", "d", "--out", "o", "--no-flip", "--jitter", "0", "--crop-scale-min", "0.5",
                                           "--rotation", "0", "--img-size", "64", "--mode", "full"]))
    assert cfg.augment == AugmentConfig(crop_scale_min=0.5, hflip=False, color_jitter=0.0, rotation=0.0)
    assert cfg.img_size == 64 and cfg.mode == "full"
    seg = segment_config_from_args(parse(["train", "segment", "d", "--out", "o", "--scratch", "--no-flip", "--scale-min", "0.7",
                                          "--img-size", "64", "96"]))
    assert seg.pretrained is False and seg.img_size == (64, 96)
    assert seg.augment == SegAugmentConfig(scale_min=0.7, hflip=False, color_jitter=0.2)


def test_data_and_distill_options_built_from_the_command_line() -> None:
    from visionlab.cli.args import config_from_args
    from visionlab.data.check_options import CheckOptions
    from visionlab.data.fetch_options import MB, FetchOptions
    from visionlab.distill.options import DistillOptions

    parse = build_parser().parse_args
    assert config_from_args(FetchOptions, parse(["data", "fetch", "o", "--class", "a", "b"])) == FetchOptions()
    opts = config_from_args(FetchOptions, parse(["data", "fetch", "o", "--class", "a", "b", "--timeout", "1", "2", "--max-mb", "0.5", "-n", "7"]))
    assert (opts.connect_timeout, opts.read_timeout, opts.max_bytes, opts.n) == (1.0, 2.0, MB // 2, 7)
    assert config_from_args(CheckOptions, parse(["data", "check", "d"])) == CheckOptions()
    assert config_from_args(CheckOptions, parse(["data", "check", "d", "--near-threshold", "-1"])) == CheckOptions(near_threshold=-1)
    assert config_from_args(DistillOptions, parse(["distill", "i", "--teacher", "t", "--out", "o"])) == DistillOptions(teacher="t")
    opts = config_from_args(DistillOptions, parse(["distill", "i", "--teacher", "t", "--out", "o", "--jitter", "0.1", "--img-size", "64", "32"]))
    assert opts.color_jitter == 0.1 and opts.img_size == (64, 32)


def test_stage_options_built_from_the_command_line() -> None:
    from visionlab.cli.args import PARAM_FLAGS, config_from_args
    from visionlab.compare_options import CompareOptions
    from visionlab.explain.options import ExplainOptions
    from visionlab.pipeline_options import PipelineOptions
    from visionlab.segment_options import SegmentOptions
    from visionlab.walkmap_options import WalkmapOptions

    parse = build_parser().parse_args
    # Every command's defaults are the dataclass's.
    for argv, cls in [(["segment", "x.png"], SegmentOptions), (["explain", "r", "x.png"], ExplainOptions),
                      (["pipeline", "x.png", "--classifier", "c", "--segmenter", "s"], PipelineOptions),
                      (["compare", "r", "x.png", "--segmenter", "s"], CompareOptions),
                      (["walkmap", "x.png", "--segmenter", "s"], WalkmapOptions), (["app"], PipelineOptions)]:
        assert config_from_args(cls, parse(argv)) == cls(), argv
    # Each option reaches its field; nargs="+" lists become tuples, --no-figures turns figures off.
    opts = config_from_args(SegmentOptions, parse(["segment", "x.png", "--no-figures", "--k", "3", "--amp", "off", "--download",
                                                   "--batch-size", "2", "--device", "cpu"]))
    assert opts == SegmentOptions(batch_size=2, device="cpu", amp="off", download=True, k=3, figures=False)
    assert getattr(parse(["segment", "x.png"]), PARAM_FLAGS)["figures"] == "--no-figures"
    opts = config_from_args(ExplainOptions, parse(["explain", "r", "x.png", "--method", "layercam", "--target-class", "cat", "--layer", "l4",
                                                   "--masks", "m", "--batch-size", "4"]))
    assert opts == ExplainOptions(method="layercam", target_class="cat", layer="l4", masks="m", batch_size=4)
    opts = config_from_args(PipelineOptions, parse(["pipeline", "x.png", "--classifier", "c", "--segmenter", "s", "--classes", "a", "b",
                                                    "--min-area", "5", "--pad", "0", "--mask-background", "--split-touching",
                                                    "--min-distance", "9", "--batch-size", "2", "--device", "cpu"]))
    assert opts == PipelineOptions(classes=("a", "b"), min_area=5, pad=0, mask_background=True, split_touching=True, min_distance=9,
                                   batch_size=2, device="cpu")
    opts = config_from_args(CompareOptions, parse(["compare", "r", "x.png", "--segmenter", "s", "--concept-classes", "person", "dog",
                                                   "--method", "hirescam", "--threshold", "topk", "--top-percent", "5", "--target-class", "c",
                                                   "--batch-size", "2", "--download", "--device", "cpu"]))
    assert opts == CompareOptions(concept_classes=("person", "dog"), method="hirescam", threshold="topk", top_percent=5.0, target_class="c",
                                  batch_size=2, download=True, device="cpu")
    opts = config_from_args(WalkmapOptions, parse(["walkmap", "x.png", "--segmenter", "s", "--walkable", "ground", "--hazard", "lava",
                                                   "--tile", "8", "--clearance", "3", "--fill", "0.25", "--batch-size", "2", "--device", "cpu"]))
    assert opts == WalkmapOptions(walkable=("ground",), hazard=("lava",), tile=8, clearance=3, fill=0.25, batch_size=2, device="cpu")
    opts = config_from_args(PipelineOptions, parse(["app", "--classes", "enemy", "--min-area", "20", "--device", "cpu"]))
    assert opts == PipelineOptions(classes=("enemy",), min_area=20, device="cpu")


def test_moved_options_are_importable_from_their_stage_modules() -> None:
    import visionlab
    from visionlab import compare_options, pipeline_options, segment_options, walkmap_options
    from visionlab.compare import THRESHOLDS, CompareOptions
    from visionlab.explain.options import ExplainOptions
    from visionlab.explain.stage import ExplainOptions as StageExplainOptions
    from visionlab.pipeline import PipelineOptions
    from visionlab.segment import SegmentOptions
    from visionlab.walkmap import WalkmapOptions, check_tiling

    assert (CompareOptions, THRESHOLDS) == (compare_options.CompareOptions, compare_options.THRESHOLDS)
    assert StageExplainOptions is ExplainOptions is visionlab.ExplainOptions
    assert PipelineOptions is pipeline_options.PipelineOptions
    assert SegmentOptions is segment_options.SegmentOptions is visionlab.SegmentOptions
    assert (WalkmapOptions, check_tiling) == (walkmap_options.WalkmapOptions, walkmap_options.check_tiling)


def test_every_config_field_has_help() -> None:
    from visionlab.cli.args import field_options
    from visionlab.compare_options import CompareOptions
    from visionlab.data.check_options import CheckOptions
    from visionlab.data.fetch_options import FetchOptions
    from visionlab.distill.options import DistillOptions
    from visionlab.explain.options import ExplainOptions
    from visionlab.pipeline_options import PipelineOptions
    from visionlab.segment_options import SegmentOptions
    from visionlab.train.config import ClassifyConfig, SegmentConfig
    from visionlab.walkmap_options import WalkmapOptions

    for cls in (ClassifyConfig, SegmentConfig, FetchOptions, CheckOptions, DistillOptions, SegmentOptions, ExplainOptions, PipelineOptions,
                CompareOptions, WalkmapOptions):
        for path, opt in field_options(cls).items():
            assert opt.meta.get("help"), f"{cls.__name__}.{path} has no help metadata"


def test_cam_method_names_match_the_cam_classes() -> None:
    from visionlab.explain.cam import METHODS
    from visionlab.explain.methods import METHOD_NAMES

    assert tuple(METHODS) == METHOD_NAMES


def test_main_scopes_its_warning_format(monkeypatch, tmp_path: Path, capsys) -> None:
    import warnings

    import visionlab.data.quarantine as quarantine

    def restore(folder):
        warnings.warn("a test warning from inside a command", UserWarning, stacklevel=1)
        return "restored"

    monkeypatch.setattr(quarantine, "restore", restore)
    monkeypatch.setattr(quarantine, "format_restore", lambda result: f"{result}!")
    before = (warnings.showwarning, warnings.formatwarning, list(warnings.filters))
    assert main(["data", "restore", str(tmp_path)]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "restored!"
    assert "warning: a test warning from inside a command" in out.err and "UserWarning" not in out.err
    assert (warnings.showwarning, warnings.formatwarning, list(warnings.filters)) == before
