"""``visionlab lab [CONFIG]``: the whole lab from one YAML file into one folder, and its report.

The stages follow the manual: data -> classifier (trained, evaluated, a few predictions) ->
Grad-CAM -> segmenter (with example overlays) -> pretrained-vs-scratch experiment -> Grad-CAM vs
segmentation -> segment-then-classify pipeline -> walkmaps -> distillation -> report. Each stage
writes into its own folder of the lab and adds an entry to ``LAB/lab.json`` (``visionlab-lab/1``:
paths relative to the lab, seconds, the resolved config), which is what :mod:`visionlab.report`
reads. ``stages:`` in the config picks which run; a stage whose inputs are missing (walkmaps
without a game-world segmenter, say) is refused before anything trains.

Configs: a path to a YAML file, or the name of an embedded one (``visionlab/configs/NAME.yaml``:
``game_world``, the README's main job; ``tiny``, a one-minute smoke run for tests). Every key is
optional; ``visionlab lab --print-config`` shows the embedded default to copy and edit.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch
import yaml

from visionlab.errors import ConfigError
from visionlab.utils.files import read_json, write_json

CONFIG_DIR = Path(__file__).parent / "configs"
STAGES = ("classify", "explain", "segment", "experiment", "compare", "pipeline", "walkmap", "distill")
GAME_WORLD = "game_world"


@dataclass
class DataSection:
    source: str = GAME_WORLD  # game_world | folder | fetch
    n: int = 400  # game world: scenes rendered for classification
    path: str | None = None  # folder: DATA/<class>/* (or DATA/train|val|test/<class>/*)
    queries: dict[str, str] = field(default_factory=dict)  # fetch: class -> image search query
    per_class: int = 150  # fetch: search results per class
    size: int = 256  # game world: scene width and height


@dataclass
class ClassifySection:
    backbone: str = "efficientnet_lite0"
    weights: str = "DEFAULT"
    mode: str = "frozen"
    epochs: int = 30
    lr: float = 3e-3
    scheduler: str = "cosine"
    batch_size: int = 32
    img_size: int | None = None


@dataclass
class SegmentSection:
    model: str = "unet"
    encoder: str | None = "efficientnet_lite0"
    pretrained: bool = True  # ImageNet encoder
    n: int = 400  # game world: scenes with masks
    characters: int = 3  # game world: characters per scene
    epochs: int = 12
    lr: float = 3e-3
    img_size: tuple[int, int] = (160, 160)
    loss: str = "ce+dice"
    class_weights: str = "balanced"
    data: str | None = None  # a mask dataset instead of game-world scenes
    use_pretrained: str | None = None  # a pretrained segmenter name (e.g. deeplabv3_resnet50) instead of training
    examples: int = 6  # test images segmented for the report's overlays


@dataclass
class ExperimentSection:
    target_miou: float = 0.5
    baselines: tuple[str, ...] = ("otsu", "kmeans")


@dataclass
class CompareSection:
    concept_classes: tuple[str, ...] | None = None  # None: ("character",) on the game world


@dataclass
class PipelineSection:
    scenes: int = 200  # game world: new scenes for the pipeline and walkmaps
    characters: int = 3
    classes: tuple[str, ...] | None = None
    split_touching: bool = True
    images: str | None = None  # a folder of images instead of new game-world scenes


@dataclass
class DistillSection:
    student: str = "lraspp_mobilenet_v3_large"
    epochs: int = 8
    batch_size: int = 8
    lr: float = 3e-3
    soft: bool = False
    img_size: tuple[int, int] | None = None


@dataclass
class LabConfig:
    """One lab: what to run and with which settings (saved in ``lab.json``)."""

    variant: str = "dragons-vs-robots"
    classes: tuple[str, ...] | None = None  # checked against the data's classes when given
    seed: int = 0
    stages: tuple[str, ...] = STAGES
    data: DataSection = field(default_factory=DataSection)
    classify: ClassifySection = field(default_factory=ClassifySection)
    segment: SegmentSection = field(default_factory=SegmentSection)
    experiment: ExperimentSection = field(default_factory=ExperimentSection)
    compare: CompareSection = field(default_factory=CompareSection)
    pipeline: PipelineSection = field(default_factory=PipelineSection)
    distill: DistillSection = field(default_factory=DistillSection)
    report: bool = True
    quiet: bool = False

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LabConfig:
        return _build(cls, d, "")

    @classmethod
    def from_yaml(cls, path: str | Path) -> LabConfig:
        """Read a config file, or an embedded config by name (``game_world``, ``tiny``).

        Raises:
            ConfigError: Missing file, bad YAML, unknown keys or values (named, with the valid ones).
        """
        path = resolve_config_path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{path} must hold a mapping of settings (variant:, data:, classify:, ...)")
        cfg = cls.from_dict(data)
        cfg.validate()
        return cfg

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def validate(self) -> None:
        unknown = [s for s in self.stages if s not in STAGES]
        if unknown:
            raise ConfigError(f"unknown stage(s) {unknown}; choose from: {', '.join(STAGES)}")
        if self.data.source not in (GAME_WORLD, "folder", "fetch"):
            raise ConfigError(f"data.source must be game_world, folder or fetch, not {self.data.source!r}")
        if self.data.source == "folder" and not self.data.path:
            raise ConfigError("data.source: folder needs data.path: DATA (class folders)")
        if self.data.source == "fetch" and len(self.data.queries) < 2:
            raise ConfigError("data.source: fetch needs data.queries with a search query per class (at least two)")
        needs_seg = {"segment", "experiment", "compare", "pipeline", "walkmap", "distill"} & set(self.stages)
        if needs_seg and "segment" not in self.stages:
            raise ConfigError(f"stages {sorted(needs_seg)} need the segment stage; add it to stages:")
        if {"explain", "compare", "pipeline"} & set(self.stages) and "classify" not in self.stages:
            raise ConfigError("explain, compare and pipeline need the classify stage; add it to stages:")
        game_seg = self.segment.data is None and self.segment.use_pretrained is None
        if "walkmap" in self.stages and not game_seg:
            raise ConfigError("walkmap works on game-world segmenters (side-view scenes); drop it from stages:")
        if {"experiment", "distill"} & set(self.stages) and self.segment.use_pretrained:
            raise ConfigError("experiment and distill need a trained segmenter; drop segment.use_pretrained or those stages")
        if "pipeline" in self.stages and not game_seg and not self.pipeline.images:
            raise ConfigError("pipeline on a non-game-world segmenter needs pipeline.images: FOLDER")


def _build(cls, d: dict[str, Any], where: str):
    known = {f.name: f for f in fields(cls)}
    extra = sorted(set(d) - set(known))
    if extra:
        raise ConfigError(f"unknown key(s) {', '.join(where + k for k in extra)}; known: {', '.join(where + k for k in known)}")
    values = {}
    for name, value in d.items():
        f = known[name]
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        if is_dataclass(default):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}{name}: expected a mapping of settings, got {value!r}")
            values[name] = _build(type(default), value, f"{where}{name}.")
        elif isinstance(value, list):
            values[name] = tuple(value)
        else:
            values[name] = value
    return cls(**values)


def resolve_config_path(path: str | Path) -> Path:
    candidate = Path(path)
    if candidate.is_file():
        return candidate
    embedded = CONFIG_DIR / f"{path}.yaml"
    if embedded.is_file():
        return embedded
    names = ", ".join(sorted(p.stem for p in CONFIG_DIR.glob("*.yaml")))
    raise ConfigError(f"no config file {path}; pass a YAML file or an embedded config name ({names}); "
                      "visionlab lab --print-config shows the default")


# --- running -----------------------------------------------------------------------------------------

@dataclass
class LabState:
    """What the stages hand to each other."""

    cfg: LabConfig
    out: Path
    manifest: dict
    t0: float
    cls_run: Path | None = None
    val_images: list[Path] = field(default_factory=list)
    seg_run: str | Path | None = None
    data: Path | None = None
    seg_data: Path | None = None
    scenes: list[Path] = field(default_factory=list)

    def record(self, stage: str, entry: dict, started: float) -> None:
        self.manifest["stages"][stage] = {k: self.rel(v) for k, v in entry.items()} | {"seconds": round(time.perf_counter() - started, 1)}
        write_json(self.out / LAB_JSON, self.manifest)

    def rel(self, value: Any) -> Any:
        if isinstance(value, Path):
            try:
                return value.resolve().relative_to(self.out.resolve()).as_posix()
            except ValueError:
                return str(value)
        return value

    def say(self, step: int, total: int, text: str) -> None:
        print(f"[{step}/{total}] {text} ({time.perf_counter() - self.t0:.1f}s)", flush=True)


LAB_JSON = "lab.json"


def _free_dir(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``... so that a rerun never overwrites an earlier lab."""
    candidate, k = base, 1
    while candidate.exists() and any(candidate.iterdir()):
        k += 1
        candidate = base.with_name(f"{base.name}-{k}")
    return candidate


