"""Class list, class colours, scene themes and the colour pool shared by both character kinds.

Characters of both kinds draw their colours from the *same* pool with the same probabilities,
so colour carries no information about the kind: a classifier has to look at shape.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from functools import cache

import numpy as np

Color = tuple[int, int, int]

SYNTH_CLASSES = ("sky", "terrain", "platform", "water", "building", "vegetation", "item", "character")
"""Segmentation classes in mask-value order (the mask stores the index)."""

SYNTH_COLORS: tuple[Color, ...] = (
    (135, 206, 235),  # sky
    (121, 85, 61),  # terrain
    (150, 150, 150),  # platform
    (30, 100, 220),  # water
    (190, 60, 50),  # building
    (40, 150, 40),  # vegetation
    (250, 210, 0),  # item
    (230, 0, 230),  # character
)
"""Display colour of each class, for colourised masks (same order as ``SYNTH_CLASSES``)."""

EXTRA_COLORS: dict[str, Color] = {"weapon": (255, 140, 0), "effect": (0, 240, 200), "hud": (30, 30, 30), "vehicle": (0, 90, 255),
                                  "wall": (250, 230, 190), "floor": (150, 90, 40), "furniture": (120, 60, 160), "road": (255, 150, 200)}
"""Display colours of the mask classes some variants add after ``SYNTH_CLASSES``."""

IGNORE_INDEX = 255
"""Mask value meaning "no label"; the generator never writes it, loss functions may."""

SKY, TERRAIN, PLATFORM, WATER, BUILDING, VEGETATION, ITEM, CHARACTER = range(len(SYNTH_CLASSES))

BIOMES = ("meadow", "autumn", "desert", "snow", "lava")
TIMES_OF_DAY = ("day", "dusk", "night")

# Base (daylight) colours per biome. "water" is the biome's liquid: lava in the lava biome.
_BIOME_COLORS: dict[str, dict] = {
    "meadow": dict(
        ground=(122, 86, 56), cap=(84, 172, 62), speck=(96, 66, 42),
        platform=(150, 100, 62), platform_top=(96, 186, 74),
        water=(48, 118, 222), water_hi=(160, 205, 250),
        walls=((226, 206, 170), (200, 168, 136), (176, 178, 192)),
        roofs=((172, 58, 48), (86, 88, 124), (150, 92, 50)),
        leaves=((46, 128, 46), (66, 150, 58), (34, 110, 72)),
        trunk=(98, 68, 40), tree="round", sky_tint=None,
    ),
    "autumn": dict(
        ground=(104, 72, 50), cap=(176, 128, 54), speck=(86, 58, 40),
        platform=(128, 88, 60), platform_top=(196, 112, 48),
        water=(58, 104, 164), water_hi=(170, 196, 226),
        walls=((214, 190, 150), (170, 120, 90)),
        roofs=((120, 50, 40), (70, 60, 60)),
        leaves=((222, 118, 30), (198, 58, 30), (226, 172, 40)),
        trunk=(84, 56, 38), tree="round", sky_tint=(240, 200, 150),
    ),
    "desert": dict(
        ground=(214, 168, 100), cap=(238, 204, 136), speck=(186, 138, 80),
        platform=(188, 138, 88), platform_top=(226, 190, 120),
        water=(36, 164, 186), water_hi=(170, 232, 236),
        walls=((226, 196, 140), (208, 168, 118)),
        roofs=((186, 118, 68), (158, 98, 58)),
        leaves=((64, 142, 64), (92, 158, 78)),
        trunk=(110, 80, 50), tree="cactus", sky_tint=(250, 230, 180),
    ),
    "snow": dict(
        ground=(108, 118, 140), cap=(242, 246, 252), speck=(88, 98, 120),
        platform=(140, 166, 200), platform_top=(232, 240, 250),
        water=(58, 108, 168), water_hi=(204, 226, 246),
        walls=((158, 108, 78), (196, 198, 210)),
        roofs=((236, 238, 246), (118, 58, 48)),
        leaves=((28, 88, 60), (40, 100, 72)),
        trunk=(80, 60, 40), tree="pine", sky_tint=(220, 232, 245),
    ),
    "lava": dict(
        ground=(52, 42, 48), cap=(96, 62, 56), speck=(206, 74, 22),
        platform=(72, 62, 68), platform_top=(116, 82, 72),
        water=(240, 100, 20), water_hi=(255, 222, 84),
        walls=((82, 72, 82), (62, 56, 62)),
        roofs=((124, 32, 30), (50, 40, 52)),
        leaves=((62, 50, 40), (84, 62, 52)),
        trunk=(50, 40, 36), tree="dead", sky_tint=(200, 64, 30),
    ),
}

# Biomes that only a variant's class asks for (variants 13 and 17): not in BIOMES, so no other scene draws them.
_BIOME_COLORS.update({
    "tropical": dict(
        ground=(226, 196, 132), cap=(244, 222, 160), speck=(200, 168, 110),
        platform=(176, 130, 84), platform_top=(108, 190, 80),
        water=(40, 196, 200), water_hi=(190, 246, 240),
        walls=((236, 220, 180), (200, 160, 110)),
        roofs=((170, 130, 70), (120, 160, 90)),
        leaves=((50, 160, 70), (80, 180, 60), (30, 130, 80)),
        trunk=(140, 100, 60), tree="palm", sky_tint=(250, 220, 170),
    ),
    "lunar": dict(
        ground=(112, 112, 120), cap=(168, 168, 176), speck=(84, 84, 92),
        platform=(130, 134, 146), platform_top=(180, 184, 196),
        water=(70, 80, 110), water_hi=(150, 160, 190),
        walls=((200, 204, 214), (150, 156, 170)),
        roofs=((120, 130, 150), (210, 214, 222)),
        leaves=((90, 96, 104), (120, 120, 126)),
        trunk=(80, 80, 86), tree="dead", sky_tint=None,
    ),
    "ice": dict(
        ground=(150, 176, 206), cap=(244, 248, 255), speck=(200, 222, 244),
        platform=(170, 200, 230), platform_top=(236, 244, 252),
        water=(60, 110, 160), water_hi=(214, 234, 250),
        walls=((190, 206, 226), (160, 170, 190)),
        roofs=((236, 240, 248), (120, 140, 170)),
        leaves=((30, 80, 70), (200, 220, 230)),
        trunk=(90, 80, 80), tree="pine", sky_tint=(214, 230, 250),
    ),
})

# Variant 12's forests and deserts stand on one pool of soils: a scene's ground and dunes take one soil, a desert's
# mesas and a forest's toadstool caps any soil's tones, so the soil's colour tells a forest from a desert no better
# than chance (the colour-histogram shortcut); what tells them apart is what grows and stands there.
SOILS: dict[str, tuple[Color, Color, Color]] = {  # ground, its surface strip, stones in it
    "sand": ((214, 168, 100), (238, 204, 136), (186, 138, 80)),
    "red": ((178, 96, 62), (206, 128, 84), (140, 70, 48)),
    "pale": ((210, 204, 190), (236, 232, 222), (170, 164, 150)),
    "dark": ((82, 70, 72), (120, 104, 100), (60, 50, 54)),
    "ochre": ((150, 110, 70), (184, 146, 96), (120, 86, 56)),
}
SOIL_TONES: tuple[Color, ...] = tuple(tone for ground, top, _ in SOILS.values() for tone in (ground, top))
CACTUS_GREENS: tuple[Color, ...] = ((64, 142, 64), (92, 158, 78))


def _soil_biome(soil: str, tree: str, leaves: tuple[Color, ...], trunk: Color) -> dict:
    ground, top, speck = SOILS[soil]
    dry = _BIOME_COLORS["desert"]  # buildings and pools alike on both sides
    return dict(ground=ground, cap=top, speck=speck, platform=tuple(round(0.85 * v) for v in ground), platform_top=top, water=dry["water"],
                water_hi=dry["water_hi"], walls=dry["walls"], roofs=dry["roofs"], leaves=leaves, trunk=trunk, rocks=SOIL_TONES,
                tree=tree, sky_tint=None)


FAIRY_FORESTS = tuple(f"fairy_forest_{soil}" for soil in SOILS)
DESERTS = tuple(f"desert_{soil}" for soil in SOILS)
# A forest's toadstools: caps in the soils' tones and in the cacti's greens (weighted: about as much green as a desert
# shows), stems in the surface tone; a desert's saguaros in the greens.
_BIOME_COLORS.update({name: _soil_biome(soil, "mushroom", SOIL_TONES + 3 * CACTUS_GREENS, SOILS[soil][1])
                      for name, soil in zip(FAIRY_FORESTS, SOILS)})
_BIOME_COLORS.update({name: _soil_biome(soil, "saguaro", CACTUS_GREENS, (110, 80, 50)) for name, soil in zip(DESERTS, SOILS)})

_SKIES: dict[str, tuple[Color, Color]] = {
    "day": ((62, 126, 214), (168, 212, 246)),
    "dusk": ((66, 48, 118), (250, 150, 92)),
    "night": ((6, 8, 30), (32, 40, 86)),
}

# Lighting applied to the environment (not to characters): brightness factor, additive tint.
_LIGHT: dict[str, tuple[float, Color]] = {
    "day": (1.0, (0, 0, 0)),
    "dusk": (0.82, (18, 4, 0)),
    "night": (0.5, (0, 4, 22)),
}

# Shared by dragons and robots alike (see module docstring).
BODY_COLORS: tuple[Color, ...] = (
    (136, 136, 142), (70, 110, 192), (202, 52, 46), (62, 162, 72), (216, 176, 52),
    (132, 72, 172), (232, 122, 40), (40, 160, 160), (226, 226, 232), (132, 86, 52),
    (232, 122, 172), (54, 54, 64), (162, 210, 62), (42, 52, 112),
)
ACCENT_COLORS: tuple[Color, ...] = (
    (255, 222, 40), (80, 232, 255), (255, 62, 62), (142, 255, 92), (250, 250, 250), (255, 152, 40),
)


def clamp(c) -> Color:
    """Round and clip a colour-like sequence to a valid RGB tuple of ints."""
    return tuple(0 if v < 0 else 255 if v > 255 else int(v + 0.5) for v in c)  # type: ignore[return-value]


def mix(a: Color, b: Color, t: float) -> Color:
    """Blend colour ``a`` towards ``b`` by fraction ``t`` (0 = a, 1 = b)."""
    return clamp([x + (y - x) * t for x, y in zip(a, b)])


def hsv(hue: float, sat: float, value: float) -> Color:
    """The RGB colour of a hue, saturation and value, each in [0, 1]."""
    r, g, b = colorsys.hsv_to_rgb(hue, sat, value)
    return int(255 * r), int(255 * g), int(255 * b)


def shade(c: Color, factor: float) -> Color:
    """Scale a colour's brightness by ``factor``."""
    return clamp([v * factor for v in c])


