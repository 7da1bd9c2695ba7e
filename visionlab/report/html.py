"""The report as one self-contained HTML page: inline CSS, images as ``data:`` URIs, no script.

Each block type has one renderer, registered on :func:`html_block`; adding a block type to
:mod:`visionlab.report.document` means registering one function here (and one in
:mod:`visionlab.report.markdown`).

The page is plain string assembly rather than a Jinja2 template: it is one line of markup, and
Jinja2's autoescape writes quotes as ``&#34;``/``&#39;`` where :func:`html.escape` writes
``&quot;``/``&#x27;``, so a template would have to bypass its own escaping to keep the page as it is.
"""

from __future__ import annotations

import base64
import html
import re
from functools import singledispatch
from typing import Any

from visionlab.report.document import Block, Bullets, Details, Gallery, Heading, Lab, Note, Para, Picture, Pre, Section, Table
from visionlab.report.i18n import Translator

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;background:#f4f5f7;color:#1d1f23;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff;box-shadow:0 0 12px rgba(0,0,0,.06)}
h1{margin:0 0 6px;font-size:1.9em}h2{margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid #d8dbe0;font-size:1.45em}
h3{margin:22px 0 8px;font-size:1.12em}
nav ol{columns:2;margin:6px 0 0;padding-left:22px}nav a{color:#1a56a8;text-decoration:none}
figure.table{margin:8px 0 14px}.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.92em}
th,td{border:1px solid #d4d7dc;padding:4px 9px;text-align:left;vertical-align:top}th{background:#eef0f3}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:0 0 12px}figcaption{color:#5b6069;font-size:.86em;margin-top:3px}
img{max-width:100%;height:auto;display:block;border:1px solid #e2e4e8}.fill img{width:100%}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px;align-items:start}
.note{background:#fff7e0;border-left:4px solid #e0a800;padding:8px 12px;margin:8px 0}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:10px;overflow-x:auto;font-size:.85em}
details{margin:8px 0}summary{cursor:pointer;color:#1a56a8}
section.not-run h2{color:#70757e}
"""

# Only images from data: URIs and the inline style: the page fetches nothing.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

NUMERIC = re.compile(r"^[-+]?[\d,]*\.?\d+(?:[eE][-+]?\d+)?(?: ?[%×s])?$")


def h(text: Any) -> str:
    """``text`` escaped for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def data_uri(pic: Picture) -> str:
    """The picture as a base64 ``data:image/png`` URI."""
    return "data:image/png;base64," + base64.b64encode(pic.data).decode("ascii")


# --- blocks --------------------------------------------------------------------------------------

@singledispatch
def html_block(block: Block) -> str:
    """The HTML of one block (dispatched on its type).

    Raises:
        TypeError: No renderer is registered for the block's type.
    """
    raise TypeError(f"unknown block {type(block).__name__}")


def html_blocks(blocks: list[Block]) -> str:
    """The HTML of several blocks, one after the other."""
    return "".join(html_block(b) for b in blocks)


@html_block.register
def _para(block: Para) -> str:
    return f"<p>{h(block.text)}</p>"


@html_block.register
def _note(block: Note) -> str:
    return f'<p class="note">{h(block.text)}</p>'


@html_block.register
def _heading(block: Heading) -> str:
    return f"<h3>{h(block.text)}</h3>"


@html_block.register
def _pre(block: Pre) -> str:
    return f"<pre>{h(block.text)}</pre>"


@html_block.register
def _bullets(block: Bullets) -> str:
    return "<ul>" + "".join(f"<li>{h(x)}</li>" for x in block.items) + "</ul>"


@html_block.register
def _details(block: Details) -> str:
    return f"<details><summary>{h(block.summary)}</summary>" + html_blocks(block.blocks) + "</details>"


@html_block.register
def html_table(t: Table) -> str:
    """A table with its caption below; numbers right-aligned except in two-column (name, value) tables."""
    align = len(t.header) > 2
    head = "" if not any(t.header) else "<thead><tr>" + "".join(f"<th>{h(x)}</th>" for x in t.header) + "</tr></thead>"
    body = "".join("<tr>" + "".join(f'<td class="n">{h(x)}</td>' if align and NUMERIC.match(str(x)) else f"<td>{h(x)}</td>"
                                    for x in row) + "</tr>" for row in t.rows)
    caption = f"<figcaption>{h(t.caption)}</figcaption>" if t.caption else ""
    return f'<figure class="table"><div class="scroll"><table>{head}<tbody>{body}</tbody></table></div>{caption}</figure>'


@html_block.register
def html_gallery(block: Gallery) -> str:
    """Pictures in a grid: ``columns`` per line, or as many as fit at about 250 px each when it is 0."""
    figures = "".join(html_figure(p) for p in block.pictures)
    cols = f' style="grid-template-columns:repeat({block.columns},minmax(0,1fr))"' if block.columns else ""
    fill = "" if block.columns == 1 else " fill"  # several per line: small pictures grow to the column width
    return f'<div class="gallery{fill}"{cols}>{figures}</div>'


def html_figure(p: Picture) -> str:
    """One embedded picture with its caption."""
    return (f'<figure><img src="{data_uri(p)}" width="{p.width}" height="{p.height}" alt="{h(p.caption or p.name)}">'
            f"<figcaption>{h(p.caption)}</figcaption></figure>")


# --- the page ------------------------------------------------------------------------------------

def html_section(s: Section) -> str:
    """One section with its anchor ``id``; a section whose stage did not run is marked ``not-run``."""
    return f'<section id="{s.id}" class="{"ran" if s.ran else "not-run"}"><h2>{h(s.title)}</h2>' + html_blocks(s.blocks) + "</section>"


def html_contents(t: Translator, sections: list[Section]) -> str:
    """The table of contents: a link to every section, ``(not run)`` after those that did not run."""
    not_run = " " + t("(not run)")
    items = "".join(f'<li><a href="#{s.id}">{h(s.title)}</a>{h(not_run) if not s.ran else ""}</li>' for s in sections)
    return f"<nav><h2>{h(t('Contents'))}</h2><ol>{items}</ol></nav>"


def render_html(lab: Lab, sections: list[Section], header: list[Block]) -> str:
    """The whole page in the lab's language: head (CSP, inline CSS), header blocks, contents, sections and footer."""
    t = lab.t
    title = h(t("Lab report: {variant}", variant=lab.manifest.get("variant", lab.root.name)))
    footer = f"<footer><p>{h(t('Written by visionlab report from the files of this lab folder.'))}</p></footer>"
    head = (f'<html lang="{h(t.lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f"<title>{title}</title><style>{CSS}</style></head>")
    body = (f"<body><main><header><h1>{title}</h1>{html_blocks(header)}</header>"
            + html_contents(t, sections) + "".join(html_section(s) for s in sections) + f"{footer}</main></body></html>\n")
    return "<!DOCTYPE html>\n" + head + body
