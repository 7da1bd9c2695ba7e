"""The game world's scene and style variants (3 day vs night, 19 pixel art vs realistic, 20 retro vs modern):
the class is the whole image's light or style; masks stay aligned through the styles; labs skip what needs a region.
And variant 21's interfaces, drawn by the same style mechanism (the checks every region variant gets are in
test_synth_variants.py)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace

import numpy as np
import pytest
from synth_checks import edge_fraction

from visionlab.data.synth import SceneSpec, get_game_variant, render_scene, write_dataset
from visionlab.data.synth.palette import BIOMES, DESERTS, FAIRY_FORESTS, SOIL_TONES, SOILS, TIMES_OF_DAY, make_theme
from visionlab.data.synth.styles import RETRO_PALETTE, apply_style, pixelate
from visionlab.data.variants import get_variant

WORLDS = (3, 19, 20)
MAPS = 22


def _scenes(number: int, kind: str, n: int, size: int = 96, start: int = 0):
    return [render_scene(start + i, SceneSpec(size, size, variant=number, kind=kind)) for i in range(n)]


def test_the_catalogue_says_the_concept_is_the_whole_image():
    for number in WORLDS:
        v, gv = get_variant(number), get_game_variant(number)
        assert v.game_world and v.game_whole_image and gv.whole_image and gv.class_names == v.classes
        assert gv.per_character is False  # the class is the scene's, not a character's
    assert not get_variant(5).game_whole_image and not get_variant(2).game_whole_image
    assert get_game_variant(20).mask_classes[-1] == "hud" and "hud" not in get_game_variant(19).mask_classes


def test_day_and_night_scenes_take_their_time_of_day_in_every_biome():
    seen = defaultdict(set)
    for name, tod in (("day_scene", "day"), ("night_scene", "night")):
        scenes = _scenes(3, name, 30, 32)
        assert {s.meta["time_of_day"] for s in scenes} == {tod}
        for s in scenes:
            seen[s.meta["theme"]].add(name)
    assert set(seen) == set(BIOMES) and all(len(v) == 2 for v in seen.values()), dict(seen)
    day, night = _scenes(3, "day_scene", 6), _scenes(3, "night_scene", 6)
    assert min(s.image.mean() for s in day) > max(s.image.mean() for s in night)  # the light of the whole scene


@pytest.mark.parametrize("number", (19, 20))
def test_both_styles_in_every_biome_and_time_of_day(number):
    seen = defaultdict(set)
    for name in get_game_variant(number).class_names:
        for s in _scenes(number, name, 45, 32):
            seen[s.meta["theme"]].add(name)
            seen[s.meta["time_of_day"]].add(name)
            assert s.meta["style"] == get_game_variant(number).subject(name).style
    assert set(seen) == set(BIOMES) | set(TIMES_OF_DAY)
    assert all(len(labels) == 2 for labels in seen.values()), dict(seen)


def test_pixel_art_is_blocky_in_few_colours_and_realistic_is_smooth():
    for s in _scenes(19, "pixel_art", 6, 160):
        colours = np.unique(s.image.reshape(-1, 3), axis=0)
        assert len(colours) <= 24
        # big pixels: neighbours repeat far more often than in the realistic style
        assert (s.image[:, 1:] == s.image[:, :-1]).all(-1).mean() > 0.6
    for s in _scenes(19, "realistic", 6, 160):
        assert len(np.unique(s.image.reshape(-1, 3), axis=0)) > 500
        assert (s.image[:, 1:] == s.image[:, :-1]).all(-1).mean() < 0.3


def test_pixelate_takes_colour_and_label_from_the_same_pixel():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (20, 30, 3), dtype=np.uint8)
    label = rng.integers(0, 9, (20, 30), dtype=np.uint8)
    small, small_label = pixelate(image, label, 4)
    assert small.shape == (5, 8, 3) and small_label.shape == (5, 8)
    assert np.array_equal(small[1, 2], image[6, 10]) and small_label[1, 2] == label[6, 10]
    assert np.array_equal(small[-1, -1], image[18, 29]) and small_label[-1, -1] == label[18, 29]  # the last block, cut short
    with pytest.raises(ValueError, match="unknown style 'sepia'; known: fps_hud, metal_weapons, modern, pixel, realistic, retro, rpg_hud, shaded"):
        apply_style("sepia", rng, image, label)


@pytest.mark.parametrize("number", (19, 20))
def test_character_masks_stay_on_what_is_drawn_through_the_styles(number):
    gv = get_game_variant(number)
    character = gv.mask_classes.index("character")
    for name in gv.class_names:
        pairs = [(s.image, s.mask == character) for s in _scenes(number, name, 8, 128)]
        aligned = np.mean([edge_fraction(im, m) for im, m in pairs])
        shifted = np.mean([edge_fraction(im, np.roll(m, 3, axis=1)) for im, m in pairs])
        assert aligned > 0.6 and shifted < aligned - 0.15, (name, aligned, shifted)


def test_retro_and_modern_screens_have_a_hud_of_their_own():
    hud = get_game_variant(20).mask_classes.index("hud")
    for s in _scenes(20, "retro_game", 6, 128):
        k = 2  # 128 px at 56-72 big pixels across
        assert (s.mask[: 7 * k] == hud).all() and not s.instances[s.mask == hud].any()  # a status bar across the top
        rows = s.image[0::k]  # the first row of each big pixel: no scanline on it
        palette = {tuple(c) for c in RETRO_PALETTE}
        assert {tuple(c) for c in np.unique(rows.reshape(-1, 3), axis=0)} <= palette
        assert s.image[1::k].mean() < 0.8 * s.image[0::k].mean()  # dark scanlines
    for s in _scenes(20, "modern_game", 6, 128):
        share = (s.mask == hud).mean()
        assert 0.01 < share < 0.1 and (s.mask[:16] == hud).any() and (s.mask[-40:, -40:] == hud).any()  # a bar and a minimap
        assert not (s.mask[:7, :] == hud).all()


def test_rpg_and_fps_interfaces_show_their_own_parts():
    hud = get_game_variant(21).mask_classes.index("hud")
    for s in _scenes(21, "rpg_interface", 8, 128):
        m = s.mask == hud
        assert m[5:16, 5:16].all() and m[5:16, -16:-5].all()  # a portrait top left, a minimap top right (a 3% margin)
        assert m[-20:, 20:-20].any() and not m[54:74, 54:74].any()  # an inventory or a dialog below, the middle free
        assert not s.instances[m].any()
    for s in _scenes(21, "fps_interface", 8, 128):
        m = s.mask == hud
        assert m[62:66, 62:66].any() and m[-10:, -30:].any() and not m[:20, :20].any()  # a crosshair and the counters
        assert m[-16:-5, 5:16].all()  # a portrait bottom left, as on the RPG screens but at the other corner
        assert 0.05 < m.mean() < 0.4


@pytest.mark.parametrize(("share", "low", "high"), [(1.0, 60, 60), (0.0, 0, 0), (None, 18, 42)])
def test_a_shooters_weapon_in_first_person_is_on_about_half_of_its_screens(monkeypatch, share, low, high):
    """The gun's fore end always crosses the box between the crosshair and the bottom counters; nothing else does."""
    from visionlab.data.synth import huds
    from visionlab.data.synth.styles import HUD

    if share is not None:
        monkeypatch.setattr(huds, "GUN_SHARE", share)
    with_gun = 0
    for seed in range(60):
        _, label = huds.fps_hud(np.random.default_rng(seed), np.zeros((128, 128, 3), np.uint8), np.zeros((128, 128), np.uint8))
        with_gun += int((label[88:98, 48:79] == HUD).any())
    assert low <= with_gun <= high


