"""Segmentation metrics (hand-computed and against torchmetrics) and the classical baselines."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
from torchmetrics.classification import MulticlassAccuracy, MulticlassJaccardIndex

from visionlab.errors import ConfigError, UnknownNameError
from visionlab.evaluate.seg_metrics import ConfusionAccumulator, image_iou, iou_per_class, segmentation_metrics
from visionlab.models.classical import CLASSICAL, classical_segment, match_clusters

IGNORE = 255


def _metrics(pred, target, k: int) -> dict:
    acc = ConfusionAccumulator(k, IGNORE)
    acc.update(pred, target)
    return segmentation_metrics(acc.matrix, [f"c{i}" for i in range(k)])


def _random_case(k: int, seed: int, shape=(4, 16, 16), p_ignore: float = 0.1):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, k, shape)
    pred = np.where(rng.random(shape) < 0.6, target, rng.integers(0, k, shape))
    target[rng.random(shape) < p_ignore] = IGNORE
    return pred, target


def test_perfect_prediction() -> None:
    target = np.array([[0, 1, 2], [2, 1, 0]])
    m = _metrics(target.copy(), target, 3)
    assert m["miou"] == 1.0 and m["pixel_accuracy"] == 1.0
    assert m["mean_class_accuracy"] == 1.0 and m["fw_iou"] == 1.0 and m["dice_macro"] == 1.0


def test_disjoint_prediction() -> None:
    target = np.array([[0, 0, 1], [1, 2, 2]])
    m = _metrics((target + 1) % 3, target, 3)
    assert m["miou"] == 0.0 and m["pixel_accuracy"] == 0.0 and m["fw_iou"] == 0.0
    assert all(v == 0.0 for v in m["per_class_iou"].values())


def test_ignored_pixels_do_not_count() -> None:
    target = np.array([[0, 0, IGNORE], [1, IGNORE, 1]])
    pred = np.array([[0, 1, 0], [1, 0, 1]])
    m = _metrics(pred, target, 2)
    other = pred.copy()
    other[target == IGNORE] = 1 - other[target == IGNORE]
    assert _metrics(other, target, 2) == m
    assert m["n_pixels"] == 4
    assert m["pixel_accuracy"] == pytest.approx(3 / 4)


def test_absent_classes() -> None:
    target = np.array([[0, 0, 1, 1]])
    m = _metrics(np.array([[0, 0, 1, 1]]), target, 3)
    assert m["per_class_iou"]["c2"] is None and m["per_class_accuracy"]["c2"] is None and m["per_class_dice"]["c2"] is None
    assert m["miou"] == 1.0
    m = _metrics(np.array([[0, 2, 1, 1]]), target, 3)
    assert m["per_class_iou"]["c2"] == 0.0
    assert m["per_class_accuracy"]["c2"] is None
    assert m["miou"] == pytest.approx((Fraction(1, 2) + 1 + 0) / 3)
    assert m["mean_class_accuracy"] == pytest.approx((Fraction(1, 2) + 1) / 2)


def test_hand_computed_2x3() -> None:
    target = np.array([[0, 0, 0], [1, 1, 2]])
    pred = np.array([[0, 0, 1], [1, 2, 2]])
    m = _metrics(pred, target, 3)
    # rows true, cols pred: class 0 -> (2, 1, 0); class 1 -> (0, 1, 1); class 2 -> (0, 0, 1)
    assert m["confusion_matrix"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    iou = [Fraction(2, 3 + 2 - 2), Fraction(1, 2 + 2 - 1), Fraction(1, 1 + 2 - 1)]
    assert m["pixel_accuracy"] == pytest.approx(Fraction(4, 6))
    assert m["miou"] == pytest.approx(sum(iou) / 3)
    assert m["miou"] == pytest.approx(Fraction(1, 2))
    assert m["fw_iou"] == pytest.approx(Fraction(3, 6) * iou[0] + Fraction(2, 6) * iou[1] + Fraction(1, 6) * iou[2])
    assert m["fw_iou"] == pytest.approx(Fraction(19, 36))
    assert m["mean_class_accuracy"] == pytest.approx((Fraction(2, 3) + Fraction(1, 2) + Fraction(1, 1)) / 3)
    assert m["dice_macro"] == pytest.approx((Fraction(4, 5) + Fraction(2, 4) + Fraction(2, 3)) / 3)
    assert m["n_pixels"] == 6 and m["classes"] == ["c0", "c1", "c2"]


@pytest.mark.parametrize("k,seed", [(2, 0), (3, 1), (5, 2)])
def test_agrees_with_torchmetrics(k: int, seed: int) -> None:
    pred, target = _random_case(k, seed)
    m = _metrics(pred, target, k)
    p, t = torch.from_numpy(pred), torch.from_numpy(target)
    per_iou = MulticlassJaccardIndex(num_classes=k, ignore_index=IGNORE, average="none")(p, t).numpy()
    assert list(m["per_class_iou"].values()) == pytest.approx(per_iou.tolist(), abs=1e-6)
    assert m["miou"] == pytest.approx(MulticlassJaccardIndex(num_classes=k, ignore_index=IGNORE, average="macro")(p, t).item(), abs=1e-6)
    assert m["pixel_accuracy"] == pytest.approx(MulticlassAccuracy(num_classes=k, average="micro", ignore_index=IGNORE)(p, t).item(), abs=1e-6)
    mca = MulticlassAccuracy(num_classes=k, average="macro", ignore_index=IGNORE)(p, t).item()
    assert m["mean_class_accuracy"] == pytest.approx(mca, abs=1e-6)


def test_absent_class_vs_torchmetrics() -> None:
    # torchmetrics gives an absent class IoU 0 in average="none" but leaves it out of "macro", as we do.
    pred, target = _random_case(4, 3)
    pred[pred == 3] = 0
    target[target == 3] = 0
    m = _metrics(pred, target, 4)
    p, t = torch.from_numpy(pred), torch.from_numpy(target)
    per_iou = MulticlassJaccardIndex(num_classes=4, ignore_index=IGNORE, average="none")(p, t).numpy()
    assert m["per_class_iou"]["c3"] is None and per_iou[3] == 0.0
    assert [m["per_class_iou"][f"c{i}"] for i in range(3)] == pytest.approx(per_iou[:3].tolist(), abs=1e-6)
    assert m["miou"] == pytest.approx(MulticlassJaccardIndex(num_classes=4, ignore_index=IGNORE, average="macro")(p, t).item(), abs=1e-6)


def test_accumulation_equals_one_update() -> None:
    pred, target = _random_case(3, 4, shape=(6, 8, 8))
    whole = ConfusionAccumulator(3)
    whole.update(pred, target)
    acc = ConfusionAccumulator(3)
    parts = [acc.update(torch.from_numpy(pred[i : i + 2]), torch.from_numpy(target[i : i + 2])) for i in range(0, 6, 2)]
    np.testing.assert_array_equal(acc.matrix, whole.matrix)
    np.testing.assert_array_equal(sum(parts), whole.matrix)
    single = ConfusionAccumulator(3).update(pred[0], target[0])
    np.testing.assert_array_equal(single, ConfusionAccumulator(3).update(pred[:1], target[:1]))
    assert acc.matrix.dtype == np.int64 and single.shape == (3, 3)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_update_on_gpu() -> None:
    pred, target = _random_case(3, 5)
    cpu = ConfusionAccumulator(3).update(pred, target)
    gpu = ConfusionAccumulator(3).update(torch.from_numpy(pred).cuda(), torch.from_numpy(target).cuda())
    np.testing.assert_array_equal(cpu, gpu)


def test_bad_ids_raise() -> None:
    acc = ConfusionAccumulator(3)
    with pytest.raises(ValueError, match=r"target .*\[5\]"):
        acc.update(np.array([[0, 1]]), np.array([[0, 5]]))
    with pytest.raises(ValueError, match=r"pred .*\[3\]"):
        acc.update(np.array([[0, 3]]), np.array([[0, 1]]))
    with pytest.raises(ValueError, match="target"):
        acc.update(np.array([[0, 1]]), np.array([[0, -1]]))
    with pytest.raises(ValueError, match="shape"):
        acc.update(np.array([[0, 1, 2]]), np.array([[0, 1]]))
    with pytest.raises(ValueError, match="integer"):
        acc.update(np.array([[0.0, 1.0]]), np.array([[0, 1]]))
    assert acc.matrix.sum() == 0
    acc.update(np.array([[0, 7]]), np.array([[0, IGNORE]]))
    assert acc.matrix.sum() == 1


def test_empty_matrix_and_image_iou() -> None:
    acc = ConfusionAccumulator(2)
    cm = acc.update(np.array([[0, 1]]), np.array([[IGNORE, IGNORE]]))
    with pytest.raises(ValueError, match="no labelled pixels"):
        segmentation_metrics(cm, ["a", "b"])
    assert image_iou(cm) is None
    cm = np.array([[2, 1, 0], [0, 1, 0], [0, 0, 0]])
    assert image_iou(cm) == pytest.approx((Fraction(2, 3) + Fraction(1, 2)) / 2)
    assert np.isnan(iou_per_class(cm)[2])


def _two_tone(rng: np.random.Generator, size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    target = np.zeros((size, size), np.int64)
    target[:, size // 2 :] = 1
    target[size // 4 : size // 2, size // 4 : size // 2] = 1
    grey = np.where(target == 1, 190.0, 60.0) + rng.normal(0, 10, target.shape)
    return np.repeat(np.clip(grey, 0, 255).astype(np.uint8)[..., None], 3, axis=2), target


def _pixel_accuracy(pred: np.ndarray, target: np.ndarray) -> float:
    keep = target != IGNORE
    return float((pred[keep] == target[keep]).mean())


def test_otsu_two_tone() -> None:
    image, target = _two_tone(np.random.default_rng(0))
    clusters = classical_segment("otsu", image)
    assert clusters.dtype == np.uint8 and clusters.shape == target.shape
    np.testing.assert_array_equal(clusters, target)
    flipped = 1 - target
    assert _pixel_accuracy(match_clusters(clusters, flipped, 2), flipped) == 1.0


def test_multi_otsu_three_levels() -> None:
    rng = np.random.default_rng(1)
    target = np.repeat(np.array([0, 2, 1, 2, 0, 1]), 6)[None].repeat(20, 0)
    grey = np.array([40.0, 128.0, 220.0])[target] + rng.normal(0, 8, target.shape)
    image = np.repeat(np.clip(grey, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    np.testing.assert_array_equal(classical_segment("multi_otsu", image), target)
    two_levels = np.zeros((4, 6, 3), np.uint8)
    two_levels[:, 3:] = 100
    assert classical_segment("multi_otsu", two_levels)[0].tolist() == [0, 0, 0, 1, 1, 1]


def _four_colours(rng: np.random.Generator, size: int = 40) -> tuple[np.ndarray, np.ndarray]:
    target = np.zeros((size, size), np.int64)
    h = size // 2
    target[:h, h:], target[h:, :h], target[h:, h:] = 1, 2, 3
    colours = np.array([[200, 30, 30], [30, 180, 40], [40, 40, 200], [230, 220, 50]], float)
    image = colours[target] + rng.normal(0, 6, (size, size, 3))
    return np.clip(image, 0, 255).astype(np.uint8), target


def test_kmeans_recovers_colours_deterministically() -> None:
    image, target = _four_colours(np.random.default_rng(2))
    clusters = classical_segment("kmeans", image, seed=3)
    assert set(np.unique(clusters).tolist()) == {0, 1, 2, 3}
    assert _pixel_accuracy(match_clusters(clusters, target, 4), target) == 1.0
    np.testing.assert_array_equal(clusters, classical_segment("kmeans", image, seed=3))
    brightness = [image[clusters == c].mean() for c in range(4)]
    assert brightness == sorted(brightness)


def test_kmeans_fits_on_a_sample() -> None:
    image, target = _four_colours(np.random.default_rng(4), size=160)
    clusters = classical_segment("kmeans", image, k=4, seed=0)
    assert _pixel_accuracy(match_clusters(clusters, target, 4), target) == 1.0


@pytest.mark.parametrize("name", sorted(CLASSICAL))
def test_constant_image_does_not_crash(name: str) -> None:
    out = classical_segment(name, np.full((8, 8, 3), 77, np.uint8))
    assert out.shape == (8, 8) and out.dtype == np.uint8
    if name == "otsu":
        assert not out.any()


def test_bad_names_and_k() -> None:
    image = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(UnknownNameError, match="kmeans.*multi_otsu.*otsu|otsu.*multi_otsu.*kmeans"):
        classical_segment("watershed", image)
    with pytest.raises(ConfigError, match="k must be at least 2"):
        classical_segment("kmeans", image, k=1)
    with pytest.raises(ConfigError, match="otsu"):
        classical_segment("otsu", image, k=3)
    with pytest.raises(ValueError, match="shape"):
        classical_segment("otsu", np.zeros((4, 4, 4), np.uint8))


def test_match_clusters_more_clusters_than_classes_and_ignore() -> None:
    clusters = np.array([[0, 0, 1, 1], [2, 2, 3, 3], [4, 4, 4, 4]])
    target = np.array([[1, 1, 1, IGNORE], [0, 0, 0, 1], [IGNORE, IGNORE, IGNORE, 0]])
    out = match_clusters(clusters, target, 2)
    # Hungarian: cluster 0 -> class 1 and cluster 2 -> class 0 (2 pixels each).
    # Leftovers by majority: cluster 1 -> 1, cluster 3 -> 0 vs 1 tie -> 0 (first), cluster 4 -> 0.
    np.testing.assert_array_equal(out, [[1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]])
    assert match_clusters(clusters, np.full(clusters.shape, IGNORE), 2).shape == clusters.shape
    with pytest.raises(ValueError, match="outside"):
        match_clusters(clusters, np.full(clusters.shape, 2), 2)
