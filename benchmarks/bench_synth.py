"""Game-world rendering speed per variant, as a ratio to variant 1 (dragons vs robots), measured in one run.

The lab renders 400 classify scenes, 400 segmentation scenes and 200 pipeline scenes per variant; a
variant that renders much slower than variant 1 eats into the lab's 15-minute budget. Replaces the
wall-clock limit a unit test used to hold (a loaded machine made it fail by chance).

    .venv/bin/python benchmarks/bench_synth.py [--n 40] [--size 256] [--variants 1 5 22]
"""

from __future__ import annotations

import argparse
import statistics
import time

from visionlab.data.synth import SceneSpec, render_scene
from visionlab.data.synth.variants import GAME_VARIANTS


def ms_per_scene(variant: int, n: int, size: int) -> float:
    """Median milliseconds to render one ``size`` x ``size`` scene of ``variant`` (seeds 0..n-1, after one warm-up)."""
    spec = SceneSpec(width=size, height=size, variant=variant)
    render_scene(0, spec)
    times = []
    for seed in range(n):
        t = time.perf_counter()
        render_scene(seed, spec)
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def main() -> None:
    """Print ms per scene per variant and the ratio to variant 1."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=40, help="scenes per variant")
    p.add_argument("--size", type=int, default=256, help="scene side in pixels (the lab's data.size)")
    p.add_argument("--variants", type=int, nargs="+", default=None, help="default: every variant the game world renders")
    args = p.parse_args()
    variants = args.variants or sorted(GAME_VARIANTS)
    base = ms_per_scene(1, args.n, args.size)
    print(f"{'variant':>7}  {'ms/scene':>9}  {'x variant 1':>11}")
    for v in variants:
        ms = base if v == 1 else ms_per_scene(v, args.n, args.size)
        print(f"{v:>7}  {ms:9.1f}  {ms / base:11.2f}")


if __name__ == "__main__":
    main()
