"""What the game world renders for each of the manual's variants, as data.

A :class:`GameVariant` is its two classes, each a :class:`SubjectClass` (the sprite kinds the scene's
main subject is drawn as, the weapons it holds, the effects it casts, how many of it there are and how
big), the mask classes of its concept and the rules for the other characters of a scene. The renderer
(:mod:`.scene`) reads these fields and holds no variant's name; adding a variant adds an entry here.

Example:
    >>> get_game_variant(5).class_names
    ('melee_weapon', 'ranged_weapon')
    >>> get_game_variant(5).mask_classes[-1]
    'weapon'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visionlab.errors import ParamError

from . import (  # noqa: F401 (register kinds)
    backdrops,
    effects,
    effects_battle,
    huds,
    landmarks,
    landscape,
    shading,
    sprites_animals,
    sprites_birds,
    sprites_creatures,
    sprites_dinosaurs,
    sprites_mythical,
    sprites_people,
    styles,
    vehicles,
    weapons,
    weapons_ranged,
)
from .palette import BODY_COLORS, DESERTS, FAIRY_FORESTS, SYNTH_CLASSES, CharacterPalette, Color
from .sprites import SPRITES, Sprite, SpriteBuilder, register_sprite

MAIN_HEIGHT = (0.2, 0.45)  # the main character's height, fraction of the image height (variant 1's)
HELD_HEIGHT = (0.6, 0.85)  # slim people and what they hold are drawn larger than variant 1's bulky dragons and robots
CLOSE_UP = (0.7, 0.95)  # the camera close on the main character: what it holds or casts fills the frame
GROUP_HEIGHT = (0.35, 0.55)  # two or three characters side by side, each as large as the frame allows
FIGURE_HEIGHT = (0.35, 0.6)  # large enough to show how a character is drawn (variant 4: flat or shaded)
PASSER_BY = (0.14, 0.26)  # characters in front of a landmark building: the building is what the scene is about
CREATURE_HEIGHT = (0.45, 0.7)  # creatures with thin legs, necks and wings: larger than variant 1's too
CREATURE_POOL_CLEAR = 0.4  # a pool may lie under their tail, neck or wings: with all their width kept clear, 5% of scenes had one (variant 1: 36%)
EXTRA_CLASSES = ("weapon", "effect", "hud", "vehicle", "wall", "floor", "furniture", "road")
CALM_LIGHTS = ("orb", "sparkles")  # lanterns and fireflies: peaceful scenes glow too, so light and colour do not tell a battle
"""Mask classes beyond :data:`SYNTH_CLASSES` that some variants add (after them, in this order)."""

HUMANS = ("knight", "villager", "adventurer")
HOLDERS = tuple(f"{k}_bare" for k in (*HUMANS, "zombie", "alien"))  # people whose hands are free for a weapon
ENEMIES = ("dragon", "robot", "zombie", "alien", "tyrannosaur", "raptor", "hydra", "bear", "wolf")
CAST = ("dragon", "robot", "knight", "villager", "adventurer", "fox", "bear", "cat", "wolf", "bird", "unicorn", "raptor")
"""Who walks the scenes of the variants whose class is the scene itself (light, style): the same cast on both sides."""

UNDEAD_AND_ALIEN_SKINS: tuple[Color, ...] = (
    (122, 146, 110), (96, 128, 96), (150, 160, 150), (118, 122, 132), (140, 170, 120), (88, 108, 92),
    (170, 176, 170), (104, 150, 120), (136, 136, 150), (72, 96, 84),
)
"""Green and grey skins shared by zombies and aliens (variant 24): colour tells them apart no more than shape does."""


def _bare(kind: str) -> SpriteBuilder:
    """A builder of ``kind`` people with a free front hand (a held weapon or a cast effect goes there)."""
    def build(rng: np.random.Generator, palette: CharacterPalette, airborne: bool) -> Sprite:
        return sprites_people.humanoid_sprite(rng, palette, kind, False, airborne)
    return build


def _register_holders() -> None:
    for kind in (*HUMANS, "zombie", "alien"):
        if f"{kind}_bare" not in SPRITES:
            register_sprite(f"{kind}_bare")(_bare(kind))


_register_holders()


@dataclass(frozen=True)
class SubjectClass:
    """One class of a variant: what the scene's main subject is made of."""

    name: str  # class folder name (the catalogue's)
    kinds: tuple[str, ...]  # sprite kinds the subject is drawn as (one at random)
    weapons: tuple[str, ...] = ()  # the subject holds one of these (variant 5's concept)
    effects: tuple[str, ...] = ()  # the subject casts one of these (variant 10's concept; battles)
    boss: bool = False  # drawn large and ornate: crown or horns, aura, a long health bar with a skull
    group: tuple[int, int] = (1, 1)  # how many characters of this class the scene holds (min, max)
    height: tuple[float, float] = MAIN_HEIGHT  # height of the main one, fraction of the image height
    hostile: bool = False  # characters face each other and fight (battle scenes)
    casts: int = 1  # effects cast per character of this class (the first from its hand)
    loot: int = 0  # weapons of its kinds lying around as pick-ups (more of the concept in view)
    prop_scale: float = 1.0  # size of its held weapon, cast effect and vehicles against the usual (the concept must not be a speck)
    health_bars: float = 0.0  # chance that a character of this class shows a health bar over its head (a boss always does)
    times: tuple[str, ...] = ()  # the times of day its scenes take (empty: any; variant 3's concept)
    biomes: tuple[str, ...] = ()  # the biomes its scenes take (empty: any)
    style: str = ""  # the style its finished scenes take (visionlab.data.synth.styles): whole-image (19, 20), characters (4), weapons (5)
    landmarks: tuple[str, ...] = ()  # its scenes are about one large building of these kinds (visionlab.data.synth.landmarks)
    vehicles: tuple[str, ...] = ()  # one or two vehicles of these kinds in its scenes (visionlab.data.synth.vehicles)
    lamps: str = ""  # lamps of this kind stand along its ground ("torch", "street_light")
    road: bool = False  # an asphalt band along the ground line (a track, a runway)
    props: tuple[str, ...] = ()  # landscape props of these kinds in the sky and on the ground (visionlab.data.synth.landscape)
    trees: tuple[int, int] = (0, 5)  # how many trees its scenes try to plant (low inclusive, high exclusive)
    backdrop: str = ""  # what replaces the open air: "underwater", "space" (visionlab.data.synth.backdrops)
    surface: tuple[float, float] = (0.0, 0.0)  # under water: the surface's height range, fraction of the image (0: none in view)
    room: bool = False  # its scenes happen indoors: a wall, a floor, windows, furniture (visionlab.data.synth.interiors)
    map_style: str = ""  # its scenes are top-down maps in this style: "game" or "road" (visionlab.data.synth.maps)
    pool_clear: float = 1.0  # share of the main subject's width, about its middle, that a pool keeps clear of (1: all of it)


