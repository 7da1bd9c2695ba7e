"""The settings of ``visionlab walkmap``: :class:`WalkmapOptions` and the grid check it runs.

Importing this module loads no heavy library (no torch, numpy or Pillow): the command line builds
its options from these fields (their metadata holds the help and spelling, see
:mod:`visionlab.cli.args`) before anything heavy is needed. :mod:`visionlab.walkmap` re-exports
both names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visionlab.errors import ParamError
from visionlab.utils.amp import AMP_MODES


@dataclass
class WalkmapOptions:
    """Settings of one ``walkmap`` call (saved in ``summary.json``).

    Raises:
        ParamError: ``tile``, ``clearance``, ``fill`` or ``batch_size`` out of range.
    """

    walkable: tuple[str, ...] | None = field(default=None, metadata={  # None: terrain + platform when the segmenter has them
        "help": "classes one can stand on (default: terrain platform)"})
    hazard: tuple[str, ...] | None = field(default=None, metadata={  # None: water when the segmenter has it, else none
        "help": "hazard classes (default: water when the segmenter has it)"})
    tile: int = field(default=16, metadata={"help": "tile side in pixels"})
    clearance: int = field(default=2, metadata={"help": "free tiles needed above a standing tile (counting itself)"})
    fill: float = field(default=0.5, metadata={"help": "share of a tile's pixels that makes it solid or hazard"})
    batch_size: int = field(default=4, metadata={"help": "images per batch"})
    device: str = field(default="auto", metadata={"help": "auto, cpu, cuda or cuda:N"})
    amp: str = field(default="auto", metadata={"choices": AMP_MODES, "help": "autocast precision (auto: bf16 where supported)"})

    def __post_init__(self) -> None:
        check_tiling(self.tile, self.clearance, self.fill)
        if self.batch_size < 1:
            raise ParamError("batch_size", f"batch_size: {self.batch_size} is below 1; pass 1 or more")


def check_tiling(tile: int, clearance: int, fill: float) -> None:
    """Check the grid settings shared by predicted and ground-truth walkmaps.

    Raises:
        ParamError: ``tile`` or ``clearance`` not a whole number >= 1, or ``fill`` outside (0, 1].
    """
    if int(tile) != tile or tile < 1:
        raise ParamError("tile", f"tile: {tile} is not a whole number of pixels >= 1; pass e.g. 16")
    if int(clearance) != clearance or clearance < 1:
        raise ParamError("clearance", f"clearance: {clearance} is not a whole number of tiles >= 1 (it counts the standing tile)")
    if not 0 < fill <= 1:
        raise ParamError("fill", f"fill: {fill} does not lie in (0, 1]: the share of a tile's pixels that makes it solid or hazard")
