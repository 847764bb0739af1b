"""Every output format of geomap, rendered by one function (in memory, or the HTML page as a
writer that streams it into its file).

Drawn formats (``html``, ``embed``, ``png``, ``svg``, ``pdf``, ``kml``) leave speculative records
out unless ``include_speculative``; data formats (``geojson``, ``gpkg``, ``csv``) keep them,
flagged, as the output contract says.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Iterable

from ..exc import ConfigurationError
from ..geocode.gazetteer import GeoNamesGazetteer, get_gazetteer
from ..records import Records
from .extent import Extent, parse_bbox, region_extent
from ..render.style import DEFAULT_TITLE
from .static import SIZES, STATIC_FORMATS, StaticOptions

if TYPE_CHECKING:  # the writers' module is imported only when something is written
    from ..output import Writer

__all__ = ["FORMATS", "DEFAULT_TITLE", "ExportSettings", "parse_formats", "render_files", "file_names",
           "Extent", "parse_bbox", "region_extent", "SIZES"]

log = logging.getLogger(__name__)

FORMATS = ("html", "geojson", "png", "svg", "pdf", "gpkg", "kml", "csv", "embed")
_TABLES = ("places", "facilities", "relationships")


@dataclass(frozen=True)
class ExportSettings:
    """How outputs look: title, tiles (HTML), extent and page size (static maps), ...."""

    title: str = DEFAULT_TITLE
    tiles: str | None = None
    include_speculative: bool = False
    size: str = "slide"
    dpi: int = 300
    extent: Extent | None = None  # static maps: None fits the records
    subtitle: str = ""  # static maps: e.g. the filters in words
    embed_src: str | None = None  # embed: load the map from this address instead of carrying it
    stem: str = "footprint"  # file name of single-file formats, without the suffix


def parse_formats(values: Iterable[str] | str | None) -> tuple[str, ...]:
    """Formats from "png,pdf" or a list of such strings; a one-line error for unknown ones."""
    if values is None:
        return ()
    items = [values] if isinstance(values, str) else list(values)
    out = []
    for part in (p.strip().lower().lstrip(".") for item in items for p in str(item).split(",")):
        if not part:
            continue
        part = {"geopackage": "gpkg", "htm": "html", "json": "geojson"}.get(part, part)
        if part not in FORMATS:
            raise ConfigurationError(f"unknown format {part!r}: use one of {', '.join(FORMATS)}")
        if part not in out:
            out.append(part)
    return tuple(out)


def file_names(fmt: str, stem: str = "footprint") -> list[str]:
    """The files a format writes."""
    if fmt == "geojson":
        return [f"{t}.geojson" for t in _TABLES]
    if fmt == "csv":
        return [f"{t}.csv" for t in _TABLES]
    if fmt == "embed":
        return [f"{stem}.embed.html"]
    return [f"{stem}.{fmt}"]


def render_files(records: Records, formats: Iterable[str], settings: ExportSettings = ExportSettings(),
                 gazetteer: GeoNamesGazetteer | None = None, *, streamed: bool = False) -> dict[str, str | bytes | Writer]:
    """Render the formats: file name -> text or bytes, in memory. With ``streamed``, the HTML
    page and the GeoJSON files are instead writers (see :func:`geomap.output.write_outputs`)
    that stream the records into their files, so that the outputs of a big corpus are never
    whole in memory."""
    gaz = gazetteer or get_gazetteer()
    files: dict[str, str | bytes | Writer] = {}
    drawn = page = None

    def html_map():
        nonlocal drawn
        if drawn is None:
            from ..render.interactive import build_map

            drawn = build_map(records, title=settings.title, tiles=settings.tiles,
                              include_speculative=settings.include_speculative, gazetteer=gaz)
        return drawn

    def html_page() -> str:
        nonlocal page
        if page is None:
            from ..render.interactive import render_html

            page = render_html(html_map())
        return page

    for fmt in formats:
        log.info("rendering %s", fmt)
        if fmt == "html" and streamed:
            from ..render.interactive import write_html

            files[f"{settings.stem}.html"] = partial(write_html, html_map())
        elif fmt == "html":
            files[f"{settings.stem}.html"] = html_page()
        elif fmt == "embed":
            from .embed import embed_snippet

            files[f"{settings.stem}.embed.html"] = embed_snippet(
                None if settings.embed_src else html_page(), title=settings.title, src=settings.embed_src)
        elif fmt == "geojson" and streamed:
            from ..output import geojson_writers

            files.update(geojson_writers(records, gaz))
        elif fmt == "geojson":
            from ..output import dumps, to_geojson

            files.update({name: dumps(fc) for name, fc in to_geojson(records, gaz).items()})
        elif fmt in STATIC_FORMATS:
            from .static import render_static

            files[f"{settings.stem}.{fmt}"] = render_static(records, fmt, StaticOptions(
                title=settings.title, size=settings.size, dpi=settings.dpi, extent=settings.extent,
                subtitle=settings.subtitle, include_speculative=settings.include_speculative), gaz)
        elif fmt == "gpkg":
            from .tables import to_geopackage

            files[f"{settings.stem}.gpkg"] = to_geopackage(records, gaz)
        elif fmt == "kml":
            from .kml import to_kml

            files[f"{settings.stem}.kml"] = to_kml(records, title=settings.title,
                                                   include_speculative=settings.include_speculative, gazetteer=gaz)
        elif fmt == "csv":
            from .tables import to_csv

            files.update(to_csv(records, gaz))
        else:
            raise ConfigurationError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return files
