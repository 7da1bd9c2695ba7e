"""The report's opening sections, as the manual's report begins: the topic and aim, and the problem statement (the variant).

Both restate ``lab.json``: the variant (the manual's catalogue entry when the lab is one of its 25),
the two classes, where the images came from, and the plan the lab runner made (the stages it
meant to run and those it skipped, with why).
"""

from __future__ import annotations

from visionlab.report.document import Block, Bullets, Lab, Para, Table
from visionlab.report.i18n import Translator
from visionlab.report.sections.common import STUDIES_FIX
from visionlab.report.sections.header import variant_title
from visionlab.report.sections.provenance import images_text, skipped_stages

# What each stage sets out to do, one line each for the aim (the classes are filled in).
AIMS = {
    "classify": "train an image classifier that tells {a} from {b}, and measure it on images it did not train on",
    "explain": "see where the classifier looks: Grad-CAM heatmaps, measured against the objects and by deleting their pixels",
    "segment": "segment the images pixel by pixel and score the segmenter with IoU",
    "experiment": "compare a segmenter with a pretrained encoder against the same network trained from scratch",
    "compare": "compare the classifier's heatmaps with the regions the segmenter finds",
    "pipeline": "chain the two models: segment each image, cut out its regions and classify each region",
    "walkmap": "turn the segmentation of game scenes into maps of the tiles a character can stand on",
    "distill": "distil the segmenter into a smaller student and measure its speed and quality against the teacher",
    "studies": "answer control questions of the manual with experiments on the same data: {studies}",
}


def planned_stages(lab: Lab) -> list[str]:
    """The stages the lab meant to run: the plan's (``lab.json``), else those the manifest records; the data stage left out."""
    plan = lab.manifest.get("plan") or {}
    stages = list(plan.get("stages") or [s for s in (lab.manifest.get("stages") or {}) if s != "data"])
    studies = (lab.manifest.get("config") or {}).get("studies") or []
    if (studies or lab.stage("studies")) and "studies" not in stages:
        stages.append("studies")
    return stages


def variant_line(t: Translator, manifest: dict) -> str:
    """The variant as the problem statement names it: the manual's number and title, else the lab's own name."""
    number = (manifest.get("config") or {}).get("variant_number")
    if number is None:
        return t("{name} (the lab's own variant, not one of the manual's)", name=manifest.get("variant") or t("n/a"))
    return t("variant {number} of the manual: {title}", number=number, title=variant_title(t, number))


def class_pair(t: Translator, manifest: dict) -> tuple[str, str]:
    """The lab's first two classes (``n/a`` where the manifest has none yet)."""
    classes = list(manifest.get("classes") or (manifest.get("config") or {}).get("classes") or [])
    classes += [t("n/a")] * (2 - len(classes))
    return classes[0], classes[1]


def topic_section(lab: Lab) -> list[Block]:
    """The topic (supervised computer vision on the lab's variant) and the aim: what each planned stage sets out to do."""
    t = lab.t
    a, b = class_pair(t, lab.manifest)
    studies = ", ".join((lab.manifest.get("config") or {}).get("studies") or []) or t("none listed")
    topic = t("Topic: supervised learning in computer vision, from image classification to semantic segmentation, on {variant}: "
              "the classes {a} and {b}.", variant=variant_line(t, lab.manifest), a=a, b=b)
    aims = [t(AIMS[s], a=a, b=b, studies=studies) for s in planned_stages(lab) if s in AIMS]
    blocks: list[Block] = [Para(topic)]
    if aims:
        blocks += [Para(t("Aim: the stages this lab planned, each with what it sets out to do:")), Bullets(aims)]
    return blocks


def problem_section(lab: Lab) -> list[Block]:
    """The student's variant: its number and title, the two classes, the images, and the stages planned, run and skipped."""
    t = lab.t
    m = lab.manifest
    config = m.get("config") or {}
    a, b = class_pair(t, m)
    ran = [s for s in (m.get("stages") or {}) if s != "data"]
    planned = planned_stages(lab)
    rows = [[t("variant"), variant_line(t, m)], [t("classes"), ", ".join(m.get("classes") or config.get("classes") or []) or t("n/a")],
            [t("images"), images_text(t, config, (lab.stage("data") or {}).get("classify_data"))]]
    folder = (lab.stage("data") or {}).get("classify_data")
    if folder:
        rows.append([t("image folder (data stage)"), f"{folder}/"])
    rows += [[t("stages planned"), ", ".join(planned) or t("none")], [t("stages run"), ", ".join(ran) or t("none")]]
    not_run = [s for s in planned if s not in ran]
    if not_run:
        rows.append([t("planned but not run (yet)"), ", ".join(not_run)])
    skipped = skipped_stages(lab)
    rows += [[t("skipped: {stage}", stage=k), t("{reason}; to run it: {fix}", reason=t(v["reason"]), fix=t(v["fix"]))]
             for k, v in skipped.items()]
    studies = config.get("studies") or []
    if studies:
        rows.append([t("control-question studies"), ", ".join(studies)])
    elif "studies" not in planned:
        rows.append([t("control-question studies"), t("none (add {line} to the lab config to run them)", line=STUDIES_FIX)])
    task = t("The task: a classifier that assigns every image one of two classes, {a} or {b}, trained and measured on {images}; the "
             "other stages the lab planned build on it and are listed below.", a=a, b=b, images=images_text(t, config, folder))
    return [Para(task), Table(["", ""], rows, t("The problem as lab.json records it (the config and the plan the lab runner made)."))]
