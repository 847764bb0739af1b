"""Re-take the README's screenshot of the seed map in Debian's headless Chromium.

    make screenshot        # builds output/ first, then writes docs/seed-map.png

The page is opened from the file with the network blocked, as the browser tests do, and
captured once it has drawn (``window.geomap.ready``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import open_page  # noqa: E402  (the tests' driver: network blocked, console errors logged)


def main(html: str = "output/footprint.html", png: str = "docs/seed-map.png") -> None:
    with open_page(ROOT / html, width=1400, height=850) as (page, log):
        page.wait_for_function("window.geomap.ready", timeout=15000)
        page.wait_for_timeout(500)  # the legend and the sources list settle
        if log["errors"] or log["failed"]:
            raise SystemExit(f"{html}: the page reported {log['errors'] + log['failed']}")
        page.screenshot(path=str(ROOT / png))
    print(f"wrote {png}")


if __name__ == "__main__":
    main(*sys.argv[1:])
