"""benchmarks/variant_quality.py: labs of one variant make one row of the README's quality table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module():
    spec = importlib.util.spec_from_file_location("variant_quality", ROOT / "benchmarks" / "variant_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_classify_lab_and_a_segment_lab_of_one_variant_make_one_row() -> None:
    vq = _module()
    classify = {"variant": 5, "classes": "melee_weapon vs ranged_weapon", "val_accuracy": 0.97, "shortcut_histogram": 0.6,
                "shortcut_stats": 0.5, "cam_over_area": 2.2, "segment_test_miou": None, "lab_minutes": None}
    segment = {"variant": 5, "classes": "melee_weapon vs ranged_weapon", "val_accuracy": None, "shortcut_histogram": None,
               "shortcut_stats": None, "cam_over_area": None, "segment_test_miou": 0.65, "lab_minutes": None}
    other = dict(segment, variant=16, segment_test_miou=0.75)
    rows = vq.merge_by_variant([classify, segment, other])
    assert [r["variant"] for r in rows] == [5, 16]
    five = rows[0]
    assert (five["val_accuracy"], five["cam_over_area"], five["segment_test_miou"]) == (0.97, 2.2, 0.65)
    assert vq.misses(five) == ["segment_test_miou"]
    later = vq.merge_by_variant([classify, segment, dict(segment, segment_test_miou=0.71)])[0]
    assert later["segment_test_miou"] == 0.71 and vq.misses(later) == []  # the later lab's number where both measured


def test_the_note_names_a_paired_variant_and_the_bar_columns_it_misses() -> None:
    vq = _module()
    row = {"classes": "x vs y", "val_accuracy": 1.0, "shortcut_histogram": 0.65, "shortcut_stats": 0.45, "cam_over_area": 2.46,
           "segment_test_miou": 0.60, "lab_minutes": 7.4}
    notes = {r["variant"]: r["note"] for r in vq.all_variants([dict(row, variant=14), dict(row, variant=16)])}
    assert notes[14] == "paired; misses segment_test_miou" and notes[16] == "misses segment_test_miou"
    assert notes[2] == "rendered; no lab measured this round"


def test_a_lab_row_takes_the_shortcut_numbers_its_run_wrote(tmp_path: Path) -> None:
    """Runs write shortcut.json at training: the benchmark reads it instead of computing the check again."""
    import json

    lab = tmp_path / "lab"
    (lab / "classify").mkdir(parents=True)
    (lab / "lab.json").write_text(json.dumps({"config": {"variant_number": 21}, "classes": ["a", "b"], "stages": {"classify": {"run": "classify"}}}))
    (lab / "classify" / "metrics.json").write_text(json.dumps({"accuracy": 0.9}))
    (lab / "classify" / "shortcut.json").write_text(json.dumps({"histogram": 0.61, "image_stats": 0.52}))
    row = _module().lab_row(lab)
    assert (row["variant"], row["val_accuracy"], row["shortcut_histogram"], row["shortcut_stats"]) == (21, 0.9, 0.61, 0.52)
