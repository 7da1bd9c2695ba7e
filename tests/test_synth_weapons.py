"""Held weapons (variant 5: melee vs ranged): registry, geometry, aims, colours and arming a sprite."""

import math

import numpy as np
import pytest

from visionlab.data.synth import weapons as W
from visionlab.data.synth.palette import CharacterPalette, character_palette
from visionlab.data.synth.sprites import Part, Sprite, ellipse, rect, robot_sprite

HAND = (0.22, -0.52)
LENGTHS = {"sword": (0.35, 0.55), "axe": (0.35, 0.5), "mace": (0.3, 0.45), "spear": (0.7, 1.0),
           "bow": (0.45, 0.6), "crossbow": (0.3, 0.4), "gun": (0.2, 0.35), "blaster": (0.25, 0.4)}
TOL = 0.1  # lengths may leave their range by 10% (guards, spikes, fins and grip rake stick out a little)


def stand_in(hand=HAND) -> Sprite:
    """A minimal right-facing character with a front hand anchor."""
    p = CharacterPalette((70, 110, 192), (226, 226, 232), (255, 222, 40))
    parts = [Part(rect(-0.1, -0.75, 0.1, 0.0), p.primary), Part(ellipse(0.0, -0.86, 0.1, 0.11), p.secondary),
             Part(ellipse(0.04, -0.88, 0.015, 0.015, 10), p.accent, True),
             Part(ellipse(hand[0], hand[1], 0.03, 0.03, 10), p.secondary)]
    return Sprite("stand_in", parts, {"stance": "idle"}, {"hand": hand, "head_top": (0.0, -0.97)})


def _build(kind, seed, aim, hand=HAND):
    rng = np.random.default_rng(seed)
    return W.weapon_parts(rng, kind, hand, character_palette(rng), aim)


def _seg_dist(p: np.ndarray, poly: np.ndarray) -> float:
    """Distance from point p to a polygon (0 inside)."""
    a, b = poly, np.roll(poly, -1, axis=0)
    ab = b - a
    t = np.clip(((p - a) * ab).sum(1) / np.maximum((ab**2).sum(1), 1e-12), 0.0, 1.0)
    edge = float(np.hypot(*(a + ab * t[:, None] - p).T).min())
    x, y = p
    crosses = ((a[:, 1] > y) != (b[:, 1] > y)) & (x < a[:, 0] + (y - a[:, 1]) * ab[:, 0] / np.where(ab[:, 1] == 0, 1e-12, ab[:, 1]))
    return 0.0 if crosses.sum() % 2 == 1 else edge


def _area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def test_registry_holds_both_classes():
    assert set(W.WEAPONS) == set(W.MELEE) | set(W.RANGED)
    assert not set(W.MELEE) & set(W.RANGED)
    with pytest.raises(ValueError, match="registered twice"):
        W.register_weapon("sword")(lambda rng, colors: [])
    assert W.WEAPONS["sword"].__name__ == "_sword"  # the failed registration replaced nothing


@pytest.mark.parametrize("kind", W.MELEE + W.RANGED)
def test_every_weapon_builds_for_every_aim(kind):
    for seed in range(20):
        for aim in W.AIMS:
            parts = _build(kind, seed, aim)
            assert len(parts) >= 3
            hand = np.array(HAND)
            grip = min(_seg_dist(hand, p.points) for p in parts)
            assert grip <= 0.06, (kind, seed, aim, grip)
            for part in parts:
                assert part.role == "weapon"
                assert part.points.ndim == 2 and part.points.shape[1] == 2 and len(part.points) >= 3
                assert np.isfinite(part.points).all()
                assert len(part.fill) == 3 and all(0 <= v <= 255 for v in part.fill)
            pts = np.concatenate([p.points for p in parts])
            assert np.hypot(*(pts - hand).T).max() < 1.0  # held, not flung across the screen


@pytest.mark.parametrize("kind", W.MELEE + W.RANGED)
def test_lengths_in_range(kind):
    """In the local frame a weapon points along +x; its length (a bow's height, along y) is in range."""
    lo, hi = LENGTHS[kind]
    lengths = []
    for seed in range(60):
        rng = np.random.default_rng(seed)
        parts = W.WEAPONS[kind](rng, W.weapon_colors(rng, character_palette(rng)))
        pts = np.concatenate([p.points for p in parts])
        lengths.append(float(np.ptp(pts[:, 1 if kind == "bow" else 0])))
    assert lo * (1 - TOL) <= min(lengths) and max(lengths) <= hi * (1 + TOL), (min(lengths), max(lengths))
    assert max(lengths) - min(lengths) > 0.25 * (hi - lo)  # lengths vary
    assert min(lengths) * 50 >= 11  # at least ~12 px on a 50 px character


