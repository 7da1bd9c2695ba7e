"""``data check``: corrupt files, exact and near duplicates (within/across classes, across splits),
tiny images, extension mismatches, imbalance; ``--fix`` and ``restore`` round trip; the training hook."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from visionlab.cli import build_parser, main
from visionlab.data.check import CheckOptions, DataQualityWarning, check_dataset, format_report, near_pairs, quick_check, warn_quick_check
from visionlab.data.folders import load_classification_splits, scan_class_folders
from visionlab.data.quarantine import read_manifest
from visionlab.errors import ParamError


def photo(name: str, side: int = 200) -> Image.Image:
    """A scikit-image sample photo as RGB, longest side ``side`` px."""
    arr = getattr(skdata, name)()
    if arr.dtype != np.uint8:
        arr = (arr * 255).astype(np.uint8)
    img = Image.fromarray(arr).convert("RGB")
    scale = side / max(img.size)
    return img.resize((round(img.width * scale), round(img.height * scale)))


def save(img: Image.Image, path: Path, fmt: str | None = None, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, fmt, **kw)
    return path


def copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(src, dst))


def save_resized_copy(img: Image.Image, path: Path) -> Path:
    """The near duplicate: 80 % of the size, re-encoded as JPEG."""
    small = img.resize((int(img.width * 0.8), int(img.height * 0.8)))
    return save(small, path, "JPEG", quality=80)


def save_truncated(img: Image.Image, path: Path) -> Path:
    save(img, path, "JPEG")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def make_flat(root: Path) -> Path:
    """cat: 8 readable images (+1 corrupt), dog: 2; one near pair within cat, one exact pair across classes."""
    chelsea, astronaut = photo("chelsea"), photo("astronaut")
    save(chelsea, root / "cat" / "chelsea.png")
    save_resized_copy(chelsea, root / "cat" / "chelsea_small.jpg")
    save(astronaut, root / "dog" / "astronaut.png")
    copy(root / "dog" / "astronaut.png", root / "cat" / "astronaut_copy.png")
    save(photo("rocket"), root / "cat" / "rocket.jpg", "PNG")  # PNG bytes under a .jpg name
    save(photo("camera"), root / "cat" / "camera.png")
    save(photo("moon"), root / "cat" / "moon.png")
    save(photo("text"), root / "cat" / "text.png")
    save(photo("horse", side=24), root / "cat" / "tiny.png")  # 24x20: below the 32-px default
    save_truncated(photo("page"), root / "cat" / "broken.jpg")
    save(photo("coffee"), root / "dog" / "coffee.png")
    return root


def make_presplit(root: Path) -> Path:
    """train/val/test with a near copy train -> val and an exact copy train -> test."""
    chelsea, coffee = photo("chelsea"), photo("coffee")
    save(chelsea, root / "train" / "cat" / "chelsea.png")
    save(photo("camera"), root / "train" / "cat" / "camera.png")
    save(coffee, root / "train" / "dog" / "coffee.png")
    save(photo("astronaut"), root / "train" / "dog" / "astronaut.png")
    save_resized_copy(chelsea, root / "val" / "cat" / "chelsea_small.jpg")
    save(photo("rocket"), root / "val" / "dog" / "rocket.png")
    save(photo("moon"), root / "test" / "cat" / "moon.png")
    copy(root / "train" / "dog" / "coffee.png", root / "test" / "dog" / "coffee_copy.png")
    return root


OPTS = CheckOptions(quiet=True, workers=2)


def test_flat_dataset_problems_are_all_found(tmp_path: Path) -> None:
    report = check_dataset(make_flat(tmp_path / "d"), OPTS)
    assert report.layout == "flat" and len(report.records) == 11
    assert [(r.path, r.error.split(" (")[0]) for r in report.corrupt] == [("cat/broken.jpg", "corrupt or truncated image")]

    groups = {frozenset(g.paths): g for g in report.duplicates}
    assert set(groups) == {frozenset({"cat/chelsea.png", "cat/chelsea_small.jpg"}), frozenset({"cat/astronaut_copy.png", "dog/astronaut.png"})}
    near = groups[frozenset({"cat/chelsea.png", "cat/chelsea_small.jpg"})]
    assert near.kind == "near" and near.scopes == ["within class"] and near.keep == "cat/chelsea.png"  # more pixels kept
    assert near.distance <= OPTS.near_threshold
    exact = groups[frozenset({"cat/astronaut_copy.png", "dog/astronaut.png"})]
    assert exact.kind == "exact" and exact.scopes == ["across classes"] and exact.distance == 0
    assert report.leaks == []

    assert [r.path for r in report.tiny] == ["cat/tiny.png"]
    assert [(r.path, r.format) for r in report.mismatched] == [("cat/rocket.jpg", "PNG")]
    balance = report.imbalance()["all"]
    assert balance["counts"] == {"cat": 8, "dog": 2} and balance["ratio"] == 4.0 and balance["flagged"]

    text = format_report(report)
    for words in ["cat/broken.jpg", "near [within class]", "exact [across classes]", "cat/tiny.png: 24x20",
                  "cat/rocket.jpg: named .jpg but is PNG", "all: 4.00", "imbalanced"]:
        assert words in text, words


def test_split_leakage_is_called_out_and_train_copy_kept(tmp_path: Path) -> None:
    report = check_dataset(make_presplit(tmp_path / "d"), OPTS)
    assert report.layout == "split" and report.corrupt == [] and report.mismatched == []
    leaks = {frozenset(g.paths): g for g in report.leaks}
    assert set(leaks) == {frozenset({"train/cat/chelsea.png", "val/cat/chelsea_small.jpg"}),
                          frozenset({"train/dog/coffee.png", "test/dog/coffee_copy.png"})}
    assert {g.kind for g in leaks.values()} == {"near", "exact"}
    assert all(g.keep.startswith("train/") and g.scopes == ["across splits"] for g in leaks.values())
    assert len(report.duplicates) == 2  # no false match among the other photos
    assert "LEAKAGE: 2 group(s)" in format_report(report)
    assert not report.imbalance()["train"]["flagged"]


@pytest.mark.parametrize(("field", "value"), [("near_threshold", 33), ("min_side", -1), ("max_imbalance", 0.5), ("workers", 0)])
def test_bad_options_name_the_parameter(tmp_path: Path, field: str, value: float) -> None:
    with pytest.raises(ParamError, match=f"^{field} ") as err:
        check_dataset(tmp_path, CheckOptions(**{field: value}))  # refused before the folder is read
    assert err.value.param == field


def test_near_pairs_counts_differing_bits() -> None:
    # bits apart: 0-1: 3, 0-2: 8, 0-3: 7, 0-4: 1, 1-2: 5, 1-3: 6, 1-4: 4, 2-3: 1, 2-4: 9, 3-4: 8
    # (the top bit in hash 4 checks that all 64 bits count)
    hashes = np.array([0b0, 0b111, 0b1111_1111, 0b1111_1110, 1 << 63], dtype=np.uint64)
    assert near_pairs(hashes, 3) == [(0, 1), (0, 4), (2, 3)]
    assert near_pairs(hashes, 0) == []
    assert sorted(near_pairs(hashes, 5, chunk=2)) == [(0, 1), (0, 4), (1, 2), (1, 4), (2, 3)]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _images(root: Path) -> dict[str, bytes]:
    """Image files in the dataset and its quarantine (leaving out the manifest and report)."""
    return {k: v for k, v in _snapshot(root).items() if not k.endswith((".jsonl", ".json"))}


def test_fix_quarantines_and_restore_puts_everything_back(tmp_path: Path, capsys) -> None:
    root = make_presplit(tmp_path / "d")
    save(photo("text"), root / "val" / "cat" / "text.png")  # val/cat and test/dog keep an image after the fix
    save(photo("horse"), root / "test" / "dog" / "horse.png")
    save_truncated(photo("page"), root / "train" / "cat" / "broken.jpg")
    copy(root / "train" / "cat" / "camera.png", root / "train" / "cat" / "camera_again.png")
    before = _snapshot(root)
    report_file = tmp_path / "report.json"

    assert main(["data", "check", str(root), "--fix", "--json", str(report_file), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "moved 4 file(s)" in out and "visionlab data restore" in out
    qdir = root / ".quarantine"
    moved = {"train/cat/broken.jpg", "train/cat/camera_again.png", "val/cat/chelsea_small.jpg", "test/dog/coffee_copy.png"}
    for rel in moved:
        assert not (root / rel).exists() and (qdir / rel).read_bytes() == before[rel]
    assert _images(root) == {**{k: v for k, v in before.items() if k not in moved}, **{f".quarantine/{k}": before[k] for k in moved}}
    manifest = {r["original"]: r for r in read_manifest(qdir)}
    assert set(manifest) == moved
    assert manifest["train/cat/broken.jpg"]["reason"].startswith("corrupt")
    assert manifest["train/cat/camera_again.png"]["reason"] == "exact duplicate of train/cat/camera.png (within class)"
    assert manifest["val/cat/chelsea_small.jpg"]["reason"].startswith("near duplicate of train/cat/chelsea.png (across splits")
    assert all(len(r["sha256"]) == 64 and r["quarantined"] for r in manifest.values())
    assert json.loads(report_file.read_text())["leakage"] and (qdir / "check.json").is_file()

    train, _ = scan_class_folders(root / "train")  # the quarantine is not a class
    assert train.classes == ["cat", "dog"] and ".quarantine" not in "".join(train.paths)
    again = check_dataset(root, OPTS)
    assert again.corrupt == [] and again.duplicates == []

    assert main(["data", "restore", str(qdir)]) == 0
    assert "restored 4 file(s)" in capsys.readouterr().out
    assert {k: v for k, v in _snapshot(root).items() if not k.startswith(".quarantine/")} == before
    assert read_manifest(qdir) == []


def test_restore_never_overwrites(tmp_path: Path, capsys) -> None:
    root = make_presplit(tmp_path / "d")
    assert main(["data", "check", str(root), "--fix", "--quiet"]) == 0
    assert "val/cat has no image left" in capsys.readouterr().out  # its only image was the leaked copy
    blocker = root / "val" / "cat" / "chelsea_small.jpg"
    blocker.write_bytes(b"a new file in the old place")
    qdir = root / ".quarantine"
    assert main(["data", "restore", str(qdir)]) == 2
    err = capsys.readouterr().err
    assert "nothing was restored" in err and str(blocker) in err
    assert blocker.read_bytes() == b"a new file in the old place"
    assert (qdir / "test" / "dog" / "coffee_copy.png").is_file()  # the other file was not moved either
    blocker.rename(tmp_path / "elsewhere.jpg")
    assert main(["data", "restore", str(qdir)]) == 0
    assert (root / "test" / "dog" / "coffee_copy.png").is_file() and (root / "val" / "cat" / "chelsea_small.jpg").is_file()


def test_quarantine_inside_a_class_folder_is_refused(tmp_path: Path, capsys) -> None:
    root = make_presplit(tmp_path / "d")
    assert main(["data", "check", str(root), "--fix", "--quarantine", str(root / "train" / "q"), "--quiet"]) == 2
    assert "would be read as a class" in capsys.readouterr().err
    assert (root / "val" / "cat" / "chelsea_small.jpg").is_file()


def test_quick_check_warns_about_leakage_and_imbalance(tmp_path: Path) -> None:
    root = tmp_path / "d"
    for i, name in enumerate(["camera", "moon", "text", "page", "coffee", "rocket", "chelsea", "astronaut"]):
        save(photo(name, side=40), root / "train" / "cat" / f"{i}.png")
    save(photo("horse", side=40), root / "train" / "dog" / "0.png")
    save(photo("hubble_deep_field", side=40), root / "train" / "dog" / "1.png")
    copy(root / "train" / "cat" / "3.png", root / "val" / "cat" / "leaked.png")
    save(photo("immunohistochemistry", side=40), root / "val" / "dog" / "0.png")
    splits = load_classification_splits(root)

    messages = quick_check(splits)
    assert len(messages) == 2
    leak, imbalance = messages
    assert leak.startswith("leakage between splits: 1 file(s) in val are exact copies of files in train")
    assert "train/cat/3.png = val/cat/leaked.png" in leak
    assert imbalance.startswith("class imbalance in train: largest/smallest = 4.0 (cat 8, dog 2)")
    with pytest.warns(DataQualityWarning) as caught:
        warn_quick_check(splits)
    assert [str(w.message) for w in caught] == messages

    (root / "val" / "cat" / "leaked.png").unlink()
    save(photo("retina", side=40), root / "val" / "cat" / "0.png")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert quick_check(load_classification_splits(root), max_imbalance=5.0) == []


def test_cli_check_runs_and_help_documents_options(tmp_path: Path, capsys) -> None:
    root = make_flat(tmp_path / "d")
    before = _snapshot(root)
    assert main(["data", "check", str(root), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "corrupt or unreadable: 1" in out and "problem(s) found" in out
    assert _snapshot(root) == before  # without --fix nothing is written or moved
    for argv, words in [(["data", "check", "--help"], ["--fix", "--json FILE", "--near-threshold", "default: 4", "--min-side", "--max-imbalance"]),
                        (["data", "restore", "--help"], ["quarantine"])]:
        with pytest.raises(SystemExit) as info:
            build_parser().parse_args(argv)
        assert info.value.code == 0
        text = " ".join(capsys.readouterr().out.split())
        for word in words:
            assert word in text, word
