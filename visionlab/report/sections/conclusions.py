"""The conclusions: every measurement sentence the other sections collected, in their order."""

from __future__ import annotations

from visionlab.report.document import Block, Bullets, Lab, Para, Section, num


def conclusions_blocks(lab: Lab, sections: list[Section]) -> list[Block]:
    """The sentences of ``lab.facts`` under their section titles, the lab's time, and the sections not run.

    Args:
        lab: The lab, after the other sections were built.
        sections: The sections built so far (all but the conclusions).
    """
    t = lab.t
    titles = {s.id: s.title for s in sections}
    items = [f"{titles.get(sec, sec)}: {text}" for sec, text in lab.facts]
    m = lab.manifest
    if m.get("seconds") is not None:
        machine = m.get("machine") or {}
        items.append(t("The lab ran in {seconds} s on {device} with {threads} threads.", seconds=num(m["seconds"], 1),
                       device=machine.get("device") or t("n/a"), threads=machine.get("threads") or t("n/a")))
    skipped = [s.title for s in sections if not s.ran]
    if skipped:
        items.append(t("Not run: {sections}.", sections=", ".join(skipped)))
    return [Para(t("Each line restates a measurement from the sections above.")), Bullets(items)]
