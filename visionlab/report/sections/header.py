"""The report's header: the lab's variant, classes, times, machine and resolved configuration."""

from __future__ import annotations

from visionlab.data.variants import get_variant
from visionlab.report.document import Block, Details, Lab, Pre, Table, missing_word, num
from visionlab.report.i18n import Translator
from visionlab.report.sections.provenance import provenance_blocks

MACHINE_KEYS = ("platform", "processor", "device", "threads", "torch")


def header_blocks(lab: Lab) -> list[Block]:
    """The lab at a glance (from ``lab.json``), the stages with their times, and the configuration."""
    t = lab.t
    m = lab.manifest
    machine = m.get("machine") or {}
    total = t("n/a (the lab did not finish)") if m.get("seconds") is None else t("{seconds} s", seconds=num(m["seconds"], 1))
    rows = [[t("variant"), variant_text(t, m)], [t("classes"), ", ".join(m.get("classes") or []) or t("n/a")],
            [t("started"), str(m.get("started") or t("n/a"))], [t("total time"), total], [t("machine"), machine_line(t, machine)]]
    stages = [[name, num(entry.get("seconds"), 1)] for name, entry in (m.get("stages") or {}).items()]
    blocks: list[Block] = [Table(["", ""], rows)]
    if stages:
        blocks.append(Table([t("stage"), t("seconds")], stages, t("Stages that ran, in order, with their wall-clock time.")))
    blocks += provenance_blocks(lab)
    blocks.append(Details(t("Lab configuration (as resolved by the lab runner)"), [Pre(config_text(m.get("config") or {}))]))
    return missing_word(blocks, t("n/a"))


def variant_text(t: Translator, manifest: dict) -> str:
    """The lab's variant: the manual's number, name and title when it is one of the catalogue's, else its name."""
    name = str(manifest.get("variant") or t("n/a"))
    number = (manifest.get("config") or {}).get("variant_number")
    if number is None:
        return name
    v = get_variant(number)
    return t("{number} of the manual: {title}; {name}", number=v.number, title=variant_title(t, v.number), name=name)


def variant_title(t: Translator, number: int) -> str:
    """A catalogue variant's title as the report's language writes it: the manual's own in Ukrainian, ours with it in English."""
    v = get_variant(number)
    return v.title_uk if t.lang == "uk" else f"{v.title} ({v.title_uk})"


def machine_line(t: Translator, machine: dict) -> str:
    """The manifest's machine record in one line (``platform ...; device cpu; threads 2``)."""
    parts = [f"{t(k)} {machine[k]}" for k in MACHINE_KEYS if machine.get(k) not in (None, "")]
    return "; ".join(parts) or t("n/a")


def config_text(config: dict) -> str:
    """The resolved lab configuration as YAML, in its own key order."""
    import yaml

    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=False).strip() or "{}"
