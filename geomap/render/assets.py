"""Offline assets: Leaflet inlined from the installed XStatic-Leaflet package."""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

from ..exc import RenderError

__all__ = ["leaflet_js", "leaflet_css", "inline_assets", "INLINE_PREFIX"]

INLINE_PREFIX = "geomap-inline:"


def _leaflet_dir() -> Path:
    try:
        import xstatic.pkg.leaflet as xl
    except ImportError as err:  # pragma: no cover - declared dependency
        raise RenderError("XStatic-Leaflet is not installed: pip install xstatic-leaflet") from err
    return Path(xl.BASE_DIR)


@lru_cache(maxsize=1)
def leaflet_js() -> str:
    text = (_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)


@lru_cache(maxsize=1)
def leaflet_css() -> str:
    folder = _leaflet_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(m: re.Match[str]) -> str:
        path = folder / m.group(1)
        if not path.exists():
            raise RenderError(f"{path}: Leaflet image missing from the installed package")
        return "url(data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii") + ")"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)


_ASSETS = {"leaflet.js": leaflet_js, "leaflet.css": leaflet_css}


def inline_assets(html: str) -> str:
    """Replace the map's asset links with inline copies; fail if any remote asset is left."""
    def script(m: re.Match[str]) -> str:
        return "<script>" + _ASSETS[m.group(1)]().replace("</script", "<\\/script") + "</script>"

    def style(m: re.Match[str]) -> str:
        return "<style>" + _ASSETS[m.group(1)]() + "</style>"

    html = re.sub(rf'<script src="{INLINE_PREFIX}([\w.]+)"></script>', script, html)
    html = re.sub(rf'<link rel="stylesheet" href="{INLINE_PREFIX}([\w.]+)"\s*/>', style, html)
    remote = re.search(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//[^"]+"', html)
    if remote:
        raise RenderError(f"the map still links a remote asset: {remote.group(0)[:120]}")
    return html
