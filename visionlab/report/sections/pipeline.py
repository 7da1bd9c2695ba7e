"""The pipeline and walkmap sections: segment-then-classify on game-world scenes, and the walkable tiles."""

from __future__ import annotations

from pathlib import Path

from visionlab.report.document import EXAMPLES_MAX, Block, Gallery, Heading, Lab, Note, Para, Table, file_picture, num, plural, read_csv, short_name
from visionlab.report.i18n import Translator


def yes_no(t: Translator, value: object) -> str:
    """A setting's value; a boolean as the report's word for it (``True`` in English)."""
    return t(str(value)) if isinstance(value, bool) else str(value)


def pipeline_images_text(lab: Lab) -> str | None:
    """Which images the pipeline ran on, from the plan and the config (the lab runner's rule); None for labs without a plan."""
    t = lab.t
    plan = lab.manifest.get("plan")
    images = (lab.stage("pipeline") or {}).get("images")
    if plan is None or not images:
        return t(images) if images else None
    if plan.get("segmenter") == "game_world":
        return t("new game-world scenes")
    extra = ((lab.manifest.get("config") or {}).get("pipeline") or {}).get("images")
    return t("the validation images and {folder}", folder=extra) if extra else t("the validation images")


def pipeline_section(lab: Lab) -> list[Block]:
    """What the pipeline found (``summary.json``), its scores against the true characters, and annotated images."""
    t = lab.t
    folder = lab.stage_path("pipeline", "dir")
    s = lab.json(folder / "summary.json", "pipeline")
    seg = s.get("segmenter")
    seg_name = seg.get("name") if isinstance(seg, dict) else seg
    o = s.get("options") or {}
    rows = [[t("images"), num(s["n_images"])], [t("regions classified"), num(s["regions"])],
            [t("labels"), ", ".join(f"{k} {v}" for k, v in s["label_counts"].items()) or t("none")],
            [t("regions under the minimum area (skipped)"), t("{n} (min area {area} px)", n=num(s["skipped_small"]), area=o.get("min_area"))],
            [t("images without regions"), num(s["images_without_regions"])],
            [t("speed"), t("{rate} images/s ({seconds} s)", rate=num(s.get("images_per_second"), 2), seconds=num(s.get("seconds"), 1))],
            [t("segmentation classes cut into regions"), ", ".join(s.get("classes") or [])],
            [t("touching objects split"), yes_no(t, o.get("split_touching"))]]
    arch = f" ({seg['arch']}/{seg['encoder']})" if isinstance(seg, dict) and seg.get("arch") else ""
    classes = s.get("classes") or []
    cut = "/".join(classes) if len(classes) <= 3 else t("object ({n} classes)", n=len(classes))
    images = pipeline_images_text(lab)
    fields = {"segmenter": short_name(lab, seg_name) + arch, "cut": cut, "classifier": short_name(lab, s.get("classifier"))}
    if images:
        text = t("Each image ({images}) is segmented by {segmenter}, every {cut} region is cut out and classified by the classifier "
                 "{classifier}.", images=images, **fields)
    else:
        text = t("Each image is segmented by {segmenter}, every {cut} region is cut out and classified by the classifier {classifier}.", **fields)
    blocks: list[Block] = [Para(text), Table(["", ""], rows)]
    blocks += found_table(lab.t, folder)
    blocks += pipeline_scores(lab, s)
    return blocks + pipeline_figures(lab, folder, s)


def found_table(t: Translator, folder: Path) -> list[Block]:
    """What the pipeline found, from ``regions.csv``: regions per segmentation class, their labels and mean confidence."""
    path = folder / "regions.csv"
    if not path.is_file():
        return []
    groups: dict[tuple[str, str], list[float]] = {}
    for r in read_csv(path):
        groups.setdefault((r["seg_class"], r["label"]), []).append(float(r["confidence"]))
    if not groups:
        return []
    rows = [[seg, label, num(len(c)), num(sum(c) / len(c), 3)] for (seg, label), c in sorted(groups.items(), key=lambda kv: -len(kv[1]))]
    return [Table([t("segmented as"), t("classified as"), t("regions"), t("mean confidence")], rows,
                  t("Regions per segmentation class and the classifier's label, with the label's mean probability."))]


