"""The report as Markdown: the same sections and tables, with the pictures as links into ``report_files/``.

Each block type has one renderer, registered on :func:`md_block`.
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from visionlab.report.document import Block, Bullets, Details, Gallery, Heading, Lab, Note, Para, Picture, Pre, Section, Table
from visionlab.runs import REPORT_FILES


def md_escape(text: Any) -> str:
    """``text`` for one table cell or link text: pipes escaped, newlines as spaces."""
    return str(text).replace("|", "\\|").replace("\n", " ")


@singledispatch
def md_block(block: Block) -> str:
    """The Markdown of one block (dispatched on its type).

    Raises:
        TypeError: No renderer is registered for the block's type.
    """
    raise TypeError(f"unknown block {type(block).__name__}")


@md_block.register
def _para(block: Para) -> str:
    return block.text


@md_block.register
def _note(block: Note) -> str:
    return f"> {block.text}"


@md_block.register
def _heading(block: Heading) -> str:
    return f"### {block.text}"


@md_block.register
def _pre(block: Pre) -> str:
    return f"```\n{block.text}\n```"


@md_block.register
def _bullets(block: Bullets) -> str:
    return "\n".join(f"- {x}" for x in block.items)


@md_block.register
def _details(block: Details) -> str:
    return f"**{block.summary}**\n\n" + "\n\n".join(md_block(b) for b in block.blocks)


@md_block.register
def md_table(block: Table) -> str:
    """A pipe table; an empty header cell becomes a space, the caption follows in italics."""
    lines = ["| " + " | ".join(md_escape(x) or " " for x in block.header) + " |", "|" + "---|" * len(block.header)]
    lines += ["| " + " | ".join(md_escape(x) for x in row) + " |" for row in block.rows]
    return "\n".join(lines) + (f"\n\n*{block.caption}*" if block.caption else "")


@md_block.register
def md_gallery(block: Gallery) -> str:
    """The pictures one below the other, each with its caption."""
    return "\n\n".join(md_picture(p) for p in block.pictures)


def md_picture(p: Picture) -> str:
    """An image link into ``report_files/``, and its caption in italics when it has one."""
    if p.caption:
        return f"![{md_escape(p.caption)}]({REPORT_FILES}/{p.name})\n\n*{p.caption}*"
    return f"![{p.name}]({REPORT_FILES}/{p.name})"


def render_markdown(lab: Lab, sections: list[Section], header: list[Block]) -> str:
    """The whole document in the lab's language: title, header blocks, a numbered contents list, and the sections."""
    t = lab.t
    title = t("Lab report: {variant}", variant=lab.manifest.get("variant", lab.root.name))
    not_run = " " + t("(not run)")
    parts = [f"# {title}", *[md_block(b) for b in header], f"## {t('Contents')}",
             "\n".join(f"{i}. {s.title}{not_run if not s.ran else ''}" for i, s in enumerate(sections, 1))]
    for s in sections:
        parts.append(f"## {s.title}")
        parts += [md_block(b) for b in s.blocks]
    return "\n\n".join(parts) + "\n"
