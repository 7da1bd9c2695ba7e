"""The studies that train and cam-layers: on tiny models and tiny data, with assertions that can fail."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import visionlab.studies as studies_pkg
from visionlab import cli
from visionlab.data.folders import load_classification_splits
from visionlab.errors import ConfigError, UnknownNameError
from visionlab.studies import STUDY_FILE, get_study, run_study
from visionlab.studies.options import QUESTIONS, STUDY_NAMES, StudyOptions

TINY = {"backbone": "tiny_cnn", "weights": "none", "quiet": True}


def test_every_study_is_registered_with_its_question_in_both_languages():
    for name in STUDY_NAMES:
        assert callable(get_study(name))
        q = QUESTIONS[name]
        assert q.en.endswith("?") and q.uk.endswith("?") and q.label
    with pytest.raises(UnknownNameError, match="choose one of: freezing"):
        get_study("dropout")


def assert_translated(record: dict, identifiers: tuple[int, ...] = ()) -> None:
    """Every text of the study's record has a Ukrainian translation (columns ``identifiers`` hold names kept as they are)."""
    from visionlab.report.i18n import catalogue

    uk = catalogue("uk")
    texts = [record["outcome"]["template"], record["setup"]["template"], *record["table"]["header"], record["study"]]
    texts += [c for row in record["table"]["rows"] for i, c in enumerate(row) if isinstance(c, str) and i not in identifiers]
    assert not [t for t in texts if t not in uk]
    for part in ("outcome", "setup"):
        uk[record[part]["template"]].format(**record[part]["values"])  # the same fields


def memorisation_dataset(root: Path, n_train: int = 12, size: int = 32, seed: int = 0) -> Path:
    """Nothing to learn, only to memorise: random colour grids with alternating labels to train on, and validation
    images that are all the same grey, so validation accuracy is exactly one half whatever the head learned and the
    train-validation gap is the training accuracy minus 0.5."""
    rng = np.random.default_rng(seed)
    for i in range(n_train):
        label = ("a", "b")[i % 2]
        (root / "train" / label).mkdir(parents=True, exist_ok=True)
        grid = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
        Image.fromarray(grid).resize((size, size), Image.Resampling.NEAREST).save(root / "train" / label / f"{i:03d}.png")
    for label in ("a", "b"):
        (root / "val" / label).mkdir(parents=True, exist_ok=True)
        for i in range(3):
            Image.new("RGB", (size, size), (128, 128, 128)).save(root / "val" / label / f"{i}.png")
    return root


@pytest.fixture(scope="module")
def game(tmp_path_factory) -> Path:
    """A small game-world set (dragons vs robots, with masks)."""
    from visionlab.data.synth import SceneSpec, write_dataset

    root = tmp_path_factory.mktemp("game")
    write_dataset(root, 24, seed=3, spec=SceneSpec(width=96, height=96))
    return root / "classify"


def test_freezing_trains_fewer_parameters_frozen_than_full_and_draws_a_learning_curve(game, tmp_path, capsys):
    out = tmp_path / "studies" / "freezing"
    code = cli.main(["study", "freezing", str(game), "--out", str(out), "--backbone", "tiny_cnn", "--weights", "none", "--arm-seconds", "4",
                     "--arm-img-size", "48", "--curve-sizes", "2", "0", "--curve-seconds", "2", "--epochs", "5", "--quiet"])
    assert code == 0
    record = json.loads((out / STUDY_FILE).read_text())
    arms = record["results"]["arms"]
    assert set(arms) == {"frozen", "finetune", "full", "scratch"}
    assert arms["frozen"]["trainable"] < arms["full"]["trainable"] == arms["full"]["total"]
    assert arms["frozen"]["trainable"] == 32 * 2 + 2  # tiny_cnn's 32 features -> 2 classes
    assert all(a["epochs"] >= 1 and 0 <= a["val_acc"] <= 1 for a in arms.values())
    curve = record["results"]["learning_curve"]
    n_train = load_classification_splits(game, 0.2, 0)["train"]
    assert curve["sizes"] == [2, min(n_train.class_counts().values())]  # 0 means every image: the smaller class's count
    assert len(curve["pretrained"]) == len(curve["scratch"]) == len(curve["sizes"])
    assert curve["scratch"][-1] == arms["scratch"]["val_acc"]  # the whole-set point is the scratch arm itself
    links = list((out / "split_2" / "train").rglob("*.png"))
    assert len(links) == 4 and all(p.is_symlink() and p.resolve().is_relative_to(game.resolve()) for p in links)
    assert all((out / p).is_file() for p in record["plots"]) and record["plots"] == ["freezing.png", "learning_curve.png"]
    assert record["outcome"]["text"] == record["outcome"]["template"].format(**record["outcome"]["values"])
    assert "freezing (Q20, Q4)" in capsys.readouterr().out
    assert_translated(record)


