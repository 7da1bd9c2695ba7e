"""Dataset discovery, splits and every bad-input case of a dataset folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import make_shapes_dataset
from PIL import Image
from test_images import _png_header_only

from visionlab.data.folders import load_classification_splits, load_split, save_split, stratified_split
from visionlab.errors import DatasetError


def test_flat_layout_is_split_stratified_and_reproducibly(shapes_dir: Path) -> None:
    a = load_classification_splits(shapes_dir, val_fraction=0.2, seed=3)
    b = load_classification_splits(shapes_dir, val_fraction=0.2, seed=3)
    c = load_classification_splits(shapes_dir, val_fraction=0.2, seed=4)
    assert a["train"].paths == b["train"].paths and a["val"].paths == b["val"].paths
    assert a["val"].paths != c["val"].paths
    assert a["val"].class_counts() == {"disc": 4, "square": 4}
    assert not set(a["train"].paths) & set(a["val"].paths)
    assert len(a["train"]) + len(a["val"]) == 40


def test_stratified_split_keeps_class_ratio() -> None:
    labels = [0] * 90 + [1] * 10
    tr, va = stratified_split(labels, 0.2, seed=0)
    assert sum(labels[i] for i in va) == 2 and len(va) == 20


def test_split_round_trip(tmp_path: Path, shapes_dir: Path) -> None:
    splits = load_classification_splits(shapes_dir)
    save_split(tmp_path / "split.json", splits)
    back = load_split(tmp_path / "split.json")
    assert back["val"].paths == splits["val"].paths and back["val"].labels == splits["val"].labels


def test_presplit_layout(tmp_path: Path) -> None:
    for part, n in [("train", 10), ("val", 4), ("test", 3)]:
        make_shapes_dataset(tmp_path / "d" / part, n_per_class=n, seed=len(part))
    splits = load_classification_splits(tmp_path / "d")
    assert {k: len(v) for k, v in splits.items()} == {"train": 20, "val": 8, "test": 6}
    assert splits["test"].paths[0].startswith("test/")
    assert (splits["test"].root / splits["test"].paths[0]).is_file()


def test_presplit_without_val_is_split_from_train(tmp_path: Path) -> None:
    make_shapes_dataset(tmp_path / "d" / "train", n_per_class=10)
    make_shapes_dataset(tmp_path / "d" / "test", n_per_class=3)
    splits = load_classification_splits(tmp_path / "d")
    assert len(splits["val"]) == 4 and len(splits["train"]) == 16 and len(splits["test"]) == 6


def test_missing_empty_and_single_class_folders(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="does not exist"):
        load_classification_splits(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no class sub-folders"):
        load_classification_splits(tmp_path / "empty")
    make_shapes_dataset(tmp_path / "one", classes=("disc",), n_per_class=5)
    with pytest.raises(DatasetError, match="single class"):
        load_classification_splits(tmp_path / "one")
    make_shapes_dataset(tmp_path / "two", n_per_class=5)
    (tmp_path / "two" / "robots").mkdir()
    with pytest.raises(DatasetError, match="without images.*robots"):
        load_classification_splits(tmp_path / "two")


def test_bad_files_are_skipped_with_a_listing_and_never_deleted(shapes_dir: Path) -> None:
    bad = {
        "zero.png": b"",
        "notes.txt": b"hello",
        "fake.jpg": b"<html></html>",
    }
    for name, data in bad.items():
        (shapes_dir / "disc" / name).write_bytes(data)
    Image.new("RGB", (1, 1)).save(shapes_dir / "square" / "tiny.png")
    good = (shapes_dir / "square" / "000.png").read_bytes()
    (shapes_dir / "square" / "truncated.png").write_bytes(good[: len(good) // 2])
    (shapes_dir / "square" / "bomb.png").write_bytes(_png_header_only(30000, 30000))
    with pytest.warns(UserWarning) as rec:
        splits = load_classification_splits(shapes_dir)
    message = str(rec[0].message)
    for name in [*bad, "tiny.png", "truncated.png", "bomb.png"]:
        assert name in message
    assert sum(len(s) for s in splits.values()) == 40
    for name in bad:
        assert (shapes_dir / "disc" / name).exists()  # left on disk


def test_mostly_unreadable_dataset_is_an_error(tmp_path: Path) -> None:
    make_shapes_dataset(tmp_path / "d", n_per_class=2)
    for c in ("disc", "square"):
        for i in range(5):
            (tmp_path / "d" / c / f"bad{i}.jpg").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match="cannot be used as images"):
        load_classification_splits(tmp_path / "d")


def test_class_of_single_image_cannot_be_split(tmp_path: Path) -> None:
    make_shapes_dataset(tmp_path / "d", n_per_class=1)
    with pytest.raises(DatasetError, match="single image"):
        load_classification_splits(tmp_path / "d")


def test_cyrillic_and_spaces_in_paths(tmp_path: Path) -> None:
    root = make_shapes_dataset(tmp_path / "мої дані", classes=("кіт", "пес з плямами"), n_per_class=5)
    splits = load_classification_splits(root)
    assert splits["train"].classes == ["кіт", "пес з плямами"]
    assert all(p.is_file() for p in splits["val"].abs_paths())
    assert np.bincount(splits["val"].labels).tolist() == [1, 1]
