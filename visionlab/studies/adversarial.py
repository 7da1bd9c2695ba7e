"""``adversarial`` (lesson 001): how small a change of the input fools the classifier.

Validation images are attacked in pixel space ([0, 1], before normalisation) within an L-infinity
ball of radius epsilon. FGSM (Goodfellow et al., 2015, https://arxiv.org/abs/1412.6572) takes one
step of size epsilon along the sign of the loss gradient. PGD (Madry et al., 2018,
https://arxiv.org/abs/1706.06083) starts at a random point of the ball and takes several smaller
signed steps, projecting back into the ball after each; it keeps each image's highest-loss iterate,
so it is never weaker than its own start. Accuracy and the true class's mean confidence are
measured at every epsilon, and one fooled image is shown with its perturbation and its Grad-CAM
before and after.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from visionlab.explain.cam import Explainer
from visionlab.explain.figures import overlay
from visionlab.studies.common import Cell, StudyContext, StudyResult
from visionlab.studies.inputs import PixelClassifier, load_pixels, normalise, pixel_classifier, spread_over_classes, to_uint8
from visionlab.utils.device import resolve_device

PLOTS = ("adversarial_accuracy.png", "adversarial_example.png", "adversarial_gradcam.png")


@dataclass(frozen=True)
class AttackSettings:
    """How PGD attacks (saved in ``study.json``); FGSM has no settings besides epsilon."""

    pgd_steps: int = 5  # signed-gradient steps (each costs a forward and backward pass over the images)
    step_factor: float = 2.5  # each step is step_factor * epsilon / pgd_steps (Madry et al.'s 2.5: the ball can be crossed)
    batch_size: int = 32  # images per forward and backward pass


def fgsm(forward: PixelClassifier, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """The fast gradient sign attack: ``x + eps * sign(grad of the cross-entropy)``, clamped to [0, 1].

    Args:
        forward: Pixel images ``(B, 3, H, W)`` -> logits (parameters frozen).
        x: Pixel images in [0, 1] (not changed).
        y: True labels ``(B,)``.
        eps: Radius in the [0, 1] pixel range (``4 / 255``...); 0 returns ``x`` unchanged.

    Returns:
        The adversarial images, within ``eps`` of ``x`` and in [0, 1].
    """
    grad = _loss_gradient(forward, x, y)
    return (x + eps * grad.sign()).clamp(0, 1)


def pgd(forward: PixelClassifier, x: torch.Tensor, y: torch.Tensor, eps: float, steps: int, step_size: float,
        generator: torch.Generator) -> torch.Tensor:
    """Projected gradient descent with a random start; each image keeps its highest-loss iterate.

    Args:
        forward: Pixel images -> logits (parameters frozen).
        x: Pixel images ``(B, 3, H, W)`` in [0, 1] (not changed).
        y: True labels ``(B,)``.
        eps: Radius of the L-infinity ball in the [0, 1] pixel range.
        steps: Signed-gradient steps after the random start.
        step_size: Size of each step in the pixel range.
        generator: Draws the random start (CPU generator; the same state gives the same attack).

    Returns:
        The adversarial images, within ``eps`` of ``x`` and in [0, 1].
    """
    noise = (torch.rand(x.shape, generator=generator) * 2 - 1).to(x.device)  # (B, 3, H, W) in [-1, 1]
    adv = (x + eps * noise).clamp(0, 1)
    best, best_loss = adv.clone(), torch.full((len(x),), -torch.inf, device=x.device)
    for step in range(steps + 1):
        adv.requires_grad_(True)
        loss = F.cross_entropy(forward(adv), y, reduction="none")  # (B,)
        better = loss.detach() > best_loss
        best[better], best_loss[better] = adv.detach()[better], loss.detach()[better]
        if step == steps:
            break
        (grad,) = torch.autograd.grad(loss.sum(), adv)
        adv = adv.detach() + step_size * grad.sign()
        adv = torch.minimum(torch.maximum(adv, x - eps), x + eps).clamp(0, 1)  # back into the ball and the pixel range
    return best


def _loss_gradient(forward: PixelClassifier, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(forward(x), y, reduction="sum"), x)
    return grad


def _probabilities(forward: PixelClassifier, x: torch.Tensor, batch_size: int) -> torch.Tensor:
    """Softmax probabilities ``(N, K)`` of pixel images, in batches."""
    with torch.no_grad():
        return torch.cat([forward(x[i:i + batch_size]).float().softmax(1) for i in range(0, len(x), batch_size)])


@dataclass
class _Measured:
    """The measures of one attack at one epsilon."""

    probs: torch.Tensor  # (N, K) on the adversarial images
    linf: float  # the largest change of a pixel value, in 1/255

    def accuracy(self, y: torch.Tensor) -> float:
        return float((self.probs.argmax(1) == y).float().mean())

    def confidence(self, y: torch.Tensor) -> float:
        return float(self.probs.gather(1, y[:, None]).mean())


def _attack(forward: PixelClassifier, x: torch.Tensor, y: torch.Tensor, eps: float, s: AttackSettings,
            g: torch.Generator) -> tuple[_Measured, _Measured, torch.Tensor]:
    """FGSM and PGD at ``eps`` over all images in batches: their measures and the PGD images."""
    if eps == 0:  # both attacks return the images unchanged (the tests check it); no gradient needed
        same = _Measured(_probabilities(forward, x, s.batch_size), 0.0)
        return same, same, x
    fgsm_out, pgd_out = [], []
    for i in range(0, len(x), s.batch_size):
        xb, yb = x[i:i + s.batch_size], y[i:i + s.batch_size]
        fgsm_out.append(fgsm(forward, xb, yb, eps))
        pgd_out.append(pgd(forward, xb, yb, eps, s.pgd_steps, s.step_factor * eps / s.pgd_steps, g))
    fgsm_x, pgd_x = torch.cat(fgsm_out), torch.cat(pgd_out)
    measured = [_Measured(_probabilities(forward, a, s.batch_size), float((a - x).abs().max()) * 255) for a in (fgsm_x, pgd_x)]
    return measured[0], measured[1], pgd_x


def adversarial_study(ctx: StudyContext) -> StudyResult:
    """FGSM and PGD on ``opts.images`` validation images at each of ``opts.epsilons`` (in 1/255)."""
    o, s = ctx.opts, AttackSettings()
    model, meta = ctx.model()
    device = resolve_device("auto")
    model.to(device)
    pre, classes = meta["preprocess"], list(meta["classes"])
    val = ctx.splits()["val"]
    picked = spread_over_classes(val.labels, o.images, o.seed)
    x, y = (t.to(device) for t in load_pixels(val, picked, pre))
    epsilons = sorted(set(float(e) for e in o.epsilons))
    g = torch.Generator().manual_seed(o.seed)
    rows: list[list[Cell]] = []
    per_eps: list[dict] = []
    show: dict | None = None
    with pixel_classifier(model, pre) as forward:
        clean = _probabilities(forward, x, s.batch_size)
        for eps in epsilons:
            ctx.say(f"adversarial: epsilon {eps:g}/255, FGSM and PGD ({s.pgd_steps} steps) on {len(x)} images")
            f, p, pgd_x = _attack(forward, x, y, eps / 255, s, g)
            per_eps.append({"epsilon": eps, "fgsm_accuracy": f.accuracy(y), "pgd_accuracy": p.accuracy(y), "fgsm_confidence": f.confidence(y),
                            "pgd_confidence": p.confidence(y), "fgsm_linf": f.linf, "pgd_linf": p.linf})
            rows.append([per_eps[-1][k] for k in ("epsilon", "fgsm_accuracy", "pgd_accuracy", "fgsm_confidence", "pgd_confidence")])
            show = _showcase(show, eps, clean, p.probs, y, pgd_x, last=eps == epsilons[-1])
    clean_acc = float((clean.argmax(1) == y).float().mean())
    plots = [_plot_accuracy(per_eps, clean_acc, len(x), ctx.out / PLOTS[0])]
    if show is not None:
        plots += _plot_showcase(model, pre, show, x, y, classes, ctx.out)
    last = per_eps[-1]
    counts = {c: int((y == k).sum()) for k, c in enumerate(classes)}
    return StudyResult(
        header=["epsilon (1/255)", "FGSM accuracy", "PGD accuracy", "true-class confidence under FGSM", "true-class confidence under PGD"],
        rows=rows,
        outcome=("On {n} validation images with clean accuracy {clean}, accuracy at epsilon {eps}/255 was {fgsm} under FGSM and {pgd} "
                 "under PGD, with no pixel value changed by more than {linf} of 255 levels."),
        values={"n": str(len(x)), "clean": f"{clean_acc:.4f}", "fgsm": f"{last['fgsm_accuracy']:.4f}", "pgd": f"{last['pgd_accuracy']:.4f}",
                "eps": f"{last['epsilon']:g}", "linf": f"{max(last['fgsm_linf'], last['pgd_linf']):.2f}"},
        plots=plots,
        data={"settings": asdict(s), "clean_accuracy": clean_acc, "clean_confidence": float(clean.gather(1, y[:, None]).mean()),
              "per_epsilon": per_eps, "images": [str(val.paths[i]) for i in picked], "per_class": counts,
              "example": None if show is None else {**{k: v for k, v in show.items() if k != "adv"}, "image": str(val.paths[picked[show["index"]]])}},
        setup=("{n} validation images ({per_class}) were attacked in pixel space (values in [0, 1], normalised afterwards) within "
               "epsilon of each pixel value: FGSM takes one step of epsilon along the sign of the loss gradient; PGD starts at a random "
               "point within epsilon and takes {steps} signed steps of {factor} x epsilon / {steps}, projected back after each, keeping "
               "each image's highest-loss iterate."),
        setup_values={"n": str(len(x)), "per_class": ", ".join(f"{c} {n}" for c, n in counts.items()), "steps": str(s.pgd_steps),
                      "factor": f"{s.step_factor:g}"},
    )


def _showcase(show: dict | None, eps: float, clean: torch.Tensor, probs: torch.Tensor, y: torch.Tensor, adv: torch.Tensor,
              last: bool) -> dict | None:
    """The image to show, chosen as the epsilons grow.

    The first correctly classified image that PGD fools, at the smallest epsilon that fools one;
    failing that, at the largest epsilon, the image whose true-class confidence fell most.
    """
    if show is not None and show["fooled"]:
        return show
    correct = clean.argmax(1) == y
    fooled = correct & (probs.argmax(1) != y)
    if fooled.any():
        i = int(torch.nonzero(fooled)[0])
    elif last and eps > 0:
        i = int((clean.gather(1, y[:, None]) - probs.gather(1, y[:, None]))[:, 0].argmax())
    else:
        return None
    return {"index": i, "epsilon": eps, "fooled": bool(fooled[i]), "true": int(y[i]), "clean_pred": int(clean[i].argmax()),
            "clean_conf": float(clean[i].max()), "adv_pred": int(probs[i].argmax()), "adv_conf": float(probs[i].max()),
            "adv": adv[i].detach().clone()}


def _plot_accuracy(per_eps: list[dict], clean_acc: float, n: int, path: Path) -> str:
    """Accuracy and the true class's mean confidence against epsilon, FGSM and PGD."""
    from visionlab.studies.plots import plt, save

    eps = [r["epsilon"] for r in per_eps]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key, label in ((axes[0], "accuracy", "accuracy"), (axes[1], "confidence", "mean probability of the true class")):
        ax.plot(eps, [r[f"fgsm_{key}"] for r in per_eps], "o-", label="FGSM")
        ax.plot(eps, [r[f"pgd_{key}"] for r in per_eps], "s-", label="PGD")
        ax.set_xlabel("epsilon (1/255 of the pixel range)")
        ax.set_ylabel(label)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0].axhline(clean_acc, color="grey", ls="--", lw=1, label=f"clean ({clean_acc:.3f})")
    for ax in axes:  # below the axes: the curves fill both corners at one epsilon or another
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False)
    fig.suptitle(f"Accuracy under attack on {n} validation images")
    return save(fig, path)


