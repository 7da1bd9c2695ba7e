"""visionlab: supervised computer vision from image classification to semantic segmentation.

The package mirrors the lab's stages: ``data`` (datasets, the game world), ``models``
(registries and weights), ``train``, ``evaluate`` and ``predict``.
"""

__version__ = "0.1.0"
