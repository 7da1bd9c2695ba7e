"""The pipeline and walkmap sections: segment-then-classify on game-world scenes, and the walkable tiles."""

from __future__ import annotations

from pathlib import Path

from visionlab.report.document import EXAMPLES_MAX, Block, Gallery, Heading, Lab, Note, Para, Table, file_picture, num, plural, read_csv, short_name


def pipeline_section(lab: Lab) -> list[Block]:
    """What the pipeline found (``summary.json``), its scores against the true characters, and annotated images."""
    folder = lab.stage_path("pipeline", "dir")
    s = lab.json(folder / "summary.json", "pipeline")
    seg = s.get("segmenter")
    seg_name = seg.get("name") if isinstance(seg, dict) else seg
    o = s.get("options") or {}
    rows = [["images", num(s["n_images"])], ["regions classified", num(s["regions"])],
            ["labels", ", ".join(f"{k} {v}" for k, v in s["label_counts"].items()) or "none"],
            ["regions under the minimum area (skipped)", f"{num(s['skipped_small'])} (min area {o.get('min_area')} px)"],
            ["images without regions", num(s["images_without_regions"])],
            ["speed", f"{num(s.get('images_per_second'), 2)} images/s ({num(s.get('seconds'), 1)} s)"],
            ["segmentation classes cut into regions", ", ".join(s.get("classes") or [])],
            ["touching objects split", str(o.get("split_touching"))]]
    arch = f" ({seg['arch']}/{seg['encoder']})" if isinstance(seg, dict) and seg.get("arch") else ""
    classes = s.get("classes") or []
    cut = "/".join(classes) if len(classes) <= 3 else f"object ({len(classes)} classes)"
    images = (lab.stage("pipeline") or {}).get("images")
    blocks: list[Block] = [Para(f"Each image{f' ({images})' if images else ''} is segmented by {short_name(lab, seg_name)}{arch}, every {cut} "
                                f"region is cut out and classified by the classifier {short_name(lab, s.get('classifier'))}."),
                           Table(["", ""], rows)]
    blocks += found_table(folder)
    blocks += pipeline_scores(lab, s)
    return blocks + pipeline_figures(lab, folder, s)


def found_table(folder: Path) -> list[Block]:
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
    return [Table(["segmented as", "classified as", "regions", "mean confidence"], rows,
                  "Regions per segmentation class and the classifier's label, with the label's mean probability.")]


def pipeline_scores(lab: Lab, s: dict) -> list[Block]:
    """The pipeline's scores against the scenes' true character instances, when it was scored."""
    sc = s.get("scores") or {}
    if not sc:
        lab.fact("pipeline", f"Pipeline on {plural(s['n_images'], 'image')}: {plural(s['regions'], 'region')} classified.")
        return [Note("Not scored: these images come with no ground truth of their objects (only game-world scenes do), so the "
                     "tables above count what the pipeline found and claim no accuracy.")]
    lab.fact("pipeline", f"Pipeline on {plural(sc['scored_images'], 'scene')} ({plural(sc['true_objects'], 'character')}): region recall "
                         f"{num(sc['region_recall'], 3)}, precision {num(sc['region_precision'], 3)}, label accuracy "
                         f"{num(sc['label_accuracy'], 3)}, exact-count accuracy {num(sc['exact_count_accuracy'], 3)}.")
    blocks: list[Block] = [Table(["score", "value"],
                  [["scored images", num(sc["scored_images"])], ["true objects", num(sc["true_objects"])],
                   ["matched regions (IoU ≥ 0.5)", num(sc["matched"])], ["region recall", num(sc["region_recall"], 3)],
                   ["region precision", num(sc["region_precision"], 3)], ["label accuracy of matched regions", num(sc["label_accuracy"], 3)],
                   ["exact-count accuracy", num(sc["exact_count_accuracy"], 3)]],
                  "Against the true character instances of the game-world scenes.")]
    if sc.get("matched") and not sc.get("labelled", sc["matched"]):
        blocks.append(Note("Labels not scored: this variant's classes belong to whole scenes (the effects cast, a battle or its absence), "
                           "not to each character, so a region's label is neither right nor wrong; regions are still counted."))
    return blocks


def pipeline_figures(lab: Lab, folder: Path, s: dict) -> list[Block]:
    """Annotated images: scenes with the exact character count and scenes without, half each when scored."""
    images = s.get("images") or []
    scored = [r for r in images if r.get("score")]
    exact = [r for r in scored if r["score"]["exact_count"]]
    other = [r for r in scored if not r["score"]["exact_count"]]
    half = EXAMPLES_MAX // 2
    chosen = (exact[:half] + other[:half]) if scored else images[:EXAMPLES_MAX]
    pics = []
    for r in chosen:
        sc = r.get("score")
        cap = r["name"] + (f": {sc['true_objects']} characters, {sc['regions']} regions, {sc['matched']} matched, "
                           f"{sc['correct_labels']} labelled correctly" if sc else "")
        pics.append(file_picture(lab, folder / "annotated" / f"{r['name']}.png", "pipeline", f"pipeline_{r['name']}", cap, 600))
    if not pics:
        return []
    return [Heading("Annotated images"), Gallery(pics)]


def walkmap_section(lab: Lab) -> list[Block]:
    """The walkmap settings and tile counts (``summary.json``), its scores, and overlays of the first images."""
    folder = lab.stage_path("walkmap", "dir")
    s = lab.json(folder / "summary.json", "walkmap")
    o = s["options"]
    totals: dict[str, int] = {}
    for r in s.get("images") or []:
        for k, v in r["counts"].items():
            totals[k] = totals.get(k, 0) + int(v)
    rows = [["images", num(s["n_images"])], ["tile", f"{o['tile']} px, clearance {o['clearance']} tiles, fill {o['fill']}"],
            ["walkable classes", ", ".join(o["walkable"])], ["hazard classes", ", ".join(o["hazard"]) or "none"],
            ["tiles (all images)", ", ".join(f"{k} {v:,}" for k, v in totals.items())],
            ["time", f"{num(s.get('seconds'), 1)} s"]]
    blocks: list[Block] = [Table(["", ""], rows)]
    if s.get("scored_images"):
        blocks.append(Table(["score", "value"], [["scored images", num(s["scored_images"])], ["tile accuracy", num(s["tile_accuracy"], 3)],
                                                 ["stand precision", num(s.get("stand_precision"), 3)],
                                                 ["stand recall", num(s.get("stand_recall"), 3)]],
                            "Against the game-world generator's own geometry."))
        lab.fact("walkmap", f"Walkmap tile accuracy {num(s['tile_accuracy'], 3)} on {plural(s['scored_images'], 'scene')}; stand tiles: precision "
                            f"{num(s.get('stand_precision'), 3)}, recall {num(s.get('stand_recall'), 3)}.")
    pics = []
    for r in (s.get("images") or [])[:EXAMPLES_MAX]:
        acc = f", tile accuracy {num(r['tile_accuracy'], 3)}" if r.get("tile_accuracy") is not None else ""
        c = r["counts"]
        pics.append(file_picture(lab, folder / "overlays" / f"{r['name']}.png", "walkmap", f"walkmap_{r['name']}",
                                 f"{r['name']}: stand {c['stand']}, solid {c['solid']}, hazard {c['hazard']}{acc}", 600))
    if pics:
        blocks += [Heading("Overlays"), Para("Stand tiles green, solid grey, hazard red, with the tile grid."), Gallery(pics)]
    return blocks
