"""The lab's stages: one function each, run in order by :func:`visionlab.lab.run.run_lab`.

A stage reads what earlier stages left in :class:`~visionlab.lab.state.LabState`, writes into its own
folder of the lab, and records that folder in ``lab.json``. To add a stage: write ``_name(state, step,
total)``, add it to ``STAGE_FUNCTIONS`` and its name to ``visionlab.lab.config.STAGES``, and give the
report a section for it (``visionlab/report/sections/``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from visionlab.errors import ConfigError, DatasetError
from visionlab.lab.config import GAME_WORLD, LabConfig
from visionlab.lab.plan import GAME_WORLD_TRAINED, PRETRAINED
from visionlab.lab.state import LabState
from visionlab.runs import RunFolder
from visionlab.train.config import ClassifyConfig, SegAugmentConfig, SegmentConfig
from visionlab.utils.files import read_json


def _data(state: LabState, step: int, total: int) -> None:
    t = time.perf_counter()
    cfg, out = state.cfg, state.out
    if cfg.data.source == GAME_WORLD:
        from visionlab.data.synth import SceneSpec, write_dataset

        write_dataset(out / "data", cfg.data.n, seed=cfg.seed, spec=SceneSpec(width=cfg.data.size, height=cfg.data.size, variant=cfg.game_variant))
        data = out / "data" / "classify"
    elif cfg.data.source == "fetch":
        from visionlab.data.fetch import FetchOptions, SearchError, fetch_images, format_summary

        try:
            result = fetch_images(out / "data", list(cfg.data.queries.items()), FetchOptions(n=cfg.data.per_class, quiet=cfg.quiet))
        except SearchError as exc:
            raise DatasetError(f"{exc}; or pass your own images: visionlab lab --data FOLDER "
                               "(one sub-folder of images per class), or data: {source: folder, path: FOLDER}") from exc
        print(format_summary(result), flush=True)
        data = out / "data"
    else:
        data = Path(cfg.data.path or "")  # validate() refused a folder source without a path
    from visionlab.data.folders import is_presplit, scan_class_folders

    classes = list(scan_class_folders(data / "train" if is_presplit(data) else data)[0].classes)  # a missing or empty folder: a clear error
    if cfg.classes and sorted(cfg.classes) != classes:
        raise ConfigError(f"classes: {list(cfg.classes)} in the config, but {data} has {classes}; fix classes: or the data")
    state.manifest["classes"] = classes
    state.data = data
    state.record("data", {"classify_data": data}, t)
    state.say(step, total, f"data: {', '.join(classes)} in {data}")


def _classify(state: LabState, step: int, total: int) -> None:
    from visionlab.data.shortcut import format_check
    from visionlab.evaluate.classify import evaluate_run
    from visionlab.predict import format_table, predict_paths, write_predictions
    from visionlab.train.classify import train_classifier

    t = time.perf_counter()
    c, run = state.cfg.classify, state.out / "classify"
    train_classifier(ClassifyConfig(data=str(state.data), out=str(run), backbone=c.backbone, weights=c.weights, mode=c.mode, epochs=c.epochs,
                                    lr=c.lr, scheduler=c.scheduler, step_size=c.step_size, gamma=c.gamma, dropout=c.dropout,
                                    feature_views=c.feature_views, unfreeze_top=c.unfreeze_top, batch_size=c.batch_size, img_size=c.img_size,
                                    crop_pct=c.crop_pct, recipe=c.recipe, seed=state.cfg.seed,
                                    quiet=state.cfg.quiet, download=state.cfg.download), resume=state.resumes(run))
    m = evaluate_run(run, split="val")
    _hand_over_classifier(state, run)
    rows = predict_paths(run, state.val_images[:6])
    write_predictions(rows, run / "predictions_sample.csv")
    state.record("classify", {"run": run}, t)
    auc = "n/a" if m["roc_auc"] is None else f"{m['roc_auc']:.4f}"
    shortcut = RunFolder(run).shortcut_path
    check = "\n" + format_check(read_json(shortcut)) if shortcut.is_file() else ""
    state.say(step, total, f"classifier {c.backbone} ({c.mode}) in {run}: validation accuracy {m['accuracy']:.4f}, F1 macro "
                           f"{m['f1_macro']:.4f}, ROC AUC {auc} on {m['n_images']} images{check}\n" + format_table(rows))


def _hand_over_classifier(state: LabState, run: Path) -> None:
    """Give later stages the classifier's run and its split's images."""
    split = read_json(RunFolder(run).split_path)
    state.cls_run = run
    state.val_images = [Path(split["root"]) / p for p, _ in split["splits"]["val"]]
    state.train_images = [Path(split["root"]) / p for p, _ in split["splits"]["train"]]


def _explain(state: LabState, step: int, total: int) -> None:
    from visionlab.explain.stage import ExplainOptions, explain_images, format_summary

    t = time.perf_counter()
    cls_run = state.classifier_run()
    e = state.cfg.explain
    summary = explain_images(cls_run, state.val_images, opts=ExplainOptions(method=e.method, layer=e.layer, curve_images=e.curve_images))
    state.record("explain", {"dir": RunFolder(cls_run).explain_root}, t)
    state.say(step, total, "Grad-CAM on the validation split\n" + format_summary(summary))


def _segment(state: LabState, step: int, total: int) -> None:
    from visionlab.evaluate.segment import format_metrics, resolve_mask_split
    from visionlab.segment import SegmentOptions, format_summary, segment_images

    t = time.perf_counter()
    s, cfg = state.cfg.segment, state.cfg
    if state.plan.segmenter == PRETRAINED:
        state.seg_run = state.plan.pretrained
        examples_from = state.val_images[: s.examples]
        line = f"pretrained segmenter {state.seg_run} on the validation images"
    else:
        state.seg_data = _segmentation_data(state)
        run = state.out / "segment"
        from visionlab.train.segment import train_segmenter

        train_segmenter(segment_config(cfg, state.seg_data, run), resume=state.resumes(run))
        state.seg_run = run
        split = "test" if RunFolder(run).eval_dir("test").is_dir() else "val"
        test = RunFolder(run).metrics(split)
        items = resolve_mask_split(run, None, split)
        examples_from = [items.image_path(i) for i in range(min(s.examples, len(items)))]
        line = f"segmenter {s.model}/{s.encoder} in {run}\n" + format_metrics(test)
    examples = state.out / "segment_examples"
    summary = segment_images(state.segmenter(), examples_from, examples, SegmentOptions(download=cfg.download))
    state.record("segment", {"run": state.seg_run if isinstance(state.seg_run, Path) else str(state.seg_run), "examples": examples}, t)
    state.say(step, total, line + "\n" + format_summary(summary, examples, max_rows=3))


def _segmentation_data(state: LabState, render: bool = True) -> Path:
    """The segmenter's mask dataset: ``segment.data``, or game-world scenes (rendered unless ``render`` is false)."""
    s = state.cfg.segment
    if s.data:
        return Path(s.data)
    if render:
        from visionlab.data.synth import SceneSpec, write_dataset

        size = state.cfg.data.size
        spec = SceneSpec(width=size, height=size, n_characters=s.characters, variant=state.cfg.game_variant)
        write_dataset(state.out / "data_segment", s.n, seed=state.cfg.seed + 1, spec=spec)
    return state.out / "data_segment" / "segment"


