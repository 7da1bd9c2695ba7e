#!/usr/bin/env bash
# Create .venv (once) and install visionlab with its pinned dependencies into it.
# Safe to re-run: pip skips what is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"

# The browser tests of `visionlab app` (tests/test_app.py) drive Debian's chromium through
# Playwright; Playwright's own browser download needs a network we do not have. Installed once,
# when missing and apt-get is there; otherwise those tests say why they are skipped.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
    as_root=""
    if [ "$(id -u)" -ne 0 ]; then
        as_root="sudo -n"
    fi
    echo "setup_env: installing Debian's chromium for the browser tests" >&2
    if ! { $as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium; } >/tmp/setup_env_chromium.log 2>&1; then
        echo "setup_env: could not install chromium (see /tmp/setup_env_chromium.log); the browser tests will be skipped" >&2
    fi
fi
