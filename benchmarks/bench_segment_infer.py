"""Segmentation inference on CPU: visionlab's SegmentationPredictor vs the lab manual's code, on
DeepLabV3-ResNet50 (random weights, same network in both) at the manual's 520 px.

The manual's path is fp32, eager, batch 1: ``Compose([Resize(520), ToTensor(), Normalize])`` on the
PIL image, then ``with torch.no_grad(): model(x)["out"].argmax(1)`` on a plain fp32 copy of the
network. visionlab's path is ``SegmentationPredictor.predict([array])`` (default amp=auto: bf16
autocast + channels_last on CPUs with native bf16, widely dilated ASPP convs as bf16 GEMMs). Both
are timed as whole calls (preprocess + forward + argmax), warmed up once, repetitions interleaved
(order rotated), medians reported. Goals:

1. speed: visionlab >= 2x faster than the manual on the astronaut image at 520x520 (chelsea at
   520x782 is reported too); a visionlab fp32 row (amp="off") separates bf16 from the rest.
2. agreement (same prepared input tensor, fp32 logits of the plain network vs the predictor's
   ``.logits``): mean |diff| / std(fp32 logits) <= 0.02 and argmax agreement >= 0.99 on decisive
   pixels (fp32 top-1 minus top-2 margin > 0.1 std). Why these bounds: bf16 keeps 8 significant
   bits (~0.4% relative rounding per op; accumulation is in fp32), so through ~60 layers the errors
   add up to around a percent of the logits' spread; with random weights most pixels are near-ties,
   so all-pixel argmax agreement is printed but not judged. With the real COCO/VOC weights (when the
   file is cached) the argmax of manual vs predictor must agree on >= 0.99 of the pixels.
3. share of the machine's matmul throughput: model FLOPs (FlopCounterMode, nominal convolution
   FLOPs) / median call time, against a 4096^3 matmul peak in the matching dtype.
4. folder inference memory stays flat: segment_images with lraspp_mobilenet_v3_large (random
   weights) over N and 4N game-world scenes in fresh subprocesses; peak RSS ratio big/small <= 1.15.
   Peak RSS is the child's VmHWM: its ru_maxrss is not usable here, because Linux carries the
   parent's peak RSS into a child's ru_maxrss across fork/exec.

    .venv/bin/python benchmarks/bench_segment_infer.py [--quick] [--reps 5] [--n-folder 16] [--profile]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from skimage import data as skdata
from torch.utils.flop_counter import FlopCounterMode
from torchvision import transforms as T

from visionlab.data.synth import SceneSpec, write_dataset
from visionlab.errors import WeightsUnavailableError
from visionlab.segment import SegmentationPredictor, load_segmenter
from visionlab.utils.device import cpu_supports_bf16

MODEL = "deeplabv3_resnet50"
FOLDER_MODEL = "lraspp_mobilenet_v3_large"
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
SPEED_GOAL, MEAN_DIFF_GOAL, DECISIVE_GOAL, REAL_GOAL, RSS_GOAL = 2.0, 0.02, 0.99, 0.99, 1.15


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def resized(image: np.ndarray, short: int = 520) -> Image.Image:
    """The image as PIL, short side resized to ``short`` (bilinear)."""
    h, w = image.shape[:2]
    s = short / min(h, w)
    return Image.fromarray(image).resize((round(w * s), round(h * s)), Image.BILINEAR)


class Manual:
    """The lab manual's inference: PIL transforms, fp32, eager, batch 1."""

    def __init__(self, net: torch.nn.Module) -> None:
        self.net = net.eval()
        self.tf = T.Compose([T.Resize(520), T.ToTensor(), T.Normalize(MEAN, STD)])

    def __call__(self, pil: Image.Image) -> torch.Tensor:
        x = self.tf(pil)[None]
        with torch.no_grad():
            return self.net(x)["out"].argmax(1)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.net(x)["out"]


