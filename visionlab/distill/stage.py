"""The stage: :func:`distill` labels the images with the teacher, trains the student and compares the two.

With ground truth (``data``), the teacher run's own test split (or the dataset's seeded one) is the
student's test split; distillation images that are test images (same bytes) are left out, so the
student never sees a test image, even unlabelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from visionlab.data.check import file_sha256
from visionlab.data.images import expand_paths
from visionlab.data.masks import MaskList
from visionlab.distill.comparison import compare_with_teacher
from visionlab.distill.options import DistillOptions
from visionlab.distill.pseudo import PSEUDO, pseudo_label
from visionlab.distill.student import check_student_config, parse_student, train_student
from visionlab.errors import ConfigError, RunFolderError
from visionlab.runs import RunFolder
from visionlab.segment import LoadedSegmenter, load_segmenter
from visionlab.train.distributed import DistContext, init_distributed, main_first
from visionlab.train.start import RunStart, start_run
from visionlab.utils.device import resolve_device
from visionlab.utils.files import read_json


def ground_truth_split(teacher: LoadedSegmenter, data: str | Path, seed: int) -> MaskList:
    """The test images to score on: the teacher run's own test split of ``data``, else ``data``'s."""
    from visionlab.data.mask_splits import load_mask_splits
    from visionlab.evaluate.segment import resolve_mask_split

    taught = RunFolder(teacher.run) if teacher.run is not None else None
    if taught is not None and taught.split_path.is_file():
        saved = read_json(taught.split_path)["splits"]
        if "test" in saved and Path(saved["test"]["root"]).resolve() == Path(data).resolve():
            return resolve_mask_split(taught.path, None, "test")
    splits = load_mask_splits(data, 0.15, 0.15, seed)
    return splits.get("test") or splits["val"]


def _drop_test_images(files: list[Path], test: MaskList | None) -> tuple[list[Path], int]:
    if test is None:
        return files, 0
    test_hashes = {file_sha256(test.image_path(i)) for i in range(len(test))}
    kept = [f for f in files if file_sha256(f) not in test_hashes]
    return kept, len(files) - len(kept)


def _start(out: Path, resume: bool, ctx: DistContext) -> RunStart:
    """The trainers' run-start routine (:func:`~visionlab.train.start.start_run`) for the student run.

    Nothing is touched; an earlier distill's ``pseudo/`` cache may lie in a new run's folder. The
    student's settings are checked later, once the teacher (whose input size they depend on) is loaded.

    Raises:
        RunFolderError: As :meth:`RunFolder.start <visionlab.runs.RunFolder.start>` says, with what
            distillation adds: cached pseudo-labels stay and are reused.
    """
    try:
        return start_run(out, resume=resume, validate=lambda: None, keep=(PSEUDO,), ctx=ctx)
    except RunFolderError as exc:
        if RunFolder(out).is_run():  # a new run over a student run: the message says to resume it
            raise
        hint = (f"pseudo-labels cached in {out / PSEUDO} are reused anyway" if resume
                else f"only an earlier distill's {PSEUDO}/ may stay in a new run's folder")
        raise RunFolderError(f"{exc}; {hint}") from exc


def distill(images: Sequence[str | Path], out: str | Path, opts: DistillOptions, *, resume: bool = False) -> dict | None:
    """Label ``images`` with the teacher, train the student, evaluate both and write the comparison.

    Args:
        images: Unlabelled image files and folders to distill on (a tenth is held out to pick the best epoch).
        out: The student's run folder; the teacher's labels are cached in ``OUT/pseudo/``.
        opts: Teacher, student, soft or hard targets, epochs, input size, augmentation, device.
        resume: Continue the student run in ``out``.

    Under torchrun (``torchrun --nproc-per-node N -m visionlab distill ...``) rank 0 labels the images
    and writes every file; the ranks train the student on disjoint shards of each epoch.

    Returns:
        The comparison (``OUT/distill/comparison.json``): rows for teacher and student; ``None`` on the
        other ranks than 0 of a torchrun job.

    Raises:
        RunFolderError, DatasetError, ConfigError, UnknownNameError, WeightsUnavailableError: With the fix in the message.

    Example:
        >>> distill(["scenes/"], "runs/student", DistillOptions(teacher="runs/seg", student="lraspp_compact"))["table"]  # doctest: +SKIP
    """
    out = Path(out)
    ctx = init_distributed(resolve_device(opts.device))
    start = _start(out, resume, ctx)  # a taken folder fails before the teacher loads
    teacher = load_segmenter(opts.teacher, download=opts.download)
    if teacher.classical:
        raise ConfigError(f"{opts.teacher} is a classical baseline; a teacher must be a network (a run folder or a pretrained name)")
    arch, encoder = parse_student(opts.student)
    if not start.resuming:  # bad settings fail before the teacher labels anything
        check_student_config(opts, out, teacher, arch, encoder)
    test = ground_truth_split(teacher, opts.data, opts.seed) if opts.data else None
    files, dropped = _drop_test_images(expand_paths(list(images)), test)
    if not opts.quiet and dropped:
        print(f"left out {dropped} image(s) that are in the test split", flush=True)
    labelled = main_first(ctx, lambda: pseudo_label(teacher, files, out / PSEUDO, soft=opts.soft, batch_size=opts.batch_size,
                                                    device=opts.device, amp=opts.amp, quiet=opts.quiet))
    if len(labelled) < 2:
        raise ConfigError(f"distillation needs at least 2 readable images; got {len(labelled)}")
    run = train_student(opts, start, teacher, arch, encoder, labelled, test, ctx)
    if not ctx.is_main:
        return None
    return compare_with_teacher(teacher, run, test, out / "distill", rounds=opts.timing_rounds, quiet=opts.quiet)