def test_interfaces_take_their_panels_and_frames_from_the_scene_beneath():
    """A themed interface, on both kinds: panels a dark shade of the scene's mean colour and frames a light tint of it,
    so the same interface over a red scene and over a blue one is drawn in different colours."""
    from visionlab.data.synth import huds

    for tint in ((200, 60, 40), (40, 90, 210)):
        scene = np.tile(np.array(tint, np.uint8), (128, 128, 1))
        c = huds.hud_colors(np.random.default_rng(0), scene)
        assert sum(c.panel) < sum(tint) < sum(c.frame) and np.argmax(c.panel) == np.argmax(tint) and len(set(c.accents)) == 5
        for style in (huds.rpg_hud, huds.fps_hud):
            image, label = style(np.random.default_rng(1), scene, np.zeros((128, 128), np.uint8))
            hud = image[label == huds.HUD].astype(int)
            dark = hud[hud.sum(1) < sum(tint) / 2]
            assert len(dark) > 0.3 * len(hud) and (dark.argmax(1) == np.argmax(tint)).mean() > 0.8, style.__name__


def test_shading_gives_flat_characters_volume_and_leaves_the_masks_alone():
    from visionlab.data.synth.shading import character_pixels

    flat = render_scene(3, SceneSpec(128, 128, variant=4, kind="character_2d"))
    label = np.where(flat.instances > 0, flat.instances.astype(np.int64) + 6, flat.mask).astype(np.uint8)  # the label map's coding
    body = character_pixels(label)
    image, after = apply_style("shaded", np.random.default_rng(0), flat.image, label)
    assert np.array_equal(after, label)
    inside = np.abs(image[body].astype(int) - flat.image[body]).sum(-1)
    assert (inside > 30).mean() > 0.5  # most of the body relit
    outside = (np.abs(image.astype(int) - flat.image).sum(-1) > 0) & ~body
    assert 0 < outside.mean() < 0.1 and (image[outside] <= flat.image[outside]).all()  # a shadow: darker, and small
    colours = [len(np.unique(s.image[s.instances > 0], axis=0)) / max(1, (s.instances > 0).sum()) for s in
               (*_scenes(4, "character_2d", 4, 128), *_scenes(4, "character_3d", 4, 128))]
    assert min(colours[4:]) > 2 * max(colours[:4])  # shaded bodies: over twice the colours per pixel of flat ones (their edges anti-aliased)


