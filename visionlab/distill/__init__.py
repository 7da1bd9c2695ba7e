"""``visionlab distill``: a light segmenter trained on a big one's outputs (the manual's stage 7).

1. **Pseudo-labels, once** (:mod:`~visionlab.distill.pseudo`). The teacher labels every image; each
   label is written as soon as it exists (``OUT/pseudo/masks/NAME.png``, and with ``soft`` the
   teacher's logits at network resolution as ``OUT/pseudo/soft/NAME.npy``, float16).
   ``OUT/pseudo/index.json`` records which teacher made them, so an interrupted run picks up where
   it stopped and a different teacher is refused instead of mixed in.
2. **The student** (:mod:`~visionlab.distill.student`) trains on them with the ordinary
   segmentation trainer: hard labels with cross-entropy, or with ``soft``
   ``alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE`` (Hinton et al.,
   :mod:`~visionlab.distill.soft`), the teacher's logits augmented together with the image. A tenth
   of the images is held out to pick the best epoch by agreement with the teacher.
3. **Ground truth, when given** (``data``, :mod:`~visionlab.distill.stage`): the teacher run's own
   test split (or the dataset's seeded one) is the student's test split; distillation images that
   are test images (same bytes) are left out, so the student never sees a test image, even unlabelled.
4. **The comparison** (``OUT/distill/``, :mod:`~visionlab.distill.comparison` and
   :mod:`~visionlab.distill.timing`): milliseconds per image at batch 1 and batched (network only,
   same input size, stated threads), parameters, file size, mIoU against ground truth and agreement
   with the teacher (the student's mIoU with the teacher's masks as truth).

The settings are :class:`~visionlab.distill.options.DistillOptions`. The other names below load
their module (and torch) on first use, so that importing :mod:`visionlab.distill.options`, which
the command line builds its options from, loads no heavy library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from visionlab.distill.options import DistillOptions

if TYPE_CHECKING:
    from visionlab.distill.comparison import agreement, compare_with_teacher, format_table, plot_comparison, speed_sentence
    from visionlab.distill.pseudo import INDEX, PSEUDO, pseudo_label, teacher_fingerprint
    from visionlab.distill.soft import DistillLoss, SoftTargetDataset
    from visionlab.distill.stage import distill, ground_truth_split
    from visionlab.distill.student import parse_student, resolve_init, set_bn_momentum
    from visionlab.distill.timing import BATCHES, ROUND_SECONDS, RUNTIMES, speedups, time_network, time_runtimes

_MODULES = {
    "comparison": ("agreement", "compare_with_teacher", "format_table", "plot_comparison", "speed_sentence"),
    "pseudo": ("INDEX", "PSEUDO", "pseudo_label", "teacher_fingerprint"),
    "soft": ("DistillLoss", "SoftTargetDataset"),
    "stage": ("distill", "ground_truth_split"),
    "student": ("parse_student", "resolve_init", "set_bn_momentum"),
    "timing": ("BATCHES", "ROUND_SECONDS", "RUNTIMES", "speedups", "time_network", "time_runtimes"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "BATCHES", "INDEX", "PSEUDO", "ROUND_SECONDS", "RUNTIMES", "DistillLoss", "DistillOptions", "SoftTargetDataset", "agreement",
    "compare_with_teacher", "distill", "format_table", "ground_truth_split", "parse_student", "plot_comparison", "pseudo_label",
    "resolve_init", "set_bn_momentum", "speed_sentence", "speedups", "teacher_fingerprint", "time_network", "time_runtimes",
]


def __getattr__(name: str) -> Any:
    """Import the submodule that defines ``name`` on first use (PEP 562).

    Raises:
        AttributeError: ``name`` is not one of this package's names.
    """
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
