"""Drive a page in Debian's headless Chromium through Playwright, with the network blocked."""

from __future__ import annotations

import shutil
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
            page.wait_for_function("window.geomap !== undefined", timeout=15000)
            yield page, log
        finally:
            browser.close()
