"""The lab's configuration: one YAML file (or an embedded one by name), saved in ``lab.json``.

Configs: a path to a YAML file, or the name of an embedded one (``visionlab/configs/NAME.yaml``:
``game_world``, the README's main job; ``tiny``, a one-minute smoke run for tests). Every key is
optional; ``visionlab lab --print-config`` shows the embedded default to copy and edit.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import yaml

from visionlab.data.preprocess import check_crop_pct
from visionlab.data.variants import get_variant
from visionlab.errors import ConfigError
from visionlab.studies.options import StudyOptions
from visionlab.train.config import SegAugmentConfig, SegmentConfig

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
STAGES = ("classify", "explain", "segment", "experiment", "compare", "pipeline", "walkmap", "distill")
GAME_WORLD = "game_world"


def _segment_default(name: str, config: type = SegmentConfig) -> Any:
    """``train segment``'s default for ``name`` (its augmentation's with ``SegAugmentConfig``): the lab trains with the same recipe."""
    return next(f.default for f in fields(config) if f.name == name)


@dataclass
class DataSection:
    """``data:``: where the classification images come from (the game world, a folder, or a web fetch)."""
    source: str = GAME_WORLD  # game_world | folder | fetch
    n: int = 400  # game world: scenes rendered for classification
    path: str | None = None  # folder: DATA/<class>/* (or DATA/train|val|test/<class>/*)
    queries: dict[str, str] = field(default_factory=dict)  # fetch: class -> image search query
    per_class: int = 150  # fetch: search results per class
    size: int = 256  # game world: scene width and height


@dataclass
class ClassifySection:
    """``classify:``: the classifier, its training mode and schedule (the lab's recipe; see ``ClassifyConfig``)."""
    backbone: str = "efficientnet_lite0"
    weights: str = "DEFAULT"
    mode: str = "frozen"
    epochs: int = 30
    lr: float = 3e-3
    scheduler: str = "cosine"
    batch_size: int = 32
    img_size: int | None = None
    crop_pct: float | None = None  # the centre crop's share of the resized image (None: the weights entry's; 1: the whole image)
    step_size: int = 5  # scheduler: step: epochs between drops
    gamma: float = 0.1  # scheduler: step: the multiplier at each drop
    dropout: float = 0.3  # before the head's linear layer
    feature_views: int = 1  # frozen: cached views per training image; N > 1 adds N-1 augmented views (the augmentation is applied)
    unfreeze_top: int = 2  # finetune, partial: the last N backbone blocks that train with the head
    recipe: str = "standard"  # the section's values as written; auto or small-images as in `train classify --recipe`


@dataclass
class ExplainSection:
    """``explain:``: the CAM method and the layer it hooks."""
    method: str = "gradcam"
    layer: str | None = None  # None: the backbone's last convolutional block; the manual's spelling works (layer4[-1].conv2)
    curve_images: int = 64  # validation images given deletion/insertion curves (the costly part of the stage); 0: none


@dataclass
class SegmentSection:
    """``segment:``: the segmenter trained (or the pretrained one used) and its game-world scenes."""
    model: str = "unet"
    encoder: str | None = "efficientnet_lite0"
    pretrained: bool = True  # ImageNet encoder
    n: int = 400  # game world: scenes with masks
    characters: int = 3  # game world: characters per scene
    epochs: int = 12
    lr: float = field(default_factory=lambda: _segment_default("lr"))
    img_size: tuple[int, int] = (160, 160)
    batch_size: int = field(default_factory=lambda: _segment_default("batch_size"))
    loss: str = field(default_factory=lambda: _segment_default("loss"))  # the defaults of `train segment`
    class_weights: str = field(default_factory=lambda: _segment_default("class_weights"))
    scale_min: float = field(default_factory=lambda: _segment_default("scale_min", SegAugmentConfig))  # random crops cover at least this share (1: no crops)
    tta_flip: bool = field(default_factory=lambda: _segment_default("tta_flip"))  # the trained segmenter predicts from the image and its mirror
    train_crop: int = 0  # train on random windows of this many pixels of the scene at img_size, unscaled (0: whole scenes)
    data: str | None = None  # a mask dataset instead of game-world scenes
    use_pretrained: str | None = None  # a pretrained segmenter name (e.g. deeplabv3_resnet50) instead of training
    photo_model: str = "deeplabv3_resnet50"  # the pretrained segmenter for the user's own images when data: gives no masks
    examples: int = 6  # test images segmented for the report's overlays


@dataclass
class ExperimentSection:
    """``experiment:``: the pretrained-vs-scratch comparison and its classical baselines."""
    target_miou: float = 0.5
    baselines: tuple[str, ...] = ("otsu", "kmeans")


@dataclass
class CompareSection:
    """``compare:``: which segmentation classes Grad-CAM is compared with."""
    concept_classes: tuple[str, ...] | None = None  # None: character on the game world; on photos the variant's VOC classes, else every object class


@dataclass
class PipelineSection:
    """``pipeline:``: the segment-then-classify pipeline's scenes and region classes."""
    scenes: int = 200  # game world: new scenes for the pipeline and walkmaps
    characters: int = 3
    classes: tuple[str, ...] | None = None
    split_touching: bool = True
    images: str | None = None  # a folder of images: instead of new game-world scenes, or beside the validation photos
    min_area: int = 150  # regions with fewer pixels are skipped


@dataclass
class DistillSection:
    """``distill:``: the light student trained on the segmenter's outputs."""
    student: str = "lraspp_mobilenet_v3_large"
    epochs: int = 8
    batch_size: int = 8
    lr: float = 3e-3
    soft: bool = False
    img_size: tuple[int, int] | None = None
    timing_rounds: int = 6  # rounds of forwards timing teacher and student (a slow teacher: fewer)


@dataclass
class LabConfig:
    """One lab: what to run and with which settings (saved in ``lab.json``)."""

    variant: str = "dragons-vs-robots"  # a name of the user's own, or the catalogue's (``variant: N`` fills it)
    variant_number: int | None = None  # the manual's variant (visionlab variants), when the lab is one of them
    classes: tuple[str, ...] | None = None  # checked against the data's classes when given
    seed: int = 0
    stages: tuple[str, ...] | None = None  # None: every stage that can run on the data (the others skipped, with the reason); listed: each must run
    data: DataSection = field(default_factory=DataSection)
    classify: ClassifySection = field(default_factory=ClassifySection)
    explain: ExplainSection = field(default_factory=ExplainSection)
    segment: SegmentSection = field(default_factory=SegmentSection)
    experiment: ExperimentSection = field(default_factory=ExperimentSection)
    compare: CompareSection = field(default_factory=CompareSection)
    pipeline: PipelineSection = field(default_factory=PipelineSection)
    distill: DistillSection = field(default_factory=DistillSection)
    studies: tuple[str, ...] = ()  # control-question studies run after the stages (visionlab study NAME), in the report's "Control questions"
    study: StudyOptions = field(default_factory=StudyOptions)  # their settings; run, backbone, weights, seed, download and quiet are the lab's
    report: bool = True
    lang: str = "en"  # the report's language: en (English) or uk (Ukrainian, the manual's)
    quiet: bool = False
    download: bool = False  # let torchvision weights download (hash-checked); without it, missing files are listed before any work

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LabConfig:
        """A config from a mapping (a parsed YAML file); unknown keys raise :class:`ConfigError` naming them.

        ``variant: N`` (a number) takes the manual's variant N from the catalogue (:mod:`visionlab.data.variants`):
        its name, its classes, and a data source when none is given: the game world where it renders
        the variant, else a web fetch with the variant's queries.
        """
        return _build(cls, with_variant(d), "")

    @classmethod
    def from_yaml(cls, path: str | Path, *, variant: int | None = None, data: str | Path | None = None) -> LabConfig:
        """Read a config file, or an embedded config by name (``game_world``, ``tiny``).

        Args:
            path: A YAML file or an embedded config's name.
            variant: The manual's variant to run instead of the file's (``visionlab lab --variant N``):
                its classes, and its data source unless ``data`` is given.
            data: A folder of the user's own images (``DATA/<class>/*``) instead of the file's data source:
                its sub-folders name the classes, and without ``variant`` its name names the lab.

        Returns:
            The checked configuration.

        Raises:
            ConfigError: Missing file, bad YAML, unknown keys or values (named, with the valid ones).
        """
        path = resolve_config_path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise ConfigError(f"{path} must hold a mapping of settings (variant:, data:, classify:, ...)")
        if variant is not None:  # the file's variant, classes and catalogue data source give way
            raw = {k: v for k, v in raw.items() if k not in ("variant", "classes")} | {"variant": int(variant)}
            if raw.get("data", {}).get("source") != "folder":
                raw["data"] = {k: v for k, v in raw.get("data", {}).items() if k not in ("source", "queries", "path")}
        if data is not None:  # the folder names its classes; without --variant it names the lab too
            raw = {k: v for k, v in raw.items() if k != "classes"}
            if variant is None and not str(raw.get("variant", "")).isdigit():  # a catalogue variant of the file stays
                raw["variant"] = Path(data).resolve().name or "my-images"
            raw["data"] = {k: v for k, v in raw.get("data", {}).items() if k != "queries"} | {"source": "folder", "path": str(data)}
        cfg = cls.from_dict(raw)
        cfg.validate()
        return cfg

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form, saved in ``lab.json`` (``variant_number`` only when the lab is a catalogue variant)."""
        d = asdict(self)
        if d["variant_number"] is None:
            del d["variant_number"]
        return d

    def validate(self) -> None:
        """Check that the stages can run together and that their inputs are configured.

        Raises:
            ConfigError: Naming the setting and the fix.
        """
        unknown = [s for s in self.stages or () if s not in STAGES]
        if unknown:
            raise ConfigError(f"unknown stage(s) {unknown}; choose from: {', '.join(STAGES)}")
        from visionlab.report.i18n import LANGS
        from visionlab.studies.options import STUDY_NAMES

        bad = [s for s in self.studies if s not in STUDY_NAMES]
        if bad:
            raise ConfigError(f"studies: unknown study(ies) {bad}; choose from: {', '.join(STUDY_NAMES)}")
        if self.lang not in LANGS:
            raise ConfigError(f"lang: the report's language must be one of {', '.join(LANGS)} (en: English, uk: Ukrainian); got {self.lang!r}")
        if self.data.source not in (GAME_WORLD, "folder", "fetch"):
            raise ConfigError(f"data.source must be game_world, folder or fetch, not {self.data.source!r}")
        if self.variant_number is not None and self.data.source == GAME_WORLD and not get_variant(self.variant_number).game_world:
            v = get_variant(self.variant_number)
            raise ConfigError(f"data.source: the game world does not render variant {v.number} ({v.title}) yet; pass your own images "
                              "(visionlab lab --data FOLDER, or data: {source: folder, path: FOLDER}) or fetch them (data.source: fetch)")
        if self.segment.batch_size < 2:
            raise ConfigError(f"segment.batch_size must be at least 2 (BatchNorm needs two samples per batch); got {self.segment.batch_size}")
        if self.classify.unfreeze_top < 1:
            raise ConfigError(f"classify.unfreeze_top is how many of the backbone's last blocks train with the head in modes finetune and "
                              f"partial, at least 1; got {self.classify.unfreeze_top}")
        check_crop_pct(self.classify.crop_pct, "classify.crop_pct")
        check_crop_pct(self.study.crop_pct, "study.crop_pct")
        if not 0 < self.segment.scale_min <= 1:
            raise ConfigError(f"segment.scale_min is the smallest share of the image a training crop covers, in (0, 1] (1: no crops); "
                              f"got {self.segment.scale_min}")
        crop, side = self.segment.train_crop, max(self.segment.img_size)
        if crop and (crop % 32 or not 32 <= crop <= side):
            raise ConfigError(f"segment.train_crop is the side of the training windows cut from each scene at img_size: a multiple of 32 "
                              f"up to {side} (img_size's longer side), or 0 for whole scenes; got {crop}")
        if self.data.source == "folder" and not self.data.path:
            raise ConfigError("data.source: folder needs data.path: DATA (class folders)")
        if self.data.source == "fetch" and len(self.data.queries) < 2:
            raise ConfigError("data.source: fetch needs data.queries with a search query per class (at least two)")
        if self.stages is None:
            return
        needs_seg = {"segment", "experiment", "compare", "pipeline", "walkmap", "distill"} & set(self.stages)
        if needs_seg and "segment" not in self.stages:
            raise ConfigError(f"stages {sorted(needs_seg)} need the segment stage; add it to stages:")
        if {"explain", "compare", "pipeline"} & set(self.stages) and "classify" not in self.stages:
            raise ConfigError("explain, compare and pipeline need the classify stage; add it to stages:")

    @property
    def game_variant(self) -> int:
        """The variant the game world renders for this lab: the manual's variant, else variant 1 (dragons vs robots)."""
        return self.variant_number if self.variant_number is not None else 1

    @property
    def on_game_world(self) -> bool:
        """Whether the classification images come from the game world (else: the user's own images)."""
        return self.data.source == GAME_WORLD


def with_variant(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` with the catalogue's settings of ``variant: N`` filled in where ``d`` gives none.

    A variant given by name (``dragons-vs-robots``, or a name of the user's own) is left as it is.

    Raises:
        ParamError: ``variant`` is a number the manual does not have.
    """
    number = d.get("variant")
    if isinstance(number, bool) or not (isinstance(number, int) or (isinstance(number, str) and number.isdigit())):
        return d
    v = get_variant(int(number))
    out = {**d, "variant": v.name, "variant_number": v.number}
    data = dict(d.get("data") or {})
    data.setdefault("source", GAME_WORLD if v.game_world else "fetch")
    if data["source"] != "folder":  # the user's own folder names its classes itself
        out.setdefault("classes", list(v.classes))
    if data["source"] == "fetch":
        data.setdefault("queries", v.query_map)
    out["data"] = data
    return out


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
        else:
            _check_number(f, value, where)
            values[name] = tuple(value) if isinstance(value, list) else value
    return cls(**values)


def _check_number(f: Any, value: Any, where: str) -> None:
    """Refuse a non-number where the field is a number (``float``, ``int``, ``float | None``...), naming the key."""
    spelled = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))  # "float | None", or float itself
    kind = spelled.split("|")[0].strip()
    if kind not in ("float", "int") or (value is None and "None" in spelled):
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind == "int" and isinstance(value, float)):
        raise ConfigError(f"{where}{f.name} must be {'an integer' if kind == 'int' else 'a number'}; got {value!r}")


def resolve_config_path(path: str | Path) -> Path:
    """A config file's path: ``path`` itself, or the embedded config of that name.

    Raises:
        ConfigError: Neither; the message lists the embedded names.
    """
    candidate = Path(path)
    if candidate.is_file():
        return candidate
    embedded = CONFIG_DIR / f"{path}.yaml"
    if embedded.is_file():
        return embedded
    names = ", ".join(sorted(p.stem for p in CONFIG_DIR.glob("*.yaml")))
    raise ConfigError(f"no config file {path}; pass a YAML file or an embedded config name ({names}); "
                      "visionlab lab --print-config shows the default")
