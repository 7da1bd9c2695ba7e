"""The lab report: formatting on hand-written artefacts, and a real tiny lab rendered in Debian's chromium."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip
from PIL import Image

from visionlab import cli
from visionlab.errors import RunFolderError
from visionlab.report import SECTIONS, Lab, Table, evenly, md_block, not_run_text, num, walkmap_section, write_report
from visionlab.report.i18n import Translator
from visionlab.utils.files import read_json

SECTION_IDS = [sid for sid, _, _ in SECTIONS]
TITLES = {sid: title for sid, title, _ in SECTIONS}
STAGE_OF = {sid: stage for sid, _, stage in SECTIONS}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- formatting, on hand-written artefacts -------------------------------------------------------

def test_numbers_and_spreading():
    assert num(0.98754) == "0.9875" and num(None) == "n/a" and num(float("nan")) == "n/a"
    assert num(5199176) == "5,199,176" and num(0.5, 1) == "0.5"
    assert evenly(list(range(10)), 4) == [0, 3, 6, 9]
    assert evenly([1, 2], 8) == [1, 2]


def test_markdown_table_escapes_pipes():
    text = md_block(Table(["model", "mIoU"], [["otsu | kmeans", "0.1453"]], "caption"))
    lines = text.splitlines()
    assert lines[0] == "| model | mIoU |" and lines[1] == "|---|---|"
    assert lines[2] == "| otsu \\| kmeans | 0.1453 |"
    assert lines[-1] == "*caption*"


def _manifest(stages: dict) -> dict:
    return {"format": "visionlab-lab/1", "variant": "v", "classes": ["a", "b"], "config": {"stages": list(stages)}, "started": "t",
            "seconds": 12.5, "machine": {"device": "cpu", "threads": 2}, "stages": stages}


def test_walkmap_sentences_restate_the_summary(tmp_path):
    folder = tmp_path / "walkmap"
    (folder / "overlays").mkdir(parents=True)
    Image.new("RGB", (32, 32), (10, 200, 10)).save(folder / "overlays" / "s0.png")
    summary = {"options": {"tile": 16, "clearance": 2, "fill": 0.5, "walkable": ["terrain"], "hazard": []}, "n_images": 1,
               "scored_images": 1, "tile_accuracy": 0.75, "stand_precision": 0.5, "stand_recall": 0.25, "seconds": 1.0,
               "images": [{"name": "s0", "counts": {"free": 2, "stand": 1, "solid": 1, "hazard": 0}, "tile_accuracy": 0.75}]}
    (folder / "summary.json").write_text(json.dumps(summary))
    lab = Lab(tmp_path, _manifest({"walkmap": {"dir": "walkmap", "seconds": 1.0}}))
    blocks = walkmap_section(lab)
    assert lab.facts == [("walkmap", "Walkmap tile accuracy 0.750 on 1 scene; stand tiles: precision 0.500, recall 0.250.")]
    tables = [b for b in blocks if isinstance(b, Table)]
    assert ["tiles (all images)", "free 2, stand 1, solid 1, hazard 0"] in tables[0].rows
    assert len(lab.pictures) == 1


def test_a_lab_without_stages_says_what_was_not_run(tmp_path):
    (tmp_path / "lab.json").write_text(json.dumps(_manifest({})))
    result = write_report(tmp_path)
    assert set(result["sections"]) == set(SECTION_IDS)
    assert [k for k, v in result["sections"].items() if v == "done"] == ["topic", "problem", "results", "conclusions"]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for sid, stage in STAGE_OF.items():
        if stage:
            assert html_section(page, sid).count(not_run_text(stage)) == 1
    assert "studies: [freezing, augmentation, cam-layers]" in not_run_text("studies")
    assert "The lab ran in 12.5 s on cpu with 2 threads." in page
    results = html_section(page, "results")
    for stage in {s for s in STAGE_OF.values() if s}:
        assert f"stage {stage} | not run" in _row(results, f"stage {stage}")


def test_not_a_lab_folder(tmp_path):
    with pytest.raises(RunFolderError, match="no lab.json"):
        write_report(tmp_path)
    (tmp_path / "lab.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(RunFolderError, match="not a visionlab lab manifest"):
        write_report(tmp_path)
    assert cli.main(["report", str(tmp_path)]) == 2


# --- a real lab ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Path:
    """The embedded tiny config, every stage, run once; run_lab writes the report at the end."""
    from visionlab.lab import LabConfig, run_lab

    cfg = LabConfig.from_yaml("tiny")
    cfg.quiet = True
    return run_lab(cfg, tmp_path_factory.mktemp("lab") / "tiny")


def html_section(page: str, sid: str) -> str:
    match = re.search(rf'<section id="{sid}"[^>]*>(.*?)</section>', page, re.S)
    assert match, f"no section {sid}"
    return match.group(1)


def test_every_section_is_filled_from_the_artefacts(lab):
    manifest = read_json(lab / "lab.json")
    assert set(manifest["stages"]) >= {s for s in STAGE_OF.values() if s} - {"studies"}, "the tiny config runs every stage"
    page = (lab / "report.html").read_text(encoding="utf-8")
    assert len(page.encode()) < 15 * 2**20
    for sid in SECTION_IDS:
        body = html_section(page, sid)
        if "studies" not in manifest["stages"]:  # the control-question studies are the config's choice: tiny may run none
            if STAGE_OF[sid] == "studies":
                assert not_run_text("studies") in body
                continue
            body = body.replace("<li>Not run: Control questions.</li>", "") if sid == "conclusions" else body
        assert "Not run" not in body and len(re.sub(r"<[^>]+>", "", body)) > 40, sid
    # numbers in the report are those of the stage files
    val = read_json(lab / "classify" / "eval" / "val" / "metrics.json")
    assert f"Validation accuracy {val['accuracy']:.4f} on {val['n_images']} images" in html_section(page, "classification")
    check = read_json(lab / "classify" / "shortcut.json")
    assert f"scores {check['histogram']:.4f} on {check['n_val']} validation images" in html_section(page, "classification")
    pipe = read_json(lab / "pipeline" / "summary.json")["scores"]
    assert f"region recall {pipe['region_recall']:.3f}" in html_section(page, "conclusions")
    seg = read_json(lab / "segment" / "eval" / "test" / "metrics.json")
    assert f"Test mIoU {seg['miou']:.4f}" in html_section(page, "segmentation")
    rows = read_json(lab / "distill" / "distill" / "comparison.json")["rows"]
    assert all(f"{r['parameters']:,}" in html_section(page, "distillation") for r in rows)
    split = read_json(lab / "classify" / "split.json")
    for i, c in enumerate(split["classes"]):
        n_train = sum(1 for _, label in split["splits"]["train"] if label == i)
        assert f"{c}: {min(n_train, 8)} of {n_train} training images" in html_section(page, "dataset")


def _row(section: str, first_cell: str) -> str:
    """The text of the table row of ``section`` whose first cell is ``first_cell`` (tags stripped)."""
    for row in re.findall(r"<tr>(.*?)</tr>", section, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        if cells and cells[0] == first_cell:
            return " | ".join(cells)
    raise AssertionError(f"no row {first_cell!r}")


def test_the_other_sections_restate_their_stage_files(lab):
    """Every section's numbers, read back from the stage's own files (formatted here, not by the report's code)."""
    import csv

    page = (lab / "report.html").read_text(encoding="utf-8")
    cfg = read_json(lab / "classify" / "config.json")
    model = html_section(page, "model")
    counts = cfg["parameters"] if "parameters" in cfg else None
    assert cfg["config"]["backbone"] in model
    if counts:
        assert f"{counts['trainable']:,} / {counts['total']:,}" in model
    with open(lab / "classify" / "history.csv", newline="", encoding="utf-8") as f:
        history = list(csv.DictReader(f))
    training = html_section(page, "training")
    assert f"{len(history)} of {cfg['config']['epochs']}" in _row(training, "epochs run")
    last = history[-1]
    assert f"{float(last['train_acc']):.4f} / {float(last['val_acc']):.4f}" in _row(training, "last epoch: train / validation accuracy")
    cams = read_json(lab / "classify" / "explain" / "gradcam" / "cam_metrics.json")
    gradcam = html_section(page, "gradcam")
    for name, m in [("all", cams["overall"]), *cams["per_class"].items()]:
        row = _row(gradcam, name)
        assert f"| {m['n_images']} |" in row and f"{m['energy_in_mask']:.3f}" in row and f"{m['area_share']:.3f}" in row, row
    comparison = html_section(page, "comparison")
    cmp = read_json(lab / "compare" / "summary.json")
    row = _row(comparison, "all")
    assert f"{cmp['overall']['cam_mass_in_region']:.3f}" in row and f"{cmp['overall']['region_area_share']:.3f}" in row, row
    pipe = read_json(lab / "pipeline" / "summary.json")
    pipeline = html_section(page, "pipeline")
    assert all(f"{label} {n}" in pipeline for label, n in pipe["label_counts"].items())
    assert f"{pipe['skipped_small']:,}" in _row(pipeline, "regions under the minimum area (skipped)")
    walk = read_json(lab / "walkmap" / "summary.json")
    walkmap = html_section(page, "walkmap")
    assert f"| {walk['n_images']}" in _row(walkmap, "images")
    assert f"Walkmap tile accuracy {walk['tile_accuracy']:.3f}" in html_section(page, "conclusions")
    experiment = read_json(lab / "experiment" / "experiment.json")
    segmentation = html_section(page, "segmentation")
    for r in experiment["rows"]:
        assert f"{r['miou']:.4f}" in _row(segmentation, r["model"])
    header = page.split('<section id="dataset"')[0]
    manifest = read_json(lab / "lab.json")
    assert f"{manifest['seconds']:.1f} s" in header
    assert all(f"{entry['seconds']:.1f}" in header for entry in manifest["stages"].values())


def test_html_fetches_nothing(lab):
    page = (lab / "report.html").read_text(encoding="utf-8")
    sources = re.findall(r'\b(?:src|href)="([^"]*)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") or s.startswith("#") for s in sources)
    assert "<script" not in page and "<link" not in page and "@import" not in page and "url(" not in page


def _open_in_chromium(report: Path, shot: Path) -> dict:
    """What chromium shows of ``report``: its images, section lengths, contents links, lang, titles, text and requests."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri(), wait_until="load")
        seen = {"images": page.evaluate("[...document.images].map(i => [i.complete, i.naturalWidth, i.alt])"),
                "sections": page.evaluate("ids => ids.map(id => { const s = document.getElementById(id); "
                                          "return s && s.tagName === 'SECTION' ? s.innerText.trim().length : -1; })", SECTION_IDS),
                "toc": page.evaluate("[...document.querySelectorAll('nav a')].map(a => a.getAttribute('href'))"),
                "lang": page.evaluate("document.documentElement.lang"),
                "titles": page.evaluate("[...document.querySelectorAll('section > h2')].map(h => h.innerText)"),
                "text": page.evaluate("document.body.innerText")}
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    seen["requests"] = requests
    return seen


@pytest.mark.slow
def test_report_renders_in_chromium_offline(lab, tmp_path):
    """The English report (as the lab wrote it) and the Ukrainian one of the same lab, each opened in chromium."""
    chromium_or_skip()
    uk_lab = _shadow(lab, tmp_path / "uk")
    write_report(uk_lab, "uk")
    uk_titles = [Translator("uk")(TITLES[sid]) for sid in SECTION_IDS]
    for folder, lang, titles in ((lab, "en", [TITLES[sid] for sid in SECTION_IDS]), (uk_lab, "uk", uk_titles)):
        shot = tmp_path / f"report_{lang}.png"
        seen = _open_in_chromium(folder / "report.html", shot)
        shutil.copy(shot, f"/tmp/report_{lang}.png")  # to look at by hand
        images = seen["images"]
        assert len(images) == len(list((folder / "report_files").iterdir())) > 10
        assert all(complete and width > 0 for complete, width, _ in images), [alt for c, w, alt in images if not (c and w)]
        assert all(n > len(TITLES[sid]) for sid, n in zip(SECTION_IDS, seen["sections"])), dict(zip(SECTION_IDS, seen["sections"]))
        assert seen["toc"] == [f"#{sid}" for sid in SECTION_IDS]
        assert seen["lang"] == lang and seen["titles"] == titles
        assert seen["requests"] and all(urlsplit(u).scheme in ("file", "data") for u in seen["requests"]), seen["requests"]
        data = shot.read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        with Image.open(shot) as im:
            assert im.width == 1280 and im.height > 900
    text = seen["text"]  # the Ukrainian page's visible text
    assert all(title in text for title in uk_titles)
    english = [TITLES[sid] for sid, uk in zip(SECTION_IDS, uk_titles) if TITLES[sid] not in uk]  # "Grad-CAM" is a name in both
    assert len(english) == len(SECTION_IDS) - 1 and not [t for t in english if re.search(rf"\b{re.escape(t)}\b", text)]
    assert "Зміст" in text and "Contents" not in text and "(not run)" not in text


def _decimals(text: str) -> Counter:
    """The decimal numbers of ``text`` (a sentence's full stop after one is not part of it; versions like 2.14.1 are not numbers)."""
    return Counter(re.findall(r"(?<![\w.])\d+\.\d+(?!\w|\.\d)", text))


def test_the_ukrainian_report_translates_everything_and_keeps_every_number(lab, tmp_path):
    en_lab, uk_lab = _shadow(lab, tmp_path / "en"), _shadow(lab, tmp_path / "uk")
    en, uk = write_report(en_lab), write_report(uk_lab, "uk")
    assert en["untranslated"] == [] and uk["untranslated"] == [] and (en["lang"], uk["lang"]) == ("en", "uk")
    assert en["sections"] == uk["sections"] and en["images"] == uk["images"]
    en_md, uk_md = ((f / "report.md").read_text(encoding="utf-8") for f in (en_lab, uk_lab))
    assert len(_decimals(en_md)) > 50 and _decimals(en_md) == _decimals(uk_md)
    page = (uk_lab / "report.html").read_text(encoding="utf-8")
    assert page.count('<html lang="uk">') == 1
    assert "н/д" in uk_md and "n/a" not in re.sub(r"```.*?```", "", uk_md, flags=re.S)  # the configuration's YAML stays as written
    assert re.findall(r"^## (.+)$", uk_md, re.M) == ["Зміст"] + [Translator("uk")(TITLES[sid]) for sid in SECTION_IDS]


def test_the_manual_report_order(lab):
    assert SECTION_IDS[:2] == ["topic", "problem"] and SECTION_IDS[-3:] == ["questions", "results", "conclusions"]
    assert SECTION_IDS.index("distillation") < SECTION_IDS.index("questions")
    page = (lab / "report.html").read_text(encoding="utf-8")
    assert [m for m in re.findall(r'<section id="([a-z]+)"', page)] == SECTION_IDS
    manifest = read_json(lab / "lab.json")
    problem = html.unescape(html_section(page, "problem"))
    assert manifest["variant"] in _row(problem, "variant") and _row(problem, "classes") == "classes | " + ", ".join(manifest["classes"])
    assert all(f"{c}" in html.unescape(html_section(page, "topic")) for c in manifest["classes"])
    assert _row(problem, "stages run").split(" | ")[1] == ", ".join(s for s in manifest["stages"] if s != "data")
    assert _row(problem, "stages planned").split(" | ")[1] == ", ".join(manifest["plan"]["stages"])
    assert "game-world scenes rendered offline from seed" in _row(problem, "images")


def test_the_problem_statement_names_a_catalogue_variant(tmp_path):
    from visionlab.data.variants import get_variant

    manifest = _manifest({})
    manifest["config"] |= {"variant_number": 5, "data": {"source": "fetch", "queries": {"melee_weapon": "sword", "ranged_weapon": "bow"}}}
    manifest |= {"variant": "melee-vs-ranged-weapons", "classes": ["melee_weapon", "ranged_weapon"],
                 "plan": {"stages": ["classify", "segment"], "segmenter": "pretrained", "pretrained": "deeplabv3_resnet50",
                          "skipped": {"walkmap": {"reason": "walkmaps read side-view game-world scenes with a game-world segmenter; "
                                                            "this lab's images are not game scenes",
                                                  "fix": "run the lab on the game world (data.source: game_world)"}}}}
    (tmp_path / "lab.json").write_text(json.dumps(manifest))
    v = get_variant(5)
    for lang, variant in (("en", f"variant 5 of the manual: {v.title}"), ("uk", f"варіант 5 з методичних вказівок: {v.title_uk}")):
        result = write_report(tmp_path, lang)
        assert result["untranslated"] == [], result["untranslated"]
        problem = html.unescape(html_section((tmp_path / "report.html").read_text(encoding="utf-8"), "problem"))
        assert variant in problem and "melee_weapon" in problem and "ranged_weapon" in problem
        assert "sword" in problem and "walkmap" in problem
    assert "Пропущено:" in html_section((tmp_path / "report.html").read_text(encoding="utf-8"), "walkmap")


def test_the_results_restate_the_stage_files(lab):
    page = html.unescape((lab / "report.html").read_text(encoding="utf-8"))
    results = html_section(page, "results")
    val = read_json(lab / "classify" / "eval" / "val" / "metrics.json")
    cams = read_json(lab / "classify" / "explain" / "gradcam" / "cam_metrics.json")["overall"]
    seg = read_json(lab / "segment" / "eval" / "test" / "metrics.json")
    cmp = read_json(lab / "compare" / "summary.json")["overall"]
    pipe = read_json(lab / "pipeline" / "summary.json")["scores"]
    walk = read_json(lab / "walkmap" / "summary.json")
    dist = read_json(lab / "distill" / "distill" / "comparison.json")
    expected = {"Validation accuracy": (f"{val['accuracy']:.4f}", "Classification results"),
                "Validation F1 (macro)": (f"{val['f1_macro']:.4f}", "Classification results"),
                "Grad-CAM: CAM mass inside the object": (f"{cams['energy_in_mask']:.3f}", "Grad-CAM"),
                "Grad-CAM: object area share (the mass of a heatmap without preference)": (f"{cams['area_share']:.3f}", "Grad-CAM"),
                "Test mIoU": (f"{seg['miou']:.4f}", "Semantic segmentation"),
                "Grad-CAM mass in the segmented region": (f"{cmp['cam_mass_in_region']:.3f}", "Grad-CAM versus segmentation"),
                "region recall": (f"{pipe['region_recall']:.3f}", "Segment-then-classify pipeline"),
                "tile accuracy": (f"{walk['tile_accuracy']:.3f}", "Walkmaps"),
                "speed-up of the student at batch 1 (each model in its faster runtime)": (f"{dist['speedup_batch1']:.2f}×", "Distillation")}
    for measure, (value, section) in expected.items():
        assert _row(results, measure) == f"{measure} | {value} | {section}"
    rows = re.findall(r"<tr>(.*?)</tr>", results, re.S)
    assert len(rows) - 1 == sum(1 for r in rows[1:] if re.search(r"\d", r) or "not run" in r)  # every row: a number, or not run


def test_cli_regenerates_the_report_and_the_markdown(lab, capsys):
    augmentation = (lab / "report_files" / "dataset_augmentation.png").read_bytes()
    assert cli.main(["report", str(lab)]) == 0
    assert str(lab / "report.html") in capsys.readouterr().out
    assert (lab / "report_files" / "dataset_augmentation.png").read_bytes() == augmentation, "the preview's seed is fixed"
    text = (lab / "report.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == ["Contents"] + [TITLES[sid] for sid in SECTION_IDS]
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links and all(link.startswith("report_files/") for link in links)
    for link in links:
        with Image.open(lab / link) as im:
            im.verify()
    assert sorted(set(links)) == sorted(f"report_files/{p.name}" for p in (lab / "report_files").iterdir())
    assert not list(lab.glob(".report_files*")) and not list(lab.glob(".report.*"))


def test_an_unknown_language_leaves_the_report_as_it_was(lab, capsys):
    before = {p.name: p.read_bytes() for p in (lab / "report.html", lab / "report.md")}
    files = sorted(p.name for p in (lab / "report_files").iterdir())
    assert cli.main(["report", str(lab), "--lang", "xx"]) == 2
    err = capsys.readouterr().err
    assert "--lang" in err and "en, uk" in err and "'xx'" in err
    assert {p.name: p.read_bytes() for p in (lab / "report.html", lab / "report.md")} == before
    assert sorted(p.name for p in (lab / "report_files").iterdir()) == files


def _shadow(lab: Path, out: Path, skip: tuple[str, ...] = ()) -> Path:
    """A lab folder whose entries link to ``lab``'s (a cheap copy); ``skip`` entries are left out."""
    out.mkdir()
    for entry in lab.iterdir():
        if entry.name not in skip and not entry.name.startswith("report"):
            (out / entry.name).symlink_to(entry)
    return out


def test_a_stage_missing_from_the_manifest_gives_a_not_run_note(lab, tmp_path):
    copy = _shadow(lab, tmp_path / "lab", skip=("lab.json",))
    manifest = read_json(lab / "lab.json")
    del manifest["stages"]["distill"], manifest["stages"]["experiment"]
    (copy / "lab.json").write_text(json.dumps(manifest))
    result = write_report(copy)
    assert result["sections"]["distillation"] == "not run" and result["sections"]["segmentation"] == "done"
    page = (copy / "report.html").read_text(encoding="utf-8")
    assert not_run_text("distill") in html_section(page, "distillation")
    assert not_run_text("experiment") in html_section(page, "segmentation")  # a sub-section of segmentation
    assert "Distillation (not run)" in (copy / "report.md").read_text(encoding="utf-8")
    results = html_section(page, "results")
    assert _row(results, "stage distill") == "stage distill | not run | Distillation"
    assert "speed-up" not in results and "Segment-then-classify pipeline" in results  # the stages that ran keep their rows


def test_a_missing_file_is_named_and_the_old_report_stays(lab, tmp_path, capsys):
    copy = _shadow(lab, tmp_path / "lab", skip=("pipeline",))
    (copy / "pipeline").mkdir()  # the stage is listed, its summary.json is gone
    shutil.copy(lab / "report.html", copy / "report.html")  # an earlier, complete report
    before = (copy / "report.html").read_bytes()
    with pytest.raises(RunFolderError, match=re.escape(str(copy / "pipeline" / "summary.json"))):
        write_report(copy)
    assert cli.main(["report", str(copy)]) == 2
    assert "pipeline/summary.json is missing" in capsys.readouterr().err
    assert (copy / "report.html").read_bytes() == before
    assert not (copy / "report_files").exists() and not (copy / "report.md").exists()


def test_pipeline_scores_say_why_labels_are_not_scored():
    """Battle vs peaceful, magic vs tech: the class belongs to the scene, so matched regions get no label score."""
    from visionlab.report.document import Note
    from visionlab.report.sections.pipeline import pipeline_scores

    scores = {"scored_images": 2, "true_objects": 4, "matched": 3, "labelled": 0, "region_recall": 0.75, "region_precision": 1.0,
              "label_accuracy": None, "exact_count_accuracy": 0.5}
    lab = Lab(Path("."), _manifest({}))
    notes = [b for b in pipeline_scores(lab, {"scores": scores}) if isinstance(b, Note)]
    assert len(notes) == 1 and "Labels not scored" in notes[0].text
    assert [measure for _, measure, _ in lab.results] == ["region recall", "region precision", "exact-count accuracy"]  # no n/a row
    assert not [b for b in pipeline_scores(lab, {"scores": {**scores, "labelled": 3, "label_accuracy": 1.0}}) if isinstance(b, Note)]


def _seg_metrics(confusion: list[list[int]]) -> dict:
    classes = ["sky", "water", "item"]
    iou = {c: row[i] / (sum(row) + sum(r[i] for r in confusion) - row[i]) for i, (c, row) in enumerate(zip(classes, confusion))}
    return {"n_images": 4, "miou": sum(iou.values()) / 3, "pixel_accuracy": 0.9, "per_class_iou": iou, "classes": classes,
            "confusion_matrix": confusion}


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_per_class_iou_comes_with_its_share_of_the_pixels_and_rare_classes_are_named(tmp_path, lang):
    from visionlab.report.sections.segment import seg_metric_blocks

    lab = Lab(tmp_path, {}, t=Translator(lang))
    blocks = seg_metric_blocks(lab, _seg_metrics([[19_800, 50, 0], [30, 90, 0], [20, 0, 10]]), "test")  # 20,000 pixels
    text, per_class = md_block(blocks[1]), md_block(blocks[3])
    assert "| sky | 0.9950 |" in per_class and per_class.count("%") == 3
    assert all(share in per_class for share in ("99.25%", "0.60%", "0.15%"))  # rows of the confusion matrix over all pixels
    assert "item (0.15%)" in text and "water" not in text and "0.50%" in text  # water's 0.60% is over the line, item's 0.15% under it
    common = seg_metric_blocks(Lab(tmp_path, {}, t=Translator(lang)), _seg_metrics([[900, 50, 50], [30, 900, 70], [20, 80, 900]]), "test")
    assert "0.50%" not in md_block(common[1])  # no rare class, no note
    no_matrix = dict(_seg_metrics([[900, 0, 0], [0, 90, 0], [0, 0, 10]]), confusion_matrix=None)
    old = md_block(seg_metric_blocks(Lab(tmp_path, {}, t=Translator(lang)), no_matrix, "test")[3])  # a run without the matrix
    assert "%" not in old and [line.endswith("| n/a |") for line in old.splitlines()[2:5]] == [True] * 3


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_the_segmenter_table_says_when_training_saw_windows_of_the_input(lang):
    from visionlab.report.sections.segment import segmenter_rows

    t = Translator(lang)
    config = {"model": "unet", "encoder": "efficientnet_lite0", "img_size": [160, 160], "epochs": 8, "batch_size": 8}
    windows = dict(segmenter_rows(t, {"config": {**config, "augment": {"scale_min": 1.0, "crop": 128}}}))
    whole = dict(segmenter_rows(t, {"config": {**config, "augment": {"scale_min": 1.0, "crop": 0}}}))
    older = dict(segmenter_rows(t, {"config": config}))  # a run from before the option
    key = t("training input")
    assert whole[key] == older[key] == "160×160"
    assert "128×128" in windows[key] and windows[key].count("160×160") == 2
    assert not t.missing