@dataclass(frozen=True)
class GameVariant:
    """The game world's rendering of one of the manual's variants."""

    number: int  # the manual's variant number
    classes: tuple[SubjectClass, SubjectClass]  # in the catalogue's class order
    concept: tuple[str, ...]  # mask classes the classifier should look at (Grad-CAM is compared with them); empty: the whole image
    extras: str = "either"  # class of the other characters: "either" (at random), "same" (the main one's) or a class name
    extra_classes: tuple[str, ...] = ()  # mask classes added after SYNTH_CLASSES ("weapon", "effect"); without "weapon" a held one is its holder's
    palette_pool: tuple[Color, ...] = BODY_COLORS  # body colours of every character, both classes alike
    per_character: bool = True  # each character carries its own class (the pipeline can score it)
    paired: bool = False  # a data set's scenes come in pairs, one of each class on one setting (biome, time of day, ground line)

    @property
    def whole_image(self) -> bool:
        """The concept is the whole image (its light or style), not a region: no mask to compare Grad-CAM with."""
        return not self.concept

    @property
    def top_down(self) -> bool:
        """Its scenes are maps seen from above: no side-view ground, no characters (no walkmaps, no pipeline)."""
        return any(c.map_style for c in self.classes)

    @property
    def themed(self) -> bool:
        """A class decides its scenes' biome or time of day (drawn before the theme)."""
        return any(c.times or c.biomes for c in self.classes)

    @property
    def class_names(self) -> tuple[str, str]:
        """The two class folder names."""
        return self.classes[0].name, self.classes[1].name

    @property
    def mask_classes(self) -> tuple[str, ...]:
        """Segmentation classes in mask-value order: the base classes, then the variant's extra ones."""
        return SYNTH_CLASSES + tuple(c for c in EXTRA_CLASSES if c in self.extra_classes)

    def subject(self, name: str) -> SubjectClass:
        """The class called ``name``.

        Raises:
            ValueError: Not one of the variant's classes; the message lists them.
        """
        for c in self.classes:
            if c.name == name:
                return c
        raise ValueError(f"variant {self.number} has no class {name!r}; its classes: {', '.join(self.class_names)}")

    def extra_class(self, main: str, draw: int) -> SubjectClass:
        """Class of another character of a scene whose main subject is ``main``; ``draw`` (0 or 1) picks "either"."""
        if self.extras == "either":
            return self.classes[draw]
        return self.subject(main if self.extras == "same" else self.extras)