@pytest.mark.parametrize("kind", W.MELEE + W.RANGED)
def test_deterministic_and_varied(kind):
    a, b, c = _build(kind, 3, "forward"), _build(kind, 3, "forward"), _build(kind, 4, "forward")
    assert len(a) == len(b)
    assert all(np.array_equal(p.points, q.points) and p.fill == q.fill for p, q in zip(a, b))
    assert len(a) != len(c) or any(not np.array_equal(p.points, q.points) for p, q in zip(a, c))


@pytest.mark.parametrize("kind", [k for k in W.MELEE + W.RANGED if k not in ("bow", "crossbow")])
def test_aim_turns_the_weapon(kind):
    """The point farthest from the hand (tip, muzzle) is above it when raised, ahead when forward, below when down."""
    hand = np.array(HAND)
    for seed in range(20):
        tips = {}
        for aim in W.AIMS:
            pts = np.concatenate([p.points for p in _build(kind, seed, aim)]) - hand
            tips[aim] = pts[np.argmax(np.hypot(*pts.T))]
        assert tips["raised"][1] < -0.03, (seed, tips)
        assert tips["forward"][0] > abs(tips["forward"][1]), (seed, tips)
        assert tips["down"][1] > 0.03, (seed, tips)


def test_aim_angle_ranges_are_ordered():
    rng = np.random.default_rng(0)
    for kind in W.WEAPONS:
        for _ in range(20):
            up, level, down = (W.aim_angle(rng, kind, aim) for aim in W.AIMS)
            assert -math.pi < up < level < down < math.pi / 2


def test_armed_appends_weapon_and_keeps_input():
    sprite = stand_in()
    before = ([p.points.copy() for p in sprite.parts], dict(sprite.pose), dict(sprite.anchors))
    out = W.armed(sprite, np.random.default_rng(5), "axe", "raised")
    assert len(sprite.parts) == 4 and sprite.pose == before[1] and sprite.anchors == before[2]
    assert all(np.array_equal(p.points, q) for p, q in zip(sprite.parts, before[0]))
    assert all(p is q for p, q in zip(out.parts, sprite.parts)) and len(out.parts) > 4
    assert all(p.role == "weapon" for p in out.parts[4:])
    assert out.pose == {"stance": "idle", "weapon": "axe", "aim": "raised"}
    assert out.anchors == sprite.anchors and out.anchors is not sprite.anchors
    assert out.kind == "stand_in"


def test_armed_draws_aims():
    rng = np.random.default_rng(1)
    ranged = [W.armed(stand_in(), rng, "gun").pose["aim"] for _ in range(200)]
    melee = [W.armed(stand_in(), rng, "sword").pose["aim"] for _ in range(200)]
    assert set(ranged) <= set(W.AIMS) and ranged.count("forward") > 100
    assert set(melee) == set(W.AIMS)


def test_armed_robot_with_added_anchor():
    rng = np.random.default_rng(2)
    robot = robot_sprite(rng, character_palette(rng))
    robot.anchors["hand"] = (0.3, -0.5)
    out = W.armed(robot, rng, "blaster")
    assert len(out.parts) > len(robot.parts) and out.pose["weapon"] == "blaster"


def test_errors_name_the_fix():
    with pytest.raises(ValueError, match="valid kinds: axe, blaster, bow, crossbow, gun, mace, spear, sword"):
        W.armed(stand_in(), np.random.default_rng(0), "laser_sword")
    with pytest.raises(ValueError, match=r"no 'hand' anchor.*anchors\['hand'\]"):
        W.armed(Sprite("blob", stand_in().parts), np.random.default_rng(0), "sword")
    with pytest.raises(ValueError, match="valid aims: raised, forward, down"):
        W.armed(stand_in(), np.random.default_rng(0), "sword", "sideways")
    with pytest.raises(ValueError, match="valid kinds"):
        W.weapon_parts(np.random.default_rng(0), "nunchaku", HAND, character_palette(np.random.default_rng(0)), "down")


def test_sprite_palette_reads_largest_colours():
    p = W.sprite_palette(stand_in())
    assert p.primary == (70, 110, 192) and p.secondary == (226, 226, 232) and p.accent == (255, 222, 40)


def _mean_color(kinds, seeds=150):
    total, weight = np.zeros(3), 0.0
    for kind in kinds:
        for seed in range(seeds):
            for part in _build(kind, seed, "forward"):
                a = _area(part.points)
                total += a * np.asarray(part.fill, dtype=float)
                weight += a
    return total / weight


def test_melee_and_ranged_share_the_colour_pool():
    """Area-weighted mean colours of many melee and many ranged weapons are close: shape, not colour, tells them apart."""
    melee, ranged = _mean_color(W.MELEE), _mean_color(W.RANGED)
    assert np.abs(melee - ranged).max() < 12, (melee, ranged)
