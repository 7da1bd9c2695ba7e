#!/usr/bin/env bash
# Code checks: ruff (rules in pyproject.toml) and mypy on the package. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
echo "ruff:" && .venv/bin/ruff check visionlab tests benchmarks
echo "mypy:" && .venv/bin/mypy
