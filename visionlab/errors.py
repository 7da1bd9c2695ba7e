"""Exception types. Each message names the bad value and the fix."""


class VisionLabError(Exception):
    """Base class for errors a user can fix; the CLI prints them without a traceback."""


class DatasetError(VisionLabError, ValueError):
    """A dataset folder is missing, empty, mislabeled or mostly unreadable."""


class UnreadableImageError(VisionLabError, OSError):
    """One image file cannot be decoded (corrupt, truncated, not an image, too large)."""


class WeightsUnavailableError(VisionLabError, FileNotFoundError):
    """Pretrained weights are neither cached nor downloadable."""


class UnknownNameError(VisionLabError, KeyError):
    """A registry lookup with a name that is not registered."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it plain.
        return str(self.args[0]) if self.args else ""


class RunFolderError(VisionLabError):
    """A run folder is missing, incomplete, or would be overwritten."""


class CheckpointMismatchError(VisionLabError, ValueError):
    """A checkpoint does not fit the model it is loaded into."""


class ConfigError(VisionLabError, ValueError):
    """An option value outside its valid range."""


class ParamError(ConfigError):
    """A library parameter outside its valid range; the message starts with the parameter's name.

    ``param`` is the keyword as the Python API spells it (``lr``, ``img_size``, ``augment.scale_min``);
    the command line maps it to its flag (``--lr``, ``--img-size``, ``--scale-min``) before printing.

    Args:
        param: The parameter's name in the Python API.
        message: What is wrong and how to fix it, starting with ``param``.
    """

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
