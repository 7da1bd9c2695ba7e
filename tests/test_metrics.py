"""Our metrics against scikit-learn on random data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from visionlab.evaluate.metrics import classification_metrics


def _random_case(k: int, n: int, seed: int, drop_class: int | None = None):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    if drop_class is not None:
        y[y == drop_class] = (drop_class + 1) % k
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y] * rng.random((n, 1))
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    return y, probs


@pytest.mark.parametrize("k,seed,drop", [(2, 0, None), (3, 1, None), (5, 2, None), (4, 3, 2)])
def test_agrees_with_sklearn(k: int, seed: int, drop: int | None) -> None:
    y, probs = _random_case(k, 300, seed, drop)
    classes = [f"c{i}" for i in range(k)]
    m = classification_metrics(y, probs, classes)
    pred = probs.argmax(1)
    labels = list(range(k))
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    for avg in ("macro", "weighted"):
        p, r, f, _ = skm.precision_recall_fscore_support(y, pred, labels=labels, average=avg, zero_division=0)
        assert m[f"precision_{avg}"] == pytest.approx(p)
        assert m[f"recall_{avg}"] == pytest.approx(r)
        assert m[f"f1_{avg}"] == pytest.approx(f)
    p, r, f, s = skm.precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    for i, c in enumerate(classes):
        assert m["per_class"][c]["precision"] == pytest.approx(p[i])
        assert m["per_class"][c]["recall"] == pytest.approx(r[i])
        assert m["per_class"][c]["f1"] == pytest.approx(f[i])
        assert m["per_class"][c]["support"] == s[i]
    assert m["confusion_matrix"] == skm.confusion_matrix(y, pred, labels=labels).tolist()
    if k == 2:
        assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, probs[:, 1]))
    elif drop is None:
        assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, probs, multi_class="ovr", average="macro"))
    else:
        # The absent class has no ROC curve; the macro mean runs over the present ones.
        present = [c for c in labels if c != drop]
        expected = np.mean([skm.roc_auc_score(y == c, probs[:, c]) for c in present])
        assert m["roc_auc"] == pytest.approx(expected)
        assert m["per_class"][f"c{drop}"]["roc_auc"] is None


def test_single_class_present_gives_no_auc_instead_of_crashing() -> None:
    m = classification_metrics(np.zeros(5, int), np.tile([0.7, 0.2, 0.1], (5, 1)), ["a", "b", "c"])
    assert m["roc_auc"] is None and m["accuracy"] == 1.0


def test_shape_mismatch_is_rejected() -> None:
    with pytest.raises(ValueError, match="shape"):
        classification_metrics(np.zeros(3, int), np.zeros((3, 4)), ["a", "b"])
