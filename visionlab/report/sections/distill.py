"""The distillation section: the teacher segmenter beside its distilled student (speed, size, quality)."""

from __future__ import annotations

import re

from visionlab.report.document import Block, Gallery, Lab, Para, Table, file_picture, num
from visionlab.report.i18n import Translator

# How visionlab distill words its timing method in comparison.json; the report rewrites it with these numbers in its own language.
TIMING = re.compile(r"Network forward only; medians of (\d+) \(batch 1\) and (\d+) \(batch 8\) rounds of up to (\d+) forwards per model, "
                    r"runtime by runtime")


def distillation_section(lab: Lab) -> list[Block]:
    """The distill run's comparison (``distill/comparison.json``): timings per runtime and batch, size and agreement."""
    from visionlab.distill import BATCHES, RUNTIMES

    t = lab.t
    out = lab.run("distill").path / "distill"  # where visionlab distill writes its comparison
    r = lab.json(out / "comparison.json", "distill")
    runtimes = r.get("runtimes", ["pytorch"])
    rows = [[t(x["role"]), x["model"], x["input"], *[num(x.get(f"ms_batch{b}_{rt}"), 1) for rt in runtimes for b in BATCHES],
             f"{x['parameters']:,}", num((x.get("file_bytes") or x["tensor_bytes"]) / 2**20, 2), num(x.get("miou_ground_truth")),
             num(x["agreement_with_teacher"])]
            for x in r["rows"]]
    caption = t("{timing}, {threads} threads; PyTorch with folded batch norms and autocast {amp}, ONNX Runtime fp32; agreement on {images} "
                "images", timing=timing_text(t, r.get("timing")), threads=r.get("threads"), amp=r.get("amp"), images=r.get("images"))
    caption += t("; ground truth on {n} test images.", n=r["test_images"]) if r.get("test_images") else "."
    header = [t("role"), t("model"), t("input"), *[t("{runtime} ms/image batch {batch}", runtime=RUNTIMES[rt], batch=b)
                                                   for rt in runtimes for b in BATCHES],
              t("parameters"), t("file MB"), t("mIoU (ground truth)"), t("agreement with teacher (mIoU)")]
    text = comparison_sentence(t, r, speed_text(t, r, BATCHES, RUNTIMES))
    lab.fact("distillation", text + ".")
    for b in BATCHES:
        if r.get(f"speedup_batch{b}") is not None:
            lab.result("distillation", t("speed-up of the student at batch {batch} (each model in its faster runtime)", batch=b),
                       f"{r[f'speedup_batch{b}']:.2f}×")
    if r.get("quality_ratio") is not None:
        lab.result("distillation", t("student/teacher test mIoU"), num(r["quality_ratio"], 3))
    pic = file_picture(lab, out / "comparison.png", "distill", "distillation_comparison", t("Speed, size and quality, teacher beside student."))
    return [Para(text + "."), Table(header, rows, caption), Gallery([pic], columns=1)]


def timing_text(t: Translator, timing: str | None) -> str:
    """How the models were timed, from comparison.json's ``timing`` (older files: a general phrase)."""
    if not timing:
        return t("Network forward only, medians of repetitions")
    match = TIMING.fullmatch(timing)
    if match is None:
        return t(timing)
    return t("Network forward only; medians of {rounds1} (batch 1) and {rounds8} (batch 8) rounds of up to {forwards} forwards per "
             "model, runtime by runtime", rounds1=match[1], rounds8=match[2], forwards=match[3])


def speed_text(t: Translator, r: dict, batches: tuple[int, ...], runtimes: dict[str, str]) -> str:
    """How much faster the student is, each model in its faster runtime and within each runtime (no final full stop)."""
    roles = {x["role"]: x for x in r["rows"]}

    def runtime(role: str, b: int) -> str:
        return runtimes.get(roles[role].get(f"runtime_batch{b}") or "", "PyTorch")

    best = ", ".join(t("{speedup}x at batch {batch} (teacher {teacher}, student {student})", speedup=f"{r[f'speedup_batch{b}']:.2f}",
                       batch=b, teacher=runtime("teacher", b), student=runtime("student", b)) for b in batches)
    within = "; ".join(t("within {runtime} {batch1}x and {batch8}x", runtime=runtimes[rt], batch1=f"{r[f'speedup_batch1_{rt}']:.2f}",
                         batch8=f"{r[f'speedup_batch8_{rt}']:.2f}")
                       for rt in r.get("runtimes", []) if f"speedup_batch1_{rt}" in r)
    text = t("Speed-up of the student, each model in its faster runtime: {best}", best=best)
    return f"{text}; {within}" if within else text


def comparison_sentence(t: Translator, r: dict, speed: str) -> str:
    """``speed`` followed by the student's parameters, test mIoU and agreement against the teacher's."""
    roles = {x["role"]: x for x in r["rows"]}
    teacher, student = roles.get("teacher"), roles.get("student")
    text = speed
    if teacher and student:
        text += t("; parameters {student} against {teacher}", student=f"{student['parameters']:,}", teacher=f"{teacher['parameters']:,}")
        if student.get("miou_ground_truth") is not None and teacher.get("miou_ground_truth") is not None:
            text += t("; test mIoU {student} against {teacher} (student/teacher {ratio})", student=num(student["miou_ground_truth"]),
                      teacher=num(teacher["miou_ground_truth"]), ratio=num(r.get("quality_ratio"), 3))
        text += t("; agreement with the teacher {agreement}", agreement=num(student["agreement_with_teacher"]))
    return text
