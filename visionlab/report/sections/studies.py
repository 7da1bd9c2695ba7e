"""The "Control questions" section: each study the lab ran, with its question, table, plots and measured outcome."""

from __future__ import annotations

from visionlab.report.document import Block, Gallery, Heading, Lab, Para, Table, file_picture, num

STUDY_FILE = "study.json"  # visionlab.studies.STUDY_FILE (the report does not import the studies' torch code)

# a plot's caption by its file name (the studies' plots; another file is captioned with its study's name)
PLOT_CAPTIONS = {
    "freezing.png": "validation accuracy of each arm",
    "learning_curve.png": "learning curve: validation accuracy against training images per class",
    "augmentation.png": "accuracy per epoch of each arm",
    "schedule.png": "learning rate and accuracy per epoch",
    "batch_size.png": "training loss and accuracy per epoch",
    "cam_layers.png": "one image's Grad-CAM at every stage",
    "class_visualisation.png": "the input that maximises each class's score",
    "adversarial_accuracy.png": "accuracy against epsilon",
    "adversarial_example.png": "image, perturbation (made visible) and adversarial image",
    "adversarial_gradcam.png": "Grad-CAM before and after the attack",
}


def control_questions_section(lab: Lab) -> list[Block]:
    """One part per study in ``LAB/studies/<name>/study.json``, in the order the lab ran them.

    Raises:
        RunFolderError: A study the manifest lists has no ``study.json`` or a plot it names is missing.
    """
    entry = lab.stage("studies") or {}
    root = lab.stage_path("studies", "dir")
    blocks: list[Block] = [Para(lab.t("Each question of the lab manual below is answered by an experiment on this lab's data: "
                                      "a table of what was measured, its plot, and one sentence restating the outcome."))]
    for name in entry.get("names") or []:
        record = lab.json(root / name / STUDY_FILE, "studies")
        blocks += study_blocks(lab, record, root / name)
    return blocks


def study_blocks(lab: Lab, record: dict, folder) -> list[Block]:
    """A study's heading (its question), setup, table, plots and outcome; the outcome is kept for the conclusions."""
    question = record["question"].get(lab.t.lang) or record["question"]["en"]
    blocks: list[Block] = [Heading(f"{record['questions']}: {question}")]
    if record["setup"]["template"]:
        blocks.append(Para(lab.t(record["setup"]["template"], **record["setup"]["values"])))
    header = [lab.t(h) for h in record["table"]["header"]]
    seconds = [h == "seconds" for h in record["table"]["header"]]  # times to a tenth, not to 4 decimals
    rows = [[num(c, 1) if s and isinstance(c, float) else cell_text(lab, c) for c, s in zip(row, seconds)] for row in record["table"]["rows"]]
    blocks.append(Table(header, rows, lab.t("{study}: study.json, measured in {seconds} s.", study=record["study"],
                                            seconds=num(record["seconds"], 1))))
    pics = [file_picture(lab, folder / p, "studies", f"study_{record['study']}_{p.rsplit('.', 1)[0]}",
                         lab.t(PLOT_CAPTIONS[p]) if p in PLOT_CAPTIONS else lab.t(record["study"]))
            for p in record["plots"]]
    if pics:
        blocks.append(Gallery(pics, columns=1 if len(pics) == 1 else 2))
    outcome = lab.t(record["outcome"]["template"], **record["outcome"]["values"])
    blocks.append(Para(outcome))
    lab.fact("questions", outcome)
    return blocks


def cell_text(lab: Lab, value: object) -> str:
    """A table cell: numbers with 4 decimals (integers as they are); words translated, identifiers (layer names, sizes) as they are."""
    if isinstance(value, float) and 0 < abs(value) < 1e-3:
        return f"{value:.3g}"  # a decayed learning rate is not 0.0000
    if value is None or isinstance(value, (int, float)):
        return num(value)
    text = str(value)
    return lab.t(text) if text in lab.t.table else text