def segment_config(cfg: LabConfig, data: Path, run: Path) -> SegmentConfig:
    """The training settings of the lab's segmenter (and of its from-scratch twin in the experiment)."""
    s = cfg.segment
    return SegmentConfig(data=str(data), out=str(run), model=s.model, encoder=s.encoder, pretrained=s.pretrained, epochs=s.epochs,
                         lr=s.lr, batch_size=s.batch_size, img_size=(s.img_size[0], s.img_size[1]), tta_flip=s.tta_flip, loss=s.loss,
                         class_weights=s.class_weights,
                         augment=SegAugmentConfig(scale_min=s.scale_min, crop=s.train_crop), seed=cfg.seed, quiet=cfg.quiet, download=cfg.download)


def _experiment(state: LabState, step: int, total: int) -> None:
    from visionlab.train.experiment import run_encoder_experiment

    t = time.perf_counter()
    exp = state.out / "experiment"
    e = state.cfg.experiment
    seg_run = Path(state.segmenter())
    result = run_encoder_experiment(segment_config(state.cfg, state.segmentation_data(), seg_run), exp, target_miou=e.target_miou,
                                    baselines=tuple(e.baselines), reuse_pretrained=seg_run, resume=state.resuming)
    state.record("experiment", {"dir": exp}, t)
    state.say(step, total, "pretrained encoder vs from scratch, same data and budget\n" + result["table"])


