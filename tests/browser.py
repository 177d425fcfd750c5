"""Real Chromium (Debian's package) driven by Playwright."""

import contextlib
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

# Page tests save what they saw here, to be looked at.
SCREENSHOTS = Path(os.environ.get("BT_SCREENSHOTS", "/tmp/bt-screenshots"))
SCREENSHOTS.mkdir(parents=True, exist_ok=True)

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
