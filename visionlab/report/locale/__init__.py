"""Translations of the report's English templates: one ``CATALOGUE`` dict per module, ``<lang>.py`` or ``<lang>_<part>.py``."""