def outline_of(c: Color) -> Color:
    """Dark outline colour that matches a fill colour (cartoon style)."""
    return shade(c, 0.4)


def jitter(rng: np.random.Generator, c: Color, amount: float = 14.0) -> Color:
    """Perturb each channel of ``c`` by Gaussian noise of std ``amount``."""
    return clamp(np.asarray(c, dtype=float) + rng.normal(0.0, amount, 3))


@dataclass(frozen=True)
class Theme:
    """All colours of one scene: a biome seen at a time of day (environment already lit)."""

    biome: str  # one of BIOMES
    time_of_day: str  # one of TIMES_OF_DAY
    sky_top: Color  # sky gradient, top row
    sky_bottom: Color  # sky gradient, bottom row
    colors: dict  # lit biome colours, keys as in _BIOME_COLORS (tuples of colours for pools)
    tree: str  # tree style: "round" | "pine" | "cactus" | "saguaro" | "dead" | "palm" | "mushroom"

    def pick(self, rng: np.random.Generator, key: str) -> Color:
        """One jittered colour from the pool ``key`` (or the single colour ``key``)."""
        value = self.colors[key]
        if isinstance(value[0], tuple):
            value = value[int(rng.integers(len(value)))]
        return jitter(rng, value, 8.0)


def _light(c: Color, time_of_day: str) -> Color:
    factor, tint = _LIGHT[time_of_day]
    return clamp([v * factor + t for v, t in zip(c, tint)])


