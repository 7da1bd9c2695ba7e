#!/usr/bin/env bash
# The CUDA paths in one short run, for a session lent a GPU machine (the `device` tool): training with autocast,
# inference, explanation, distillation, torchrun over nccl, and the main job's lab on the GPU.
#
#   bash scripts/device_check.sh [DEVICE] [OUT]     DEVICE: cuda (default) or cpu (the same steps here, as a dry run;
#                                                   LAB=0 leaves the main job's lab out)
#
# Each step's output goes to OUT/<step>.log (default runs/device_check); the script prints one line per step with its
# exit status and seconds, and the last lines of a failing step's log, and goes on with the next step.
# PY picks the Python (default: .venv/bin/python here, else python3). On the GPU machine, whose python3 holds PyTorch
# but not visionlab's other packages, carry their wheels: `bash scripts/device_wheels.sh` here fills .whl/ (ignored),
# then run this script with `carry: [".whl"]`; it installs them into /tmp/site first. The device tool's command:
#   bash scripts/device_check.sh cuda runs/device_check; tar czf $OUT/device_check.tgz runs/device_check/*.log
# (timeout_s 600: one run on one H100, 2026-12-06, took 495.9 s with the lab, every step passed, torch 2.11.0+cu130).
set -uo pipefail
cd "$(dirname "$0")/.."
DEVICE=${1:-cuda}
OUT=${2:-runs/device_check}
PY=${PY:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
mkdir -p "$OUT"
if [ "$PY" = python3 ] && compgen -G ".whl/*.whl" > /dev/null; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-} PYTHONUNBUFFERED=1
VL=("$PY" -m visionlab)
TORCHRUN=("$PY" -m torch.distributed.run --standalone --log-dir="$OUT/torchelastic")
failed=0

step() {  # step NAME COMMAND...: run it, log to OUT/NAME.log, print status and seconds
    local name=$1; shift
    local t0 rc ms
    t0=$(date +%s%N)
    "$@" > "$OUT/$name.log" 2>&1
    rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    printf '%-22s rc=%d  %5d.%01d s\n' "$name" "$rc" $((ms / 1000)) $((ms % 1000 / 100))
    if [ "$rc" -ne 0 ]; then
        failed=$((failed + 1))
        tail -n 15 "$OUT/$name.log" | sed 's/^/    /'
    fi
}

step env "$PY" -c "import torch, torchvision, visionlab; print('torch', torch.__version__, 'torchvision', torchvision.__version__, \
'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '-', 'bf16', \
torch.cuda.is_available() and torch.cuda.is_bf16_supported())"
cat "$OUT/env.log"
step synth "${VL[@]}" data synth "$OUT/data" --n 64 --seed 0
step classify "${VL[@]}" train classify "$OUT/data/classify" --backbone efficientnet_lite0 --out "$OUT/cls" --mode partial --epochs 3 --device "$DEVICE" --quiet
step classify_fp16 "${VL[@]}" train classify "$OUT/data/classify" --backbone efficientnet_lite0 --out "$OUT/cls16" --mode full --epochs 2 --amp fp16 --device "$DEVICE" --quiet
step eval "${VL[@]}" eval "$OUT/cls" --device "$DEVICE"
step predict "${VL[@]}" predict "$OUT/cls" "$OUT/data/classify" --out "$OUT/predict.csv" --device "$DEVICE"
step explain "${VL[@]}" explain "$OUT/cls" "$OUT/data/classify/dragon" --out "$OUT/explain"
step segment_train "${VL[@]}" train segment "$OUT/data/segment" --out "$OUT/seg" --epochs 3 --img-size 128 128 --device "$DEVICE" --quiet
step segment_infer "${VL[@]}" segment "$OUT/data/segment/images" --model "$OUT/seg" --out "$OUT/segmented" --device "$DEVICE"
step distill "${VL[@]}" distill "$OUT/data/segment/images" --teacher "$OUT/seg" --student lraspp_compact --out "$OUT/student" \
    --data "$OUT/data/segment" --epochs 2 --device "$DEVICE"
# one process per GPU (one GPU here: nccl with one rank; gloo on the CPU)
step torchrun_classify "${TORCHRUN[@]}" --nproc-per-node=1 -m visionlab train classify "$OUT/data/classify" --backbone efficientnet_lite0 --out "$OUT/cls_ddp" \
    --mode full --epochs 2 --device "$DEVICE" --quiet
step torchrun_segment "${TORCHRUN[@]}" --nproc-per-node=1 -m visionlab train segment "$OUT/data/segment" --out "$OUT/seg_ddp" \
    --epochs 2 --img-size 128 128 --device "$DEVICE" --quiet
# the main job, every stage (the lab picks the GPU when there is one); LAB=0 leaves it out (it takes 6-15 min on 2 CPU cores)
if [ "${LAB:-1}" != 0 ]; then
    step lab "${VL[@]}" lab game_world --out "$OUT/lab"
    tail -n 25 "$OUT/lab.log"
fi
echo "steps failed: $failed"
exit "$failed"