def run_lab(cfg: LabConfig, out: str | Path | None = None) -> Path:
    """Run the lab's stages into ``out`` (default ``runs/<variant>``, or ``-2``, ``-3``... when taken).

    Returns:
        The lab folder (``lab.json``, one folder per stage, ``report.html`` and ``report.md``).
    """
    cfg.validate()
    out = _free_dir(Path(out) if out else Path("runs") / cfg.variant)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"format": "visionlab-lab/1", "variant": cfg.variant, "classes": None, "config": cfg.to_dict(),
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "seconds": None,
                "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                            "threads": torch.get_num_threads(), "torch": torch.__version__,
                            "device": "cuda" if torch.cuda.is_available() else "cpu"},
                "stages": {}}
    state = LabState(cfg, out, manifest, time.perf_counter())
    plan = [s for s in ("data", *STAGES) if s == "data" or s in cfg.stages]
    total = len(plan) + int(cfg.report)
    for step, stage in enumerate(plan, 1):
        STAGE_FUNCTIONS[stage](state, step, total)
    manifest["seconds"] = round(time.perf_counter() - state.t0, 1)
    write_json(out / LAB_JSON, manifest)
    if cfg.report:
        from visionlab.report import format_summary, write_report

        result = write_report(out)
        state.say(total, total, "report\n" + format_summary(result))
    return out


