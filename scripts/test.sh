#!/usr/bin/env bash
# Install (if needed) and run the whole offline test suite, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
bash scripts/install_chromium.sh
exec .venv/bin/python -m pytest -q "$@"
