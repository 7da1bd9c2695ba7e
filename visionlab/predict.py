"""``visionlab predict``: files or folders in, a table of labels and confidences out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import cast

import torch
from torch import nn

from visionlab.data.images import expand_paths, image_batches
from visionlab.data.transforms import eval_transform
from visionlab.errors import ParamError
from visionlab.models import Classifier
from visionlab.models.loading import load_classifier_run
from visionlab.models.ood import FLAG_TEXT, OodDetector, load_ood
from visionlab.runs import RunFolder
from visionlab.utils.device import autocast, resolve_amp, resolve_device, to_device
from visionlab.utils.files import atomic_write, write_json
from visionlab.utils.progress import progress


@torch.no_grad()
def predict_logits(
    model: nn.Module,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor, torch.Tensor]],
    device: torch.device,
    amp: torch.dtype | None,
    channels_last: bool,
    quiet: bool = True,
    desc: str = "eval",
    features: list[torch.Tensor] | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Logits ``(N, K)`` (fp32), labels ``(N,)`` and indices ``(N,)`` over ``(x, y, index)`` batches.

    The model's train/eval mode is restored afterwards.

    Args:
        model: The classifier.
        loader: ``(x, y, index)`` batches.
        device: Where the model runs.
        amp: Autocast precision, ``None`` for fp32.
        channels_last: Feed the inputs in channels_last memory format.
        quiet: No progress bar.
        desc: The progress bar's label.
        features: When given, each batch's pooled backbone features ``(B, F)`` (fp32, CPU) are
            appended to it; ``model`` must then be a :class:`~visionlab.models.Classifier`.
    """
    was_training = model.training
    model.eval()
    logits, labels, indices = [], [], []
    try:
        for x, y, idx in progress(loader, desc, quiet):
            with autocast(device, amp):
                if features is None:
                    out = model(to_device(x, device, channels_last))
                else:
                    pooled = cast(Classifier, model).forward_features(to_device(x, device, channels_last))
                    features.append(pooled.float().cpu())
                    out = cast(Classifier, model).forward_head(pooled)
            logits.append(out.float().cpu())
            labels.append(torch.as_tensor(y))
            indices.append(torch.as_tensor(idx))
    finally:
        model.train(was_training)
    return torch.cat(logits), torch.cat(labels), torch.cat(indices)


def predict_paths(run: str | Path, paths: Sequence[str | Path], top_k: int = 3, batch_size: int = 32, device: str = "auto") -> list[dict]:
    """Classify images with a run's checkpoint, or an exported ``.onnx`` classifier.

    Args:
        run: A classification run folder, or an ``.onnx`` file written by ``visionlab export``.
        paths: Image files and folders.
        top_k: Classes listed per image.
        batch_size: Images per forward.
        device: ``auto``, ``cpu``, ``cuda``...; an ``.onnx`` file runs on the CPU.

    Returns:
        One row per readable image: ``path``, ``label``, ``confidence``, ``top_k`` (list of
        ``[label, probability]``; for a run trained with ``tta_flip``, averaged over the image and its
        mirror image, as the run was evaluated), ``ood_score`` and ``ood`` (True: unlike the training images,
        the score above the run's threshold; see :mod:`visionlab.models.ood`). Both are ``None``
        for runs without the flag's files (trained before it existed) and for ``.onnx`` files.

    Raises:
        RunFolderError: ``run`` is not a run folder or holds no checkpoint.
        DatasetError: A path does not exist, or no readable image was found.

    Example:
        >>> predict_paths("runs/r1", ["cat.jpg"])[0]["label"]  # doctest: +SKIP
        'cat'
    """
    model, meta = load_classifier_run(run)
    detector: OodDetector | None = None
    if Path(run).suffix == ".onnx":  # exported with visionlab export; runs in ONNX Runtime on the CPU
        device = "cpu"
    elif isinstance(model, Classifier):
        detector = load_ood(RunFolder(run))
    dev = resolve_device(device)
    model.to(dev)
    tf = eval_transform(meta["preprocess"])
    mirror = Path(run).suffix != ".onnx" and RunFolder(run).flip_averaged()  # an exported file runs one view
    files: list[Path] = []

    def batches() -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        for good, images in image_batches(expand_paths(paths), batch_size):
            first = len(files)
            files.extend(good)
            x, idx = torch.stack([tf(im) for im in images]), torch.arange(first, len(files))
            if mirror:  # each image's mirror image follows its batch, marked by a negative index
                x, idx = torch.cat([x, x.flip(-1)]), torch.cat([idx, -1 - idx])
            yield x, torch.full((len(idx),), -1), idx

    feats: list[torch.Tensor] | None = [] if detector is not None else None
    logits, _, idx = predict_logits(model, batches(), dev, resolve_amp("auto", dev), channels_last=False, features=feats)
    plain = idx >= 0
    probs = logits[plain].softmax(1)
    if mirror:  # as the run was evaluated: the mean of the image's and its mirror image's probabilities
        order = torch.empty(len(files), dtype=torch.long)
        order[-1 - idx[~plain]] = torch.arange(int((~plain).sum()))
        probs = (probs + logits[~plain].softmax(1)[order[idx[plain]]]) / 2
    idx = idx[plain]
    scores: list[float | None] = [None] * len(idx)
    flags: list[bool | None] = [None] * len(idx)
    if detector is not None and feats:
        ood_scores = detector.scores(torch.cat(feats)[plain])  # fitted on the plain view
        scores, flags = [float(v) for v in ood_scores], [bool(v) for v in detector.flags(ood_scores)]
    k = min(top_k, probs.shape[1])
    top_p, top_i = probs.topk(k, dim=1)
    classes = meta["classes"]
    return [
        {
            "path": str(files[int(i)]),
            "label": classes[int(top_i[r, 0])],
            "confidence": float(top_p[r, 0]),
            "top_k": [[classes[int(c)], float(p)] for p, c in zip(top_p[r], top_i[r])],
            "ood_score": scores[r],
            "ood": flags[r],
        }
        for r, i in enumerate(idx)
    ]


