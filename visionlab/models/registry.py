"""One public way to build a classifier: look its name up in a registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from visionlab.errors import CheckpointMismatchError, UnknownNameError
from visionlab.models.classifier import Classifier
from visionlab.models.weights import WeightsEntry


@dataclass(frozen=True)
class ClassifierSpec:
    """A registered classifier: its builder and its weights entries (first = default)."""

    name: str
    build: Callable[..., Classifier]  # build(num_classes=, dropout=) -> Classifier with random weights
    weights: tuple[WeightsEntry, ...]
    description: str


_CLASSIFIERS: dict[str, ClassifierSpec] = {}


def register_classifier(name: str, weights: tuple[WeightsEntry, ...] = (), description: str = "") -> Callable:
    """Decorator registering ``build(num_classes=, dropout=)`` under ``name``.

    Raises:
        ValueError: ``name`` is already registered.
    """

    def wrap(build: Callable[..., Classifier]) -> Callable[..., Classifier]:
        if name in _CLASSIFIERS:
            raise ValueError(f"classifier {name!r} is already registered")
        _CLASSIFIERS[name] = ClassifierSpec(name, build, tuple(weights), description or (build.__doc__ or "").strip())
        return build

    return wrap


def list_classifiers() -> list[str]:
    """Registered classifier names, sorted."""
    return sorted(_CLASSIFIERS)


def get_spec(name: str) -> ClassifierSpec:
    """The registry entry for ``name``.

    Raises:
        UnknownNameError: ``name`` is not registered; the message lists the valid names.
    """
    if name not in _CLASSIFIERS:
        raise UnknownNameError(f"unknown classifier {name!r}; choose one of: {', '.join(list_classifiers())}")
    return _CLASSIFIERS[name]


def get_weights(name: str, weights: str | None = "DEFAULT") -> WeightsEntry | None:
    """The weights entry ``weights`` of classifier ``name`` (``"DEFAULT"`` = first, ``None``/"none" = random)."""
    spec = get_spec(name)
    if weights is None or weights.lower() == "none":
        return None
    if not spec.weights:
        raise UnknownNameError(f"weights: classifier {name!r} has no pretrained weights; use weights none (random initialisation)")
    if weights == "DEFAULT":
        return spec.weights[0]
    for entry in spec.weights:
        if entry.name == weights:
            return entry
    names = ", ".join(["DEFAULT", "none"] + [w.name for w in spec.weights])
    raise UnknownNameError(f"classifier {name!r} has no weights {weights!r}; choose one of: {names}")


def get_classifier(
    name: str, *, num_classes: int, weights: str | None = "DEFAULT", dropout: float = 0.3, download: bool = False
) -> Classifier:
    """Build a registered classifier with a new head for ``num_classes``.

    Args:
        name: Registry name, e.g. ``"resnet18"`` or ``"efficientnet_lite0"``.
        num_classes: Outputs of the new head.
        weights: ``"DEFAULT"``, a weights entry name, or ``None`` for random initialisation.
        dropout: Dropout before the head's linear layer.
        download: Allow fetching weights that are not cached yet.

    Returns:
        The classifier; ``model.weights`` holds the weights entry (preprocessing, source).

    Raises:
        UnknownNameError: Unknown classifier or weights name.
        WeightsUnavailableError: Pretrained file neither on disk nor (allowed to be) downloaded.

    Example:
        >>> model = get_classifier("efficientnet_lite0", num_classes=2)
        >>> model(torch.zeros(1, 3, 224, 224)).shape
        torch.Size([1, 2])
    """
    spec = get_spec(name)
    entry = get_weights(name, weights)
    model = spec.build(num_classes=num_classes, dropout=dropout)
    if entry is not None:
        state = entry.load_state_dict(download=download)
        load_backbone_state(model, state, source=entry.file_name)
        model.weights = entry
    return model


def load_backbone_state(model: Classifier, state: dict[str, torch.Tensor], source: str) -> None:
    """Load pretrained tensors into ``model.backbone``, ignoring the pretraining classifier.

    Raises:
        CheckpointMismatchError: Missing or differently shaped backbone tensors.
    """
    own = model.backbone.state_dict()
    usable = {k: v for k, v in state.items() if k in own}
    missing = [k for k in own if k not in usable]
    wrong = [k for k, v in usable.items() if v.shape != own[k].shape]
    if missing or wrong:
        raise CheckpointMismatchError(
            f"{source} does not fit backbone {model.arch}: {len(missing)} missing tensors "
            f"(e.g. {missing[:3]}), {len(wrong)} with other shapes (e.g. {wrong[:3]})"
        )
    model.backbone.load_state_dict(usable, strict=True)
