"""The report's header: the lab's variant, classes, times, machine and resolved configuration."""

from __future__ import annotations

from visionlab.data.variants import get_variant
from visionlab.report.document import Block, Details, Lab, Pre, Table, num
from visionlab.report.sections.provenance import provenance_blocks


def header_blocks(lab: Lab) -> list[Block]:
    """The lab at a glance (from ``lab.json``), the stages with their times, and the configuration."""
    m = lab.manifest
    machine = m.get("machine") or {}
    total = "n/a (the lab did not finish)" if m.get("seconds") is None else f"{num(m['seconds'], 1)} s"
    rows = [["variant", variant_text(m)], ["classes", ", ".join(m.get("classes") or []) or "n/a"],
            ["started", str(m.get("started", "n/a"))], ["total time", total], ["machine", machine_line(machine)]]
    stages = [[name, num(entry.get("seconds"), 1)] for name, entry in (m.get("stages") or {}).items()]
    blocks: list[Block] = [Table(["", ""], rows)]
    if stages:
        blocks.append(Table(["stage", "seconds"], stages, "Stages that ran, in order, with their wall-clock time."))
    blocks += provenance_blocks(lab)
    blocks.append(Details("Lab configuration (as resolved by the lab runner)", [Pre(config_text(m.get("config") or {}))]))
    return blocks


def variant_text(manifest: dict) -> str:
    """The lab's variant: the manual's number, name and title when it is one of the catalogue's, else its name."""
    name = str(manifest.get("variant", "n/a"))
    number = (manifest.get("config") or {}).get("variant_number")
    if number is None:
        return name
    v = get_variant(number)
    return f"{v.number} of the manual: {v.title} ({v.title_uk}); {name}"


def machine_line(machine: dict) -> str:
    """The manifest's machine record in one line (``platform ...; device cpu; threads 2``)."""
    parts = [f"{k} {machine[k]}" for k in ("platform", "processor", "device", "threads", "torch") if machine.get(k) not in (None, "")]
    return "; ".join(parts) or "n/a"


def config_text(config: dict) -> str:
    """The resolved lab configuration as YAML, in its own key order."""
    import yaml

    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True, default_flow_style=False).strip() or "{}"
