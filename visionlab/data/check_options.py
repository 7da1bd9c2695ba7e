"""The thresholds of ``visionlab data check``; importing this module loads no heavy library."""

from __future__ import annotations

from dataclasses import dataclass, field

from visionlab.errors import ParamError


@dataclass
class CheckOptions:
    """Thresholds of ``data check``.

    Attributes:
        near_threshold: Largest pHash Hamming distance (of 64 bits) for a near duplicate; -1 turns
            the near-duplicate search off.
        min_side: Images with a shorter side below this many pixels are reported as tiny.
        max_imbalance: Largest/smallest class count ratio above which a split is flagged.
        workers: Decoding threads (Pillow releases the GIL while decoding).
        quiet: No progress bar.
    """

    near_threshold: int = field(default=4, metadata={"help": "near duplicate: pHash Hamming distance at most this (of 64 bits); -1: off"})
    min_side: int = field(default=32, metadata={"help": "images with a shorter side below this many pixels are reported as tiny"})
    max_imbalance: float = field(default=3.0, metadata={"help": "flag a split whose largest/smallest class ratio is above this"})
    workers: int = field(default=4, metadata={"help": "decoding threads"})
    quiet: bool = field(default=False, metadata={"help": "no progress bar"})

    def validate(self) -> None:
        """Check every threshold's range.

        Raises:
            ParamError: A threshold out of range; the message starts with its name.
        """
        if not -1 <= self.near_threshold <= 32:
            raise ParamError("near_threshold", f"near_threshold must be between -1 (off) and 32 bits; got {self.near_threshold}; "
                             "4 catches resized copies")
        if self.min_side < 0:
            raise ParamError("min_side", f"min_side must be 0 or more pixels; got {self.min_side}")
        if self.max_imbalance < 1:
            raise ParamError("max_imbalance", f"max_imbalance is a ratio largest/smallest and must be at least 1; got {self.max_imbalance}")
        if self.workers < 1:
            raise ParamError("workers", f"workers must be at least 1; got {self.workers}")
