"""The results: the headline numbers the other sections measured, in one table, each citing its section."""

from __future__ import annotations

from visionlab.report.document import Block, Lab, Para, Section, Table
from visionlab.report.sections.provenance import skipped_stages


def results_blocks(lab: Lab, sections: list[Section], stage_of: dict[str, str | None]) -> list[Block]:
    """The numbers of ``lab.results`` in section order, then a row per stage whose sections did not run.

    Args:
        lab: The lab, after the other sections were built (they filled ``lab.results``).
        sections: The sections built so far.
        stage_of: The stage each section needs (``None``: none), to name a stage that did not run once.
    """
    t = lab.t
    titles = {s.id: s.title for s in sections}
    rows = [[measure, value, titles.get(sid, sid)] for sid, measure, value in lab.results]
    studies = lab.stage("studies")
    if studies is not None:
        rows.append([t("control-question studies run"), str(len(studies.get("names") or [])), titles.get("questions", "questions")])
    missing: dict[str, list[str]] = {}
    for s in sections:
        stage = stage_of.get(s.id)
        if not s.ran and stage:
            missing.setdefault(stage, []).append(s.title)
    skipped = skipped_stages(lab)
    for stage, names in missing.items():
        state = t("skipped by the plan") if stage in skipped else t("not run")
        rows.append([t("stage {stage}", stage=stage), state, ", ".join(names)])
    return [Para(t("The headline numbers measured in the sections above, as each section states them; the last column names the "
                   "section with the details.")), Table([t("measure"), t("value"), t("section")], rows)]
