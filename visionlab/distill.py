"""``visionlab distill``: a light segmenter trained on a big one's outputs (the manual's stage 7).

1. **Pseudo-labels, once.** The teacher labels every image; each label is written as soon as it
   exists (``OUT/pseudo/masks/NAME.png``, and with ``--soft`` the teacher's logits at network
   resolution as ``OUT/pseudo/soft/NAME.npy``, float16). ``OUT/pseudo/index.json`` records which
   teacher made them, so an interrupted run picks up where it stopped and a different teacher is
   refused instead of mixed in.
2. **The student** trains on them with the ordinary segmentation trainer: hard labels with
   cross-entropy, or with ``--soft`` ``alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE``
   (Hinton et al.), the teacher's logits augmented together with the image. A tenth of the images
   is held out to pick the best epoch by agreement with the teacher.
3. **Ground truth, when given** (``--data``): the teacher run's own test split (or the dataset's
   seeded one) is the student's test split; distillation images that are test images (same bytes)
   are left out, so the student never sees a test image, even unlabelled.
4. **The comparison** (``OUT/distill/``): milliseconds per image at batch 1 and batched (network
   only, same input size, stated threads), parameters, file size, mIoU against ground truth and
   agreement with the teacher (the student's mIoU with the teacher's masks as truth).
"""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torchvision import tv_tensors

from visionlab import runs
from visionlab.data.check import file_sha256
from visionlab.data.images import expand_paths, image_batches, load_rgb
from visionlab.data.masks import MaskList, mask_statistics, save_mask_png, split_mask_list
from visionlab.data.seg_dataset import MaskDataset, seg_train_transform
from visionlab.errors import ConfigError, RunFolderError, UnknownNameError, WeightsUnavailableError
from visionlab.evaluate.seg_metrics import ConfusionAccumulator, segmentation_metrics
from visionlab.models.segmenters import get_arch, list_archs
from visionlab.segment import LoadedSegmenter, SegmentationPredictor, load_segmenter, output_names
from visionlab.train.config import SegAugmentConfig, SegmentConfig
from visionlab.utils.files import atomic_write, read_json, write_csv_rows, write_json
from visionlab.utils.progress import progress

PSEUDO = "pseudo"
INDEX = "index.json"


@dataclass
class DistillOptions:
    """Everything ``visionlab distill`` needs; saved in the student run's ``config.json``."""

    teacher: str  # run folder or pretrained name
    student: str = "lraspp_mobilenet_v3_large"  # ARCH or ARCH_ENCODER, e.g. unet_resnet18, fcn_resnet50
    init: str = "auto"  # auto (ImageNet encoder weights when available) | pretrained | scratch
    soft: bool = False
    temperature: float = 2.0
    alpha: float = 0.7  # share of the distillation term in the soft loss
    data: str | None = None  # mask dataset with ground truth
    epochs: int = 15
    batch_size: int = 8
    lr: float = 3e-3
    img_size: tuple[int, int] | None = None  # default: the teacher's input size (or 256x256)
    # Light augmentation: a small student cannot fit the teacher anyway. The compact LR-ASPP student,
    # 20 epochs: crops of >= 50% of the area with colour jitter 0.2 gave 0.649 test mIoU, >= 90% without 0.679
    scale_min: float = 0.9
    color_jitter: float = 0.0
    val_fraction: float = 0.1
    seed: int = 0
    bn_momentum: float | None = 0.1  # None: keep the architecture's own
    download: bool = False
    device: str = "auto"
    amp: str = "auto"
    quiet: bool = False


# --- students -------------------------------------------------------------------------------------

def parse_student(name: str) -> tuple[str, str]:
    """``lraspp_mobilenet_v3_large`` -> ``("lraspp", "mobilenet_v3_large")``; a bare architecture takes its default encoder.

    Raises:
        UnknownNameError: Neither an architecture nor ARCH_ENCODER of a registered pair.
    """
    archs = list_archs()
    if name in archs:
        return name, get_arch(name).encoders[0]
    for arch in sorted(archs, key=len, reverse=True):
        if name.startswith(arch + "_") and name[len(arch) + 1:] in get_arch(arch).encoders:
            return arch, name[len(arch) + 1:]
    pairs = [f"{a}_{e}" for a in archs for e in get_arch(a).encoders if e != "none"]
    raise UnknownNameError(f"unknown student {name!r}; choose one of: {', '.join(pairs + ['tiny_unet'])}")