def _compare(state: LabState, step: int, total: int) -> None:
    from visionlab.compare import CompareOptions, compare_images, format_summary

    t = time.perf_counter()
    folder = state.out / "compare"
    concept, source = concept_classes(state)
    e = state.cfg.explain
    summary = compare_images(state.classifier_run(), state.val_images, state.segmenter(), folder,
                             CompareOptions(concept_classes=concept, method=e.method, layer=e.layer))
    state.record("compare", {"dir": folder, "concept_source": source}, t)
    state.say(step, total, f"Grad-CAM vs segmentation on the validation images; concept: {source}\n" + format_summary(summary, folder))


NOT_OBJECTS = ("background", "__background__", "_background_", "void", "unlabeled", "unlabelled")


def object_classes(state: LabState) -> tuple[str, ...]:
    """The segmenter's classes that are objects (every class but background and void)."""
    from visionlab.models.segmenters import PRETRAINED as PRETRAINED_SEGMENTERS

    seg = state.segmenter()
    if isinstance(seg, str) and seg in PRETRAINED_SEGMENTERS:
        names: tuple[str, ...] = tuple(PRETRAINED_SEGMENTERS[seg].weights.categories)
    else:
        from visionlab.models.loading import load_segmenter

        names = tuple(load_segmenter(seg).classes.names)
    return tuple(n for n in names if n.lower() not in NOT_OBJECTS)


def concept_classes(state: LabState) -> tuple[tuple[str, ...] | None, str]:
    """The segmentation classes Grad-CAM is compared with, and a sentence saying which and why.

    The config's ``compare.concept_classes``; else the game world's concept classes of the variant
    (``character`` for dragons vs robots); else the variant's VOC classes when the segmenter predicts
    them; else every object class the segmenter predicts.
    """
    from visionlab.data.variants import get_variant

    cfg = state.cfg
    if cfg.compare.concept_classes:
        return tuple(cfg.compare.concept_classes), "compare.concept_classes of the config: " + ", ".join(cfg.compare.concept_classes)
    if state.plan.segmenter == GAME_WORLD_TRAINED:
        concept = get_variant(cfg.game_variant).game_concept
        return concept, f"{', '.join(concept)}: the game world's concept classes of variant {cfg.game_variant}"
    objects = object_classes(state)
    voc = get_variant(cfg.variant_number).voc_concept if cfg.variant_number is not None else ()
    if voc and set(voc) <= set(objects):
        return voc, f"{', '.join(voc)}: the VOC classes of variant {cfg.variant_number}'s objects"
    why = "the variant has no VOC concept" if cfg.variant_number is not None else "no concept classes are configured"
    return objects, f"every object class the segmenter predicts ({len(objects)}: {', '.join(objects)}), since {why}"


def _scenes(state: LabState) -> list[Path]:
    """Images for the pipeline and walkmaps: new game-world scenes (rendered once) or a given folder."""
    if not state.scenes:
        p = state.cfg.pipeline
        if p.images:
            state.scenes = [Path(p.images)]
        else:
            from visionlab.data.synth import SceneSpec, write_dataset

            size = state.cfg.data.size
            write_dataset(state.out / "data_scenes", p.scenes, seed=state.cfg.seed + 2,
                          spec=SceneSpec(width=size, height=size, n_characters=p.characters, variant=state.cfg.game_variant))
            state.scenes = [state.out / "data_scenes" / "segment" / "images"]
    return state.scenes


def _pipeline(state: LabState, step: int, total: int) -> None:
    from visionlab.pipeline import PipelineOptions, format_summary, run_pipeline

    t = time.perf_counter()
    p, folder = state.cfg.pipeline, state.out / "pipeline"
    if state.plan.segmenter == GAME_WORLD_TRAINED:
        images, classes, what = _scenes(state), p.classes, "new game-world scenes"
    else:  # the user's own images, on every object class by default, as the manual does
        images = [*state.val_images, *([Path(p.images)] if p.images else [])]
        classes = p.classes or object_classes(state)
        what = "the validation images" + (f" and {p.images}" if p.images else "")
    summary = run_pipeline(state.classifier_run(), state.segmenter(), images, folder,
                           PipelineOptions(classes=tuple(classes) if classes else None, split_touching=p.split_touching, min_area=p.min_area))
    state.record("pipeline", {"dir": folder, "images": what}, t)
    state.say(step, total, f"pipeline on {summary['n_images']} images ({what})\n" + format_summary(summary, folder))


