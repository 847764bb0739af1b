"""Drive a page in Debian's headless Chromium through Playwright, with the network blocked."""

from __future__ import annotations

import shutil
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is required for the browser tests: run `make browser`")
    return path


@contextmanager
def open_page(html_file: Path, *, width: int = 1280, height: int = 800):
    """Yield (page, log) for a local HTML file; log collects console errors and every request."""
    from playwright.sync_api import sync_playwright

    log = {"errors": [], "requests": [], "failed": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                          else (log["failed"].append(route.request.url), route.abort())[-1])
            page = context.new_page()
            page.on("console", lambda msg: log["errors"].append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: log["errors"].append(str(exc)))
            page.on("request", lambda req: log["requests"].append(req.url))
            page.goto(html_file.resolve().as_uri(), wait_until="load")
            wait_until(page, "window.geomap !== undefined")
            yield page, log
        finally:
            browser.close()


def wait_until(page, expression: str, arg=None, *, timeout: float = 15000):
    """Poll a JavaScript expression or function in the page until it is truthy; return its value.

    Playwright's own ``wait_for_function`` evaluates its predicate with ``eval`` inside the page,
    which the map's Content-Security-Policy forbids once the first check has failed; ``evaluate``
    goes through the debugging protocol, which the policy does not govern.
    """
    from playwright.sync_api import Error

    function = expression if expression.lstrip().startswith(("(", "function", "async")) else f"() => ({expression})"
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            value = page.evaluate(function, arg)
        except Error as exc:  # a navigation replaced the page's context: check again in the new one
            if "context was destroyed" not in str(exc):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} ms for {expression!r}")
        time.sleep(0.05)
