"""The geomap error hierarchy: every error geomap raises on purpose derives from GeomapError."""

__all__ = [
    "GeomapError",
    "ConfigurationError",
    "InputError",
    "GazetteerError",
    "GeocodingError",
    "RecordsError",
    "RenderError",
]


class GeomapError(Exception):
    """Root of geomap's errors; the CLI turns it into a one-line message and exit status 1."""


class ConfigurationError(GeomapError, ValueError):
    """Bad settings or arguments."""


class InputError(GeomapError, OSError):
    """An article or records file that cannot be read or parsed."""


class GazetteerError(GeomapError, OSError):
    """The gazetteer data is missing, corrupt or of the wrong version."""


class GeocodingError(GeomapError):
    """An online geocoder failed for a whole batch (raised from the geopy error)."""


class RecordsError(GeomapError, ValueError):
    """Records that are inconsistent: missing fields, unknown places, bad coordinates."""


class RenderError(GeomapError):
    """A map or export could not be produced (e.g. an asset that cannot be inlined)."""