def _plot_showcase(model, pre, show: dict, x: torch.Tensor, y: torch.Tensor, classes: list[str], out: Path) -> list[str]:
    """The example image, its perturbation and the adversarial image; then its Grad-CAM before and after."""
    from visionlab.studies.plots import plt, save

    i, eps = show["index"], show["epsilon"] / 255
    original, adv = x[i].cpu(), show["adv"].cpu()
    scale = 0.5 / eps
    names = {k: classes[show[k]] for k in ("true", "clean_pred", "adv_pred")}
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.6))
    panels = [(original, f"original (true: {names['true']})\npredicted {names['clean_pred']}, p = {show['clean_conf']:.3f}"),
              ((adv - original) * scale + 0.5, f"perturbation x{scale:.0f} (grey = 0)\nlargest change {float((adv - original).abs().max()) * 255:.2f}/255"),
              (adv, f"adversarial, epsilon {show['epsilon']:g}/255 (PGD)\npredicted {names['adv_pred']}, p = {show['adv_conf']:.3f}")]
    for ax, (img, title) in zip(axes, panels):
        ax.imshow(to_uint8(img))
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    first = save(fig, out / PLOTS[1])
    device = next(model.parameters()).device
    with Explainer(model, "gradcam") as ex:
        cams, _ = ex(normalise(torch.stack([original, adv]), pre).to(device), [show["clean_pred"], show["adv_pred"]])
    fig, axes = plt.subplots(1, 2, figsize=(9, 5), layout="constrained")
    for ax, img, cam, title in ((axes[0], original, cams[0], f"before: {names['clean_pred']}, p = {show['clean_conf']:.3f}"),
                                (axes[1], adv, cams[1], f"after: {names['adv_pred']}, p = {show['adv_conf']:.3f}")):
        ax.imshow(overlay(to_uint8(img), cam))
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    fig.suptitle(f"Grad-CAM of the predicted class before and after the attack (PGD, epsilon {show['epsilon']:g}/255)", fontsize=11)
    return [first, save(fig, out / PLOTS[2])]