def pipeline_scores(lab: Lab, s: dict) -> list[Block]:
    """The pipeline's scores against the scenes' true character instances, when it was scored."""
    t = lab.t
    sc = s.get("scores") or {}
    if not sc:
        lab.fact("pipeline", t("Pipeline on {images}: {regions} classified.", images=plural(s["n_images"], "image", t),
                               regions=plural(s["regions"], "region", t)))
        lab.result("pipeline", t("regions classified (not scored: no ground truth for these images)"), num(s["regions"]))
        return [Note(t("Not scored: these images come with no ground truth of their objects (only game-world scenes do), so the "
                       "tables above count what the pipeline found and claim no accuracy."))]
    lab.fact("pipeline", t("Pipeline on {scenes} ({characters}): region recall {recall}, precision {precision}, label accuracy {label}, "
                           "exact-count accuracy {exact}.", scenes=plural(sc["scored_images"], "scene", t),
                           characters=plural(sc["true_objects"], "character", t), recall=num(sc["region_recall"], 3),
                           precision=num(sc["region_precision"], 3), label=num(sc["label_accuracy"], 3), exact=num(sc["exact_count_accuracy"], 3)))
    for measure, key in (("region recall", "region_recall"), ("region precision", "region_precision"),
                         ("label accuracy of matched regions", "label_accuracy"), ("exact-count accuracy", "exact_count_accuracy")):
        lab.result("pipeline", t(measure), num(sc[key], 3))
    blocks: list[Block] = [Table([t("score"), t("value")],
                  [[t("scored images"), num(sc["scored_images"])], [t("true objects"), num(sc["true_objects"])],
                   [t("matched regions (IoU ≥ 0.5)"), num(sc["matched"])], [t("region recall"), num(sc["region_recall"], 3)],
                   [t("region precision"), num(sc["region_precision"], 3)], [t("label accuracy of matched regions"), num(sc["label_accuracy"], 3)],
                   [t("exact-count accuracy"), num(sc["exact_count_accuracy"], 3)]],
                  t("Against the true character instances of the game-world scenes."))]
    if sc.get("matched") and not sc.get("labelled", sc["matched"]):
        blocks.append(Note(t("Labels not scored: this variant's classes belong to whole scenes (the effects cast, a battle or its absence), "
                             "not to each character, so a region's label is neither right nor wrong; regions are still counted.")))
    return blocks


def pipeline_figures(lab: Lab, folder: Path, s: dict) -> list[Block]:
    """Annotated images: scenes with the exact character count and scenes without, half each when scored."""
    t = lab.t
    images = s.get("images") or []
    scored = [r for r in images if r.get("score")]
    exact = [r for r in scored if r["score"]["exact_count"]]
    other = [r for r in scored if not r["score"]["exact_count"]]
    half = EXAMPLES_MAX // 2
    chosen = (exact[:half] + other[:half]) if scored else images[:EXAMPLES_MAX]
    pics = []
    for r in chosen:
        sc = r.get("score")
        cap = t("{image}: {characters} characters, {regions} regions, {matched} matched, {correct} labelled correctly", image=r["name"],
                characters=sc["true_objects"], regions=sc["regions"], matched=sc["matched"], correct=sc["correct_labels"]) if sc else r["name"]
        pics.append(file_picture(lab, folder / "annotated" / f"{r['name']}.png", "pipeline", f"pipeline_{r['name']}", cap, 600))
    if not pics:
        return []
    return [Heading(t("Annotated images")), Gallery(pics)]


def walkmap_section(lab: Lab) -> list[Block]:
    """The walkmap settings and tile counts (``summary.json``), its scores, and overlays of the first images."""
    t = lab.t
    folder = lab.stage_path("walkmap", "dir")
    s = lab.json(folder / "summary.json", "walkmap")
    o = s["options"]
    totals: dict[str, int] = {}
    for r in s.get("images") or []:
        for k, v in r["counts"].items():
            totals[k] = totals.get(k, 0) + int(v)
    rows = [[t("images"), num(s["n_images"])],
            [t("tile"), t("{tile} px, clearance {clearance} tiles, fill {fill}", tile=o["tile"], clearance=o["clearance"], fill=o["fill"])],
            [t("walkable classes"), ", ".join(o["walkable"])], [t("hazard classes"), ", ".join(o["hazard"]) or t("none")],
            [t("tiles (all images)"), ", ".join(f"{t(k)} {v:,}" for k, v in totals.items())],
            [t("time"), t("{seconds} s", seconds=num(s.get("seconds"), 1))]]
    blocks: list[Block] = [Table(["", ""], rows)]
    if s.get("scored_images"):
        blocks.append(Table([t("score"), t("value")], [[t("scored images"), num(s["scored_images"])], [t("tile accuracy"), num(s["tile_accuracy"], 3)],
                                                       [t("stand precision"), num(s.get("stand_precision"), 3)],
                                                       [t("stand recall"), num(s.get("stand_recall"), 3)]],
                            t("Against the game-world generator's own geometry.")))
        lab.fact("walkmap", t("Walkmap tile accuracy {acc} on {scenes}; stand tiles: precision {precision}, recall {recall}.",
                              acc=num(s["tile_accuracy"], 3), scenes=plural(s["scored_images"], "scene", t),
                              precision=num(s.get("stand_precision"), 3), recall=num(s.get("stand_recall"), 3)))
        lab.result("walkmap", t("tile accuracy"), num(s["tile_accuracy"], 3))
    pics = []
    for r in (s.get("images") or [])[:EXAMPLES_MAX]:
        acc = t(", tile accuracy {acc}", acc=num(r["tile_accuracy"], 3)) if r.get("tile_accuracy") is not None else ""
        c = r["counts"]
        pics.append(file_picture(lab, folder / "overlays" / f"{r['name']}.png", "walkmap", f"walkmap_{r['name']}",
                                 t("{image}: stand {stand}, solid {solid}, hazard {hazard}{acc}", image=r["name"], stand=c["stand"],
                                   solid=c["solid"], hazard=c["hazard"], acc=acc), 600))
    if pics:
        blocks += [Heading(t("Overlays")), Para(t("Stand tiles green, solid grey, hazard red, with the tile grid.")), Gallery(pics)]
    return blocks
