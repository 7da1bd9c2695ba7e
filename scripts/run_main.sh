#!/usr/bin/env bash
# The main job on the embedded offline default: the whole lab (game world -> classifier -> Grad-CAM ->
# segmenter -> experiment -> compare -> pipeline -> walkmaps -> distillation) and its report.
# Usage: bash scripts/run_main.sh [LAB_FOLDER] [visionlab lab options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
exec .venv/bin/visionlab lab game_world --out "${1:-runs/demo}" "${@:2}"
