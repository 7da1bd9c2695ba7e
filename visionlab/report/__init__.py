"""``visionlab report LAB``: the lab report (``report.html`` and ``report.md``) from a lab folder's own artefacts.

A lab folder is what ``visionlab lab CONFIG`` writes: ``LAB/lab.json`` (format ``visionlab-lab/1``)
names the stages that ran, with paths relative to ``LAB``, and each stage's folder holds the files
its command writes (metrics JSON, CSV tables, plots, galleries). The report has the sections of
the lab manual's report ("ЗМІСТ ЗВІТУ": topic and aim, problem statement, the course of the work,
results, conclusions), each with a stable ``id``:

    topic, problem, dataset, model, training, classification, gradcam, segmentation, comparison,
    pipeline, walkmap, distillation, questions, results, conclusions

It is written in English (the default) or Ukrainian, the manual's language (``write_report(lab,
"uk")``, ``visionlab report LAB --lang uk``, or ``lang: uk`` in the lab config): every sentence,
heading, caption and table label is an English template translated through
:mod:`~visionlab.report.i18n`, and the numbers are formatted before they are put in, so both
languages state the same numbers.

The package's parts:

* :mod:`~visionlab.report.document`: the blocks (paragraphs, tables, galleries...), the
  :class:`Lab` state the sections fill, number formatting and pictures.
* :mod:`~visionlab.report.sections`: one module per lab stage, each turning that stage's files
  into blocks; :data:`SECTIONS` lists them in order.
* :mod:`~visionlab.report.html` and :mod:`~visionlab.report.markdown`: the two renderers, one
  function per block type.
* :mod:`~visionlab.report.write`: :func:`write_report`, which builds and writes it all.

Decisions:

* **Only artefacts.** Every number, table and picture comes from a file of the lab folder. A
  stage absent from ``lab.json`` gives its section a "not run" note saying which name to add to
  the config's ``stages:`` list. A stage that is listed but whose file is missing is an error naming that file
  (:class:`RunFolderError`), never a silently thinner report. Two things are computed at report
  time, from the lab's own files: the augmentation preview (the classification run's training
  augmentation from its ``config.json`` applied to one training image with a fixed seed, so the
  same lab gives the same picture) and the classifier's parameter counts (the best checkpoint
  rebuilt, with the run's ``mode`` applied to decide what is trainable).
* **Sentences state measurements.** Each sentence is a template filled with numbers read from
  the artefacts. Nothing is called good or bad; a comparison ("higher", "lower", "faster") is
  only written next to the two numbers it compares, and is computed from them. The topic and
  the problem statement restate ``lab.json`` (the variant, its classes, the data's source, the
  planned and skipped stages); the results table collects the headline numbers the sections
  measured, each citing its section, and the conclusions the sentences of every section that ran.
* **Self-contained HTML.** Images are embedded as base64 ``data:`` URIs, the CSS is inline and
  there is no script, font or link to fetch (a Content-Security-Policy ``meta`` allows ``data:``
  images and inline style only), so ``report.html`` opens from disk offline and can be sent as
  one file. ``report.md`` has the same sections and tables, with the images as
  relative links into ``report_files/`` (the same PNG files), for students who write their
  report in a document editor.
* **Size.** Pictures are downscaled (figures to at most 1400 px wide, thumbnails to 128 px) and
  re-encoded as PNG (lossless: plots keep sharp text); galleries hold at most :data:`GALLERY_MAX`
  images and example sets :data:`EXAMPLES_MAX`. The main job's report (400 scenes, every stage)
  is about 2.7 MB of HTML with 40 pictures, well under the 15 MB aim.
* **Atomic.** The whole report is built in memory first; then ``report_files/`` is written to a
  temporary folder and swapped in by renames, and the two documents are written with
  :func:`atomic_write`. A failure while reading the artefacts leaves any previous report as it was.
"""

from __future__ import annotations

from visionlab.report.document import (
    EXAMPLES_MAX,
    GALLERY_MAX,
    Block,
    Bullets,
    Details,
    Gallery,
    Heading,
    Lab,
    Note,
    Para,
    Picture,
    Pre,
    Section,
    Table,
    evenly,
    num,
    plural,
    times,
)
from visionlab.report.html import html_block, render_html
from visionlab.report.markdown import md_block, render_markdown
from visionlab.report.sections import SECTIONS, build_sections, not_run_text
from visionlab.report.sections.pipeline import walkmap_section
from visionlab.report.write import format_summary, write_report

__all__ = [
    "EXAMPLES_MAX", "GALLERY_MAX", "SECTIONS", "Block", "Bullets", "Details", "Gallery", "Heading", "Lab", "Note", "Para", "Picture",
    "Pre", "Section", "Table", "build_sections", "evenly", "format_summary", "html_block", "md_block", "not_run_text", "num", "plural",
    "render_html", "render_markdown", "times", "walkmap_section", "write_report",
]
