"""The student: its name, initial weights and training settings, and its training run on the pseudo-labels.

The student trains with the ordinary segmentation trainer: hard labels with cross-entropy, or with
soft targets :class:`~visionlab.distill.soft.DistillLoss`. A tenth of the images is held out to
pick the best epoch by agreement with the teacher.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

from torch import nn

from visionlab.data.masks import MaskList, mask_statistics, split_mask_list
from visionlab.data.seg_dataset import seg_train_transform
from visionlab.distill.options import DistillOptions
from visionlab.distill.pseudo import PSEUDO, teacher_fingerprint
from visionlab.distill.soft import DistillLoss, SoftTargetDataset
from visionlab.errors import ParamError, UnknownNameError, WeightsUnavailableError
from visionlab.models.segmenters import get_arch, list_archs
from visionlab.runs import RunFolder
from visionlab.segment import LoadedSegmenter
from visionlab.train.config import SegAugmentConfig, SegmentConfig
from visionlab.train.distributed import SINGLE_PROCESS, DistContext, barrier, main_first
from visionlab.train.start import RunStart


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
    """Whether the student's encoder starts from ImageNet weights (``auto``: when the file is at hand).

    Raises:
        ParamError: ``init`` is not auto, pretrained or scratch, or pretrained for an encoder without weights.
    """
    from visionlab.models.segmenters import ENCODER_WEIGHTS

    if init not in ("auto", "pretrained", "scratch"):
        raise ParamError("init", f"init must be auto, pretrained or scratch; got {init!r}")
    if init == "scratch" or encoder not in ENCODER_WEIGHTS:
        if init == "pretrained":
            raise ParamError("init", f"init pretrained: {arch}_{encoder} has no pretrained encoder weights; use scratch")
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


def _student_config(opts: DistillOptions, out: Path, teacher: LoadedSegmenter, arch: str, encoder: str, pretrained: bool) -> SegmentConfig:
    """The student's training settings.

    Loss and class weights follow the teacher run's (rare classes such as the game world's items
    need Dice and balanced weights in a short run), else cross-entropy; the student predicts as the
    teacher does (``tta_flip``), so that the speed and quality tables compare like with like. At the
    teacher's input size it trains on the teacher's windows (``augment.crop``) unless ``opts.crop`` says.
    """
    size = opts.img_size or _teacher_size(teacher)
    taught = RunFolder(teacher.run).load_config()["config"] if teacher.run is not None else {}
    crop = opts.crop if opts.crop is not None else _teacher_crop(taught) if tuple(size) == _teacher_size(teacher) else 0
    return SegmentConfig(data=str(out / PSEUDO), out=str(out), model=arch, encoder=encoder, pretrained=pretrained, download=opts.download,
                         epochs=opts.epochs, batch_size=opts.batch_size, lr=opts.lr, img_size=(size[0], size[1]),
                         tta_flip=teacher.preprocess is not None and teacher.preprocess.tta_flip, loss=taught.get("loss", "ce"),
                         dice_weight=taught.get("dice_weight", 0.5), class_weights=taught.get("class_weights", "none"),
                         val_fraction=opts.val_fraction, test_fraction=0.0, seed=opts.seed,
                         augment=SegAugmentConfig(scale_min=opts.scale_min, hflip=opts.hflip, color_jitter=opts.color_jitter, crop=crop),
                         amp=opts.amp,
                         device=opts.device, quiet=opts.quiet)


def _teacher_size(teacher: LoadedSegmenter) -> tuple[int, int]:
    size = teacher.preprocess.size if teacher.preprocess is not None else 256
    return (size[0], size[1]) if not isinstance(size, int) else (256, 256)


def _teacher_crop(taught: dict) -> int:
    return int(taught.get("augment", {}).get("crop", 0))


# SegmentConfig's parameters that DistillOptions names otherwise
_OPTION_NAMES = {"augment.scale_min": "scale_min", "augment.color_jitter": "color_jitter", "augment.crop": "crop"}


def check_student_config(opts: DistillOptions, out: Path, teacher: LoadedSegmenter, arch: str, encoder: str) -> None:
    """Check the student's training settings, so that bad ones fail before the teacher labels anything.

    Raises:
        ParamError: A setting out of range, named as :class:`DistillOptions` names it (``scale_min``,
            not the trainer's ``augment.scale_min``).
    """
    try:
        _student_config(opts, out, teacher, arch, encoder, pretrained=False).validate(get_arch(arch).pad_for(encoder))
    except ParamError as exc:
        name, message = _OPTION_NAMES.get(exc.param), str(exc)
        if name is None or not message.startswith(exc.param):
            raise
        raise ParamError(name, name + message[len(exc.param):]) from exc


def _splits(out: Path, labelled: dict[str, Path], classes, test: MaskList | None, val_fraction: float, seed: int) -> dict[str, MaskList]:
    names = sorted(labelled)
    items = MaskList(out / PSEUDO, [str(labelled[n]) for n in names], [f"masks/{n}.png" for n in names], classes)
    splits = split_mask_list(items, val_fraction, 0.0, seed)
    return {**splits, "test": test} if test is not None else splits


def train_student(opts: DistillOptions, start: RunStart, teacher: LoadedSegmenter, arch: str, encoder: str, labelled: dict[str, Path],
                  test: MaskList | None, ctx: DistContext = SINGLE_PROCESS) -> Path:
    """Train the student run (or continue it) on the pseudo-labels, then evaluate it on val and test.

    Args:
        opts: The distillation settings.
        start: The student run, as :func:`~visionlab.train.start.start_run` found it.
        teacher: The teacher (its classes and preprocessing).
        arch: The student's architecture.
        encoder: The student's encoder.
        labelled: Image name -> image path of every pseudo-labelled image.
        test: The ground-truth test split, when given.
        ctx: This process's place in a torchrun job (rank 0 writes the files).

    Returns:
        The student's run folder.
    """
    from visionlab.data.mask_splits import load_mask_splits_file, save_mask_splits
    from visionlab.models.checkpoint import load_segmenter_state, save_segmenter
    from visionlab.train.fit import FitPlan, fit
    from visionlab.train.segment import SegSetup, SegTrainer, build_model, evaluate_best
    from visionlab.utils.device import resolve_amp, resolve_device

    run, out = start.run, start.run.path
    if start.saved is not None:  # resuming: the saved settings, with this call's epochs and progress output
        cfg = replace(SegmentConfig.from_dict(start.saved["config"]), epochs=opts.epochs, quiet=opts.quiet)
        splits = load_mask_splits_file(run.split_path)
    else:
        cfg = _student_config(opts, out, teacher, arch, encoder, resolve_init(arch, encoder, opts.init, opts.download))  # validated by distill()
        splits = _splits(out, labelled, teacher.classes, test, opts.val_fraction, opts.seed)
    model, pre = build_model(cfg, teacher.classes.num_classes)
    if opts.bn_momentum is not None:
        set_bn_momentum(model, opts.bn_momentum)
    device = resolve_device(cfg.device)
    model.to(device)
    stats = {"train": main_first(ctx, lambda: mask_statistics(splits["train"]))}
    if ctx.is_main and not start.resuming:
        start.create(cfg.to_dict(), {
            "task": "segment", "classes": teacher.classes.to_dict(), "counts": {k: len(v) for k, v in splits.items()},
            "dataset": stats, "preprocess": pre.to_dict(), "parameters": model.parameter_counts(),
            "encoder_weights": model.encoder_weights.describe() if model.encoder_weights else None,
            "distill": {**asdict(opts), "teacher_fingerprint": teacher_fingerprint(teacher), "student_arch": arch, "student_encoder": encoder},
        }, lambda path: save_mask_splits(path, splits))
    barrier(ctx)
    setup = SegSetup(cfg, out, device, resolve_amp(cfg.amp, device), splits, model, pre, stats, ctx)
    train_set, criterion = _soft_parts(setup, opts) if opts.soft else (None, None)
    trainer = SegTrainer(setup, train_set, criterion, DistillLoss.labels if opts.soft else None)  # accuracy on the hard labels

    def load_model(path: Path) -> None:
        load_segmenter_state(model, path)

    plan = FitPlan(run=out, epochs=cfg.epochs, patience=0, score="val_miou",
                   save_model=lambda path, extra: save_segmenter(path, model, teacher.classes, pre, extra), load_model=load_model,
                   describe=lambda r: f"train loss {r['train_loss']:.4f}  agreement with the teacher (val mIoU) {r['val_miou']:.4f}",
                   quiet=cfg.quiet, is_main=ctx.is_main, barrier=lambda: barrier(ctx))
    fit(trainer, plan)
    evaluate_best(setup)
    return out


def _soft_parts(setup, opts: DistillOptions) -> tuple[SoftTargetDataset, DistillLoss]:
    from visionlab.train.losses import class_weights

    cfg, items = setup.cfg, setup.splits["train"]
    aug = cfg.augment
    transform = seg_train_transform(tuple(cfg.img_size), setup.preprocess.mean, setup.preprocess.std, aug.scale_min, aug.hflip, aug.color_jitter,
                                     aug.crop)
    soft_paths = [items.root / "soft" / (Path(m).stem + ".npy") for m in items.masks]
    weight = class_weights(setup.stats["train"]["pixel_counts"]) if cfg.class_weights == "balanced" else None
    return (SoftTargetDataset(items, soft_paths, transform, cfg.cache_mb),
            DistillLoss(items.classes.ignore_index, opts.temperature, opts.alpha, weight))
