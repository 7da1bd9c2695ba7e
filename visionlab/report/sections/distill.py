"""The distillation section: the teacher segmenter beside its distilled student (speed, size, quality)."""

from __future__ import annotations

from visionlab.report.document import Block, Gallery, Lab, Para, Table, file_picture, num


def distillation_section(lab: Lab) -> list[Block]:
    """The distill run's comparison (``distill/comparison.json``): timings per runtime and batch, size and agreement."""
    from visionlab.distill import BATCHES, RUNTIMES, speed_sentence

    out = lab.run("distill").path / "distill"  # where visionlab distill writes its comparison
    r = lab.json(out / "comparison.json", "distill")
    runtimes = r.get("runtimes", ["pytorch"])
    rows = [[x["role"], x["model"], x["input"], *[num(x.get(f"ms_batch{b}_{rt}"), 1) for rt in runtimes for b in BATCHES], f"{x['parameters']:,}",
             num((x.get("file_bytes") or x["tensor_bytes"]) / 2**20, 2), num(x.get("miou_ground_truth")), num(x["agreement_with_teacher"])]
            for x in r["rows"]]
    table = Table(["role", "model", "input", *[f"{RUNTIMES[rt]} ms/image batch {b}" for rt in runtimes for b in BATCHES], "parameters",
                   "file MB", "mIoU (ground truth)", "agreement with teacher (mIoU)"], rows,
                  f"{r.get('timing', 'Network forward only, medians of repetitions')}, {r.get('threads')} threads; PyTorch with folded "
                  f"batch norms and autocast {r.get('amp')}, ONNX Runtime fp32; agreement on {r.get('images')} images"
                  + (f"; ground truth on {r['test_images']} test images." if r.get("test_images") else "."))
    text = comparison_sentence(r, speed_sentence(r).rstrip("."))
    lab.fact("distillation", text + ".")
    pic = file_picture(lab, out / "comparison.png", "distill", "distillation_comparison", "Speed, size and quality, teacher beside student.")
    return [Para(text + "."), table, Gallery([pic], columns=1)]


def comparison_sentence(r: dict, speed: str) -> str:
    """``speed`` followed by the student's parameters, test mIoU and agreement against the teacher's."""
    roles = {x["role"]: x for x in r["rows"]}
    t, s = roles.get("teacher"), roles.get("student")
    text = speed
    if t and s:
        text += f"; parameters {s['parameters']:,} against {t['parameters']:,}"
        if s.get("miou_ground_truth") is not None and t.get("miou_ground_truth") is not None:
            text += (f"; test mIoU {num(s['miou_ground_truth'])} against {num(t['miou_ground_truth'])} "
                     f"(student/teacher {num(r.get('quality_ratio'), 3)})")
        text += f"; agreement with the teacher {num(s['agreement_with_teacher'])}"
    return text