def test_metal_weapons_light_each_weapon_piece_and_nothing_else():
    from visionlab.data.synth.canvas import ROLE_LABELS

    image = np.full((40, 80, 3), 128, np.uint8)
    label = np.ones((40, 80), np.uint8)  # sky
    label[15:25, 10:70] = ROLE_LABELS["weapon"]  # a bar 10 px thick: edges, a core, a ridge between them
    label[2:6, 2:6] = 7  # a character's pixel, never relit
    lit, after = apply_style("metal_weapons", np.random.default_rng(0), image, label)
    assert np.array_equal(after, label)
    weapon = label == ROLE_LABELS["weapon"]
    assert np.array_equal(lit[~weapon], image[~weapon])  # sky and character keep their colours
    grey = lit.astype(float).mean(-1)
    edge, ridge = grey[[15, 24], 10:70].mean(), grey[[18, 21], 10:70].mean()  # rows 1 px and 4 px deep
    assert edge < 0.85 * 128 and ridge > edge + 40  # dark edges, a bright sheen inside
    assert grey[15:25, 10:25].mean() != grey[15:25, 55:70].mean()  # one side faces the light
    names = {c.style for c in get_game_variant(5).classes}
    assert names == {"metal_weapons"}  # both classes alike: the finish is no cue to the class
    scene = render_scene(0, SceneSpec(96, 96, variant=5, kind="ranged_weapon"))
    assert scene.meta["style"] == "metal_weapons"


def _shortcut(tmp_path, number: int) -> dict:
    from visionlab.data.shortcut import colour_shortcut

    write_dataset(tmp_path / str(number), 80, seed=3, spec=SceneSpec(64, 64, variant=number))
    names = get_game_variant(number).class_names
    files = [(f, k) for k, name in enumerate(names) for f in sorted((tmp_path / str(number) / "classify" / name).iterdir())]
    order = np.random.default_rng(0).permutation(len(files))
    paths, labels = [f for f, _ in files], [k for _, k in files]
    return colour_shortcut([paths[i] for i in order[:56]], [labels[i] for i in order[:56]],
                           [paths[i] for i in order[56:]], [labels[i] for i in order[56:]])