# --- stages -------------------------------------------------------------------------------------------

def _data(state: LabState, step: int, total: int) -> None:
    t = time.perf_counter()
    cfg, out = state.cfg, state.out
    if cfg.data.source == GAME_WORLD:
        from visionlab.data.synth import SceneSpec, write_dataset

        write_dataset(out / "data", cfg.data.n, seed=cfg.seed, spec=SceneSpec(width=cfg.data.size, height=cfg.data.size))
        data = out / "data" / "classify"
    elif cfg.data.source == "fetch":
        from visionlab.data.fetch import FetchOptions, fetch_images, format_summary

        result = fetch_images(out / "data", list(cfg.data.queries.items()), FetchOptions(n=cfg.data.per_class, quiet=cfg.quiet))
        print(format_summary(result), flush=True)
        data = out / "data"
    else:
        data = Path(cfg.data.path)
    from visionlab.data.folders import is_presplit, scan_class_folders

    classes = list(scan_class_folders(data / "train" if is_presplit(data) else data)[0].classes)  # a missing or empty folder: a clear error
    if cfg.classes and sorted(cfg.classes) != classes:
        raise ConfigError(f"classes: {list(cfg.classes)} in the config, but {data} has {classes}; fix classes: or the data")
    state.manifest["classes"] = classes
    state.data = data
    state.record("data", {"classify_data": data}, t)
    state.say(step, total, f"data: {', '.join(classes)} in {data}")