def _walkmap(state: LabState, step: int, total: int) -> None:
    from visionlab.walkmap import format_summary, walkmap_images

    t = time.perf_counter()
    folder = state.out / "walkmap"
    summary = walkmap_images(state.segmenter(), _scenes(state), folder)
    state.record("walkmap", {"dir": folder}, t)
    state.say(step, total, "walkmaps\n" + format_summary(summary, folder))


def _distill(state: LabState, step: int, total: int) -> None:
    from visionlab.distill import DistillOptions, distill
    from visionlab.export import export_run, format_report

    t = time.perf_counter()
    d, run = state.cfg.distill, state.out / "distill"
    if state.plan.segmenter == GAME_WORLD_TRAINED:
        images = [state.segmentation_data() / "images", *_scenes(state)]
    else:  # the user's own images, labelled by the segmenter (the test split of a mask dataset is left out by distill)
        images = [*state.train_images, *state.val_images]
    result = distill(images, run, DistillOptions(teacher=str(state.seg_run), student=d.student, soft=d.soft, epochs=d.epochs,
                                                 batch_size=d.batch_size, lr=d.lr,
                                                 img_size=(d.img_size[0], d.img_size[1]) if d.img_size else None,
                                                 data=str(state.seg_data) if state.seg_data else None, timing_rounds=d.timing_rounds,
                                                 seed=state.cfg.seed, quiet=state.cfg.quiet, download=state.cfg.download),
                     resume=state.resumes(run))
    assert result is not None  # the lab runs in one process (run_lab refuses torchrun): this process is rank 0
    exported = export_run(run, "onnx")  # the file a game engine loads; checked against PyTorch on real images
    state.record("distill", {"run": run, "onnx": Path(exported["path"])}, t)
    state.say(step, total, f"distilled {d.student} from the segmenter\n" + result["table"] + "\n" + format_report(exported))


def _studies(state: LabState, step: int, total: int) -> None:
    from dataclasses import replace

    from visionlab.studies import STUDY_FILE, format_study, run_study

    t = time.perf_counter()
    cfg, folder = state.cfg, state.out / "studies"
    c, run = cfg.classify, state.classifier_run()
    data = state.data if state.data is not None else Path(read_json(RunFolder(run).split_path)["root"])
    opts = replace(cfg.study, run=str(run), backbone=c.backbone, weights=c.weights, seed=cfg.seed, download=cfg.download,
                   quiet=cfg.quiet, img_size=cfg.study.img_size or c.img_size, crop_pct=cfg.study.crop_pct or c.crop_pct)
    lines = []
    for name in cfg.studies:
        out = folder / name
        if state.resuming and (out / STUDY_FILE).is_file():  # finished before the lab stopped
            lines.append(f"{name}: kept from before ({out / STUDY_FILE})")
            continue
        lines.append(format_study(run_study(name, data, out, opts)))
    state.record("studies", {"dir": folder, "names": list(cfg.studies)}, t)
    state.say(step, total, "control questions answered by experiment\n" + "\n\n".join(lines))


def _restore_data(state: LabState, entry: dict) -> None:
    state.data = state.path(entry["classify_data"])


def _restore_classify(state: LabState, entry: dict) -> None:
    _hand_over_classifier(state, state.path(entry["run"]))


def _restore_segment(state: LabState, entry: dict) -> None:
    if state.plan.segmenter == PRETRAINED:
        state.seg_run = state.plan.pretrained
    else:
        state.seg_data = _segmentation_data(state, render=False)
        state.seg_run = state.path(entry["run"])


def _nothing_to_hand_over(state: LabState, entry: dict) -> None:
    """A finished stage whose output no later stage reads."""


STAGE_FUNCTIONS: dict[str, Callable[[LabState, int, int], None]] = {
    "data": _data, "classify": _classify, "explain": _explain, "segment": _segment, "experiment": _experiment,
    "compare": _compare, "pipeline": _pipeline, "walkmap": _walkmap, "distill": _distill, "studies": _studies,
}


RESTORE_FUNCTIONS: dict[str, Callable[[LabState, dict], None]] = {
    "data": _restore_data, "classify": _restore_classify, "segment": _restore_segment,
    **{stage: _nothing_to_hand_over for stage in ("explain", "experiment", "compare", "pipeline", "walkmap", "distill", "studies")},
}
"""How `visionlab lab --resume` gives later stages what a finished stage handed over (read back from its folder)."""
