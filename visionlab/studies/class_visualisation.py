"""``class-visualisation`` (lesson 001, "the ideal cat"): the input image that maximises one class's logit.

Start from a random image and change the image, not the weights, by gradient ascent on the class's
logit. Alone this finds noise the network accepts, since many inputs raise a logit; the lesson adds
a total variation penalty (differences between neighbouring pixels) so the image gets smooth. Two
regularisers of the feature-visualisation literature are added as well: the image is rolled by a
few random pixels every step (patterns must raise the logit wherever they sit) and blurred now and
then (high frequencies decay). See Olah, Mordvintsev and Schubert, "Feature Visualization", Distill
2017, https://distill.pub/2017/feature-visualization/, and Yosinski et al., "Understanding Neural
Networks Through Deep Visualization", 2015, https://arxiv.org/abs/1506.06579.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, fields

import numpy as np
import torch
from PIL import Image
from torchvision.transforms.v2 import functional as TF

from visionlab.explain.figures import save_png
from visionlab.studies.common import Cell, StudyContext, StudyResult
from visionlab.studies.inputs import PixelClassifier, file_stem, pixel_classifier, to_uint8
from visionlab.utils.device import resolve_device

FIGURE = "class_visualisation.png"


@dataclass(frozen=True)
class AscentSettings:
    """How the image is optimised (saved in ``study.json``)."""

    steps: int = 200  # gradient-ascent steps per class
    lr: float = 0.05  # Adam's step on pixel values in [0, 1]
    tv_weight: float = 100.0  # weight of the total variation (mean absolute neighbour difference) against the logit
    jitter: int = 8  # every step the image is rolled by up to this many pixels in x and in y
    blur_every: int = 4  # every this many steps the image is blurred...
    blur_sigma: float = 1.0  # ...with a Gaussian of this standard deviation (pixels)
    noise: float = 0.05  # standard deviation of the starting image around the weights entry's mean colour


@dataclass
class Ascent:
    """One class's optimised image and its scores before and after (``margin``: the logit minus the log-sum-exp of the others)."""

    image: torch.Tensor  # (3, H, W) pixels in [0, 1]
    logit_start: float
    logit_end: float
    prob_start: float
    prob_end: float
    margin_start: float
    margin_end: float
    seconds: float


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference between neighbouring pixels of ``(B, C, H, W)``, over both directions."""
    return (x[..., 1:, :] - x[..., :-1, :]).abs().mean() + (x[..., :, 1:] - x[..., :, :-1]).abs().mean()


def start_image(size: int, mean: tuple[float, float, float], noise: float, seed: int) -> torch.Tensor:
    """The seeded starting point: the mean colour plus low-amplitude Gaussian noise, ``(1, 3, size, size)`` in [0, 1]."""
    g = torch.Generator().manual_seed(seed)
    base = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
    return (base + noise * torch.randn(1, 3, size, size, generator=g)).clamp(0, 1)


def ascend_class(forward: PixelClassifier, target: int, start: torch.Tensor, settings: AscentSettings, seed: int) -> Ascent:
    """Gradient ascent on logit ``target`` from ``start`` with total variation, jitter and blur; pixels clamped to [0, 1].

    Args:
        forward: Pixel images ``(B, 3, H, W)`` -> logits (see :func:`~visionlab.studies.inputs.pixel_classifier`).
        target: The class whose logit is raised.
        start: ``(1, 3, H, W)`` pixels in [0, 1] (not changed).
        settings: Steps, learning rate and regularisers.
        seed: Seeds the jitter; the same seed and start give the same image.

    Returns:
        The final image and the class's logit, probability and margin before and after.
    """
    t0 = time.perf_counter()
    g = torch.Generator().manual_seed(seed)
    x = start.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([x], lr=settings.lr)
    before = _scores(forward, x, target)
    for step in range(1, settings.steps + 1):
        dy, dx = (torch.randint(-settings.jitter, settings.jitter + 1, (2,), generator=g).tolist() if settings.jitter else (0, 0))
        logit = forward(torch.roll(x, shifts=(dy, dx), dims=(2, 3)))[0, target]
        loss = -logit + settings.tv_weight * total_variation(x)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            if settings.blur_every and step % settings.blur_every == 0:
                side = 2 * math.ceil(2 * settings.blur_sigma) + 1  # the kernel reaches two standard deviations
                x.copy_(TF.gaussian_blur(x, kernel_size=[side, side], sigma=[settings.blur_sigma, settings.blur_sigma]))
            x.clamp_(0, 1)
    after = _scores(forward, x, target)
    return Ascent(x.detach()[0], before[0], after[0], before[1], after[1], before[2], after[2], time.perf_counter() - t0)


def _scores(forward: PixelClassifier, x: torch.Tensor, target: int) -> tuple[float, float, float]:
    """The class's logit, softmax probability and margin over the other classes for one image ``(1, 3, H, W)``."""
    with torch.no_grad():
        z = forward(x)[0].double()  # (K,)
    others = torch.cat([z[:target], z[target + 1:]])
    margin = z[target] - torch.logsumexp(others, 0) if len(others) else torch.tensor(float("inf"))
    return float(z[target]), float(z.softmax(0)[target]), float(margin)


