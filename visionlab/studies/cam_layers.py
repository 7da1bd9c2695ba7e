"""``cam-layers`` (Q8): Grad-CAM at every stage of the backbone, measured the same way at each.

For each stage the heatmap's native resolution (and so its stride), the CAM mass inside the object's
mask against the object's area (where masks exist: game-world images), and the no-mask faithfulness
measures (the explained class's confidence with the top 20% CAM pixels removed, and the deletion and
insertion curves against a random order), all from :func:`visionlab.explain.stage.explain_images`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from visionlab.data.preprocess import Preprocess
from visionlab.explain.figures import overlay, save_png
from visionlab.explain.options import ExplainOptions
from visionlab.studies.common import StudyContext, StudyResult
from visionlab.utils.files import write_json


def stage_layers(model) -> list[str]:
    """The dotted module name of each backbone stage's output, from input to output.

    A stage registered as a module of its own is named by it; a stage that groups modules (a stem,
    the last 1x1 convolution with its normalisation) by the last of them.
    """
    names = {id(m): n for n, m in model.named_modules() if n}
    layers = []
    for block in model.blocks():
        name = names.get(id(block)) or next((names[id(m)] for m in reversed(list(block.modules())) if id(m) in names), None)
        if name is not None and name not in layers:
            layers.append(name)
    return layers


def cam_layers_study(ctx: StudyContext) -> StudyResult:
    """Grad-CAM at each stage of the studied classifier's backbone on ``opts.images`` validation images."""
    from visionlab.explain.stage import explain_images, spread

    o = ctx.opts
    model, meta = ctx.model()
    layers = stage_layers(model)
    val = ctx.splits()["val"]
    paths = spread(val.abs_paths(), o.images)
    per_layer = []
    for i, layer in enumerate(layers):
        ctx.say(f"cam-layers: stage {i + 1} of {len(layers)} ({layer})")
        out = ctx.out / "layers" / f"{i:02d}"
        s = explain_images(ctx.classifier_run(), paths, out, ExplainOptions(layer=layer, curve_images=min(o.images, 12), curve_steps=5,
                                                                              gallery_size=1))
        per_layer.append(_measures(i, layer, s, out))
    write_json(ctx.out / "per_layer.json", per_layer)
    figure = _side_by_side(paths[0], per_layer, meta["preprocess"], ctx.out / "cam_layers.png")
    rows = [[p["stage"], p["layer"], f"{p['resolution'][0]}x{p['resolution'][1]}", p["stride"], p["mass_over_area"], p["pointing"],
             p["conf_remove_top"], p["deletion_auc"], p["deletion_auc_random"]] for p in per_layer]
    last, first = per_layer[-1], per_layer[0]
    masked = last["mass_over_area"] is not None
    best = max(per_layer, key=lambda p: p["mass_over_area"] if masked else -(p["deletion_auc"] or 1.0))
    outcome = ("The last stage's map is {res_last} (stride {stride_last}) against {res_first} at the first; its mass inside the object was "
               "{ratio_last}x the object's area ({ratio_first}x at the first stage, best {ratio_best}x at stage {best}); deleting its top "
               "pixels first lowered confidence with AUC {del_last} (random order {del_rand})." if masked else
               "The last stage's map is {res_last} (stride {stride_last}) against {res_first} at the first; deleting its top pixels first "
               "lowered confidence with AUC {del_last} (random order {del_rand}; lower is more faithful), best AUC {del_best} at stage {best}; "
               "the images have no object masks, so mass inside the object is not measured.")
    values = {"res_last": _res(last), "stride_last": str(last["stride"]), "res_first": _res(first), "best": str(best["stage"]),
              "del_last": _f(last["deletion_auc"]), "del_rand": _f(last["deletion_auc_random"]), "del_best": _f(best["deletion_auc"]),
              "ratio_last": _f(last["mass_over_area"], 2), "ratio_first": _f(first["mass_over_area"], 2), "ratio_best": _f(best["mass_over_area"], 2)}
    return StudyResult(
        header=["stage", "layer", "CAM resolution", "stride", "CAM mass / object area", "pointing game", "confidence, top 20% removed",
                "deletion AUC", "deletion AUC, random order"],
        rows=rows, outcome=outcome, values=values, plots=[figure], data={"layers": per_layer, "images": [str(p) for p in paths]},
        setup="Grad-CAM of the predicted class at each of {n} stages of {backbone} ({images} validation images; deletion curves on {curves}).",
        setup_values={"n": str(len(layers)), "backbone": str(meta["arch"]), "images": str(len(paths)), "curves": str(min(o.images, 12))},
    )


def _measures(i: int, layer: str, summary: dict, out: Path) -> dict:
    m = summary["overall"]
    h, w = summary["cam_resolution"]
    return {"stage": i + 1, "layer": layer, "resolution": [h, w], "stride": int(round(summary["input_resolution"][0] / h)),
            "mass_in_mask": m.get("energy_in_mask"), "area_share": m.get("area_share"), "mass_over_area": m.get("energy_over_chance"),
            "pointing": m.get("pointing_hit"), "iou": m.get("iou"), "conf_original": m.get("conf_original"),
            "conf_remove_top": m.get("conf_remove_top"), "deletion_auc": m.get("deletion_auc"), "insertion_auc": m.get("insertion_auc"),
            "deletion_auc_random": m.get("deletion_auc_random"), "insertion_auc_random": m.get("insertion_auc_random"), "folder": str(out)}


def _side_by_side(image: Path, per_layer: list[dict], pre: Preprocess, path: Path) -> str:
    """One image with its heatmap at every stage, captioned with the stage and the map's resolution."""
    from visionlab.data.images import load_rgb
    from visionlab.explain.stage import crop_like

    shown = np.asarray(crop_like(pre)(load_rgb(image)))  # (S, S, 3): what the network saw
    tiles = []
    for p in per_layer:
        cam = np.load(Path(p["folder"]) / "heatmaps" / f"{image.stem}.npy").astype(np.float32)  # (S, S), upsampled from the stage's grid
        picture = shown if shown.shape[:2] == cam.shape else np.asarray(Image.fromarray(shown).resize((cam.shape[1], cam.shape[0])))
        tile = Image.fromarray(overlay(picture, cam)).resize((160, round(160 * cam.shape[0] / cam.shape[1])))
        band = Image.new("RGB", (tile.width, tile.height + 16), (30, 30, 30))
        band.paste(tile, (0, 16))
        ImageDraw.Draw(band).text((3, 2), f"stage {p['stage']}: {_res(p)}", fill=(255, 255, 255))
        tiles.append(band)
    sheet = Image.new("RGB", (sum(t.width + 4 for t in tiles) - 4, max(t.height for t in tiles)), (255, 255, 255))
    x = 0
    for t in tiles:
        sheet.paste(t, (x, 0))
        x += t.width + 4
    save_png(sheet, path)
    return path.name


def _res(p: dict) -> str:
    return f"{p['resolution'][0]}x{p['resolution'][1]}"


def _f(x: float | None, digits: int = 4) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"
