"""Debian's chromium for the browser tests (report and app): where it is, how it starts, when to skip."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags chromium tries to reach Google's hosts at every start.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_or_skip() -> None:
    """Skip only where chromium cannot be present; where setup_env.sh must have installed it (CI as root with apt), fail."""
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")
    if CHROMIUM.is_file():
        return
    if os.environ.get("CI") and shutil.which("apt-get") and os.geteuid() == 0:
        pytest.fail(f"{CHROMIUM} is missing although apt-get is available: scripts/setup_env.sh should have installed Debian's chromium")
    pytest.skip(f"{CHROMIUM} is missing and cannot be installed here (Debian's chromium: apt-get install chromium)")