def _classify(state: LabState, step: int, total: int) -> None:
    from visionlab.evaluate.classify import evaluate_run
    from visionlab.predict import format_table, predict_paths, write_predictions
    from visionlab.train.classify import train_classifier
    from visionlab.train.config import ClassifyConfig

    t = time.perf_counter()
    c, run = state.cfg.classify, state.out / "classify"
    train_classifier(ClassifyConfig(data=str(state.data), out=str(run), backbone=c.backbone, weights=c.weights, mode=c.mode, epochs=c.epochs,
                                    lr=c.lr, scheduler=c.scheduler, batch_size=c.batch_size, img_size=c.img_size, seed=state.cfg.seed,
                                    quiet=state.cfg.quiet))
    m = evaluate_run(run, split="val")
    split = read_json(run / "split.json")
    state.cls_run = run
    state.val_images = [Path(split["root"]) / p for p, _ in split["splits"]["val"]]
    rows = predict_paths(run, state.val_images[:6])
    write_predictions(rows, run / "predictions_sample.csv")
    state.record("classify", {"run": run}, t)
    auc = "n/a" if m["roc_auc"] is None else f"{m['roc_auc']:.4f}"
    state.say(step, total, f"classifier {c.backbone} ({c.mode}) in {run}: validation accuracy {m['accuracy']:.4f}, F1 macro "
                           f"{m['f1_macro']:.4f}, ROC AUC {auc} on {m['n_images']} images\n" + format_table(rows))


def _explain(state: LabState, step: int, total: int) -> None:
    from visionlab.explain.stage import explain_images, format_summary

    t = time.perf_counter()
    summary = explain_images(state.cls_run, state.val_images)
    state.record("explain", {"dir": state.cls_run / "explain"}, t)
    state.say(step, total, "Grad-CAM on the validation split\n" + format_summary(summary))


def _segment(state: LabState, step: int, total: int) -> None:
    from visionlab.evaluate.segment import format_metrics, resolve_mask_split
    from visionlab.segment import format_summary, segment_images

    t = time.perf_counter()
    s, cfg = state.cfg.segment, state.cfg
    if s.use_pretrained:
        state.seg_run = s.use_pretrained
        examples_from = state.val_images[: s.examples]
        line = f"pretrained segmenter {s.use_pretrained}"
    else:
        state.seg_data = _segmentation_data(state)
        run = state.out / "segment"
        from visionlab.train.segment import train_segmenter

        train_segmenter(segment_config(cfg, state.seg_data, run))
        state.seg_run = run
        split = "test" if (run / "eval" / "test").is_dir() else "val"
        test = read_json(run / "eval" / split / "metrics.json")
        items = resolve_mask_split(run, None, split)
        examples_from = [items.image_path(i) for i in range(min(s.examples, len(items)))]
        line = f"segmenter {s.model}/{s.encoder} in {run}\n" + format_metrics(test)
    examples = state.out / "segment_examples"
    summary = segment_images(state.seg_run, examples_from, examples)
    state.record("segment", {"run": state.seg_run if isinstance(state.seg_run, Path) else str(state.seg_run), "examples": examples}, t)
    state.say(step, total, line + "\n" + format_summary(summary, examples, max_rows=3))


def _segmentation_data(state: LabState) -> Path:
    s = state.cfg.segment
    if s.data:
        return Path(s.data)
    from visionlab.data.synth import SceneSpec, write_dataset

    size = state.cfg.data.size
    write_dataset(state.out / "data_segment", s.n, seed=state.cfg.seed + 1, spec=SceneSpec(width=size, height=size, n_characters=s.characters))
    return state.out / "data_segment" / "segment"


