"""Render one procedural 2D platformer scene with its class mask and character instance map."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from . import effects, props
from .backdrops import BACKDROPS
from .canvas import ROLE_LABELS, Canvas, Op, character_label, split_labels
from .interiors import draw_room
from .layout import EXTRA_HEIGHT, Box, Layout, Plan, overlap, plan_extra, plan_main, plan_water
from .maps import render_map
from .palette import BIOMES, BUILDING, ITEM, PLATFORM, SYNTH_CLASSES, TERRAIN, TIMES_OF_DAY, VEGETATION, WATER, Theme, make_theme
from .props import terrain_line
from .scenery import draw_lamps, draw_landmark, draw_props, draw_road, draw_vehicles
from .sprites import place_parts
from .styles import apply_style
from .subjects import anchor_px, count, effect_ops_for, health_bar_ops, loot_ops, mirrored, pick, subject_maker
from .variants import GameVariant, SubjectClass, get_game_variant

MAX_OCCLUDED = 0.3  # the main character is never hidden more than this
MAX_CHARACTERS = 32


@dataclass(frozen=True)
class SceneSpec:
    """What to render; everything else is drawn from the seed."""

    width: int = 256  # image width in px
    height: int = 256  # image height in px
    n_characters: int = 1  # characters per scene (at least); the first is the "main" one
    kind: str | None = None  # forces the scene's class (one of the variant's two, e.g. "robot"); None picks at random
    occlusion: bool = True  # allow a foreground object to hide part (<= 30%) of the main character
    distractors: bool = True  # add collectible items, and crates/blobs that look like character parts
    variant: int = 1  # the manual's variant whose two classes are rendered (see visionlab.data.synth.variants)

    def __post_init__(self) -> None:
        if self.width < 16 or self.height < 16:
            raise ValueError(f"scene size {self.width}x{self.height} is too small; use at least 16x16")
        if not 1 <= self.n_characters <= MAX_CHARACTERS:
            raise ValueError(f"n_characters={self.n_characters} must be between 1 and {MAX_CHARACTERS}")
        classes = get_game_variant(self.variant).class_names
        if self.kind is not None and self.kind not in classes:
            raise ValueError(f"kind={self.kind!r} is not a class of variant {self.variant}; use one of {classes} or None")


@dataclass
class Character:
    """One character as it appears in the rendered scene."""

    instance_id: int  # value of its pixels in ``Scene.instances`` (1..K)
    kind: str  # its sprite kind ("dragon", "knight", ...)
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive) of the visible pixels
    main: bool  # True only for the first character (the scene's subject)
    facing: str  # "left" | "right"
    occluded_fraction: float  # share of its silhouette hidden by objects in front of it
    label: str | None = None  # its class where the variant gives each character one (else None: a scene-level class)


@dataclass
class Scene:
    """A rendered scene: image, per-pixel labels and a description of what is where."""

    image: np.ndarray  # (H, W, 3) uint8 RGB
    mask: np.ndarray  # (H, W) uint8 class ids into the variant's mask classes (SYNTH_CLASSES, then its extra ones)
    instances: np.ndarray  # (H, W) uint16, 0 = no character, else the character's instance id
    characters: list[Character]  # main character first
    meta: dict  # seed, theme, time_of_day and geometry (terrain polyline, rects), JSON-friendly
    label: str = ""  # the scene's class (one of the variant's two): the classification label


# --------------------------------------------------------------------------- environment


def _draw_sky(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout) -> None:
    W, H = layout.width, layout.height
    horizon = float(layout.line[:, 1].min())
    if theme.time_of_day == "night":
        canvas.draw(props.star_ops(rng, min(150, W * H // 700), W, horizon))
    x, y, r = rng.uniform(0.1, 0.9) * W, rng.uniform(0.08, 0.3) * horizon, rng.uniform(0.04, 0.08) * H
    if theme.time_of_day == "night":
        canvas.draw(props.moon_ops(x, y, r))
    else:
        canvas.draw(props.sun_ops(x, y, r * (1.5 if theme.time_of_day == "dusk" else 1.0),
                                  theme.sky_bottom, theme.time_of_day))
    cloud = {"day": (248, 248, 252), "dusk": (250, 196, 176), "night": (70, 76, 110)}[theme.time_of_day]
    for _ in range(int(rng.integers(0, 4))):
        cx, cy = rng.uniform(0, W), rng.uniform(0.05, 0.45) * horizon
        canvas.draw(props.cloud_ops(rng, cx, cy, rng.uniform(0.15, 0.3) * W, cloud))


def _draw_buildings(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout) -> None:
    """Buildings go behind the terrain, their base sunk below the ground line."""
    W, H = layout.width, layout.height
    if rng.random() >= 0.6:
        return
    for _ in range(int(rng.integers(1, 4))):
        w = rng.uniform(0.12, 0.24) * W
        x0 = layout.free_x(rng, w, layout.water_spans())
        if x0 is None:
            continue
        high, low = layout.ground_range(x0, x0 + w)
        top = high - rng.uniform(0.15, 0.4) * H
        style = "house" if rng.random() < 0.5 else "tower"
        canvas.draw(props.building_ops(rng, (x0, top, x0 + w, low + 0.03 * H), style, theme), BUILDING)
        layout.buildings.append((x0, top, x0 + w, low))


def _draw_ground(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout, keep_clear: Box) -> None:
    """Terrain, pools (water class, lava in the lava biome) and floating platforms."""
    W, H = layout.width, layout.height
    canvas.draw(props.terrain_ops(rng, layout.line, theme, W, H), TERRAIN)
    for box in layout.water:
        canvas.draw(props.water_ops(box, theme), WATER)
    highest = float(layout.line[:, 1].min())
    for _ in range(int(rng.integers(0, 3))):
        w, h = rng.uniform(0.12, 0.3) * W, rng.uniform(0.035, 0.06) * H
        x0, y0 = rng.uniform(0, W - w), rng.uniform(0.2, 0.75) * highest
        box = (x0, y0, x0 + w, y0 + h)
        if overlap(box, keep_clear) == 0:  # keep the main silhouette against open background
            layout.platforms.append(box)
    for box in layout.platforms:
        canvas.draw(props.platform_ops(box, theme), PLATFORM)


def _draw_plants(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout,
                 keep_seen: list[tuple[float, float]], trees: tuple[int, int]) -> None:
    """Trees (``trees``: how many to try, clear of water and of the ``keep_seen`` spans: a landmark's middle) and bushes."""
    H = layout.height
    for _ in range(int(rng.integers(*trees))):
        h = rng.uniform(0.18, 0.45) * H
        x0 = layout.free_x(rng, 0.5 * h, layout.water_spans() + keep_seen)
        if x0 is None:
            continue
        x = x0 + 0.25 * h
        ground = layout.ground(x)
        canvas.draw(props.tree_ops(rng, x, ground, h, theme), VEGETATION)
        layout.vegetation.append((x0, ground - h, x0 + 0.5 * h, ground))
    for _ in range(int(rng.integers(0, 4))):
        r = rng.uniform(0.025, 0.06) * H
        x0 = layout.free_x(rng, 2.6 * r, layout.water_spans())
        if x0 is None:
            continue
        ground = layout.ground(x0 + 1.3 * r) + 0.1 * r
        canvas.draw(props.bush_ops(rng, x0 + 1.3 * r, ground, r, theme.pick(rng, "leaves")), VEGETATION)
        layout.vegetation.append((x0, ground - 2.1 * r, x0 + 2.6 * r, ground))


def _draw_distractors(rng: np.random.Generator, canvas: Canvas, layout: Layout, keep_clear: Box) -> None:
    """Crates (platform class) and boulders (terrain class) in the colours characters wear."""
    H = layout.height
    avoid = layout.water_spans() + [(keep_clear[0], keep_clear[2])]
    for _ in range(int(rng.integers(0, 4))):
        size = rng.uniform(0.05, 0.12) * H
        x0 = layout.free_x(rng, size, avoid)
        if x0 is None:
            continue
        ground = layout.ground_range(x0, x0 + size)[1]
        if rng.random() < 0.5:
            box = (x0, ground - size, x0 + size, ground)
            canvas.draw(props.crate_ops(rng, box), PLATFORM)
            layout.platforms.append(box)  # crates can be stood on
            layout.distractors.append(("crate", "platform", box))
        else:
            rx, ry = size * 0.6, size * rng.uniform(0.35, 0.55)
            canvas.draw(props.blob_ops(rng, x0 + size / 2, ground, rx, ry), TERRAIN)
            layout.distractors.append(("blob", "terrain", (x0 + size / 2 - rx, ground - 1.85 * ry, x0 + size / 2 + rx, ground)))


def _draw_items(rng: np.random.Generator, canvas: Canvas, layout: Layout, keep_clear: Box) -> None:
    """Rows of coins, gems or hearts floating above the ground."""
    W, H = layout.width, layout.height
    for _ in range(int(rng.integers(0, 3))):
        kind = props.ITEM_KINDS[int(rng.integers(len(props.ITEM_KINDS)))]
        r = rng.uniform(0.02, 0.035) * H
        x = rng.uniform(0, W)
        y = layout.ground(x) - rng.uniform(0.08, 0.35) * H
        for k in range(int(rng.integers(1, 6))):
            cx = x + 3 * r * k
            box = (cx - r, y - r, cx + r, y + r)
            if box[2] > W or box[1] < 0 or overlap(box, keep_clear) > 0:
                continue
            canvas.draw(props.item_ops(rng, kind, cx, y, r), ITEM)
            layout.items.append((kind, box))


# --------------------------------------------------------------------------- characters, occlusion


def _draw_characters(canvas: Canvas, plans: list[Plan], own_classes: tuple[str, ...]) -> dict[int, int]:
    """Draw back to front; return each character's full silhouette area (canvas px).

    A held part (a weapon) gets its own label where ``own_classes`` (the variant's extra mask classes) has its
    role; elsewhere it is part of the character holding it (its class and its instance).
    """
    full = {}
    for plan in plans:
        label = character_label(plan.instance_id)
        for role, ops in place_parts(plan.posed, plan.scale, plan.x, plan.y):
            canvas.draw(ops, ROLE_LABELS[role] if role in own_classes else label)
        full[plan.instance_id] = int(np.count_nonzero(np.asarray(canvas.label) == label))
    return full


def _occluder(rng: np.random.Generator, kind: str, main: Plan, theme: Theme, layout: Layout,
              size: float) -> tuple[list[Op], int, str, Box]:
    """A foreground bush, platform slab or building edge ("wall") over one side of the main character.

    Returns:
        The ops, their class id, the occluder type and its box.
    """
    x0, y0, x1, y1 = main.box
    bw, bh = x1 - x0, y1 - y0
    left = rng.random() < 0.5
    if kind == "bush":
        r = 0.2 * bh * size
        cx = x0 + 0.2 * bw if left else x1 - 0.2 * bw
        ops = props.bush_ops(rng, cx, main.y + 0.03 * bh, r, theme.pick(rng, "leaves"))
        return ops, VEGETATION, "bush", (cx - 2.1 * r, main.y - 2.1 * r, cx + 2.1 * r, main.y)
    if kind == "slab":
        t, yc = 0.12 * bh * size, y0 + bh * rng.uniform(0.45, 0.8)
        reach, inner = bw * rng.uniform(0.2, 0.5), bw * 0.45 * size
        xa, xb = (x0 - reach, x0 + inner) if left else (x1 - inner, x1 + reach)
        box = (max(0.0, xa), yc - t / 2, min(float(layout.width), xb), yc + t / 2)
        return props.platform_ops(box, theme), PLATFORM, "slab", box
    inner = 0.3 * bw * size
    xa, xb = (x0 - 0.2 * bw, x0 + inner) if left else (x1 - inner, x1 + 0.2 * bw)
    top = max(0.0, y0 - 0.15 * bh)
    box = (xa, top, xb, layout.ground_range(xa, xb)[1] + 0.03 * layout.height)
    return props.building_ops(rng, box, "tower", theme), BUILDING, "wall", box


def _add_occluder(rng: np.random.Generator, canvas: Canvas, theme: Theme, layout: Layout,
                  plans: list[Plan], full: dict[int, int], walls: bool = True) -> None:
    """Draw one occluder in front, shrunk until the characters stay visible enough.

    The main character stays >= 70% visible and every extra character keeps at least 40% of what was visible;
    weapons and effects (a variant's concept where it has them) lose at most 30% of theirs. ``walls=False``
    leaves out the building edge (where a landmark is the scene's only building).
    """
    main = plans[0]
    # A bush needs the ground (or a platform) under the character's feet.
    kinds: tuple[str, ...] = ("bush", "slab", "wall") if main.support != "air" else ("slab", "wall")
    kinds = kinds if walls else tuple(k for k in kinds if k != "wall")
    kind = kinds[int(rng.integers(len(kinds)))]
    size = rng.uniform(0.6, 1.2)
    labels = canvas.labels()
    for _ in range(4):
        ops, cls, name, box = _occluder(rng, kind, main, theme, layout, size)
        cover = canvas.footprint(ops)
        ok = True
        for plan in plans:
            own = labels == character_label(plan.instance_id)
            now, hidden = int(own.sum()), int((own & cover).sum())
            if plan is main:
                ok &= full[plan.instance_id] - now + hidden <= MAX_OCCLUDED * full[plan.instance_id]
            else:
                ok &= now - hidden >= 0.4 * now
        for value in ROLE_LABELS.values():
            held = labels == value
            ok &= int((held & cover).sum()) <= MAX_OCCLUDED * int(held.sum())
        if ok:
            canvas.draw(ops, cls)
            layout.occluders.append((name, SYNTH_CLASSES[cls], box))
            {VEGETATION: layout.vegetation, PLATFORM: layout.platforms, BUILDING: layout.buildings}[cls].append(box)
            return
        size *= 0.6


# --------------------------------------------------------------------------- render


def _characters(plans: list[Plan], instances: np.ndarray, visible: np.ndarray,
                full: dict[int, int]) -> tuple[list[Character], list[Plan], np.ndarray]:
    """Describe the characters from the final instance map.

    A character with no pixel left (an extra fully behind the main one: rare, tiny scenes) is
    dropped and the remaining ids renumbered so they stay 1..K.
    """
    kept = [p for p in sorted(plans, key=lambda p: p.instance_id) if np.any(instances == p.instance_id)]
    lut = np.zeros(len(plans) + 1, dtype=np.uint16)
    characters = []
    for new_id, plan in enumerate(kept, start=1):
        lut[plan.instance_id] = new_id
        ys, xs = np.nonzero(instances == plan.instance_id)
        seen = visible[character_label(plan.instance_id)] / max(1, full[plan.instance_id])
        characters.append(Character(
            instance_id=new_id, kind=plan.kind,
            bbox=(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1),
            main=plan.instance_id == 1, facing=plan.facing,
            occluded_fraction=round(max(0.0, 1.0 - float(seen)), 4), label=plan.label))
    for new_id, plan in enumerate(kept, start=1):
        plan.instance_id = new_id
    return characters, kept, lut[instances]


def _plan_characters(rng: np.random.Generator, variant: GameVariant, main_class: SubjectClass, spec: SceneSpec,
                     layout: Layout) -> tuple[list[Plan], list[SubjectClass]]:
    """The main character, a pool, then the others: its group first, then extras of the variant's extra class."""
    kind = pick(rng, main_class.kinds)
    main = plan_main(rng, subject_maker(variant, main_class, kind), layout, main_class.height)
    plan_water(rng, layout, _middle(main.box, main_class.pool_clear))
    plans, subjects = [main], [main_class]
    group = count(rng, main_class.group)
    for instance_id in range(2, max(spec.n_characters, group) + 1):
        if instance_id <= group:
            cls, height = main_class, main_class.height
        else:
            cls = variant.extra_class(main_class.name, int(rng.integers(2)) if variant.extras == "either" else 0)
            height = EXTRA_HEIGHT
        maker = subject_maker(variant, cls, pick(rng, cls.kinds))
        plans.append(plan_extra(rng, instance_id, maker, layout, plans, height))
        subjects.append(cls)
    for plan, cls in zip(plans, subjects):
        plan.label = cls.name if variant.per_character else None
    if main_class.hostile:
        _face_each_other(plans)
    return plans, subjects


def _middle(box: Box, share: float) -> Box:
    """The middle ``share`` of ``box``'s width (its full height); ``box`` itself at 1."""
    if share >= 1.0:
        return box
    half = 0.5 * share * (box[2] - box[0])
    centre = 0.5 * (box[0] + box[2])
    return (centre - half, box[1], centre + half, box[3])


def _face_each_other(plans: list[Plan]) -> None:
    """Turn every character towards the nearest other one (a fight)."""
    for plan in plans:
        others = [p.x for p in plans if p is not plan]
        if not others:
            continue
        target = min(others, key=lambda x: abs(x - plan.x))
        want = "right" if target >= plan.x else "left"
        if want != plan.facing:
            plan.posed, plan.facing = mirrored(plan.posed), want


def _draw_loot(rng: np.random.Generator, canvas: Canvas, layout: Layout, plan: Plan, cls: SubjectClass) -> list[dict]:
    """Weapons of the class lying on the ground as pick-ups, beside the main character (weapon label)."""
    drawn = []
    for _ in range(cls.loot):
        length = rng.uniform(0.22, 0.36) * canvas.height
        x = layout.free_x(rng, length, layout.water_spans() + [(plan.box[0], plan.box[2])])
        if x is None:
            continue
        kind, ops = loot_ops(rng, cls.weapons, plan.palette, x, layout.ground_range(x, x + length)[0] + 0.01 * canvas.height, length)
        canvas.draw(ops, ROLE_LABELS["weapon"])
        drawn.append({"type": kind, "class": "weapon", "box": [round(v, 1) for v in effects.effect_box(ops)]})
    return drawn


def _draw_around(rng: np.random.Generator, canvas: Canvas, layout: Layout, plans: list[Plan],
                 subjects: list[SubjectClass]) -> list[dict]:
    """Effects the characters cast (effect label), a burst between fighters, loot and health bars (item label)."""
    drawn: list[dict] = _draw_loot(rng, canvas, layout, plans[0], subjects[0]) if subjects[0].loot else []
    height = canvas.height
    for plan, cls in zip(plans, subjects):
        bars = 1.0 if cls.boss else cls.health_bars
        if bars and (bars >= 1.0 or rng.random() < bars):
            ops, box = health_bar_ops(rng, plan.box, cls.boss, plan.palette)
            canvas.draw(ops, ITEM)
            drawn.append({"type": "health_bar", "class": "item", "box": [round(v, 1) for v in box]})
        for cast in range(cls.casts if cls.effects else 0):
            if cast == 0:  # from the hand (or mouth), the way it faces
                origin, direction = anchor_px(plan.posed, plan.scale, plan.x, plan.y, ("hand", "mouth", "head")), 1 if plan.facing == "right" else -1
            else:  # more of the same kind of magic or tech around it
                origin, direction = (rng.uniform(0.15, 0.85) * canvas.width, rng.uniform(0.1, 0.5) * height), 1 if rng.random() < 0.5 else -1
            kind, ops = effect_ops_for(rng, cls.effects, origin, plan.box[3] - plan.box[1], direction, cls.prop_scale)
            canvas.draw(ops, ROLE_LABELS["effect"])
            drawn.append({"type": kind, "class": "effect", "box": [round(v, 1) for v in effects.effect_box(ops)]})
    if subjects[0].hostile and len(plans) > 1 and rng.random() < 0.6:
        left, right = sorted(p.x for p in plans[:2])
        x = rng.uniform(left, right)
        origin = (x, min(p.y for p in plans[:2]) - rng.uniform(0.0, 0.15) * height)
        kind, ops = effect_ops_for(rng, ("explosion", "fire"), origin, rng.uniform(0.2, 0.35) * height, 1)
        canvas.draw(ops, ROLE_LABELS["effect"])
        drawn.append({"type": kind, "class": "effect", "box": [round(v, 1) for v in effects.effect_box(ops)]})
    return drawn


def _theme_and_class(rng: np.random.Generator, variant: GameVariant, kind: str | None) -> tuple[Theme, SubjectClass]:
    """The scene's theme and main class.

    The class is drawn even when forced, so theme and layout stay class-independent, except where the
    class is the theme (day vs night): then it is drawn first.
    """
    if variant.themed:
        drawn = variant.classes[int(rng.integers(2))]
        main_class = variant.subject(kind) if kind else drawn
        return make_theme(rng, main_class.biomes or BIOMES, main_class.times or TIMES_OF_DAY), main_class
    theme = make_theme(rng)
    drawn = variant.classes[int(rng.integers(2))]
    return theme, variant.subject(kind) if kind else drawn


def _map_scene(rng: np.random.Generator, seed: int, spec: SceneSpec, variant: GameVariant, main_class: SubjectClass) -> Scene:
    """A top-down map (variant 22): no characters, so an empty instance map."""
    image, label, meta = render_map(rng, spec.width, spec.height, main_class.map_style)
    mask, instances = split_labels(label, {r: variant.mask_classes.index(r) for r in ROLE_LABELS if r in variant.mask_classes})
    meta = {"seed": int(seed), "theme": "map", "time_of_day": "day", "variant": spec.variant, **meta}
    return Scene(image=image, mask=mask, instances=instances, characters=[], meta=meta, label=main_class.name)


def render_scene(seed: int, spec: SceneSpec = SceneSpec(), setting: int | None = None) -> Scene:
    """Render one scene; the same (seed, spec, setting) always gives identical arrays.

    Args:
        seed: Seed of the scene's private ``np.random.default_rng``.
        spec: Size, number of characters, variant and forced class, occlusion and distractor switches.
        setting: Seed of the scene's setting (biome, time of day, ground line): scenes given the same one share it
            whatever their class (a paired variant's pairs, see :func:`~.writer.write_dataset`); None draws it from ``seed``.

    Returns:
        The scene: image, class mask, instance map, characters (main first), meta and class label.
    """
    rng = np.random.default_rng(seed)
    place = rng if setting is None else np.random.default_rng(setting)
    W, H = spec.width, spec.height
    variant = get_game_variant(spec.variant)
    theme, main_class = _theme_and_class(place, variant, spec.kind)
    if main_class.map_style:
        return _map_scene(rng, seed, spec, variant, main_class)
    layout = Layout(W, H, terrain_line(place, W, H))
    plans, subjects = _plan_characters(rng, variant, main_class, spec, layout)
    main = plans[0]

    canvas = Canvas(W, H, theme.sky_top, theme.sky_bottom)
    _draw_sky(rng, canvas, theme, layout)
    aloft = BACKDROPS[main_class.backdrop](rng, canvas, theme, layout, rng.uniform(*main_class.surface)) if main_class.backdrop else []
    aloft += draw_props(rng, canvas, theme, layout, main_class, "sky")
    landmark = [draw_landmark(rng, canvas, theme, layout, main_class)] if main_class.landmarks else []
    if not landmark:
        _draw_buildings(rng, canvas, theme, layout)
    _draw_ground(rng, canvas, theme, layout, main.box)
    _draw_plants(rng, canvas, theme, layout, [(b[0] + 0.2 * (b[2] - b[0]), b[2] - 0.2 * (b[2] - b[0])) for b in layout.buildings[:len(landmark)]],
                 main_class.trees)
    street = draw_room(rng, canvas, theme, layout) if main_class.room else []
    street += draw_road(rng, canvas, theme, layout, main_class) + draw_lamps(rng, canvas, layout, main_class)
    street += draw_vehicles(rng, canvas, layout, main_class, airborne=False) + draw_props(rng, canvas, theme, layout, main_class, "ground")
    aloft += draw_vehicles(rng, canvas, layout, main_class, airborne=True)  # the flight a scene is about passes in front of trees and houses
    if spec.distractors:
        _draw_distractors(rng, canvas, layout, main.box)
        _draw_items(rng, canvas, layout, main.box)
    full = _draw_characters(canvas, plans[1:] + [main], variant.extra_classes)  # main last: nothing but the occluder hides it
    around = _draw_around(rng, canvas, layout, plans, subjects)
    if spec.occlusion and rng.random() < 0.6:
        _add_occluder(rng, canvas, theme, layout, plans, full, walls=not landmark and not main_class.room)

    visible = np.bincount(np.asarray(canvas.label).ravel(), minlength=256)
    image, label = canvas.finish()
    if main_class.style:  # the whole image restyled (pixel art, a retro screenshot...), its labels with it
        image, label = apply_style(main_class.style, rng, image, label)
    mask, instances = split_labels(label, {r: variant.mask_classes.index(r) for r in ROLE_LABELS if r in variant.mask_classes})
    characters, plans, instances = _characters(plans, instances, visible, full)
    paired = {} if setting is None else {"setting": int(setting)}  # with the seed, what re-renders the scene
    meta = {"seed": int(seed), **paired, "theme": theme.biome, "time_of_day": theme.time_of_day, **layout.meta(),
            "characters": [p.info() for p in plans]}
    if spec.variant != 1:
        style = {"style": main_class.style} if main_class.style else {}
        meta = {**meta, "variant": spec.variant, "effects_and_bars": landmark + aloft + street + around, **style}
    return Scene(image=image, mask=mask, instances=instances, characters=characters, meta=meta, label=main_class.name)


def render_many(seeds: Iterable[int], spec: SceneSpec = SceneSpec()) -> Iterator[Scene]:
    """Lazily render one scene per seed (see :func:`render_scene`)."""
    for seed in seeds:
        yield render_scene(seed, spec)
