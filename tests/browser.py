"""Debian's chromium for the browser tests (report and app): where it is, how it starts, when to skip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags chromium tries to reach Google's hosts at every start.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_or_skip() -> None:
    """Skip only on a developer's machine without chromium; in CI (``CI`` set, as ``.ci/run`` does) a missing browser fails."""
    if os.environ.get("CI"):
        import playwright.sync_api  # noqa: F401  (CI installs the dev extra: a missing playwright is an error there)

        if not CHROMIUM.is_file():
            pytest.fail(f"{CHROMIUM} is missing: CI runs the browser tests, and scripts/install_chromium.sh could not install Debian's chromium "
                        "(see /tmp/install_chromium.log)")
        return
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")
    if CHROMIUM.is_file():
        return
    pytest.skip(f"{CHROMIUM} is missing and cannot be installed here (Debian's chromium: apt-get install chromium)")