def test_the_shortcut_check_sees_whole_image_concepts_in_colour(tmp_path):
    """Light, a fixed palette and a biome are colour by definition: the check reports them (the README's table says so)."""
    assert _shortcut(tmp_path, 3)["image_stats"] >= 0.9  # brightness tells day from night
    assert _shortcut(tmp_path, 20)["histogram"] >= 0.9  # the retro palette tells retro from modern
    assert _shortcut(tmp_path, 17)["histogram"] >= 0.9  # sand and turquoise against snow and ice
    assert _shortcut(tmp_path, 13)["image_stats"] >= 0.9  # the sea against black space


def test_water_levels_are_flooded_and_space_is_black():
    water = get_game_variant(8).mask_classes.index("water")
    flooded, dry = _scenes(8, "water_level", 8, 96), _scenes(8, "ground_level", 8, 96)
    assert min((s.mask == water).mean() for s in flooded) > 0.2 and max((s.mask == water).mean() for s in dry) < 0.15
    assert all(s.meta["effects_and_bars"][0]["type"] == "water_body" for s in flooded)
    sea, space = _scenes(13, "underwater", 6, 96), _scenes(13, "space", 6, 96)
    sky = get_game_variant(13).mask_classes.index("sky")
    assert not any((s.mask == sky).any() for s in sea)  # no surface in view: no sky
    assert all(s.image[s.mask == sky].mean() < 50 for s in space) and all(s.meta["theme"] == "lunar" for s in space)


@pytest.mark.parametrize(("number", "biomes"), ((12, (FAIRY_FORESTS, DESERTS)), (17, (("tropical",), ("ice",)))))
def test_a_biome_class_takes_its_biomes_at_every_time_of_day(number, biomes):
    gv = get_game_variant(number)
    for name, allowed in zip(gv.class_names, biomes):
        scenes = _scenes(number, name, 24, 32)
        assert {s.meta["theme"] for s in scenes} <= set(allowed) and {s.meta["time_of_day"] for s in scenes} == set(TIMES_OF_DAY)


def test_forests_and_deserts_share_their_soils_and_differ_in_what_grows():
    """Variant 12: both classes stand on every soil; a forest is dense toadstools, a desert mesas and a few saguaros."""
    gv = get_game_variant(12)
    forest, desert = _scenes(12, "fairytale_forest", 30, 128), _scenes(12, "desert", 30, 128)
    soil = {s.meta["theme"].rsplit("_", 1)[1] for s in forest}, {s.meta["theme"].rsplit("_", 1)[1] for s in desert}
    assert soil[0] == soil[1] == set(SOILS)
    vegetation = gv.mask_classes.index("vegetation")
    assert np.mean([(s.mask == vegetation).mean() for s in forest]) > 2 * np.mean([(s.mask == vegetation).mean() for s in desert])
    kinds = [{e["type"] for e in s.meta["effects_and_bars"]} for s in forest], [{e["type"] for e in s.meta["effects_and_bars"]} for s in desert]
    assert all("dune" in k and "mesa" not in k for k in kinds[0]) and all({"dune", "mesa"} <= k for k in kinds[1])
    terrain = gv.mask_classes.index("terrain")  # the mesas rise over the dunes, in the terrain class
    share = [np.mean([(s.mask == terrain).mean() for s in group]) for group in (forest, desert)]
    assert share[1] > share[0] + 0.03, share


def test_forest_and_desert_colours_come_from_one_pool():
    """The toadstools' caps and the mesas take the soils' tones: the colour of a scene's soil is no cue to its class."""
    forest, desert = get_game_variant(12).classes
    rng = np.random.default_rng(0)
    day = [[make_theme(rng, (b,), ("day",)).colors for b in c.biomes] for c in (forest, desert)]
    assert all(set(SOIL_TONES) < set(colors["leaves"]) for colors in day[0])
    assert all(colors["rocks"] == SOIL_TONES for colors in day[1])
    shared = ("ground", "cap", "speck", "platform", "platform_top", "water", "walls", "roofs", "rocks")
    for f, d in zip(*day):  # one soil, the same buildings and pools, on both sides
        assert all(f[k] == d[k] for k in shared)