@cache
def _lit_colors(biome: str, tod: str) -> tuple[tuple[Color, Color], dict]:
    """Sky gradient and lit environment colours of a biome at a time of day (cached: pure)."""
    base = _BIOME_COLORS[biome]
    top, bottom = _SKIES[tod]
    if base["sky_tint"] is not None:
        # Night keeps most of its darkness; the tint is a horizon glow.
        bottom = mix(bottom, base["sky_tint"], 0.25 if tod == "night" else 0.5)
        if biome == "lava":
            top = mix(top, (70, 20, 16), 0.6)
    colors: dict = {}
    for key, value in base.items():
        if key in ("tree", "sky_tint"):
            continue
        if isinstance(value[0], tuple):
            colors[key] = tuple(_light(v, tod) for v in value)
        elif key in ("water", "water_hi") and biome == "lava":
            colors[key] = value  # lava glows: no darkening at night
        else:
            colors[key] = _light(value, tod)
    colors["window"] = (255, 214, 96) if tod != "day" else (150, 196, 226)
    return (top, bottom), colors


def make_theme(rng: np.random.Generator, biomes: tuple[str, ...] = BIOMES, times: tuple[str, ...] = TIMES_OF_DAY) -> Theme:
    """Draw a biome and a time of day (among ``biomes`` and ``times``) and light the biome's colours accordingly."""
    biome = biomes[int(rng.integers(len(biomes)))]
    tod = times[int(rng.integers(len(times)))]
    (top, bottom), colors = _lit_colors(biome, tod)
    return Theme(biome, tod, jitter(rng, top, 6.0), jitter(rng, bottom, 6.0), dict(colors),
                 _BIOME_COLORS[biome]["tree"])