def test_augmentation_shrinks_the_gap_where_the_task_is_only_memorisation(tmp_path):
    data = memorisation_dataset(tmp_path / "memo")
    record = run_study("augmentation", data, tmp_path / "studies" / "augmentation", StudyOptions(**TINY, img_size=32, epochs=150, lr=0.1, views=4))
    rows = {row[0]: row for row in record["table"]["rows"]}
    assert rows["none"][6] == rows["augmentation"][6] == 0.5
    assert rows["none"][5] >= 0.9  # the head memorises the 12 plain images
    assert rows["augmentation"][7] < rows["none"][7]  # four views of each image, cropped, flipped, rotated, are harder to memorise
    es = record["results"]["early stopping"]
    assert len(es) == 4 and rows["early stopping"][4] == 4  # validation never improves after the first epoch: patience 3 stops at 4
    assert_translated(record)


def test_the_head_studies_share_one_feature_pass(tmp_path, game):
    opts = StudyOptions(**TINY, img_size=32, epochs=4)
    first = run_study("schedule", game, tmp_path / "s" / "schedule", opts)
    cache = sorted((tmp_path / "s" / ".features").glob("*.npy"))
    assert len(cache) == 2  # train view 0 and val
    stamps = [p.stat().st_mtime_ns for p in cache]
    run_study("batch-size", game, tmp_path / "s" / "batch-size", opts)
    assert [p.stat().st_mtime_ns for p in sorted((tmp_path / "s" / ".features").glob("*.npy"))] == stamps  # read, not recomputed
    lrs = {row[0]: row[1] for row in first["table"]["rows"]}
    assert lrs["constant"] == pytest.approx(0.003)
    assert lrs["StepLR"] == pytest.approx(0.003 * 0.1**3)  # a drop every 4 // 3 = 1 epoch: the 4th epoch runs after three drops
    assert 0 < lrs["cosine"] < 0.003 / 2
    assert_translated(first)


def test_batch_size_counts_updates_and_each_arm_runs_every_epoch(tmp_path, game):
    record = run_study("batch-size", game, tmp_path / "batch", StudyOptions(**TINY, img_size=32, epochs=3))
    assert all(len(record["results"][str(b)]) == 3 for b in (8, 16, 32, 64))
    n_train = len(load_classification_splits(game, 0.2, 0)["train"])
    updates = {row[0]: row[1] for row in record["table"]["rows"]}
    assert updates == {b: 3 * math.ceil(n_train / b) for b in (8, 16, 32, 64)}
    assert_translated(record)


@pytest.fixture(scope="module")
def lite_run(game, tmp_path_factory) -> Path:
    """EfficientNet-Lite0 (random weights: the strides are the architecture's) trained one frozen epoch at 96 px."""
    from visionlab.train.classify import train_classifier
    from visionlab.train.config import ClassifyConfig

    out = tmp_path_factory.mktemp("runs") / "lite"
    return train_classifier(ClassifyConfig(data=str(game), out=str(out), backbone="efficientnet_lite0", weights="none", epochs=1, img_size=96,
                                           quiet=True))


