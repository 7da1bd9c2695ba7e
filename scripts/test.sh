#!/usr/bin/env bash
# Install (if needed) and run the whole offline test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
exec .venv/bin/python -m pytest -q "$@"