def timed_interleaved(calls: dict[str, callable], reps: int) -> dict[str, float]:
    """Median seconds per call; each warmed up once, repetitions interleaved with a rotating order."""
    for f in calls.values():
        f()
    times: dict[str, list[float]] = {k: [] for k in calls}
    names = list(calls)
    for r in range(reps):
        for k in names[r % len(names):] + names[:r % len(names)]:
            t0 = time.perf_counter()
            calls[k]()
            times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def matmul_peak(dtype: torch.dtype, n: int = 4096, reps: int = 3) -> float:
    """GFLOP/s of an n x n @ n x n matmul (median of ``reps`` after one warm-up)."""
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    a @ b
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        ts.append(time.perf_counter() - t0)
    return 2 * n**3 / statistics.median(ts) / 1e9


def model_flops(net: torch.nn.Module, h: int, w: int) -> int:
    """FLOPs of one forward at (h, w), counted on a meta-device copy (no compute)."""
    meta = copy.deepcopy(net).to("meta")
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        meta(torch.empty(1, 3, h, w, device="meta"))
    return counter.get_total_flops()


def agreement(ref: torch.Tensor, got: torch.Tensor) -> dict[str, float]:
    """Logit differences relative to the reference's std, and argmax agreement (all / decisive pixels)."""
    ref, got = ref.float(), got.float()
    std = ref.std().item()
    diff = (got - ref).abs()
    top2 = ref.topk(2, dim=1).values
    decisive = (top2[:, 0] - top2[:, 1]) > 0.1 * std
    same = ref.argmax(1) == got.argmax(1)
    return {"max": diff.max().item() / std, "mean": diff.mean().item() / std, "all": same.float().mean().item(),
            "decisive": same[decisive].float().mean().item() if decisive.any() else float("nan"),
            "decisive_share": decisive.float().mean().item()}


CHILD = r"""
import json, resource, sys, torch
torch.set_num_threads({threads})

def hwm_kb():  # peak RSS of this process's own address space (VmHWM starts afresh at exec)
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))

import importlib
S = importlib.import_module("visionlab.segment")  # `import visionlab.segment as S` gives the API function vl.segment
orig = S.load_segmenter
S.load_segmenter = lambda m, **kw: orig(m, random_weights=True, **kw)  # segment_images looks it up in its module
before = hwm_kb()
summary = S.segment_images({model!r}, [{folder!r}], {out!r}, S.SegmentOptions(device="cpu"))
print(json.dumps({{"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "hwm_kb": hwm_kb(),
                  "hwm_before_kb": before, "n": summary["n_images"], "ips": summary["images_per_second"],
                  "amp": summary["amp"]}}))
"""


