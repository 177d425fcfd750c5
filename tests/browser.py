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


# Every page a test opens reports Content-Security-Policy violations here.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__btCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.href}`);
});
"""


# Blocked on purpose: Redoc's "by Redocly" logo, which it always asks a CDN for.
MEANT_TO_BE_BLOCKED = ("https://cdn.redoc.ly/",)


class CheckedBrowser:
    """A Chromium browser whose pages record every CSP violation (the page's
    securitypolicyviolation events and console errors naming the policy);
    `chromium()` fails when any was recorded."""

    def __init__(self, browser):
        self._browser = browser
        self.csp_violations: list[str] = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.expose_function("__btCspViolation", self._record)
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", self._console)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self._record(message.text)

    def _record(self, text: str) -> None:
        if not any(blocked in text for blocked in MEANT_TO_BE_BLOCKED):
            self.csp_violations.append(text)


@contextlib.contextmanager
def chromium():
    with sync_playwright() as playwright:
        browser = CheckedBrowser(playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS))
        try:
            yield browser
        finally:
            browser.close()
        assert not browser.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(browser.csp_violations)
