"""geomap: maps of foreign defense suppliers' footprint, read from news articles, offline."""

from importlib import metadata as _metadata

from .exc import (ConfigurationError, GazetteerError, GeocodingError, GeomapError, InputError,
                  RecordsError, RenderError)
from .geocode import get_geocoder
from .geocode.gazetteer import GeoNamesGazetteer
from .geoparse import Geoparser
from .ingest import read_articles
from .model import Article, Evidence, Facility, Relationship, Toponym
from .pipeline import build, extract_records

try:
    __version__ = _metadata.version("geomap")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"


def build_map(*args, **kwargs):
    """Build the footprint ``folium.Map`` for records (see :func:`geomap.render.build_map`)."""
    from .render.interactive import build_map as _build_map

    return _build_map(*args, **kwargs)


__all__ = [
    "Article", "Evidence", "Facility", "Relationship", "Toponym",
    "GeoNamesGazetteer", "Geoparser", "get_geocoder", "read_articles", "extract_records", "build",
    "build_map", "GeomapError", "ConfigurationError", "InputError", "GazetteerError",
    "GeocodingError", "RecordsError", "RenderError", "__version__",
]
