"""``visionlab segment``: images in; class masks at the original size, overlays, legends and a summary out.

A segmenter is named three ways: a pretrained torchvision COCO/VOC model (``deeplabv3_resnet50``,
the manual's), a run folder of ``visionlab train segment``, or a classical baseline (``otsu``,
``multi_otsu``, ``kmeans``; their masks hold cluster ids, not classes).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw
from torch import nn

from visionlab.data.images import expand_paths, image_batches
from visionlab.data.masks import SegClasses, save_mask_png
from visionlab.errors import RunFolderError, UnknownNameError
from visionlab.models.classical import classical_segment
from visionlab.models.fuse import fold_batchnorm
from visionlab.models.loading import LoadedSegmenter, load_segmenter
from visionlab.models.onnx import OnnxNetwork
from visionlab.models.segmenters import SegPreprocess
from visionlab.segment_options import SegmentOptions
from visionlab.utils.device import autocast, dilated_convs, gemm_dilated_convs, resolve_amp, resolve_device
from visionlab.utils.files import atomic_write, read_json, write_json
from visionlab.utils.tensors import class_ids

# Above this many logit values per image (classes x pixels, 256 MB in fp32), logits are not
# resized to the original size: the argmax is taken at network resolution and resized (nearest).
MAX_FULL_RES_LOGITS = 2**26


class SegmentationPredictor:
    """Batched inference: RGB arrays in, class-id masks at each image's own size out.

    Images whose network input has the same size share a batch. On CPUs with native bf16 (and
    on GPUs) the network runs under bf16 autocast in channels_last; widely dilated convolutions
    are computed as matrix products there (see :func:`~visionlab.utils.device.gemm_dilated_convs`).

    Args:
        seg: The segmenter: a network, or a classical baseline.
        device: ``auto``, ``cpu``, ``cuda``...
        amp: Autocast precision: ``auto``, ``bf16``, ``fp16`` or ``off``.
        batch_size: Images per forward.
        seed: Seeds a classical baseline's clustering.
        fold: Fold the network's batch norms into its convolutions (checked; skipped where they differ).
    """

    def __init__(self, seg: LoadedSegmenter, device: str = "auto", amp: str = "auto", batch_size: int = 4, seed: int = 0,
                 fold: bool = True) -> None:
        self.seg = seg
        self.batch_size = batch_size
        self.seed = seed
        self.device = resolve_device(device)
        self.amp = resolve_amp(amp, self.device)
        self.network: nn.Module | None = None  # None for a classical baseline
        self.folded = 0  # batch norms folded into convolutions
        if seg.model is not None:
            self.network, self.folded = self._inference_network(seg.model, fold)
        self.onnx = isinstance(self.network, OnnxNetwork)
        self._dilated = dilated_convs(self.network) if self.network is not None and self.device.type == "cpu" and self.amp is torch.bfloat16 else []

    def _inference_network(self, model: nn.Module, fold: bool) -> tuple[nn.Module, int]:
        """``model`` in eval mode, with its batch norms folded when ``fold``, on the device in channels_last."""
        model.eval()
        network, folded = model, 0
        if fold:
            # Folded batch norms: the game-world U-Net's batch-of-8 bf16 forward took 11.8 ms per image
            # against 16.5 unfolded on a 2-core CPU (benchmarks/bench_distill_speed.py times both models so)
            pad_to = self._preprocess().pad_to
            side = -(-64 // pad_to) * pad_to
            example = torch.randn(1, 3, side, side, generator=torch.Generator().manual_seed(0))
            network, folded = fold_batchnorm(model, example.to(next(model.parameters(), example).device))
        network.to(self.device)
        network.to(memory_format=torch.channels_last)
        return network, folded

    def _preprocess(self) -> SegPreprocess:
        if self.seg.preprocess is None:
            raise UnknownNameError(f"{self.seg.name} is a classical baseline: it has no network input; use a network")
        return self.seg.preprocess

    def _network(self) -> nn.Module:
        if self.network is None:
            raise UnknownNameError(f"{self.seg.name} is a classical baseline: it has cluster ids, not logits; use a network")
        return self.network

    def prepare(self, image: np.ndarray) -> torch.Tensor:
        """``(H, W, 3)`` uint8 -> normalized, resized and padded ``(3, h, w)`` float tensor.

        Raises:
            UnknownNameError: The segmenter is a classical baseline (it takes no network input).
        """
        pre = self._preprocess()
        h, w = pre.input_size(*image.shape[:2])
        x = torch.from_numpy(np.array(image)).permute(2, 0, 1)[None].float()
        if (h, w) != tuple(x.shape[-2:]):
            x = F.interpolate(x, size=(h, w), mode=pre.interpolation, align_corners=False, antialias=True).clamp_(0, 255)
        mean = torch.tensor(pre.mean).view(1, 3, 1, 1) * 255
        std = torch.tensor(pre.std).view(1, 3, 1, 1) * 255
        x = (x - mean) / std
        ph, pw = -h % pre.pad_to, -w % pre.pad_to
        return F.pad(x, (0, pw, 0, ph))[0] if ph or pw else x[0]

    def _network_context(self) -> contextlib.ExitStack:
        stack = contextlib.ExitStack()
        stack.enter_context(torch.inference_mode())
        stack.enter_context(autocast(self.device, self.amp))
        stack.enter_context(gemm_dilated_convs(self._dilated))
        return stack

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Network logits ``(B, K, h, w)`` (fp32, on the CPU) for a prepared batch.

        With the preprocessing's ``tta_flip``: the mean of the batch's and its mirror image's logits (mirrored back).

        Raises:
            UnknownNameError: The segmenter is a classical baseline (it has no logits).
        """
        out = self._forward(x)
        if self._preprocess().tta_flip:  # the mirror image's logits, mirrored back: padding moves to the left and back
            out = (out + self._forward(x.flip(-1)).flip(-1)) / 2
        return out

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        network = self._network()
        if self.onnx:  # ONNX Runtime: fp32, no autocast or memory format to set
            return network(x)
        with self._network_context():
            out = network(x.to(self.device).contiguous(memory_format=torch.channels_last))
        return out.float().cpu()

    def predict(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """Class ids ``(H, W)`` uint8 for each ``(H, W, 3)`` uint8 image (cluster ids for baselines)."""
        if self.seg.classical:
            return [classical_segment(self.seg.classical, im, k=self.seg.k, seed=self.seed) for im in images]
        return [ids for ids, _ in self.predict_with_logits(images)]

    def predict_with_logits(self, images: list[np.ndarray]) -> list[tuple[np.ndarray, torch.Tensor]]:
        """For each image: class ids at its own size and the logits ``(K, h, w)`` at network resolution (padding removed).

        Distillation's pseudo-labels are both.

        Raises:
            UnknownNameError: The segmenter is a classical baseline (it has no logits).
        """
        self._network()
        pre = self._preprocess()
        out: list = [None] * len(images)
        groups: dict[tuple[int, int], list[int]] = {}
        for i, im in enumerate(images):
            groups.setdefault(pre.input_size(*im.shape[:2]), []).append(i)
        for (h, w), idx in groups.items():
            for start in range(0, len(idx), self.batch_size):
                chunk = idx[start:start + self.batch_size]
                logits = self.logits(torch.stack([self.prepare(images[i]) for i in chunk]))[:, :, :h, :w]
                for j, i in enumerate(chunk):
                    out[i] = (self._to_ids(logits[j:j + 1], images[i].shape[:2]), logits[j])
        return out

    @staticmethod
    def _to_ids(logits: torch.Tensor, size: tuple[int, int]) -> np.ndarray:
        """Resize ``(1, K, h, w)`` logits to ``size`` (bilinear) and take the argmax."""
        if tuple(logits.shape[-2:]) == tuple(size):
            return class_ids(logits[0], 0).to(torch.uint8).numpy()
        if logits.shape[1] * size[0] * size[1] <= MAX_FULL_RES_LOGITS:
            return class_ids(F.interpolate(logits, size=size, mode="bilinear", align_corners=False)[0], 0).to(torch.uint8).numpy()
        ids = class_ids(logits[0], 0)[None, None].float()
        return F.interpolate(ids, size=size, mode="nearest")[0, 0].to(torch.uint8).numpy()

    def predict_paths(self, paths: list[Path]) -> Iterator[tuple[Path, np.ndarray, np.ndarray]]:
        """``(path, image, ids)`` per readable file, decoding and predicting a batch at a time."""
        for files, images in image_batches(paths, self.batch_size):
            arrays = [np.asarray(im) for im in images]
            yield from zip(files, arrays, self.predict(arrays))


# --- outputs -------------------------------------------------------------------------------------

def class_shares(ids: np.ndarray, classes: SegClasses) -> dict[str, float]:
    """Share of the image's pixels per class present, largest first."""
    counts = np.bincount(ids.ravel(), minlength=classes.num_classes)[: classes.num_classes]
    total = max(ids.size, 1)
    order = np.argsort(-counts, kind="stable")
    return {classes.names[c]: float(counts[c] / total) for c in order if counts[c] > 0}


def overlay(image: np.ndarray, ids: np.ndarray, classes: SegClasses, alpha: float = 0.5) -> np.ndarray:
    """Class colours blended over the image (``alpha`` = weight of the colours)."""
    return (image.astype(np.float32) * (1 - alpha) + classes.colorize(ids).astype(np.float32) * alpha).astype(np.uint8)


def legend_figure(image: np.ndarray, ids: np.ndarray, classes: SegClasses, title: str, max_side: int = 320) -> Image.Image:
    """The manual's figure: image | mask | overlay, and a legend of detected classes with pixel shares."""
    scale = min(1.0, max_side / max(image.shape[:2]))
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    panels = [Image.fromarray(image).resize(size, Image.Resampling.BILINEAR),
              Image.fromarray(classes.colorize(ids)).resize(size, Image.Resampling.NEAREST),
              Image.fromarray(overlay(image, ids, classes)).resize(size, Image.Resampling.BILINEAR)]
    shares = class_shares(ids, classes)
    legend_w, top = 190, 20
    height = max(size[1], 16 * len(shares) + 8) + top
    fig = Image.new("RGB", (3 * size[0] + legend_w, height), (30, 30, 30))
    draw = ImageDraw.Draw(fig)
    draw.text((4, 4), title, fill=(255, 255, 255))
    for i, (panel, caption) in enumerate(zip(panels, ["image", "mask", "overlay"])):
        fig.paste(panel, (i * size[0], top))
        draw.text((i * size[0] + 4, top + 2), caption, fill=(255, 255, 255))
    x0 = 3 * size[0] + 8
    for row, (name, share) in enumerate(shares.items()):
        y = top + 4 + 16 * row
        draw.rectangle([x0, y, x0 + 12, y + 12], fill=tuple(classes.colors[classes.names.index(name)]), outline=(200, 200, 200))
        draw.text((x0 + 18, y), f"{name}  {100 * share:.1f}%", fill=(255, 255, 255))
    return fig


def output_names(paths: list[Path]) -> list[str]:
    """A distinct file stem per input (``parent__stem`` when two inputs share a stem)."""
    stems = [p.stem for p in paths]
    dup = {s for s in stems if stems.count(s) > 1}
    names, seen = [], set()
    for p, s in zip(paths, stems):
        name = f"{p.parent.name}__{s}" if s in dup else s
        base, k = name, 1
        while name in seen:
            k += 1
            name = f"{base}_{k}"
        seen.add(name)
        names.append(name)
    return names


SUMMARY = "summary.json"


def check_output_folder(out: Path) -> None:
    """Refuse a non-empty folder that is not an earlier ``segment`` output (nothing is overwritten there).

    Raises:
        RunFolderError: The folder holds other files.
    """
    if out.exists() and any(out.iterdir()) and not (out / SUMMARY).is_file():
        raise RunFolderError(f"{out} holds other files; choose a new or empty out folder (nothing was touched)")


def segment_images(model: str | Path, paths: Sequence[str | Path], out: str | Path, opts: SegmentOptions | None = None) -> dict:
    """Segment files and folders; write masks, overlays, figures and ``summary.json`` into ``out``.

    Files are decoded, predicted and written a batch at a time, so memory does not grow with
    the number of images.

    Args:
        model: A pretrained name, a run folder, an exported ``.onnx`` file or a classical baseline.
        paths: Image files and folders.
        out: The output folder: new, empty, or an earlier ``segment`` output.
        opts: Batch size, device, precision, download, clusters, figures.

    Returns:
        The summary: the model, per-image class shares, overall shares, timing.

    Raises:
        UnknownNameError: ``model`` is neither a run, a file nor a registered segmenter.
        WeightsUnavailableError: A pretrained model's file is neither cached nor downloadable.
        RunFolderError: ``out`` holds files that are not an earlier ``segment`` output.

    Example:
        >>> segment_images("deeplabv3_resnet50", ["photos/"], "seg_out")  # doctest: +SKIP
    """
    opts = opts or SegmentOptions()
    out = Path(out)
    check_output_folder(out)
    files = expand_paths(paths)
    seg = load_segmenter(model, download=opts.download, k=opts.k)
    predictor = SegmentationPredictor(seg, opts.device, opts.amp, opts.batch_size)
    names = dict(zip(files, output_names(files)))
    totals = np.zeros(seg.classes.num_classes, dtype=np.int64)
    rows, t0 = [], time.perf_counter()
    for path, image, ids in predictor.predict_paths(files):
        name = names[path]
        save_mask_png(ids, out / "masks" / f"{name}.png", seg.classes.colors)
        _save_png(Image.fromarray(overlay(image, ids, seg.classes)), out / "overlays" / f"{name}.png")
        if opts.figures:
            _save_png(legend_figure(image, ids, seg.classes, f"{path.name}  ({seg.name})"), out / "figures" / f"{name}.png")
        totals += np.bincount(ids.ravel(), minlength=seg.classes.num_classes)[: seg.classes.num_classes]
        rows.append({"path": str(path), "name": name, "size": [int(ids.shape[1]), int(ids.shape[0])], "classes": class_shares(ids, seg.classes)})
    seconds = time.perf_counter() - t0
    overall = {seg.classes.names[c]: float(totals[c] / max(totals.sum(), 1)) for c in np.argsort(-totals) if totals[c] > 0}
    summary = {"model": seg.describe(), "n_images": len(rows), "seconds": seconds,
               "images_per_second": len(rows) / seconds if seconds > 0 else None, "amp": str(predictor.amp),
               "device": str(predictor.device), "overall": overall, "images": rows}
    write_json(out / SUMMARY, summary)
    return summary


def _save_png(image: Image.Image, path: Path) -> Path:
    def write(p: Path) -> None:
        image.save(p, format="PNG")

    return atomic_write(path, write)


def format_summary(summary: dict, out: Path, max_rows: int = 10) -> str:
    """A few lines for the terminal: the run's count and time, the top classes per image, where the files are.

    Args:
        summary: What :func:`segment_images` returned.
        out: The output folder it wrote.
        max_rows: Images listed; the rest are counted.
    """
    lines = [f"{summary['n_images']} images segmented with {summary['model']['name']} in {summary['seconds']:.1f}s"]
    for row in summary["images"][:max_rows]:
        top = ", ".join(f"{k} {100 * v:.1f}%" for k, v in list(row["classes"].items())[:4])
        lines.append(f"  {row['name']:<28} {top}")
    if summary["n_images"] > max_rows:
        lines.append(f"  ... ({summary['n_images'] - max_rows} more in {out / SUMMARY})")
    lines.append(f"masks: {out / 'masks'}  overlays: {out / 'overlays'}  figures: {out / 'figures'}  summary: {out / SUMMARY}")
    return "\n".join(lines)


def read_summary(out: str | Path) -> dict:
    """The ``summary.json`` that :func:`segment_images` wrote into ``out``."""
    return read_json(Path(out) / SUMMARY)
