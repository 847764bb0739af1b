"""Geocoders: the offline GeoNames gazetteer (default) or any online geopy service."""

from __future__ import annotations

from ..exc import ConfigurationError
from .gazetteer import GeoNamesGazetteer, get_gazetteer

__all__ = ["get_geocoder", "GeoNamesGazetteer"]

USER_AGENT = "geomap (offline-first defense footprint mapper)"


def get_geocoder(name: str = "geonames", **options):
    """A geocoder by name: ``"geonames"`` (offline, the default) or a geopy service name.

    Online services are wrapped in geopy's RateLimiter (one request a second for Nominatim)
    and fail loudly instead of returning None on errors. They need the network: geomap never
    uses one unless asked.
    """
    if name in ("geonames", "offline"):
        return get_gazetteer()
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import get_geocoder_for_service

    try:
        cls = get_geocoder_for_service(name)
    except Exception as err:
        raise ConfigurationError(f"unknown geocoder {name!r}: use 'geonames' or a geopy service name") from err
    options.setdefault("user_agent", USER_AGENT)
    options.setdefault("timeout", 10)
    geocoder = cls(**options)
    delay = 1.0 if name == "nominatim" else 0.0
    return RateLimiter(geocoder.geocode, min_delay_seconds=delay, swallow_exceptions=False)