def class_visualisation_study(ctx: StudyContext) -> StudyResult:
    """The image that maximises each class's logit of the studied classifier, with its scores before and after."""
    model, meta = ctx.model()
    device = resolve_device("auto")
    model.to(device)
    pre, classes = meta["preprocess"], list(meta["classes"])
    settings = AscentSettings(steps=ctx.opts.steps)
    results: list[Ascent] = []
    with pixel_classifier(model, pre) as forward:
        for k, name in enumerate(classes):
            ctx.say(f"class-visualisation: class {k + 1} of {len(classes)} ({name}), {settings.steps} steps")
            seed = int(np.random.SeedSequence([ctx.opts.seed, k]).generate_state(1)[0])
            results.append(ascend_class(forward, k, start_image(pre.crop_size, pre.mean, settings.noise, seed).to(device), settings, seed))
    files = [save_png(Image.fromarray(to_uint8(r.image)), ctx.out / f"class_{k:02d}_{file_stem(n)}.png").name
             for k, (n, r) in enumerate(zip(classes, results))]
    figure = _plot_classes(classes, results, ctx.out / FIGURE)
    per_class = [{"class": n, "image": f, **{f.name: getattr(r, f.name) for f in fields(r) if f.name != "image"}} for n, f, r in zip(classes, files, results)]
    ratios = [r.prob_end / max(r.prob_start, 1e-12) for r in results]
    rows: list[list[Cell]] = [[n, r.logit_start, r.logit_end, r.prob_start, r.prob_end, q, r.margin_start, r.margin_end, settings.steps,
                               round(r.seconds, 2)] for n, r, q in zip(classes, results, ratios)]
    return StudyResult(
        header=["class", "logit at start", "logit at end", "probability at start", "probability at end", "probability ratio, end / start",
                "logit margin at start", "logit margin at end", "ascent steps", "seconds"],
        rows=rows,
        outcome=("After {steps} steps of gradient ascent on the input, every class's probability was at most {start_max} at the start and "
                 "at least {end_min} at the end (end / start ratio at least {ratio_min}); its logit margin over the other classes was at "
                 "most {margin_start_max} at the start and at least {margin_end_min} at the end."),
        values={"steps": str(settings.steps), "start_max": f"{max(r.prob_start for r in results):.4f}",
                "end_min": f"{min(r.prob_end for r in results):.4f}", "ratio_min": f"{min(ratios):.2f}",
                "margin_start_max": f"{max(r.margin_start for r in results):.2f}", "margin_end_min": f"{min(r.margin_end for r in results):.2f}"},
        plots=[figure],
        data={"settings": asdict(settings), "input_size": pre.crop_size, "classes": per_class, "seconds_total": sum(r.seconds for r in results)},
        setup=("Each class's image starts from the mean colour plus Gaussian noise (standard deviation {noise}) at {size}x{size} pixels and "
               "is changed by Adam (step {lr}) on its pixels to raise the class's logit, with a total variation penalty (weight {tv}), "
               "a random shift of up to {jitter} pixels every step and a Gaussian blur (sigma {sigma}) every {blur} steps; the logit "
               "margin is the class's logit minus the log-sum-exp of the other logits."),
        setup_values={"noise": str(settings.noise), "size": str(pre.crop_size), "lr": str(settings.lr), "tv": str(settings.tv_weight),
                      "jitter": str(settings.jitter), "sigma": str(settings.blur_sigma), "blur": str(settings.blur_every)},
    )


def _plot_classes(classes: list[str], results: list[Ascent], path) -> str:
    """The class images side by side (six to a row), each titled with its class and final probability."""
    from visionlab.studies.plots import plt, save

    cols = min(len(classes), 6)
    rows = (len(classes) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(max(3.2 * cols, 8.0), 3.6 * rows), squeeze=False, layout="constrained")
    for ax in axes.flat:
        ax.axis("off")
    for ax, name, r in zip(axes.flat, classes, results):
        ax.imshow(to_uint8(r.image))
        ax.set_title(f"{name}\np = {r.prob_start:.3f} → {r.prob_end:.3f}", fontsize=11)
    fig.suptitle("What each class looks like to the network: the input that maximises its logit", fontsize=12)
    return save(fig, path)
