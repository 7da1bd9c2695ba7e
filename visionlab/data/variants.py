"""The lab manual's 25 individual variants as data: each a pair of game-themed classes.

Each :class:`Variant` carries its number in the manual, a short name (the lab folder's default name),
the two class names (folder names: lower case, underscores), an image-search query per class for
``visionlab data fetch``, the Pascal VOC classes its concept exists as (what Grad-CAM is compared
with when a VOC segmenter such as DeepLabV3 segments the images; empty where VOC has nothing of the
kind), and whether the offline game world renders it (with its own concept classes).

Example:
    >>> get_variant(23).classes
    ('racing_scene', 'flight_sim_scene')
    >>> get_variant(23).voc_concept
    ('car', 'aeroplane')
"""

from __future__ import annotations

from dataclasses import dataclass

from visionlab.errors import ParamError

ANIMALS_IN_VOC = ("cat", "dog", "horse", "sheep", "cow", "bird")


@dataclass(frozen=True)
class Variant:
    """One of the manual's individual variants.

    Attributes:
        number: Its number in the manual (1-25).
        name: A short name, used as the lab's name and default folder (``runs/<name>``).
        title: The two classes as the manual names them, in English.
        title_uk: The same, as the manual writes it (Ukrainian).
        classes: The two class folder names.
        queries: One image-search query per class, in the order of ``classes``.
        voc_concept: Pascal VOC classes the variant's objects exist as; empty when VOC has none.
        game_world: Whether the offline game world renders this variant.
        game_concept: The game world's mask classes of the concept (when it renders the variant); empty
            where the concept is the whole image (its light or style: variants 3, 19, 20, 22), so Grad-CAM has
            no region to be compared with and the lab uses the measures that need no mask.
    """

    number: int
    name: str
    title: str
    title_uk: str
    classes: tuple[str, str]
    queries: tuple[str, str]
    voc_concept: tuple[str, ...] = ()
    game_world: bool = False
    game_concept: tuple[str, ...] = ()

    @property
    def game_whole_image(self) -> bool:
        """The game world renders it and its concept is the whole image, not a region."""
        return self.game_world and not self.game_concept

    @property
    def query_map(self) -> dict[str, str]:
        """``{class: query}`` as ``visionlab data fetch`` and the lab's ``data.queries`` take it."""
        return dict(zip(self.classes, self.queries))


def _v(number: int, name: str, title: str, title_uk: str, classes: tuple[str, str], queries: tuple[str, str],
       voc: tuple[str, ...] = (), game: tuple[str, ...] | None = None) -> Variant:
    return Variant(number, name, title, title_uk, classes, queries, voc, game is not None, game or ())


