#!/usr/bin/env bash
# The main job on the embedded offline default: game world -> classifier -> Grad-CAM -> segmenter -> pretrained-vs-scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
exec .venv/bin/visionlab demo "${1:-runs/demo}" "${@:2}"
