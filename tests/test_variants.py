"""The manual's 25 variants as data, `visionlab variants`, and `visionlab lab --variant N [--data FOLDER]`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from visionlab.cli import main
from visionlab.data.fetch import check_class_name
from visionlab.data.masks import VOC_CLASSES
from visionlab.data.variants import VARIANTS, get_variant
from visionlab.errors import ConfigError, DatasetError, ParamError
from visionlab.lab import LabConfig, run_lab

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_the_catalogue_has_the_manuals_25_variants():
    assert [v.number for v in VARIANTS] == list(range(1, 26))
    assert len({v.name for v in VARIANTS}) == 25
    for v in VARIANTS:
        assert len(v.classes) == 2 and v.classes[0] != v.classes[1] and len(v.queries) == 2 and all(q.strip() for q in v.queries)
        for name in v.classes:
            check_class_name(name)  # a plain folder name of the lab's layout
        assert set(v.voc_concept) <= set(VOC_CLASSES), v
        assert v.game_world == bool(v.game_concept) or v.game_whole_image  # a game-world variant names its concept or the whole image
    assert get_variant(18).voc_concept == ("person", "cat", "dog", "horse", "sheep", "cow", "bird")
    assert get_variant(23).voc_concept == ("car", "aeroplane")
    assert get_variant(24).voc_concept == get_variant(25).voc_concept == ("person",)
    assert get_variant(1).game_world and get_variant(1).classes == ("dragon", "robot")
    assert [v.number for v in VARIANTS if v.game_whole_image] == [3, 19, 20, 22] and all(v.game_world for v in VARIANTS)
    assert get_variant("warriors-vs-mages").number == 25


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the lab manual (shared/seeds) is not beside this checkout")
def test_the_ukrainian_titles_are_the_manuals():
    manual = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    listed = dict(re.findall(r"^(\d+)\. (.+ vs .+)$", manual, re.M))
    assert {int(k) for k in listed} >= set(range(1, 26))
    for v in VARIANTS:
        assert listed[str(v.number)].strip() == v.title_uk


def test_an_unknown_variant_names_the_parameter():
    with pytest.raises(ParamError, match="^variant: no variant 26") as err:
        get_variant(26)
    assert err.value.param == "variant"


def test_visionlab_variants_lists_all_25(capsys):
    assert main(["variants"]) == 0
    out = capsys.readouterr().out
    for v in VARIANTS:
        assert re.search(rf"^{v.number}\s+{re.escape(v.name)}\s+{v.classes[0]} vs {v.classes[1]}", out, re.M), v.name
    assert "person, cat, dog" in out and "yes (character)" in out


def test_variant_1_is_todays_main_job():
    main_job = LabConfig.from_yaml("game_world").to_dict()
    as_variant = LabConfig.from_yaml("game_world", variant=1).to_dict()
    assert as_variant.pop("variant_number") == 1
    assert as_variant == main_job
    assert "variant_number" not in main_job  # a lab of the user's own naming stays as it was


def test_variant_with_a_folder_of_photos(tmp_path):
    cfg = LabConfig.from_yaml("game_world", variant=18, data=tmp_path)
    assert (cfg.variant, cfg.variant_number, cfg.classes) == ("human-vs-animal-characters", 18, None)  # the folder names the classes
    assert (cfg.data.source, cfg.data.path) == ("folder", str(tmp_path))
    photos = tmp_path / "insects"
    own = LabConfig.from_yaml("game_world", data=photos)  # the main job's file on your photos: no dragon, no robot left
    assert (own.variant, own.variant_number, own.classes, own.data.path) == ("insects", None, None, str(photos))
    manual = tmp_path / "manual18.yaml"
    manual.write_text("variant: 18\n")
    assert LabConfig.from_yaml(manual, data=photos).variant_number == 18  # a catalogue variant of the file stays
    yaml_cfg = LabConfig.from_dict({"variant": 25, "data": {"source": "folder", "path": str(tmp_path)}})
    assert yaml_cfg.classes is None and yaml_cfg.data.source == "folder"
    assert LabConfig.from_dict({"variant": 25}).classes == ("warrior", "mage")  # fetched images take the catalogue's class names


def test_a_variant_the_game_world_does_not_render_fetches_by_default(monkeypatch):
    from dataclasses import replace

    from visionlab.lab import config as lab_config

    unrendered = replace(get_variant(22), game_world=False, game_concept=())  # every variant renders today: a catalogue entry that does not
    monkeypatch.setattr(lab_config, "get_variant", lambda n: unrendered if n in (22, "game-vs-real-maps") else get_variant(n))
    cfg = LabConfig.from_yaml("game_world", variant=22)
    assert cfg.data.source == "fetch"
    assert cfg.data.queries == {"game_map": "fantasy video game world map", "real_map": "real road map"}
    with pytest.raises(ConfigError, match="does not render variant 22.*--data FOLDER"):
        LabConfig.from_dict({"variant": 22, "data": {"source": "game_world"}}).validate()
    monkeypatch.undo()
    assert LabConfig.from_yaml("game_world", variant=22).data.source == "game_world"
    rendered = LabConfig.from_yaml("game_world", variant=24)  # zombies vs aliens: rendered offline
    assert rendered.data.source == "game_world" and rendered.classes == ("zombie", "alien") and rendered.game_variant == 24


def test_offline_fetch_says_to_pass_a_folder(tmp_path, monkeypatch):
    from dataclasses import replace

    from visionlab.data import fetch

    def offline(*args, **kwargs):
        raise fetch.SearchError("image search is unreachable (offline?)")

    monkeypatch.setattr(fetch, "search_images", offline)
    cfg = LabConfig.from_dict({"variant": 22, "data": {"source": "fetch"}, "stages": ["classify"], "report": False, "quiet": True})
    with pytest.raises(ConfigError, match=r"fetch searches the web.*--download.*--data FOLDER"):
        run_lab(cfg, tmp_path / "lab")  # the web is used only when allowed
    assert not (tmp_path / "lab").exists()
    with pytest.raises(DatasetError, match=r"offline.*visionlab lab --data FOLDER"):
        run_lab(replace(cfg, download=True), tmp_path / "lab")
    assert not (tmp_path / "lab" / "classify").exists()  # nothing trained


def test_the_cli_takes_variant_and_data(tmp_path, capsys):
    assert main(["lab", "--variant", "23", "--data", str(tmp_path), "--print-config"]) == 0
    out = capsys.readouterr().out
    assert "variant: racing-vs-flight-sims" in out and "variant_number: 23" in out and f"path: {tmp_path}" in out
    assert main(["lab", "--variant", "0", "--print-config"]) == 2
    assert "error: --variant: no variant 0" in capsys.readouterr().err


def test_the_report_names_the_manuals_variant():
    from visionlab.report.i18n import Translator
    from visionlab.report.sections.header import variant_text

    en = Translator("en")
    assert variant_text(en, {"variant": "dragons-vs-robots", "config": {}}) == "dragons-vs-robots"  # today's main job: as before
    text = variant_text(en, {"variant": "zombies-vs-aliens", "config": {"variant_number": 24}})
    assert text == "24 of the manual: zombies vs aliens (Зомбі vs Інопланетяни); zombies-vs-aliens"


def test_missing_weight_files_are_listed_before_any_work(tmp_path, monkeypatch):
    from dataclasses import replace

    from visionlab.errors import WeightsUnavailableError
    from visionlab.lab.plan import plan_lab

    hub = tmp_path / "torch" / "hub" / "checkpoints"
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    plan_lab(LabConfig.from_yaml("game_world"))  # the main job's weights ship in a package: nothing to fetch
    cfg = LabConfig.from_dict({"variant": 24, "data": {"source": "folder", "path": str(tmp_path)},
                               "stages": ["classify", "explain", "segment", "compare"], "classify": {"backbone": "resnet18"},
                               "segment": {"use_pretrained": "deeplabv3_resnet50"}, "report": False, "quiet": True})
    with pytest.raises(WeightsUnavailableError) as err:
        run_lab(cfg, tmp_path / "lab")
    msg = str(err.value)
    for name in ("resnet18-f37072fd.pth", "deeplabv3_resnet50_coco-cd0a2569.pth"):
        assert f"{name} (" in msg
    assert str(hub) in msg and "visionlab lab --download" in msg and "classify.backbone resnet18" in msg
    assert not (tmp_path / "lab").exists()  # refused before the lab folder was made
    plan_lab(replace(cfg, download=True))  # allowed to download: the stages fetch what they need
    hub.mkdir(parents=True)
    for name in ("resnet18-f37072fd.pth", "deeplabv3_resnet50_coco-cd0a2569.pth"):
        (hub / name).write_bytes(b"")
    assert plan_lab(cfg).stages == ("classify", "explain", "segment", "compare")  # both files at hand