def test_explain_finds_no_mask_where_the_concept_is_the_whole_image(tmp_path):
    from visionlab.explain.stage import find_mask

    write_dataset(tmp_path / "v19", 2, seed=0, spec=SceneSpec(64, 64, variant=19))
    image = next((tmp_path / "v19" / "classify" / "pixel_art").iterdir())
    assert find_mask(image, None) is None


def test_the_lab_skips_compare_where_there_is_no_region_and_says_why():
    from visionlab.errors import ConfigError
    from visionlab.lab import LabConfig
    from visionlab.lab.plan import plan_lab

    plan = plan_lab(replace(LabConfig.from_yaml("tiny", variant=19), stages=None))  # every stage that can run
    assert "compare" not in plan.stages and "whole image" in plan.skipped["compare"].reason
    assert "compare.concept_classes" in plan.skipped["compare"].fix
    with pytest.raises(ConfigError, match="whole image"):
        plan_lab(replace(LabConfig.from_yaml("tiny", variant=3), stages=("classify", "segment", "compare")))
    cfg = LabConfig.from_yaml("tiny", variant=3)
    forced = replace(cfg, compare=replace(cfg.compare, concept_classes=("character",)))
    assert "compare" in plan_lab(forced).stages


@pytest.mark.parametrize("number", WORLDS)
def test_each_world_runs_as_a_lab_on_the_tiny_budget(tmp_path, number):
    from visionlab.lab import LabConfig, run_lab

    cfg = replace(LabConfig.from_yaml("tiny", variant=number), quiet=True, stages=("classify", "explain", "segment", "pipeline"))
    lab = run_lab(cfg, tmp_path / "lab")
    manifest = json.loads((lab / "lab.json").read_text())
    assert manifest["classes"] == sorted(get_variant(number).classes)
    cam = json.loads((lab / manifest["stages"]["classify"]["run"] / "explain" / "gradcam" / "cam_metrics.json").read_text())
    assert cam["overall"].get("energy_in_mask") is None  # no region: the mask measures are not made up
    pipeline = json.loads((lab / "pipeline" / "summary.json").read_text())
    assert pipeline["scores"]["label_accuracy"] is None  # the class belongs to the scene: region labels are not scored
    report = (lab / "report.md").read_text(encoding="utf-8")
    assert f"no region: the concept of variant {number} is the whole image" in report and "generator's object masks" not in report


def test_maps_are_seen_from_above_with_their_own_roads_and_no_characters():
    gv = get_game_variant(MAPS)
    road, water, terrain, sky = (gv.mask_classes.index(c) for c in ("road", "water", "terrain", "sky"))
    for name in gv.class_names:
        for s in _scenes(MAPS, name, 6, 128):
            assert s.characters == [] and not s.instances.any() and not (s.mask == sky).any()
            assert (s.mask == road).any() and (s.mask == water).mean() > 0.05 and (s.mask == terrain).mean() > 0.3
    fantasy = _scenes(MAPS, "game_map", 6, 128)
    edge = np.zeros((128, 128), bool)
    edge[:6], edge[-6:], edge[:, :6], edge[:, -6:] = True, True, True, True
    for s in fantasy:  # fog of war darkens the edges; the land under it is still land
        assert s.image[edge].mean() < 0.8 * s.image[~edge].mean()
    assert any((s.mask[edge] == terrain).any() for s in fantasy)


def test_the_lab_skips_walkmaps_and_the_pipeline_on_maps_and_runs_the_rest(tmp_path):
    from visionlab.lab import LabConfig, run_lab
    from visionlab.lab.plan import plan_lab

    plan = plan_lab(replace(LabConfig.from_yaml("tiny", variant=MAPS), stages=None))
    assert {"walkmap", "pipeline", "compare"} <= set(plan.skipped) and "maps seen from above" in plan.skipped["walkmap"].reason
    cfg = replace(LabConfig.from_yaml("tiny", variant=MAPS), quiet=True, report=False, stages=("classify", "explain", "segment"))
    lab = run_lab(cfg, tmp_path / "lab")
    manifest = json.loads((lab / "lab.json").read_text())
    assert manifest["classes"] == ["game_map", "real_map"] and "segment" in manifest["stages"]