def segment_config(cfg: LabConfig, data: Path, run: Path):
    from visionlab.train.config import SegmentConfig

    s = cfg.segment
    return SegmentConfig(data=str(data), out=str(run), model=s.model, encoder=s.encoder, pretrained=s.pretrained, epochs=s.epochs,
                         lr=s.lr, img_size=tuple(s.img_size), loss=s.loss, class_weights=s.class_weights, seed=cfg.seed, quiet=cfg.quiet)


def _experiment(state: LabState, step: int, total: int) -> None:
    from visionlab.train.experiment import run_encoder_experiment

    t = time.perf_counter()
    exp = state.out / "experiment"
    e = state.cfg.experiment
    result = run_encoder_experiment(segment_config(state.cfg, state.seg_data, state.seg_run), exp, target_miou=e.target_miou,
                                    baselines=tuple(e.baselines), reuse_pretrained=state.seg_run)
    state.record("experiment", {"dir": exp}, t)
    state.say(step, total, "pretrained encoder vs from scratch, same data and budget\n" + result["table"])


def _compare(state: LabState, step: int, total: int) -> None:
    from visionlab.compare import CompareOptions, compare_images, format_summary

    t = time.perf_counter()
    folder = state.out / "compare"
    concept = state.cfg.compare.concept_classes
    summary = compare_images(state.cls_run, state.val_images, state.seg_run, folder,
                             CompareOptions(concept_classes=tuple(concept) if concept else None))
    state.record("compare", {"dir": folder}, t)
    state.say(step, total, "Grad-CAM vs segmentation on the validation images\n" + format_summary(summary, folder))


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
                          spec=SceneSpec(width=size, height=size, n_characters=p.characters))
            state.scenes = [state.out / "data_scenes" / "segment" / "images"]
    return state.scenes


def _pipeline(state: LabState, step: int, total: int) -> None:
    from visionlab.pipeline import PipelineOptions, format_summary, run_pipeline

    t = time.perf_counter()
    p, folder = state.cfg.pipeline, state.out / "pipeline"
    summary = run_pipeline(state.cls_run, state.seg_run, _scenes(state), folder,
                           PipelineOptions(classes=tuple(p.classes) if p.classes else None, split_touching=p.split_touching))
    state.record("pipeline", {"dir": folder}, t)
    state.say(step, total, f"pipeline on {summary['n_images']} scenes\n" + format_summary(summary, folder))


def _walkmap(state: LabState, step: int, total: int) -> None:
    from visionlab.walkmap import format_summary, walkmap_images

    t = time.perf_counter()
    folder = state.out / "walkmap"
    summary = walkmap_images(state.seg_run, _scenes(state), folder)
    state.record("walkmap", {"dir": folder}, t)
    state.say(step, total, "walkmaps\n" + format_summary(summary, folder))


def _distill(state: LabState, step: int, total: int) -> None:
    from visionlab.distill import DistillOptions, distill
    from visionlab.export import export_run, format_report

    t = time.perf_counter()
    d, run = state.cfg.distill, state.out / "distill"
    images = [state.seg_data / "images", *_scenes(state)] if state.seg_data is not None else _scenes(state)
    result = distill(images, run, DistillOptions(teacher=str(state.seg_run), student=d.student, soft=d.soft, epochs=d.epochs,
                                                 batch_size=d.batch_size, lr=d.lr,
                                                 img_size=tuple(d.img_size) if d.img_size else None, data=str(state.seg_data) if state.seg_data else None,
                                                 seed=state.cfg.seed, quiet=state.cfg.quiet))
    exported = export_run(run, "onnx")  # the file a game engine loads; checked against PyTorch on real images
    state.record("distill", {"run": run, "onnx": Path(exported["path"])}, t)
    state.say(step, total, f"distilled {d.student} from the segmenter\n" + result["table"] + "\n" + format_report(exported))


STAGE_FUNCTIONS: dict[str, Callable[[LabState, int, int], None]] = {
    "data": _data, "classify": _classify, "explain": _explain, "segment": _segment, "experiment": _experiment,
    "compare": _compare, "pipeline": _pipeline, "walkmap": _walkmap, "distill": _distill,
}