def test_cam_layers_resolutions_follow_the_stage_strides(lite_run, game, tmp_path):
    record = run_study("cam-layers", game, tmp_path / "cam", StudyOptions(run=str(lite_run), images=4, quiet=True))
    layers = record["results"]["layers"]
    # EfficientNet-Lite0: a stride-2 stem, then stages of stride 1, 2, 2, 2, 1, 2, 1, then the 1x1 head convolution
    assert [p["stride"] for p in layers] == [2, 2, 4, 8, 16, 16, 32, 32, 32]
    assert [p["resolution"][0] for p in layers] == [96 // s for s in (2, 2, 4, 8, 16, 16, 32, 32, 32)]
    assert all(p["mass_over_area"] is not None for p in layers)  # game-world images carry their masks
    assert (tmp_path / "cam" / "cam_layers.png").is_file()
    with Image.open(tmp_path / "cam" / "cam_layers.png") as im:
        assert im.width > 9 * 150  # one tile per stage, side by side
    assert_translated(record, identifiers=(1, 2))


def test_a_missing_data_folder_or_run_is_refused_before_the_study_folder_is_made(tmp_path):
    from visionlab.errors import DatasetError, RunFolderError

    with pytest.raises(DatasetError, match="missing"):
        run_study("schedule", tmp_path / "missing", tmp_path / "out")
    with pytest.raises(RunFolderError, match="no_run"):
        run_study("schedule", tmp_path, tmp_path / "out", StudyOptions(run=str(tmp_path / "no_run")))
    assert not (tmp_path / "out").exists()


def test_every_plot_the_studies_write_has_a_caption_in_both_languages():
    from visionlab.report.i18n import catalogue
    from visionlab.report.sections.studies import PLOT_CAPTIONS

    written = set()  # the plot file names the studies' code writes
    for path in Path(studies_pkg.__file__).parent.glob("*.py"):
        written |= set(re.findall(r'"([a-z_]+\.png)"', path.read_text()))
    assert written and written <= set(PLOT_CAPTIONS)
    assert not [c for c in PLOT_CAPTIONS.values() if c not in catalogue("uk")]


def test_lab_refuses_an_unknown_study():
    from visionlab.lab import LabConfig

    with pytest.raises(ConfigError, match="unknown study"):
        LabConfig.from_dict({"studies": ["dropouts"]}).validate()



def test_lab_yaml_studies_become_the_reports_control_questions(tmp_path):
    from visionlab.lab import LabConfig, run_lab
    from visionlab.report import write_report

    cfg = LabConfig.from_dict({
        "variant": "tiny", "seed": 0, "stages": ["classify", "explain"], "quiet": True,
        "data": {"source": "game_world", "n": 24, "size": 96},
        "classify": {"backbone": "tiny_cnn", "weights": "none", "mode": "frozen", "epochs": 2, "img_size": 48},
        "explain": {"curve_images": 3},
        "studies": ["freezing", "augmentation", "cam-layers"],
        "study": {"arm_seconds": 3, "arm_img_size": 48, "curve_sizes": [2, 0], "curve_seconds": 2, "epochs": 4, "views": 2, "images": 4},
    })
    lab = run_lab(cfg, tmp_path / "lab")
    manifest = json.loads((lab / "lab.json").read_text())
    curves = json.loads((lab / manifest["stages"]["explain"]["dir"] / "gradcam" / "cam_metrics.json").read_text())["deletion_insertion"]
    assert curves["curve_images"] == 3 and curves["n_images"] == 3 < curves["n_images_explained"]  # explain: curve_images reaches the stage
    assert manifest["plan"]["stages"][-1] == "studies" and manifest["stages"]["studies"]["names"] == ["freezing", "augmentation", "cam-layers"]
    records = {n: json.loads((lab / "studies" / n / STUDY_FILE).read_text()) for n in cfg.studies}
    assert all(r["run"] == str(lab / "classify") for n, r in records.items() if n == "cam-layers")
    assert records["freezing"]["options"]["backbone"] == "tiny_cnn" and records["freezing"]["options"]["run"] == str(lab / "classify")
    report = (lab / "report.md").read_text(encoding="utf-8")
    part = report[report.index("Control questions"):]
    for name, r in records.items():
        assert QUESTIONS[name].en in part
        assert r["outcome"]["text"] in part  # the sentence restates the measured outcome, as study.json holds it
    assert "*learning curve: validation accuracy against training images per class*" in part  # each plot captioned by what it shows
    seconds = records["freezing"]["table"]["rows"][0][-1]
    assert f"| {seconds:.1f} |" in part and f"{seconds:.4f}" not in part  # the seconds column to a tenth
    uk = write_report(lab, "uk")
    text = Path(uk["markdown"]).read_text(encoding="utf-8")
    assert "*крива навчання: валідаційна точність залежно від кількості тренувальних зображень на клас*" in text
    assert all(QUESTIONS[n].uk in text for n in cfg.studies)
    assert not [t for t in uk["untranslated"] if any(t == r["outcome"]["template"] or t in r["table"]["header"] for r in records.values())]
    assert "Контрольні" in text or "контрольні" in text.lower()


def test_cam_layers_without_masks_trains_its_own_classifier_and_says_what_it_cannot_measure(blobs_dir, tmp_path):
    record = run_study("cam-layers", blobs_dir, tmp_path / "studies" / "cam", StudyOptions(**TINY, epochs=2, images=4))
    assert (tmp_path / "studies" / "cam" / "classifier" / "best.safetensors").is_file()  # no --run: a frozen classifier trained for it
    assert record["run"] == str(tmp_path / "studies" / "cam" / "classifier")
    layers = record["results"]["layers"]
    assert [p["stride"] for p in layers] == [2, 4]  # tiny_cnn: two stride-2 stages
    assert all(p["mass_over_area"] is None and p["deletion_auc"] is not None for p in layers)
    assert "no object masks" in record["outcome"]["text"]
    assert_translated(record, identifiers=(1, 2))
