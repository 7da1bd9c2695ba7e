#!/usr/bin/env bash
# Debian's chromium for the browser tests (tests/test_app.py, tests/test_report.py), which drive it
# through Playwright; Playwright's own browser download needs a network we do not have. Installed
# once, when missing and apt-get is there; otherwise those tests say why they are skipped, except in CI
# (CI set, as .ci/run does), where a browser that cannot be installed fails the run here.
# The main job does not need it: report.html is written by Python and opens in any browser.
set -euo pipefail
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
    as_root=""
    if [ "$(id -u)" -ne 0 ]; then
        as_root="sudo -n"
    fi
    echo "install_chromium: installing Debian's chromium for the browser tests" >&2
    if ! { $as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium; } >/tmp/install_chromium.log 2>&1; then
        echo "install_chromium: could not install chromium (see /tmp/install_chromium.log); the browser tests will be skipped" >&2
    fi
fi
if [ -n "${CI:-}" ] && [ ! -x /usr/bin/chromium ]; then
    echo "install_chromium: CI runs the browser tests and /usr/bin/chromium is missing (apt-get unavailable or failed; see /tmp/install_chromium.log)" >&2
    exit 1
fi
