"""Evaluation preprocessing as data: weights entries carry one, every consumer reads it from there."""

from __future__ import annotations

from dataclasses import dataclass, replace

from visionlab.errors import ParamError


def check_crop_pct(pct: float | None, param: str = "crop_pct") -> None:
    """Refuse a centre-crop share outside (0, 1], naming ``param`` (None: the weights entry's, always valid)."""
    if pct is not None and not 0 < pct <= 1:
        raise ParamError(param, f"{param} is the share of the resized image the centre crop keeps, in (0, 1] (1: the whole image); got {pct}")


@dataclass(frozen=True)
class Preprocess:
    """Evaluation preprocessing: resize the short side, centre crop, normalize."""

    resize_size: int  # short side after resizing, before the centre crop
    crop_size: int  # square network input size
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    interpolation: str = "bilinear"  # torchvision InterpolationMode value

    @property
    def crop_pct(self) -> float:
        """The share of the resized short side the centre crop keeps (timm's ``crop_pct``; 1: the whole image)."""
        return self.crop_size / self.resize_size

    def at_size(self, crop_size: int | None, crop_pct: float | None = None) -> Preprocess:
        """The same preprocessing for another input size, keeping the crop ratio unless ``crop_pct`` is given."""
        crop = crop_size or self.crop_size
        pct = crop_pct or self.crop_pct
        if crop == self.crop_size and pct == self.crop_pct:
            return self
        return replace(self, crop_size=crop, resize_size=int(round(crop / pct)))

    def to_dict(self) -> dict:
        """A JSON-friendly form, read back by :meth:`from_dict`."""
        return {
            "resize_size": self.resize_size,
            "crop_size": self.crop_size,
            "mean": list(self.mean),
            "std": list(self.std),
            "interpolation": self.interpolation,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Preprocess:
        """The preprocessing saved by :meth:`to_dict`."""
        return cls(int(d["resize_size"]), int(d["crop_size"]), tuple(d["mean"]), tuple(d["std"]), d.get("interpolation", "bilinear"))


IMAGENET_PREPROCESS = Preprocess(256, 224, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225), "bilinear")
