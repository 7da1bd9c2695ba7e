"""The colour shortcut check on a run's split: what it scores on colour-made, shape-made and real-photo classes, its
sampling of large splits, the run file training writes and the report's paragraph."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import make_blob_dataset, make_photo_dataset, make_shapes_dataset

from visionlab.data import shortcut
from visionlab.data.folders import ImageList, scan_class_folders


def _halves(root: Path) -> tuple[ImageList, ImageList]:
    """Every other image of each class for training, the rest for validation."""
    images = scan_class_folders(root)[0]
    order = np.argsort(np.arange(len(images)) % 2, kind="stable")
    n = len(images) // 2
    return images.subset(order[:n]), images.subset(order[n:])


def test_the_check_flags_classes_made_by_colour_and_not_classes_made_by_shape(tmp_path: Path):
    colour = shortcut.check_split(*_halves(make_blob_dataset(tmp_path / "blobs", classes=("red", "blue"))))
    shape = shortcut.check_split(*_halves(make_shapes_dataset(tmp_path / "shapes", n_per_class=30)))
    assert colour is not None and shape is not None
    assert colour["histogram"] >= shortcut.STRONG and colour["strong"] and colour["chance"] == 0.5
    assert shape["histogram"] < 0.75 and not shape["strong"] and shape["n_train"] == shape["n_val"] == 30
    assert "colour alone tells these classes apart" in shortcut.format_check(colour)
    assert "colour alone" not in shortcut.format_check(shape) and f"{shape['histogram']:.3f}" in shortcut.format_check(shape)


def test_on_real_photos_crops_of_one_photo_against_others_are_told_apart_by_colour(tmp_path: Path):
    """The cat class is crops of one photo (scikit-image's chelsea): a colour bias a student's own download can have too."""
    result = shortcut.check_split(*_halves(make_photo_dataset(tmp_path / "photos", n_per_class=16, size=96)))
    assert result is not None and result["strong"] and result["histogram"] >= 0.9


def test_large_splits_are_sampled_and_unusable_splits_skipped(tmp_path: Path, monkeypatch):
    train, val = _halves(make_blob_dataset(tmp_path / "blobs", n_per_class=20, classes=("red", "blue")))
    monkeypatch.setitem(shortcut.MAX_IMAGES, "train", 12)
    monkeypatch.setitem(shortcut.MAX_IMAGES, "val", 8)
    result = shortcut.check_split(train, val, seed=3)
    assert result is not None and (result["n_train"], result["n_val"]) == (12, 8)
    assert shortcut.check_split(train, val.subset([])) is None
    one_class = train.subset([i for i, label in enumerate(train.labels) if label == 0])
    assert shortcut.check_split(one_class, val) is None


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_the_report_gives_the_check_and_warns_only_when_colour_separates(tmp_path: Path, lang):
    from visionlab.report.i18n import Translator
    from visionlab.report.sections.classify import shortcut_blocks
    from visionlab.runs import RunFolder
    from visionlab.utils.files import write_json

    run = RunFolder(tmp_path)
    assert shortcut_blocks(Translator(lang), run) == []
    texts = {}
    for strong, histogram in ((False, 0.55), (True, 0.97)):
        write_json(run.shortcut_path, {"histogram": histogram, "image_stats": 0.6, "chance": 0.5, "n_train": 320, "n_val": 80,
                                       "strong": strong, "strong_from": shortcut.STRONG})
        (block,) = shortcut_blocks(Translator(lang), run)
        texts[strong] = block.text
    assert "shortcut.json" in texts[False] and "80" in texts[False] and "0.5500" in texts[False]
    assert texts[True].startswith(texts[False].replace("0.5500", "0.9700")) and len(texts[True]) > len(texts[False]) + 50
    assert "Grad-CAM" in texts[True]


def test_training_from_the_command_line_prints_the_check(blobs_dir: Path, tmp_path: Path, capsys):
    from visionlab.cli import main
    from visionlab.runs import RunFolder
    from visionlab.utils.files import read_json

    out = tmp_path / "run"
    assert main(["train", "classify", str(blobs_dir), "--out", str(out), "--backbone", "tiny_cnn", "--weights", "none",
                 "--img-size", "32", "--epochs", "1", "--quiet"]) == 0
    check = read_json(RunFolder(out).shortcut_path)
    printed = capsys.readouterr().out
    assert shortcut.format_check(check) in printed and "colour alone tells these classes apart" in printed


def test_an_image_gone_after_training_skips_the_check_and_keeps_the_run(blobs_dir: Path, tmp_path: Path, monkeypatch):
    import visionlab.train.classify as tc
    from visionlab.runs import RunFolder
    from visionlab.train.config import ClassifyConfig

    real = tc.check_split

    def after_a_file_went(train, val, seed=0):
        (blobs_dir / "red" / "000.png").write_bytes(b"not an image any more")
        return real(train, val, seed)

    monkeypatch.setattr(tc, "check_split", after_a_file_went)
    with pytest.warns(UserWarning, match="colour shortcut check skipped.*000.png"):
        run = tc.train_classifier(ClassifyConfig(data=str(blobs_dir), out=str(tmp_path / "run"), backbone="tiny_cnn", weights="none",
                                                 img_size=32, epochs=1, quiet=True))
    assert RunFolder(run).checkpoint().is_file() and not RunFolder(run).shortcut_path.exists()
