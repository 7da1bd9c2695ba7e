"""The lab's YAML config: embedded configs, overrides, and errors that name the fix."""

from __future__ import annotations

import pytest
import yaml

from visionlab import cli
from visionlab.errors import ConfigError
from visionlab.lab import STAGES, LabConfig


def test_embedded_configs_load_and_round_trip(tmp_path):
    from visionlab.lab.plan import plan_lab

    main = LabConfig.from_yaml("game_world")
    assert main.stages is None and plan_lab(main).stages == (*STAGES, "studies") and not plan_lab(main).skipped  # all eight, then studies
    assert main.studies == ("freezing", "augmentation", "cam-layers")  # the report's "Control questions" (#21)
    assert main.classify.backbone == "efficientnet_lite0" and main.classify.mode == "partial"
    assert (main.segment.img_size, main.segment.train_crop) == ((160, 160), 128)
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(main.to_dict()))
    assert LabConfig.from_yaml(path) == main  # what --print-config shows reads back as the same lab
    tiny = LabConfig.from_yaml("tiny")
    assert tiny.classify.backbone == "tiny_cnn" and tiny.distill.student == "lraspp_compact"


def test_partial_config_keeps_the_defaults(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text("variant: cats\nclassify: {epochs: 3}\nstages: [classify, explain]\n")
    cfg = LabConfig.from_yaml(path)
    assert cfg.variant == "cats" and cfg.classify.epochs == 3 and cfg.classify.lr == 3e-3 and cfg.stages == ("classify", "explain")


@pytest.mark.parametrize("text, message", [
    ("classify: {epoch: 3}\n", "classify.epoch"),  # a typo is named, with the known keys
    ("stages: [classify, segmentation]\n", "unknown stage"),
    ("stages: [walkmap]\n", "need the segment stage"),
    ("data: {source: folder}\n", "data.path"),
    ("data: {source: fetch, queries: {cat: cats}}\n", "queries"),
    ("classify: 3\n", "expected a mapping"),
    ("segment: {batch_size: 1}\n", "segment.batch_size must be at least 2"),
    ("segment: {scale_min: 0}\n", "segment.scale_min is the smallest share"),
    ("segment: {scale_min: 1.5}\n", "segment.scale_min is the smallest share"),
    ("segment: {train_crop: 100}\n", "segment.train_crop is the side of the training windows .* got 100"),
    ("segment: {img_size: [128, 128], train_crop: 160}\n", "a multiple of 32 up to 128 .* got 160"),
    ("classify: {crop_pct: 0}\n", "classify.crop_pct is the share of the resized image"),
    ("study: {crop_pct: 1.2}\n", "study.crop_pct is the share of the resized image"),
    ("classify: {crop_pct: abc}\n", "classify.crop_pct must be a number; got 'abc'"),
    ("classify: {unfreeze_top: 0}\n", "classify.unfreeze_top is how many of the backbone's last blocks train"),
    ("segment: {scale_min: [1]}\n", "segment.scale_min must be a number"),
    ("segment: {epochs: 2.5}\n", "segment.epochs must be an integer; got 2.5"),
    ("[1, 2]\n", "mapping of settings"),
])
def test_bad_configs_name_the_problem(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        LabConfig.from_yaml(path)


def test_missing_config_lists_the_embedded_ones(capsys):
    assert cli.main(["lab", "no_such_lab"]) != 0
    assert "game_world" in capsys.readouterr().err


def test_print_config(capsys):
    assert cli.main(["lab", "tiny", "--print-config", "--stages", "classify"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["stages"] == ["classify"] and printed["variant"] == "tiny"


def test_lang_option_sets_the_report_language(capsys, tmp_path):
    assert cli.main(["lab", "tiny", "--print-config"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["lang"] == "en"
    assert cli.main(["lab", "tiny", "--print-config", "--lang", "uk"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["lang"] == "uk"
    assert cli.main(["lab", "tiny", "--print-config", "--lang", "xx"]) == 2
    err = capsys.readouterr().err
    assert "en, uk" in err and "'xx'" in err
    assert cli.main(["lab", "--resume", str(tmp_path), "--lang", "uk"]) == 2
    assert "drop --lang" in capsys.readouterr().err