def resolve_init(arch: str, encoder: str, init: str, download: bool) -> bool:
    """Whether the student's encoder starts from ImageNet weights (``auto``: when the file is at hand)."""
    from visionlab.models.segmenters import ENCODER_WEIGHTS

    if init not in ("auto", "pretrained", "scratch"):
        raise ConfigError(f"--init must be auto, pretrained or scratch, not {init!r}")
    if init == "scratch" or encoder not in ENCODER_WEIGHTS:
        if init == "pretrained":
            raise ConfigError(f"{arch}_{encoder} has no pretrained encoder weights; use --init scratch")
        return False
    if init == "pretrained":
        return True
    try:
        ENCODER_WEIGHTS[encoder].load_state_dict(download=download)
        return True
    except WeightsUnavailableError:
        return False


def set_bn_momentum(model: nn.Module, momentum: float) -> int:
    """Set every BatchNorm's momentum; returns how many there are.

    torchvision's MobileNetV3 uses 0.01, so in a short run its running statistics stay close to
    their initial values and the evaluated network predicts nonsense for many epochs.
    """
    n = 0
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.momentum = momentum
            n += 1
    return n


# --- pseudo-labels --------------------------------------------------------------------------------

def teacher_fingerprint(teacher: LoadedSegmenter) -> str:
    """What identifies the teacher's outputs: its checkpoint's (or exported file's) SHA-256, or the pretrained weights' name."""
    if teacher.run is not None:
        ckpt = teacher.run / runs.BEST if (teacher.run / runs.BEST).is_file() else teacher.run / runs.LAST
        return "sha256:" + file_sha256(ckpt)
    if Path(teacher.name).suffix == ".onnx":
        return "sha256:" + file_sha256(Path(teacher.name))
    return f"pretrained:{teacher.name}:{teacher.model.weights.file_name if teacher.model.weights else 'random'}"


def _open_cache(cache: Path, teacher: LoadedSegmenter, files: list[Path]) -> dict:
    """Read or start the cache index; refuse a cache made by another teacher."""
    fingerprint = teacher_fingerprint(teacher)
    index_path = cache / INDEX
    if index_path.is_file():
        index = read_json(index_path)
        if index["teacher"]["fingerprint"] != fingerprint:
            raise RunFolderError(f"{cache} holds pseudo-labels of another teacher ({index['teacher']['name']}); "
                                 "choose another --out for this teacher (nothing was overwritten)")
    else:
        index = {"teacher": {"name": teacher.name, "fingerprint": fingerprint, **teacher.describe()}, "items": {}}
    known = {v: k for k, v in index["items"].items()}
    names = output_names(files)
    taken = set(index["items"])
    for f, name in zip(files, names):
        key = str(f.resolve())
        if key not in known:
            base, k = name, 1
            while name in taken:
                k += 1
                name = f"{base}_{k}"
            index["items"][name] = key
            taken.add(name)
    return index


