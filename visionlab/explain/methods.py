"""Names of the class activation map methods, free of torch so the command line can offer them as choices.

:data:`visionlab.explain.cam.METHODS` maps each name to its pytorch-grad-cam class, in this order.
"""

METHOD_NAMES: tuple[str, ...] = ("gradcam", "gradcam++", "hirescam", "layercam", "eigencam", "scorecam")
