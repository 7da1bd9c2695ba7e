"""The report's sections, in the order of the lab manual's report, and the stage each one needs.

Each module builds the blocks of one lab stage's section(s) from that stage's files; a builder takes
the :class:`~visionlab.report.document.Lab` and returns its blocks, adding pictures and conclusion
sentences to the lab as it goes.
"""

from __future__ import annotations

from collections.abc import Callable

from visionlab.report.document import Block, Lab, Note, Section
from visionlab.report.sections.classify import classification_section, model_section, training_section
from visionlab.report.sections.common import not_run_text
from visionlab.report.sections.compare import comparison_section
from visionlab.report.sections.conclusions import conclusions_blocks
from visionlab.report.sections.dataset import dataset_section
from visionlab.report.sections.distill import distillation_section
from visionlab.report.sections.explain import gradcam_section
from visionlab.report.sections.header import header_blocks
from visionlab.report.sections.pipeline import pipeline_section, walkmap_section
from visionlab.report.sections.provenance import skipped_text
from visionlab.report.sections.segment import segmentation_section

__all__ = ["BUILDERS", "SECTIONS", "build_sections", "header_blocks", "not_run_text"]

# (section id, title, the manifest stage it needs); conclusions need none.
SECTIONS: list[tuple[str, str, str | None]] = [
    ("dataset", "Dataset", "classify"),
    ("model", "Classification model", "classify"),
    ("training", "Training", "classify"),
    ("classification", "Classification results", "classify"),
    ("gradcam", "Grad-CAM", "explain"),
    ("segmentation", "Semantic segmentation", "segment"),
    ("comparison", "Grad-CAM versus segmentation", "compare"),
    ("pipeline", "Segment-then-classify pipeline", "pipeline"),
    ("walkmap", "Walkmaps", "walkmap"),
    ("distillation", "Distillation", "distill"),
    ("conclusions", "Conclusions", None),
]

BUILDERS: dict[str, Callable[[Lab], list[Block]]] = {
    "dataset": dataset_section, "model": model_section, "training": training_section, "classification": classification_section,
    "gradcam": gradcam_section, "segmentation": segmentation_section, "comparison": comparison_section,
    "pipeline": pipeline_section, "walkmap": walkmap_section, "distillation": distillation_section,
}


def build_sections(lab: Lab) -> list[Section]:
    """Every section in order; the conclusions last, from the sentences the others collected.

    Raises:
        RunFolderError: A stage the manifest lists lacks a file its section reads (named).
    """
    sections: list[Section] = []
    for sid, title, stage in SECTIONS:
        if stage is None:
            sections.append(Section(sid, title, conclusions_blocks(lab, sections)))
        elif lab.stage(stage) is None:
            sections.append(Section(sid, title, [Note(skipped_text(lab, stage) or not_run_text(stage))], ran=False))
        else:
            sections.append(Section(sid, title, BUILDERS[sid](lab)))
    return sections