def _flag_cell(flag: bool | None) -> str:
    return "" if flag is None else str(flag)


def rows_to_csv(rows: list[dict]) -> str:
    """Prediction rows as CSV text: ``path,label,confidence,top_k,ood,ood_score``.

    Top-k as ``label:p;label:p``; ``ood`` is ``True`` (unlike the training images) or ``False``,
    and both ``ood`` columns are empty for a run without the flag.
    """
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["path", "label", "confidence", "top_k", "ood", "ood_score"])
    for r in rows:
        score = r.get("ood_score")
        w.writerow([r["path"], r["label"], f"{r['confidence']:.6f}", ";".join(f"{c}:{p:.4f}" for c, p in r["top_k"]),
                    _flag_cell(r.get("ood")), "" if score is None else f"{score:.6f}"])
    return buf.getvalue()


def write_predictions(rows: list[dict], out: str | Path) -> Path:
    """Write rows as CSV or JSON, chosen by the extension of ``out``.

    Raises:
        ParamError: The extension is neither .csv nor .json.
    """
    out = Path(out)
    if out.suffix.lower() == ".json":
        return write_json(out, rows)
    if out.suffix.lower() == ".csv":
        text = rows_to_csv(rows)

        def write(p: Path) -> None:
            p.write_text(text, encoding="utf-8")

        return atomic_write(out, write)
    raise ParamError("out", f"out must end in .csv or .json; got {out.name}")


OOD_MARK = "OOD"


def format_table(rows: list[dict]) -> str:
    """A plain-text table for the terminal; images unlike the training images are marked beside their label.

    The ``flag`` column reads ``OOD`` for them (a footnote says what it means) and is left out for
    runs without the flag.
    """
    width = max(len(r["path"]) for r in rows)
    has_flag = any(r.get("ood") is not None for r in rows)
    flag_head = f" {'flag':<{len(OOD_MARK)}}" if has_flag else ""
    lines = [f"{'path':<{width}}  {'label':<12}{flag_head} {'conf':>6}  top-k"]
    for r in rows:
        top = ", ".join(f"{c} {p:.3f}" for c, p in r["top_k"])
        flag = f" {OOD_MARK if r.get('ood') else '':<{len(OOD_MARK)}}" if has_flag else ""
        lines.append(f"{r['path']:<{width}}  {r['label']:<12}{flag} {r['confidence']:>6.3f}  {top}")
    flagged = sum(bool(r.get("ood")) for r in rows)
    if flagged:
        lines.append(f"{OOD_MARK}: {flagged} of {len(rows)} image(s) {FLAG_TEXT} (out of distribution): their labels are guesses "
                     "among classes the image may not show")
    return "\n".join(lines)