GAME_VARIANTS: dict[int, GameVariant] = {}
"""The variants the game world renders, by number (see :func:`register_game_variant`)."""


def register_game_variant(variant: GameVariant) -> GameVariant:
    """Add a variant; its sprite kinds, weapons and effects must be registered.

    Raises:
        ValueError: The number is taken, or a kind, weapon or effect is unknown.
    """
    if variant.number in GAME_VARIANTS:
        raise ValueError(f"game variant {variant.number} is registered twice")
    for c in variant.classes:
        for name, known in ((c.kinds, SPRITES), (c.weapons, weapons.WEAPONS), (c.effects, effects.EFFECTS), (c.landmarks, landmarks.LANDMARKS),
                            (c.vehicles, vehicles.VEHICLES), ((c.lamps,) if c.lamps else (), vehicles.LAMPS), (c.props, landscape.PROPS),
                            ((c.backdrop,) if c.backdrop else (), backdrops.BACKDROPS)):
            unknown = [n for n in name if n not in known]
            if unknown:
                raise ValueError(f"variant {variant.number}, class {c.name}: unknown {unknown}; known: {', '.join(sorted(known))}")
        if c.style and c.style not in styles.STYLES:
            raise ValueError(f"variant {variant.number}, class {c.name}: unknown style {c.style!r}; known: {', '.join(sorted(styles.STYLES))}")
        if variant.paired and (c.times or c.biomes):
            raise ValueError(f"variant {variant.number}, class {c.name}: a paired variant's classes share their setting; drop times and biomes")
        # a held weapon without the class is part of its holder (character); one lying on the ground needs it
        for needs, cls in ((c.loot and c.weapons, "weapon"), (c.effects, "effect"), (c.vehicles, "vehicle")):
            if needs and cls not in variant.extra_classes:
                raise ValueError(f"variant {variant.number}, class {c.name}: its {cls}s need extra_classes to include {cls!r}")
    GAME_VARIANTS[variant.number] = variant
    return variant


def get_game_variant(number: int) -> GameVariant:
    """The game world's variant ``number``.

    Raises:
        ParamError: The game world does not render it; the message lists the ones it does.
    """
    if number not in GAME_VARIANTS:
        rendered = ", ".join(str(n) for n in sorted(GAME_VARIANTS))
        raise ParamError("variant", f"variant: the game world does not render variant {number}; it renders {rendered} "
                                    "(visionlab variants). For another variant use your own images: visionlab lab --variant N --data FOLDER")
    return GAME_VARIANTS[number]