def pseudo_label(teacher: LoadedSegmenter, files: list[Path], cache: str | Path, *, soft: bool = False, batch_size: int = 8,
                 device: str = "auto", amp: str = "auto", quiet: bool = True) -> dict[str, Path]:
    """Label ``files`` with ``teacher`` into ``cache``; labels already there are kept, not recomputed.

    Returns:
        ``{name: image path}`` of every labelled image (unreadable files are skipped with a warning).
    """
    cache = Path(cache)
    (cache / "masks").mkdir(parents=True, exist_ok=True)
    if soft:
        (cache / "soft").mkdir(exist_ok=True)
    index = _open_cache(cache, teacher, files)
    write_json(cache / INDEX, index)
    wanted = {str(f.resolve()) for f in files}
    by_path = {v: k for k, v in index["items"].items() if v in wanted}
    todo = [Path(p) for p, name in by_path.items() if not _labelled(cache, name, soft)]
    predictor = SegmentationPredictor(teacher, device, amp, batch_size)
    done = 0
    for batch_files, images in progress(image_batches(todo, batch_size), "pseudo-labels", quiet,
                                        total=-(-len(todo) // batch_size)) if todo else []:
        arrays = [np.asarray(im) for im in images]
        for f, (ids, logits) in zip(batch_files, predictor.predict_with_logits(arrays)):
            name = by_path[str(f.resolve())]
            if soft:
                atomic_write(cache / "soft" / f"{name}.npy", lambda p, a=logits.half().numpy(): _save_npy(p, a))
            save_mask_png(ids, cache / "masks" / f"{name}.png", teacher.classes.colors)  # written last: marks the item done
            done += 1
    labelled = {name: Path(p) for p, name in by_path.items() if _labelled(cache, name, soft)}
    if not quiet:
        print(f"pseudo-labels: {done} new, {len(labelled) - done} from the cache ({cache})", flush=True)
    return labelled


def _labelled(cache: Path, name: str, soft: bool) -> bool:
    return (cache / "masks" / f"{name}.png").is_file() and (not soft or (cache / "soft" / f"{name}.npy").is_file())


def _save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:
        np.save(f, array)


# --- soft targets ---------------------------------------------------------------------------------

class SoftTargetDataset(MaskDataset):
    """Image, teacher labels and teacher logits, augmented together.

    Targets come packed as one ``(1 + K, H, W)`` float tensor: channel 0 the hard label, then
    the logits (upsampled bilinearly to the image size when decoded, resampled nearest by the
    geometric augmentation, like masks).
    """

    def __init__(self, items: MaskList, soft_paths: list[Path], transform, max_mb: int = 2048) -> None:
        super().__init__(items, transform, max_mb)
        self.soft_paths = soft_paths
        self.soft_cache: list[torch.Tensor | None] = [None] * len(items)

    def soft(self, i: int, size: tuple[int, int]) -> torch.Tensor:
        hit = self.soft_cache[i]
        if hit is None:
            logits = torch.from_numpy(np.load(self.soft_paths[i])).float()[None]
            hit = F.interpolate(logits, size=size, mode="bilinear", align_corners=False)[0].half()
            if self.cached_bytes + hit.numel() * 2 <= self.max_bytes:
                self.soft_cache[i] = hit
                self.cached_bytes += hit.numel() * 2
        return hit

    def fill(self) -> None:
        for i in range(len(self)):
            image, _ = self.decoded(i)
            self.soft(i, tuple(image.shape[-2:]))

    def __getitem__(self, i: int):
        image, mask = self.decoded(i)
        soft = self.soft(i, tuple(image.shape[-2:]))
        x, y, s = self.transform(tv_tensors.Image(image), tv_tensors.Mask(mask), tv_tensors.Mask(soft))
        target = torch.cat([y.as_subclass(torch.Tensor)[None].float(), s.as_subclass(torch.Tensor).float()])
        return x.as_subclass(torch.Tensor), target, i


class DistillLoss(nn.Module):
    """``alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(s, hard)`` per labelled pixel."""

    def __init__(self, ignore_index: int, temperature: float = 2.0, alpha: float = 0.7, weight: torch.Tensor | None = None) -> None:
        super().__init__()
        self.ignore_index, self.temperature, self.alpha = ignore_index, temperature, alpha
        self.register_buffer("weight", weight if weight is not None else None)

    @staticmethod
    def labels(target: torch.Tensor) -> torch.Tensor:
        """The hard labels inside a packed target (what accuracy is counted on)."""
        return target[:, 0].long()

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        hard, teacher = self.labels(target), target[:, 1:]
        ce = F.cross_entropy(logits, hard, weight=self.weight, ignore_index=self.ignore_index)
        t = self.temperature
        kl = F.kl_div(F.log_softmax(logits / t, 1), F.log_softmax(teacher / t, 1), log_target=True, reduction="none").sum(1)
        keep = (hard != self.ignore_index).float()
        kd = (kl * keep).sum() / keep.sum().clamp(min=1.0) * t * t
        return self.alpha * kd + (1 - self.alpha) * ce


# --- the run --------------------------------------------------------------------------------------

def ground_truth_split(teacher: LoadedSegmenter, data: str | Path, seed: int) -> MaskList:
    """The test images to score on: the teacher run's own test split of ``data``, else ``data``'s."""
    from visionlab.data.mask_splits import load_mask_splits
    from visionlab.evaluate.segment import resolve_mask_split

    if teacher.run is not None and (teacher.run / runs.SPLIT).is_file():
        saved = read_json(teacher.run / runs.SPLIT)["splits"]
        if "test" in saved and Path(saved["test"]["root"]).resolve() == Path(data).resolve():
            return resolve_mask_split(teacher.run, None, "test")
    splits = load_mask_splits(data, 0.15, 0.15, seed)
    return splits.get("test") or splits["val"]


def _drop_test_images(files: list[Path], test: MaskList | None) -> tuple[list[Path], int]:
    if test is None:
        return files, 0
    test_hashes = {file_sha256(test.image_path(i)) for i in range(len(test))}
    kept = [f for f in files if file_sha256(f) not in test_hashes]
    return kept, len(files) - len(kept)


def _student_config(opts: DistillOptions, out: Path, teacher: LoadedSegmenter, arch: str, encoder: str, pretrained: bool) -> SegmentConfig:
    """The student's training settings; loss and class weights follow the teacher run's (rare classes
    such as the game world's items need Dice and balanced weights in a short run), else cross-entropy.
    """
    size = opts.img_size or _teacher_size(teacher)
    taught = runs.load_config(teacher.run)["config"] if teacher.run is not None else {}
    return SegmentConfig(data=str(out / PSEUDO), out=str(out), model=arch, encoder=encoder, pretrained=pretrained, download=opts.download,
                         epochs=opts.epochs, batch_size=opts.batch_size, lr=opts.lr, img_size=tuple(size), loss=taught.get("loss", "ce"),
                         dice_weight=taught.get("dice_weight", 0.5), class_weights=taught.get("class_weights", "none"),
                         val_fraction=opts.val_fraction, test_fraction=0.0, seed=opts.seed,
                         augment=SegAugmentConfig(scale_min=opts.scale_min, color_jitter=opts.color_jitter), amp=opts.amp, device=opts.device, quiet=opts.quiet)


def _teacher_size(teacher: LoadedSegmenter) -> tuple[int, int]:
    size = teacher.preprocess.size
    return tuple(size) if not isinstance(size, int) else (256, 256)


def _check_out(out: Path, resume: bool) -> None:
    if (out / runs.CONFIG).is_file() and not resume:
        raise RunFolderError(f"{out} already holds a student run; pass --resume to continue it, or choose another --out (nothing was overwritten)")
    if resume and not (out / runs.CONFIG).is_file():
        raise RunFolderError(f"--resume: {out} holds no student run yet; drop --resume (cached pseudo-labels are reused anyway)")
    if not resume and out.exists() and any(p.name != PSEUDO for p in out.iterdir()):
        raise RunFolderError(f"{out} holds other files; choose a new or empty folder for --out (an earlier distill's {PSEUDO}/ may stay)")


def distill(images: list[str | Path], out: str | Path, opts: DistillOptions, *, resume: bool = False) -> dict:
    """Label ``images`` with the teacher, train the student, evaluate both and write the comparison.

    Returns:
        The comparison (``OUT/distill/comparison.json``): rows for teacher and student.

    Raises:
        RunFolderError, DatasetError, ConfigError, UnknownNameError, WeightsUnavailableError: With the fix in the message.
    """
    out = Path(out)
    _check_out(out, resume)
    teacher = load_segmenter(opts.teacher, download=opts.download)
    if teacher.classical:
        raise ConfigError(f"{opts.teacher} is a classical baseline; a teacher must be a network (a run folder or a pretrained name)")
    arch, encoder = parse_student(opts.student)
    if not resume:  # bad settings fail before the teacher labels anything
        _student_config(opts, out, teacher, arch, encoder, pretrained=False).validate(get_arch(arch).pad_for(encoder))
    test = ground_truth_split(teacher, opts.data, opts.seed) if opts.data else None
    files, dropped = _drop_test_images(expand_paths(images), test)
    if not opts.quiet and dropped:
        print(f"left out {dropped} image(s) that are in the test split", flush=True)
    labelled = pseudo_label(teacher, files, out / PSEUDO, soft=opts.soft, batch_size=opts.batch_size, device=opts.device,
                            amp=opts.amp, quiet=opts.quiet)
    if len(labelled) < 2:
        raise ConfigError(f"distillation needs at least 2 readable images; got {len(labelled)}")
    run = _train_student(opts, out, teacher, arch, encoder, labelled, test, resume)
    return compare_with_teacher(teacher, run, test, out / "distill", quiet=opts.quiet)


def _splits(out: Path, labelled: dict[str, Path], classes, test: MaskList | None, val_fraction: float, seed: int) -> dict[str, MaskList]:
    names = sorted(labelled)
    items = MaskList(out / PSEUDO, [str(labelled[n]) for n in names], [f"masks/{n}.png" for n in names], classes)
    splits = split_mask_list(items, val_fraction, 0.0, seed)
    return {**splits, "test": test} if test is not None else splits


def _train_student(opts: DistillOptions, out: Path, teacher: LoadedSegmenter, arch: str, encoder: str, labelled: dict[str, Path],
                   test: MaskList | None, resume: bool) -> Path:
    from visionlab.data.mask_splits import load_mask_splits_file, save_mask_splits
    from visionlab.evaluate.segment import evaluate_segmentation_run
    from visionlab.models.checkpoint import load_segmenter_state, save_segmenter
    from visionlab.train.fit import FitPlan, fit
    from visionlab.train.segment import SegSetup, SegTrainer, build_model
    from visionlab.utils.device import resolve_amp, resolve_device

    if resume:
        cfg = SegmentConfig.from_dict(runs.load_config(out)["config"])
        cfg.epochs, cfg.quiet = opts.epochs, opts.quiet
        splits = load_mask_splits_file(out / runs.SPLIT)
    else:
        cfg = _student_config(opts, out, teacher, arch, encoder, resolve_init(arch, encoder, opts.init, opts.download))  # validated by distill()
        splits = _splits(out, labelled, teacher.classes, test, opts.val_fraction, opts.seed)
    model, pre = build_model(cfg, teacher.classes.num_classes)
    if opts.bn_momentum is not None:
        set_bn_momentum(model, opts.bn_momentum)
    device = resolve_device(cfg.device)
    model.to(device)
    stats = {"train": mask_statistics(splits["train"])}
    if not resume:
        (out / "plots").mkdir(parents=True, exist_ok=True)
        save_mask_splits(out / runs.SPLIT, splits)
        runs.save_config(out, cfg.to_dict(), {
            "task": "segment", "classes": teacher.classes.to_dict(), "counts": {k: len(v) for k, v in splits.items()},
            "dataset": stats, "preprocess": pre.to_dict(), "parameters": model.parameter_counts(),
            "encoder_weights": model.encoder_weights.describe() if model.encoder_weights else None,
            "distill": {**asdict(opts), "teacher_fingerprint": teacher_fingerprint(teacher), "student_arch": arch, "student_encoder": encoder},
        })
    setup = SegSetup(cfg, out, device, resolve_amp(cfg.amp, device), splits, model, pre, stats)
    train_set, criterion = _soft_parts(setup, opts) if opts.soft else (None, None)
    trainer = SegTrainer(setup, train_set, criterion)
    plan = FitPlan(run=out, epochs=cfg.epochs, patience=0, score="val_miou",
                   save_model=lambda path, extra: save_segmenter(path, model, teacher.classes, pre, extra),
                   load_model=lambda path: load_segmenter_state(model, path),
                   describe=lambda r: f"train loss {r['train_loss']:.4f}  agreement with the teacher (val mIoU) {r['val_miou']:.4f}",
                   quiet=cfg.quiet)
    fit(trainer, plan)
    for split in ("val", "test"):
        if split in splits:
            evaluate_segmentation_run(out, split=split, device=cfg.device, amp=cfg.amp, quiet=cfg.quiet)
    return out


def _soft_parts(setup, opts: DistillOptions) -> tuple[SoftTargetDataset, DistillLoss]:
    from visionlab.train.losses import class_weights

    cfg, items = setup.cfg, setup.splits["train"]
    aug = cfg.augment
    transform = seg_train_transform(tuple(cfg.img_size), setup.preprocess.mean, setup.preprocess.std, aug.scale_min, aug.hflip, aug.color_jitter)
    soft_paths = [items.root / "soft" / (Path(m).stem + ".npy") for m in items.masks]
    weight = class_weights(setup.stats["train"]["pixel_counts"]) if cfg.class_weights == "balanced" else None
    return (SoftTargetDataset(items, soft_paths, transform, cfg.cache_mb),
            DistillLoss(items.classes.ignore_index, opts.temperature, opts.alpha, weight))


# --- the comparison -------------------------------------------------------------------------------

ROUND_SECONDS = 2.0  # a model slower than this per forward runs once per round, not ``block`` times


def time_network(models: dict[str, LoadedSegmenter], images: list[np.ndarray], batch: int, rounds: int = 5, block: int = 5) -> dict[str, float]:
    """Median milliseconds per image of each network's forward pass.

    Each of ``rounds`` rounds runs every model ``block`` times in a row (fewer when that takes more
    than ``ROUND_SECONDS``: DeepLabV3 at 520 px and batch 8 takes seconds), so a change in the
    machine's speed touches all models alike; a model's first forward after another model's is
    slowed by the other's idle threads and evicted caches, which the median discounts. All models
    see the same images, each with its own preprocessing, under the settings
    :class:`SegmentationPredictor` uses (batch norms folded; bf16 autocast and channels_last where
    native). Models exported to ONNX run in ONNX Runtime the same way.
    """
    predictors = {k: SegmentationPredictor(m, batch_size=batch) for k, m in models.items()}
    inputs = {k: torch.stack([p.prepare(im) for im in (images * batch)[:batch]]) for k, p in predictors.items()}
    times: dict[str, list[float]] = {k: [] for k in models}
    repeats = {}
    for k, p in predictors.items():
        t0 = time.perf_counter()
        p.logits(inputs[k])  # warm-up: kernels are chosen on first use
        repeats[k] = max(1, min(block, int(ROUND_SECONDS / (time.perf_counter() - t0))))
    for _ in range(rounds):
        for k, p in predictors.items():
            for _ in range(repeats[k]):
                t0 = time.perf_counter()
                p.logits(inputs[k])
                times[k].append((time.perf_counter() - t0) * 1000 / batch)
    return {k: statistics.median(v) for k, v in times.items()}


RUNTIMES = {"pytorch": "PyTorch", "onnxruntime": "ONNX Runtime"}
BATCHES = (1, 8)


def time_runtimes(models: dict[str, LoadedSegmenter], images: list[np.ndarray], rounds: int = 6,
                  runtimes: tuple[str, ...] = tuple(RUNTIMES), block: int = 5) -> dict[str, dict[str, dict[int, float]]]:
    """``{runtime: {role: {batch: ms per image}}}`` for each model in PyTorch and in ONNX Runtime
    (:func:`time_network`; ``rounds`` of ``block`` forwards at batch 1, half as many rounds at batch 8).

    Each network is exported to ONNX (checked against PyTorch on ``images``) in a temporary folder.
    Runtimes are timed one after the other: mixing ONNX Runtime with PyTorch lets each runtime's
    idle threads slow the other (a small student's batch-1 forward in ONNX Runtime took 2.6 ms
    alternating with PyTorch forwards against 1.8 ms alone on a 2-core CPU).
    """
    from visionlab.export import OnnxNetwork, onnx_twin

    unknown = set(runtimes) - set(RUNTIMES)
    if unknown:
        raise ConfigError(f"unknown runtime(s) {sorted(unknown)}; choose from {', '.join(RUNTIMES)}")
    native = {k: m for k, m in models.items() if not isinstance(m.model, OnnxNetwork)}
    timed = {"pytorch": native} if "pytorch" in runtimes else {}
    with tempfile.TemporaryDirectory(prefix="visionlab-onnx-") as tmp:
        if "onnxruntime" in runtimes:
            timed["onnxruntime"] = {}
            for k, m in models.items():
                try:
                    timed["onnxruntime"][k] = onnx_twin(m, images[:4], Path(tmp) / f"{k}.onnx") if k in native else m
                except Exception as exc:  # torch.onnx raises many types; the PyTorch timing still stands
                    warnings.warn(f"{k} ({m.name}) was not timed in ONNX Runtime: its export failed ({exc})", stacklevel=2)
        result: dict[str, dict[str, dict[int, float]]] = {}
        for runtime, ms in timed.items():
            if ms:
                per_batch = {b: time_network(ms, images[:b], b, rounds if b == 1 else max(1, rounds // 2), block) for b in BATCHES}
                result[runtime] = {k: {b: per_batch[b][k] for b in BATCHES} for k in ms}
    return result


def speedups(times: dict[str, dict[str, dict[int, float]]]) -> dict:
    """The student's speed-up over the teacher within each runtime, and with each model in its fastest one."""
    out: dict = {"by_runtime": {}, "best": {}}
    for runtime, roles in times.items():
        if {"teacher", "student"} <= set(roles):
            out["by_runtime"][runtime] = {b: roles["teacher"][b] / roles["student"][b] for b in BATCHES}
    for b in BATCHES:
        best = {role: min((roles[role][b], runtime) for runtime, roles in times.items() if role in roles) for role in ("teacher", "student")}
        out["best"][b] = {"speedup": best["teacher"][0] / best["student"][0], "teacher": best["teacher"], "student": best["student"]}
    return out


def agreement(student: LoadedSegmenter, teacher: LoadedSegmenter, images: list[np.ndarray]) -> float:
    """The student's mIoU with the teacher's masks as the truth."""
    acc = ConfusionAccumulator(teacher.classes.num_classes, teacher.classes.ignore_index)
    for s, t in zip(SegmentationPredictor(student).predict(images), SegmentationPredictor(teacher).predict(images)):
        acc.update(s, t)
    return float(segmentation_metrics(acc.matrix, teacher.classes.names)["miou"])


def _model_bytes(seg: LoadedSegmenter) -> tuple[int, int | None]:
    tensors = sum(t.numel() * t.element_size() for t in seg.model.state_dict().values())
    ckpt = (seg.run / runs.BEST) if seg.run is not None and (seg.run / runs.BEST).is_file() else None
    return tensors, ckpt.stat().st_size if ckpt else None


def compare_with_teacher(teacher: LoadedSegmenter | str, student_run: str | Path, test: MaskList | None, out: str | Path, *,
                         n_images: int = 40, rounds: int = 6, runtimes: tuple[str, ...] = tuple(RUNTIMES), quiet: bool = True) -> dict:
    """The manual's comparison table of teacher and student, written to ``out``.

    Both networks are timed in PyTorch and in ONNX Runtime (:func:`time_runtimes`); ``ms_batch1`` and
    ``ms_batch8`` are each model's time in its faster runtime, which ``runtime_batch1``/``runtime_batch8``
    name. Agreement and mIoU are measured on the test images when there are any, else on the
    student's held-out pseudo-labelled images (then there is no ground truth column).
    """
    from visionlab.evaluate.segment import evaluate_segmenter, resolve_mask_split

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    teacher = load_segmenter(teacher) if isinstance(teacher, (str, Path)) else teacher
    student = load_segmenter(student_run)
    items = test if test is not None else resolve_mask_split(Path(student_run), None, "val")
    sample = [np.asarray(load_rgb(items.image_path(i))) for i in range(min(n_images, len(items)))]
    models = {"teacher": teacher, "student": student}
    times = time_runtimes(models, sample, rounds, runtimes)
    speed = speedups(times)
    gt = {k: evaluate_segmenter(m, test, quiet=quiet)[0]["miou"] for k, m in models.items()} if test is not None else {}
    agree = agreement(student, teacher, sample)
    rows = []
    for role, seg in models.items():
        tensors, ckpt = _model_bytes(seg)
        row = {"role": role, "model": _describe(seg), "input": _input_label(seg, sample[0])}
        for b in BATCHES:
            row[f"ms_batch{b}"], row[f"runtime_batch{b}"] = speed["best"][b][role]
        for runtime, roles in times.items():
            row |= {f"ms_batch{b}_{runtime}": roles[role][b] for b in BATCHES if role in roles}
        row |= {"parameters": seg.model.parameter_counts()["total"], "tensor_bytes": tensors, "file_bytes": ckpt,
                "miou_ground_truth": gt.get(role), "agreement_with_teacher": 1.0 if role == "teacher" else agree}
        rows.append(row)
    result = {"rows": rows, **{f"speedup_batch{b}": speed["best"][b]["speedup"] for b in BATCHES},
              **{f"speedup_batch{b}_{runtime}": s[b] for runtime, s in speed["by_runtime"].items() for b in BATCHES},
              "runtimes": list(times), "quality_ratio": gt["student"] / gt["teacher"] if gt else None, "threads": torch.get_num_threads(),
              "images": len(sample), "test_images": len(test) if test is not None else 0, "amp": str(SegmentationPredictor(student).amp),
              "timing": f"Network forward only; medians of {rounds} (batch 1) and {max(1, rounds // 2)} (batch 8) rounds of up to 5 "
                        "forwards per model, runtime by runtime"}
    result["table"] = format_table(result)
    write_json(out / "comparison.json", result)
    write_csv_rows(out / "table.csv", rows)
    atomic_write(out / "table.md", lambda p: p.write_text(result["table"] + "\n", encoding="utf-8"))
    plot_comparison(rows, out / "comparison.png")
    return result


def _describe(seg: LoadedSegmenter) -> str:
    return f"{seg.model.arch}/{seg.model.encoder}" + (f" ({seg.run.name})" if seg.run is not None else f" ({seg.name})")


def _input_label(seg: LoadedSegmenter, image: np.ndarray) -> str:
    h, w = seg.preprocess.input_size(*image.shape[:2])
    return f"{h}x{w}"


def _ms(row: dict, key: str) -> str:
    return "-" if row.get(key) is None else f"{row[key]:.1f}"


def format_table(result: dict) -> str:
    """The comparison as Markdown, with what the timings mean."""
    runtimes = result.get("runtimes", ["pytorch"])
    timing_heads = [f"{RUNTIMES[r]} ms/image batch {b}" for r in runtimes for b in BATCHES]
    head = ["role", "model", "input", *timing_heads, "parameters", "file MB", "mIoU (ground truth)", "agreement with teacher (mIoU)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in result["rows"]:
        mb = (r["file_bytes"] or r["tensor_bytes"]) / 2**20
        gt = "-" if r["miou_ground_truth"] is None else f"{r['miou_ground_truth']:.4f}"
        times = [_ms(r, f"ms_batch{b}_{rt}") for rt in runtimes for b in BATCHES]
        lines.append(f"| {r['role']} | {r['model']} | {r['input']} | {' | '.join(times)} | {r['parameters']:,} | {mb:.1f} | {gt} | "
                     f"{r['agreement_with_teacher']:.4f} |")
    lines.append("\n" + speed_sentence(result) + (f" Student/teacher mIoU {result['quality_ratio']:.3f}." if result["quality_ratio"] is not None else "")
                 + f" {result.get('timing', 'Network forward only, medians of repetitions')}, {result['threads']} threads; PyTorch with "
                 f"folded batch norms and autocast {result['amp']}, ONNX Runtime fp32 on the CPU; agreement on {result['images']} images.")
    return "\n".join(lines)


def speed_sentence(result: dict) -> str:
    """How much faster the student is, each model in its faster runtime and within each runtime."""
    roles = {r["role"]: r for r in result["rows"]}
    best = ", ".join(f"{result[f'speedup_batch{b}']:.2f}x at batch {b} (teacher {RUNTIMES.get(roles['teacher'].get(f'runtime_batch{b}'), 'PyTorch')}, "
                     f"student {RUNTIMES.get(roles['student'].get(f'runtime_batch{b}'), 'PyTorch')})" for b in BATCHES)
    within = "; ".join(f"within {RUNTIMES[rt]} {result[f'speedup_batch1_{rt}']:.2f}x and {result[f'speedup_batch8_{rt}']:.2f}x"
                       for rt in result.get("runtimes", []) if f"speedup_batch1_{rt}" in result)
    return f"Speed-up of the student, each model in its faster runtime: {best}" + (f"; {within}." if within else ".")


def plot_comparison(rows: list[dict], path: Path) -> Path:
    """Bars of speed and quality, teacher beside student."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r['role']}\n{r['model'].split(' (')[0]}" for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    bars = axes[0].bar(labels, [r["ms_batch1"] for r in rows], color=["#555", "#2a7"])
    axes[0].bar_label(bars, [RUNTIMES.get(r.get("runtime_batch1"), "") for r in rows], fontsize=8)
    axes[0].set_title("ms / image, batch 1, faster runtime")
    axes[1].bar(labels, [r["parameters"] / 1e6 for r in rows], color=["#555", "#2a7"])
    axes[1].set_title("parameters (millions)")
    quality = [r["miou_ground_truth"] if r["miou_ground_truth"] is not None else r["agreement_with_teacher"] for r in rows]
    axes[2].bar(labels, quality, color=["#555", "#2a7"])
    axes[2].set_ylim(0, 1)
    axes[2].set_title("mIoU (ground truth)" if rows[0]["miou_ground_truth"] is not None else "agreement with the teacher")
    fig.tight_layout()
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, format="png"))
    plt.close(fig)
    return path