VARIANTS: tuple[Variant, ...] = (
    _v(1, "dragons-vs-robots", "dragons vs robots", "Дракони vs Роботи", ("dragon", "robot"),
       ("dragon fantasy game character art", "robot sci-fi game character art"), game=("character",)),
    _v(2, "fantasy-vs-scifi-landscapes", "fantasy vs sci-fi landscapes", "Фентезійні пейзажі vs Sci-fi пейзажі",
       ("fantasy_landscape", "scifi_landscape"), ("fantasy game landscape concept art", "sci-fi game landscape concept art"), game=("building",)),
    _v(3, "day-vs-night-scenes", "day vs night game scenes", "Денні ігрові сцени vs Нічні ігрові сцени",
       ("day_scene", "night_scene"), ("video game level daytime screenshot", "video game level night screenshot"), game=()),
    _v(4, "2d-vs-3d-characters", "2D vs 3D game characters", "2D ігрові персонажі vs 3D ігрові персонажі",
       ("character_2d", "character_3d"), ("2d game character sprite", "3d game character render"), game=("character",)),
    _v(5, "melee-vs-ranged-weapons", "melee vs ranged weapons", "Зброя ближнього бою vs Зброя далекого бою",
       ("melee_weapon", "ranged_weapon"), ("game melee weapon sword axe", "game ranged weapon bow gun"), game=("weapon",)),
    _v(6, "bosses-vs-enemies", "final bosses vs regular enemies", "Кінцеві боси vs Звичайні вороги",
       ("final_boss", "regular_enemy"), ("video game final boss", "video game common enemy"), game=("character",)),
    _v(7, "interiors-vs-exteriors", "game interiors vs exteriors", "Ігрові інтер'єри vs Ігрові екстер'єри",
       ("interior", "exterior"), ("video game interior room screenshot", "video game outdoor exterior screenshot"), game=("wall", "floor", "furniture")),
    _v(8, "water-vs-ground-levels", "water vs ground levels", "Водні рівні vs Наземні рівні",
       ("water_level", "ground_level"), ("video game water level underwater", "video game ground level platformer"), game=("water",)),
    _v(9, "ancient-vs-futuristic-buildings", "ancient vs futuristic buildings (in games)",
       "Стародавні будівлі (в іграх) vs Футуристичні будівлі (в іграх)", ("ancient_building", "futuristic_building"),
       ("video game ancient temple building", "video game futuristic building"), game=("building",)),
    _v(10, "magic-vs-tech-effects", "magic vs tech effects", "Магічні ефекти vs Технологічні ефекти",
       ("magic_effect", "tech_effect"), ("game magic spell effect", "game sci-fi laser tech effect"), game=("effect",)),
    _v(11, "medieval-vs-modern-theme", "medieval vs modern theme", "Середньовічна тематика vs Сучасна тематика",
       ("medieval", "modern"), ("medieval video game screenshot", "modern city video game screenshot"), game=("building", "vehicle")),
    _v(12, "forests-vs-deserts", "fairy-tale forests vs deserts", "Казкові ліси vs Пустельні ландшафти",
       ("fairytale_forest", "desert"), ("fairy tale magical forest game art", "desert landscape game art"), game=("vegetation",)),
    _v(13, "underwater-vs-space", "underwater vs space scenes", "Підводні сцени vs Космічні сцени",
       ("underwater", "space"), ("underwater video game scene", "space video game scene"), game=("water", "sky")),
    _v(14, "battle-vs-peaceful-scenes", "battle vs peaceful game scenes", "Бойові ігрові сцени vs Мирні ігрові сцени",
       ("battle_scene", "peaceful_scene"), ("video game battle scene", "video game peaceful village scene"),
       game=("character", "effect")),
    _v(15, "castles-vs-skyscrapers", "castles vs skyscrapers", "Замки vs Хмарочоси",
       ("castle", "skyscraper"), ("video game castle", "video game skyscraper city"), game=("building",)),
    _v(16, "dinosaurs-vs-mythical-creatures", "dinosaurs vs mythical creatures", "Динозаври vs Міфічні створіння",
       ("dinosaur", "mythical_creature"), ("video game dinosaur", "video game mythical creature griffin unicorn"),
       game=("character",)),
    _v(17, "tropical-vs-ice", "tropical islands vs ice deserts", "Тропічні острови vs Крижані пустелі",
       ("tropical_island", "ice_desert"), ("tropical island video game", "ice snow desert video game"), game=("terrain", "water", "vegetation")),
    _v(18, "human-vs-animal-characters", "human vs animal game characters", "Ігрові персонажі-люди vs Ігрові персонажі-тварини",
       ("human_character", "animal_character"), ("video game human character", "video game animal character"),
       voc=("person", *ANIMALS_IN_VOC), game=("character",)),
    _v(19, "pixel-art-vs-realistic", "pixel art vs realistic game style", "Піксель-арт vs Реалістичний ігровий стиль",
       ("pixel_art", "realistic"), ("pixel art game screenshot", "photorealistic game screenshot"), game=()),
    _v(20, "retro-vs-modern-games", "retro vs modern games (screenshots)", "Ретро ігри (скріншоти) vs Сучасні ігри (скріншоти)",
       ("retro_game", "modern_game"), ("retro 8-bit game screenshot", "modern AAA game screenshot"), game=()),
    _v(21, "rpg-vs-fps-interfaces", "RPG vs FPS game interfaces", "RPG ігрові інтерфейси vs FPS ігрові інтерфейси",
       ("rpg_interface", "fps_interface"), ("RPG game user interface HUD", "FPS game HUD crosshair"), game=("hud",)),
    _v(22, "game-vs-real-maps", "game maps vs real maps", "Ігрові карти/мапи vs Реальні карти",
       ("game_map", "real_map"), ("fantasy video game world map", "real road map"), game=()),
    _v(23, "racing-vs-flight-sims", "racing game scenes vs flight simulators", "Гоночні ігрові сцени vs Авіасимулятори",
       ("racing_scene", "flight_sim_scene"), ("racing video game screenshot", "flight simulator game screenshot"), voc=("car", "aeroplane"), game=("vehicle",)),
    _v(24, "zombies-vs-aliens", "zombies vs aliens", "Зомбі vs Інопланетяни",
       ("zombie", "alien"), ("video game zombie character", "video game alien character"), voc=("person",),
       game=("character",)),
    _v(25, "warriors-vs-mages", "warrior vs mage game characters", "Ігрові персонажі-воїни vs Ігрові персонажі-маги",
       ("warrior", "mage"), ("video game warrior character", "video game mage wizard character"), voc=("person",),
       game=("character",)),
)


def get_variant(number: int | str) -> Variant:
    """The manual's variant ``number`` (1-25), or the one with that short name.

    Args:
        number: The variant's number, or its short name (``dragons-vs-robots``).

    Returns:
        The variant.

    Raises:
        ParamError: No such variant; the message says how to list them.
    """
    for v in VARIANTS:
        if str(number) in (str(v.number), v.name):
            return v
    raise ParamError("variant", f"variant: no variant {number!r}; the manual has 1-{len(VARIANTS)} "
                                "(visionlab variants lists them), or name your own variant and give its classes")


def format_variants() -> str:
    """The catalogue as a table: number, name, classes, VOC concept classes, game world."""
    rows = [("#", "name", "classes", "VOC concept", "game world")]
    rows += [(str(v.number), v.name, " vs ".join(v.classes), ", ".join(v.voc_concept) or "-",
              "yes (" + (", ".join(v.game_concept) or "whole image") + ")" if v.game_world else "-") for v in VARIANTS]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)
