"""The report's sections, in the order of the lab manual's report, and the stage each one needs.

Each module builds the blocks of one lab stage's section(s) from that stage's files; a builder takes
the :class:`~visionlab.report.document.Lab` and returns its blocks, adding pictures, headline numbers
and conclusion sentences to the lab as it goes. The results and the conclusions come last: they
gather what the others collected.
"""

from __future__ import annotations

from collections.abc import Callable

from visionlab.report.document import Block, Lab, Note, Section, missing_word
from visionlab.report.sections.classify import classification_section, model_section, training_section
from visionlab.report.sections.common import not_run_text
from visionlab.report.sections.compare import comparison_section
from visionlab.report.sections.conclusions import conclusions_blocks
from visionlab.report.sections.dataset import dataset_section
from visionlab.report.sections.distill import distillation_section
from visionlab.report.sections.explain import gradcam_section
from visionlab.report.sections.header import header_blocks
from visionlab.report.sections.overview import problem_section, topic_section
from visionlab.report.sections.pipeline import pipeline_section, walkmap_section
from visionlab.report.sections.provenance import skipped_text
from visionlab.report.sections.results import results_blocks
from visionlab.report.sections.segment import segmentation_section
from visionlab.report.sections.studies import control_questions_section

__all__ = ["BUILDERS", "SECTIONS", "build_sections", "header_blocks", "not_run_text"]

# (section id, English title, the manifest stage it needs); the ids are stable (anchors, tests, scripts), the
# titles are translated when the report is written. Topic, problem, results and conclusions need no stage.
SECTIONS: list[tuple[str, str, str | None]] = [
    ("topic", "Topic and aim", None),
    ("problem", "Problem statement", None),
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
    ("questions", "Control questions", "studies"),
    ("results", "Results", None),
    ("conclusions", "Conclusions", None),
]

BUILDERS: dict[str, Callable[[Lab], list[Block]]] = {
    "topic": topic_section, "problem": problem_section,
    "dataset": dataset_section, "model": model_section, "training": training_section, "classification": classification_section,
    "gradcam": gradcam_section, "segmentation": segmentation_section, "comparison": comparison_section,
    "pipeline": pipeline_section, "walkmap": walkmap_section, "distillation": distillation_section,
    "questions": control_questions_section,
}


def build_sections(lab: Lab) -> list[Section]:
    """Every section in order, in the lab's language; the results and the conclusions from what the others collected.

    Raises:
        RunFolderError: A stage the manifest lists lacks a file its section reads (named).
    """
    t = lab.t
    stage_of = {sid: stage for sid, _, stage in SECTIONS}
    sections: list[Section] = []
    for sid, english, stage in SECTIONS:
        title = t(english)
        if sid == "results":
            section = Section(sid, title, results_blocks(lab, sections, stage_of))
        elif sid == "conclusions":
            section = Section(sid, title, conclusions_blocks(lab, sections))
        elif stage is not None and lab.stage(stage) is None:
            section = Section(sid, title, [Note(skipped_text(lab, stage) or not_run_text(stage, t))], ran=False)
        else:
            section = Section(sid, title, BUILDERS[sid](lab))
        missing_word(section.blocks, t("n/a"))
        sections.append(section)
    return sections