def folder_run(folder: Path, out: Path, threads: int) -> dict:
    code = CHILD.format(threads=threads, model=FOLDER_MODEL, folder=str(folder), out=str(out))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"folder child failed ({res.returncode}):\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def profile_calls(calls: dict[str, callable], rows: int = 12) -> None:
    from torch.profiler import ProfilerActivity, profile

    for name, f in calls.items():
        with profile(activities=[ProfilerActivity.CPU], record_shapes=False) as prof:
            f()
        print(f"\n--- profile: {name} (top ops by self CPU time) ---")
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 repetitions, N=8 folder images")
    ap.add_argument("--reps", type=int, default=None, help="interleaved timed repetitions (default 5, quick 3)")
    ap.add_argument("--n-folder", type=int, default=None, help="N of the folder memory check (default 16, quick 8)")
    ap.add_argument("--profile", action="store_true", help="also print torch.profiler tables of one call of each path")
    args = ap.parse_args()
    reps = args.reps or (3 if args.quick else 5)
    n_folder = args.n_folder or (8 if args.quick else 16)
    if (os.cpu_count() or 1) > 2:
        torch.set_num_threads(2)
    threads = torch.get_num_threads()
    t_start = time.perf_counter()
    flags = Path("/proc/cpuinfo").read_text(errors="ignore") if Path("/proc/cpuinfo").is_file() else ""
    print(f"torch {torch.__version__}, threads {threads}, CPU capability {torch.backends.cpu.get_cpu_capability()}, "
          f"native bf16 {cpu_supports_bf16()} (amx_bf16 {' amx_bf16' in flags}, avx512_bf16 {' avx512_bf16' in flags})")

    torch.manual_seed(0)
    seg = load_segmenter(MODEL, random_weights=True)
    manual = Manual(copy.deepcopy(seg.model.net))  # fp32 copy, before the predictor converts the model
    ours = SegmentationPredictor(seg, device="cpu", amp="auto", batch_size=1)
    ours32 = SegmentationPredictor(seg, device="cpu", amp="off", batch_size=1)
    print(f"{MODEL}, random weights (seed 0); visionlab amp=auto -> {ours.amp}")

    images = {"astronaut": resized(skdata.astronaut()), "chelsea": resized(skdata.chelsea())}
    arrays = {k: np.asarray(v) for k, v in images.items()}

    # --- 1. speed -------------------------------------------------------------------------------------
    print(f"\n[1] whole call (preprocess + forward + argmax), batch 1, median of {reps} interleaved reps after 1 warm-up")
    med: dict[str, dict[str, float]] = {}
    for name, pil in images.items():
        arr = arrays[name]
        calls = {"manual fp32": lambda p=pil, f=manual: f(p), "visionlab auto": lambda a=arr, f=ours: f.predict([a])}
        if name == "astronaut":
            calls["visionlab fp32"] = lambda a=arr, f=ours32: f.predict([a])
        med[name] = m = timed_interleaved(calls, reps)
        print(f"  {name} {pil.width}x{pil.height}:")
        for k, v in m.items():
            print(f"    {k:<16} {v:7.2f} s   ({m['manual fp32'] / v:.2f}x vs manual)")
    for name, pil in images.items():
        ratio = med[name]["manual fp32"] / med[name]["visionlab auto"]
        tag = f"(goal >= {SPEED_GOAL:g}: {verdict(ratio >= SPEED_GOAL)})" if name == "astronaut" else "(reported)"
        print(f"RATIO speedup {name} {pil.width}x{pil.height} manual/visionlab = {ratio:.2f}x {tag}")
    r32 = med["astronaut"]["manual fp32"] / med["astronaut"]["visionlab fp32"]
    print(f"  of which: visionlab fp32 vs manual {r32:.2f}x; bf16 vs visionlab fp32 "
          f"{med['astronaut']['visionlab fp32'] / med['astronaut']['visionlab auto']:.2f}x")

    # --- 2. agreement -------------------------------------------------------------------------------
    x = ours.prepare(arrays["astronaut"])[None]
    x_manual = manual.tf(images["astronaut"])[None]
    print(f"\n[2] agreement on astronaut, same prepared input {tuple(x.shape)} "
          f"(predictor.prepare vs manual transforms: max |diff| {(x - x_manual).abs().max().item():.2e})")
    ref = manual.logits(x)
    executed = FlopCounterMode(display=False)  # FLOPs the predictor's path really runs (ASPP taps past the edge skipped)
    with executed:
        got = ours.logits(x)
    a = agreement(ref, got)
    print(f"  fp32 plain vs predictor ({ours.amp}): max |diff|/std {a['max']:.4f}, mean |diff|/std {a['mean']:.4f}, "
          f"argmax agreement all pixels {a['all']:.4f}, decisive pixels {a['decisive']:.4f} "
          f"({100 * a['decisive_share']:.1f}% of pixels have margin > 0.1 std)")
    ok = a["mean"] <= MEAN_DIFF_GOAL and a["decisive"] >= DECISIVE_GOAL
    print(f"RATIO agreement mean |diff|/std = {a['mean']:.4f} (goal <= {MEAN_DIFF_GOAL}), decisive-pixel agreement = "
          f"{a['decisive']:.4f} (goal >= {DECISIVE_GOAL}): {verdict(ok)}")
    try:
        real = load_segmenter(MODEL)
    except WeightsUnavailableError as exc:
        print(f"  real-weights agreement SKIPPED: {MODEL} weights not cached ({str(exc).split(';')[0]})")
    else:
        real_manual = Manual(copy.deepcopy(real.model.net))
        real_ours = SegmentationPredictor(real, device="cpu", amp="auto", batch_size=1)
        ids_manual = real_manual(images["astronaut"])[0].numpy()
        ids_ours = real_ours.predict([arrays["astronaut"]])[0]
        share = float((ids_manual == ids_ours).mean())
        print(f"RATIO real-weights argmax agreement manual vs visionlab = {share:.4f} (goal >= {REAL_GOAL}): "
              f"{verdict(share >= REAL_GOAL)}")
        del real, real_manual, real_ours

    # --- 3. share of matmul peak --------------------------------------------------------------------
    peak32, peak16 = matmul_peak(torch.float32), matmul_peak(torch.bfloat16)
    print(f"\n[3] matmul 4096^3 peak: fp32 {peak32:.0f} GFLOP/s, bf16 {peak16:.0f} GFLOP/s ({peak16 / peak32:.1f}x)")
    for name, pil in images.items():
        flops = model_flops(manual.net, pil.height, pil.width)
        g32 = flops / med[name]["manual fp32"] / 1e9
        g16 = flops / med[name]["visionlab auto"] / 1e9
        print(f"  {name} {pil.width}x{pil.height}: {flops / 1e9:.0f} GFLOP per forward")
        print(f"RATIO share of peak {name}: manual fp32 {g32:.0f} GFLOP/s = {100 * g32 / peak32:.0f}% of fp32 peak; "
              f"visionlab bf16 {g16:.0f} GFLOP/s = {100 * g16 / peak16:.0f}% of bf16 peak")
        if name == "astronaut":
            ex = executed.get_total_flops()
            print(f"  (the bf16 path executes {ex / 1e9:.0f} GFLOP: its ASPP GEMMs skip taps that fall past the edge; counting "
                  f"those, {ex / med[name]['visionlab auto'] / 1e9:.0f} GFLOP/s = "
                  f"{100 * ex / med[name]['visionlab auto'] / 1e9 / peak16:.0f}% of bf16 peak)")
    del manual, ours, ours32, seg

    # --- 4. folder memory ---------------------------------------------------------------------------
    rss_parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    work = Path(tempfile.mkdtemp(prefix="vl-bench-seginfer-"))
    try:
        write_dataset(work / "data", 4 * n_folder, seed=0, spec=SceneSpec())
        files = sorted((work / "data" / "segment" / "images").iterdir())
        small = work / "small"
        small.mkdir()
        for f in files[:n_folder]:
            shutil.copy2(f, small / f.name)
        print(f"\n[4] segment_images({FOLDER_MODEL}, random weights) in fresh subprocesses, 256x256 scenes")
        res = {}
        for label, folder, _n in (("small", small, n_folder), ("big", work / "data" / "segment" / "images", 4 * n_folder)):
            res[label] = r = folder_run(folder, work / f"out-{label}", threads)
            print(f"  {r['n']:4d} images: peak RSS {r['hwm_kb'] / 1024:7.1f} MB (VmHWM; {r['hwm_before_kb'] / 1024:.1f} MB after "
                  f"imports, before the run), ru_maxrss {r['maxrss_kb'] / 1024:7.1f} MB, {r['ips']:.2f} images/s (amp {r['amp']})")
        ratio = res["big"]["hwm_kb"] / res["small"]["hwm_kb"]
        grow = [(res[k]["hwm_kb"] - res[k]["hwm_before_kb"]) / 1024 for k in ("small", "big")]
        print(f"  growth during the run: {grow[0]:.1f} MB ({n_folder} images) vs {grow[1]:.1f} MB ({4 * n_folder} images); "
              f"ru_maxrss ratio {res['big']['maxrss_kb'] / res['small']['maxrss_kb']:.3f} (not judged: on Linux a child's ru_maxrss "
              f"starts at the parent's peak RSS ({rss_parent:.0f} MB here), so it hides the child's own use)")
        print(f"RATIO peak RSS {4 * n_folder}/{n_folder} images = {ratio:.3f} (goal <= {RSS_GOAL}): {verdict(ratio <= RSS_GOAL)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if args.profile:
        torch.manual_seed(0)
        seg = load_segmenter(MODEL, random_weights=True)
        manual = Manual(copy.deepcopy(seg.model.net))
        ours = SegmentationPredictor(seg, device="cpu", amp="auto", batch_size=1)
        pil, arr = images["astronaut"], arrays["astronaut"]
        manual(pil), ours.predict([arr])  # warm-up
        profile_calls({"manual fp32": lambda: manual(pil), "visionlab auto": lambda: ours.predict([arr])})
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
