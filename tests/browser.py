"""Headless Chromium for the tests that look at the HTML as a reader's browser shows it.

Debian's chromium is driven by playwright (no browser download). Tests that use it are
skipped, with the reason, where chromium or playwright is missing; `.ci/run` installs both.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without the background-networking flags Chromium keeps trying the closed network.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or sync_playwright is None,
    reason="Chromium eller playwright saknas; installera Debians chromium och requirements-dev.txt, som .ci/run gör")


@contextmanager
def chromium():
    """A headless Chromium browser, closed on exit."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as loaded, each with its id and the offending nodes."""
    from axe_playwright_python.sync_playwright import Axe
    return Axe().run(page).response["violations"]
