#!/usr/bin/env bash
# Install (if needed) and run the whole offline test suite, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
bash scripts/install_chromium.sh
# Two workers by default (VISIONLAB_TEST_WORKERS=0 runs in one process); a module stays on one worker, so its
# module-scoped fixtures are built once.
exec .venv/bin/python -m pytest -q -n "${VISIONLAB_TEST_WORKERS:-2}" --dist loadfile "$@"
