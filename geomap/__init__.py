"""geomap: maps of foreign defense suppliers' footprint, read from news articles, offline.

The public names are imported on first use, so that ``geomap --help`` and the modules that need
only part of the package start quickly.
"""

from importlib import import_module as _import_module
from importlib import metadata as _metadata

from .exc import (ConfigurationError, GazetteerError, GeocodingError, GeomapError, InputError,
                  RecordsError, RenderError)

try:
    __version__ = _metadata.version("geomap")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

_LAZY = {
    "Article": ".model", "Evidence": ".model", "Facility": ".model", "Relationship": ".model",
    "Toponym": ".model", "get_geocoder": ".geocode", "GeoNamesGazetteer": ".geocode.gazetteer",
    "Geoparser": ".geoparse", "read_articles": ".ingest", "build": ".pipeline",
    "extract_records": ".pipeline", "build_map": ".render.interactive",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(_import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Article", "Evidence", "Facility", "Relationship", "Toponym",
    "GeoNamesGazetteer", "Geoparser", "get_geocoder", "read_articles", "extract_records", "build",
    "build_map", "GeomapError", "ConfigurationError", "InputError", "GazetteerError",
    "GeocodingError", "RecordsError", "RenderError", "__version__",
]