for _v in (
    GameVariant(1, (SubjectClass("dragon", ("dragon",)), SubjectClass("robot", ("robot",))), ("character",)),
    GameVariant(2, (SubjectClass("fantasy_landscape", CAST, landmarks=("castle", "fortress", "wizard_tower"), props=("floating_island", "crystal"),
                                 height=PASSER_BY),
                    SubjectClass("scifi_landscape", CAST, landmarks=("dome", "glass_tower", "sky_bridge"), props=("planet", "pylon"),
                                 height=PASSER_BY)),
                ("building",), per_character=False),
    GameVariant(3, (SubjectClass("day_scene", CAST, times=("day",)), SubjectClass("night_scene", CAST, times=("night",))), (),
                per_character=False),
    GameVariant(4, (SubjectClass("character_2d", CAST, height=FIGURE_HEIGHT), SubjectClass("character_3d", CAST, style="shaded", height=FIGURE_HEIGHT)),
                ("character",), extras="same"),
    GameVariant(5, (SubjectClass("melee_weapon", HOLDERS, weapons=weapons.MELEE, height=CLOSE_UP, prop_scale=2.0, loot=2, style="metal_weapons"),
                    SubjectClass("ranged_weapon", HOLDERS, weapons=weapons.RANGED, height=CLOSE_UP, prop_scale=2.0, loot=2, style="metal_weapons")),
                ("weapon",), extra_classes=("weapon",)),
    GameVariant(6, (SubjectClass("final_boss", ENEMIES, boss=True, height=(0.38, 0.6)),
                    SubjectClass("regular_enemy", ENEMIES, group=(1, 3), height=(0.2, 0.36), health_bars=0.8)),
                ("character",), extras="regular_enemy"),
    GameVariant(7, (SubjectClass("interior", CAST, room=True), SubjectClass("exterior", CAST)), ("wall", "floor", "furniture"),
                extra_classes=("wall", "floor", "furniture"), per_character=False),
    GameVariant(8, (SubjectClass("water_level", CAST, backdrop="underwater", surface=(0.08, 0.3), height=PASSER_BY),
                    SubjectClass("ground_level", CAST, height=PASSER_BY)), ("water",), per_character=False),
    GameVariant(9, (SubjectClass("ancient_building", CAST, landmarks=("temple", "pyramid", "ziggurat"), height=PASSER_BY),
                    SubjectClass("futuristic_building", CAST, landmarks=("glass_tower", "dome", "sky_bridge"), height=PASSER_BY)),
                ("building",), per_character=False),
    GameVariant(10, (SubjectClass("magic_effect", HOLDERS, effects=effects.MAGIC, height=HELD_HEIGHT, casts=2, prop_scale=1.8),
                     SubjectClass("tech_effect", HOLDERS, effects=effects.TECH, height=HELD_HEIGHT, casts=2, prop_scale=1.8)),
                ("effect",), extra_classes=("effect",), per_character=False, paired=True),
    GameVariant(11, (SubjectClass("medieval", CAST, landmarks=("castle", "fortress", "wooden_house"), vehicles=("cart",), lamps="torch",
                                  height=PASSER_BY),
                     SubjectClass("modern", CAST, landmarks=("skyscraper", "office_tower", "apartment_block"), vehicles=("car",),
                                  lamps="street_light", height=PASSER_BY)),
                ("building", "vehicle"), extra_classes=("vehicle",), per_character=False),
    GameVariant(12, (SubjectClass("fairytale_forest", CAST, biomes=FAIRY_FORESTS, trees=(6, 11), backdrop="dunes", surface=(0.05, 0.2),
                                  height=PASSER_BY),
                     SubjectClass("desert", CAST, biomes=DESERTS, trees=(1, 4), props=("rock",), backdrop="mesas", surface=(0.05, 0.2),
                                  height=PASSER_BY)),
                ("vegetation",), per_character=False),
    GameVariant(13, (SubjectClass("underwater", CAST, backdrop="underwater", biomes=("meadow", "autumn", "desert", "snow"), trees=(0, 1),
                                  height=PASSER_BY),
                     SubjectClass("space", CAST, backdrop="space", biomes=("lunar",), trees=(0, 1), props=("pylon",), height=PASSER_BY)),
                ("water", "sky"), per_character=False),
    GameVariant(14, (SubjectClass("battle_scene", (*HOLDERS, "robot", "dragon"), weapons=weapons.MELEE + weapons.RANGED,
                                  effects=effects.BATTLE, group=(2, 3), height=GROUP_HEIGHT, hostile=True, prop_scale=1.5),
                     SubjectClass("peaceful_scene", (*HOLDERS, "robot", "dragon"), effects=CALM_LIGHTS, group=(2, 3), height=GROUP_HEIGHT,
                                  prop_scale=1.5)),
                ("character", "effect"), extras="same", extra_classes=("effect",), per_character=False, paired=True),
    GameVariant(15, (SubjectClass("castle", CAST, landmarks=("castle", "fortress"), height=PASSER_BY),
                     SubjectClass("skyscraper", CAST, landmarks=("skyscraper", "office_tower"), height=PASSER_BY)),
                ("building",), per_character=False),
    GameVariant(16, (SubjectClass("dinosaur", ("tyrannosaur", "stegosaur", "longneck", "raptor"), height=CREATURE_HEIGHT, pool_clear=CREATURE_POOL_CLEAR),
                     SubjectClass("mythical_creature", ("unicorn", "griffin", "phoenix", "hydra"), height=CREATURE_HEIGHT,
                                  pool_clear=CREATURE_POOL_CLEAR)),
                ("character",)),
    GameVariant(17, (SubjectClass("tropical_island", CAST, biomes=("tropical",), trees=(2, 5), height=PASSER_BY),
                     SubjectClass("ice_desert", CAST, biomes=("ice",), trees=(0, 2), props=("iceberg",), height=PASSER_BY)),
                ("terrain", "water", "vegetation"), per_character=False),
    GameVariant(18, (SubjectClass("human_character", HUMANS, height=HELD_HEIGHT),
                     SubjectClass("animal_character", ("fox", "bear", "cat", "wolf", "bird"), height=HELD_HEIGHT)), ("character",)),
    GameVariant(19, (SubjectClass("pixel_art", CAST, style="pixel"), SubjectClass("realistic", CAST, style="realistic")), (),
                per_character=False),
    GameVariant(20, (SubjectClass("retro_game", CAST, style="retro"), SubjectClass("modern_game", CAST, style="modern")), (),
                extra_classes=("hud",), per_character=False),
    GameVariant(21, (SubjectClass("rpg_interface", CAST, style="rpg_hud"), SubjectClass("fps_interface", CAST, style="fps_hud")), ("hud",),
                extra_classes=("hud",), per_character=False),
    GameVariant(22, (SubjectClass("game_map", CAST, map_style="game"), SubjectClass("real_map", CAST, map_style="road")), (),
                extra_classes=("road",), per_character=False),
    GameVariant(23, (SubjectClass("racing_scene", CAST, vehicles=("race_car",), road=True, height=PASSER_BY, prop_scale=1.4),
                     SubjectClass("flight_sim_scene", CAST, vehicles=("aircraft", "propeller_plane"), road=True, height=PASSER_BY,
                                  prop_scale=1.4)),
                ("vehicle",), extra_classes=("vehicle",), per_character=False),
    GameVariant(24, (SubjectClass("zombie", ("zombie",), height=HELD_HEIGHT), SubjectClass("alien", ("alien",), height=HELD_HEIGHT)),
                ("character",), palette_pool=UNDEAD_AND_ALIEN_SKINS),
    GameVariant(25, (SubjectClass("warrior", ("warrior",), height=HELD_HEIGHT), SubjectClass("mage", ("mage",), height=HELD_HEIGHT)),
                ("character",)),
):
    register_game_variant(_v)
