"""The web app's text and HTML pieces: legend, regions table, out-of-distribution banner, Markdown escaping.

Plain functions of plain values (no Gradio, no torch), so that they are tested without a browser;
:mod:`visionlab.app` re-exports them.
"""

from __future__ import annotations

import html
from typing import Any

REGION_HEADERS = ["#", "label", "confidence", "unlike training?", "segment class", "area (px)", "box x0,y0,x1,y1"]
OOD_STYLE = "padding:6px 10px;border-radius:6px;margin:4px 0;"


def legend_html(entries: list[dict[str, Any]] | None) -> str:
    """A colour swatch, the class name and its share of the pixels per class present."""
    if not entries:
        return ""
    items = "".join(
        f'<li style="list-style:none;margin:2px 0"><span style="display:inline-block;width:14px;height:14px;margin-right:6px;'
        f'vertical-align:middle;border:1px solid #888;background:rgb{e["color"]}"></span>'
        f'<span class="vl-legend-name">{html.escape(e["name"])}</span> {100 * e["share"]:.1f}%</li>'
        for e in entries)
    return f'<div class="vl-legend"><strong>Legend</strong> (share of the pixels)<ul style="padding:0;margin:4px 0">{items}</ul></div>'


def _flag_word(flag: bool | None) -> str:
    return "" if flag is None else ("YES" if flag else "no")


def region_table(rows: list[dict[str, Any]] | None) -> list[list[Any]]:
    """Rows for the regions table (see :data:`REGION_HEADERS`)."""
    return [[i + 1, r["label"], f"{r['confidence']:.3f}", _flag_word(r.get("ood")), r["seg_class"], r["area"], ",".join(map(str, r["box"]))]
            for i, r in enumerate(rows or [])]


def regions_html(rows: list[dict[str, Any]] | None) -> str:
    """The regions as an HTML table (plain HTML: Gradio's Dataframe warns through pandas on every update)."""
    if rows is None:
        return ""
    if not rows:
        return "<p>No region above the minimum area.</p>"
    cell = 'style="padding:2px 8px;text-align:left;border-bottom:1px solid #8884"'
    head = "".join(f"<th {cell}>{html.escape(h)}</th>" for h in REGION_HEADERS)
    body = "".join("<tr>" + "".join(f"<td {cell}>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in region_table(rows))
    return f'<table class="vl-regions" style="border-collapse:collapse"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def ood_sentence(ood: dict[str, Any] | None, label: str | None = None) -> str:
    """One Markdown sentence on whether the image is like the training images.

    Args:
        ood: ``score``, ``flag``, ``threshold``, ``pass_rate`` of the image; None: the run has no reference.
        label: The predicted class, named in the warning.
    """
    if ood is None:
        return "This run has no out-of-distribution reference (it was trained before the flag existed): retrain it to get one."
    measure = (f"out-of-distribution score {ood['score']:.3f}, threshold {ood['threshold']:.3f}, "
               f"which {ood['pass_rate']:.0%} of the validation images pass")
    if ood["flag"]:
        guess = f"**{label}** is a guess" if label else "the label is a guess"
        return f"**Unlike the training images** ({measure}): {guess} among classes the image may not show."
    return f"Like the training images ({measure})."


def ood_html(ood: dict[str, Any] | None, label: str | None = None) -> str:
    """The banner beside the class probabilities: :func:`ood_sentence` as HTML, amber when the image is flagged."""
    if ood is None:
        return f'<div class="vl-ood vl-ood-none" style="{OOD_STYLE}border:1px solid #8884">{_bold(ood_sentence(None))}</div>'
    look = "background:#ffb02033;border:2px solid #d08000" if ood["flag"] else "border:1px solid #3a3"
    kind = "vl-ood-flagged" if ood["flag"] else "vl-ood-pass"
    return f'<div class="vl-ood {kind}" style="{OOD_STYLE}{look}">{_bold(ood_sentence(ood, label))}</div>'


def _bold(markdown: str) -> str:
    """``**x**`` as ``<strong>x</strong>``, everything else escaped."""
    parts = html.escape(markdown).split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))


def markdown_escape(text: str) -> str:
    """Backslash-escape Markdown's special characters (file names often hold ``_`` and ``*``)."""
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+-.!|" else c for c in text)
