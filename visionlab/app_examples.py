"""The app's example images: a run's validation images (classes in turn), else game-world scenes rendered once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PIL import Image

from visionlab import runs
from visionlab.data.folders import ImageList, load_split
from visionlab.data.mask_splits import load_mask_splits_file
from visionlab.explain.figures import save_png
from visionlab.utils.files import read_json

N_EXAMPLES = 4


def run_examples(run: Path, n: int = N_EXAMPLES) -> list[Path]:
    """Up to ``n`` existing images listed in a run's split (validation first), classes taken in turn."""
    split = runs.RunFolder(run).split_path
    if not split.is_file():
        return []
    if read_json(split).get("task") == "segment":
        candidates = [s.image_path(i) for s in _val_first(load_mask_splits_file(split)) for i in range(len(s))]
    else:
        candidates = [p for s in _val_first(load_split(split)) for p in _classes_in_turn(s)]
    return [p for p in candidates if p.is_file()][:n]


def _val_first(lists: dict[str, Any]) -> list[Any]:
    return [lists[k] for k in sorted(lists, key=lambda k: {"val": 0, "test": 1}.get(k, 2))]


def _classes_in_turn(images: ImageList) -> list[Path]:
    by_class = [[p for p, lab in zip(images.abs_paths(), images.labels) if lab == c] for c in range(len(images.classes))]
    longest = max((len(g) for g in by_class), default=0)
    return [g[i] for i in range(longest) for g in by_class if i < len(g)]


def default_cache_dir() -> Path:
    """Where rendered examples go: ``$XDG_CACHE_HOME/visionlab/app_examples`` (default ``~/.cache``)."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "visionlab" / "app_examples"


def rendered_examples(cache_dir: Path | None = None, n: int = N_EXAMPLES, size: int = 256, variant: int = 1) -> list[Path]:
    """``n`` game-world scenes of ``variant`` rendered once into ``cache_dir`` (its two classes in turn)."""
    from visionlab.data.synth import SceneSpec, get_game_variant, render_scene

    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    names = get_game_variant(variant).class_names
    prefix = "" if variant == 1 else f"v{variant}_"
    paths = []
    for i in range(n):
        kind = names[i % len(names)]
        path = folder / f"{prefix}scene_{i}_{kind}_{size}.png"
        if not path.is_file():
            scene = render_scene(1000 + i, SceneSpec(width=size, height=size, n_characters=1 + i % 3, kind=kind, variant=variant))
            save_png(Image.fromarray(scene.image), path)
        paths.append(path)
    return paths


def game_variant_of(classifier: str | Path) -> int | None:
    """The game-world variant whose two classes are the classification run's classes, if any."""
    from visionlab.data.synth import GAME_VARIANTS

    classes = sorted(runs.RunFolder(classifier).load_config().get("classes") or [])
    return next((n for n, v in sorted(GAME_VARIANTS.items()) if sorted(v.class_names) == classes), None)


def find_examples(classifier: str | Path | None, segmenter: str | Path | None, cache_dir: Path | None = None) -> list[Path]:
    """Images from the runs' own data when they are still there, else rendered game-world scenes.

    Rendered scenes show the classifier's classes (its game-world variant); none are rendered when the game
    world does not render them: a model is only shown images it was made for.
    """
    for spec in (classifier, segmenter):
        if spec is not None and runs.RunFolder(spec).is_run():
            found = run_examples(Path(spec))
            if found:
                return found
    variant = 1
    if classifier is not None and runs.RunFolder(classifier).is_run():
        found_variant = game_variant_of(classifier)
        if found_variant is None:
            return []
        variant = found_variant
    return rendered_examples(cache_dir, variant=variant)


# --- the Gradio layer ----------------------------------------------------------------------------
