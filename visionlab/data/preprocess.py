"""Evaluation preprocessing as data: weights entries carry one, every consumer reads it from there."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Preprocess:
    """Evaluation preprocessing: resize the short side, centre crop, normalize."""

    resize_size: int  # short side after resizing, before the centre crop
    crop_size: int  # square network input size
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    interpolation: str = "bilinear"  # torchvision InterpolationMode value

    def at_size(self, crop_size: int | None) -> Preprocess:
        """The same preprocessing for another input size, keeping the crop ratio."""
        if crop_size is None or crop_size == self.crop_size:
            return self
        ratio = self.resize_size / self.crop_size
        return replace(self, crop_size=crop_size, resize_size=int(round(crop_size * ratio)))

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