@dataclass(frozen=True)
class CharacterPalette:
    """Colours of one character; drawn identically for both kinds."""

    primary: Color  # body / torso
    secondary: Color  # belly, wings, panels, treads
    accent: Color  # eye, visor, lights (glowing colour)


def character_palette(rng: np.random.Generator, pool: tuple[Color, ...] = BODY_COLORS) -> CharacterPalette:
    """Draw a character palette from a shared pool (independent of the character's kind)."""
    primary = jitter(rng, pool[int(rng.integers(len(pool)))], 16.0)
    style = rng.random()
    if style < 0.5:
        secondary = jitter(rng, pool[int(rng.integers(len(pool)))], 16.0)
    elif style < 0.75:
        secondary = mix(primary, (255, 255, 255), 0.4)
    else:
        secondary = shade(primary, 0.65)
    accent = ACCENT_COLORS[int(rng.integers(len(ACCENT_COLORS)))]
    return CharacterPalette(primary, secondary, accent)


def class_colors(classes: tuple[str, ...] = SYNTH_CLASSES) -> tuple[Color, ...]:
    """Display colour of each mask class, in order (a variant's classes: ``SYNTH_CLASSES`` then its extra ones)."""
    base = dict(zip(SYNTH_CLASSES, SYNTH_COLORS))
    return tuple(base.get(c) or EXTRA_COLORS[c] for c in classes)


def colorize_mask(mask: np.ndarray, classes: tuple[str, ...] = SYNTH_CLASSES) -> np.ndarray:
    """Map a (H, W) class-id mask to an (H, W, 3) uint8 image using the classes' display colours.

    Args:
        mask: Class ids; values outside the class list (e.g. ``IGNORE_INDEX``) become black.
        classes: The mask's classes in value order (a variant's ``mask_classes``).

    Returns:
        The colourised mask.
    """
    colors = class_colors(classes)
    lut = np.zeros((256, 3), dtype=np.uint8)
    lut[: len(colors)] = np.asarray(colors, dtype=np.uint8)
    return lut[np.asarray(mask, dtype=np.uint8)]
