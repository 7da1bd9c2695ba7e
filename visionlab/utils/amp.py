"""Names of the autocast precisions, free of torch so that option dataclasses can offer them as choices.

:func:`visionlab.utils.device.resolve_amp` turns a name into a dtype.
"""

AMP_MODES: tuple[str, ...] = ("auto", "bf16", "fp16", "off")
