"""``visionlab lab [CONFIG]``: the whole lab from one YAML file into one folder, and its report.

The stages follow the manual: data -> classifier (trained, evaluated, a few predictions) ->
Grad-CAM -> segmenter (with example overlays) -> pretrained-vs-scratch experiment -> Grad-CAM vs
segmentation -> segment-then-classify pipeline -> walkmaps -> distillation -> report. Each stage
writes into its own folder of the lab and adds an entry to ``LAB/lab.json`` (``visionlab-lab/1``:
paths relative to the lab, seconds, the resolved config), which is what :mod:`visionlab.report`
reads. ``stages:`` in the config picks which run; a stage whose inputs are missing (walkmaps
without a game-world segmenter, say) is refused before anything trains.

Configs: a path to a YAML file, or the name of an embedded one (``visionlab/configs/NAME.yaml``:
``game_world``, the README's main job; ``tiny``, a one-minute smoke run for tests). Every key is
optional; ``visionlab lab --print-config`` shows the embedded default to copy and edit.
"""

from visionlab.lab.config import CONFIG_DIR, GAME_WORLD, STAGES, LabConfig, resolve_config_path
from visionlab.lab.run import resume_lab, run_lab
from visionlab.lab.stages import STAGE_FUNCTIONS, segment_config

__all__ = ["CONFIG_DIR", "GAME_WORLD", "STAGES", "STAGE_FUNCTIONS", "LabConfig", "resolve_config_path", "resume_lab", "run_lab", "segment_config"]
