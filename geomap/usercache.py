"""Files geomap derives once from installed data and keeps in the user's cache folder.

The folder is ``$GEOMAP_CACHE_DIR``, else the platform's user cache folder (XDG on Linux).
Each file is named ``<stem>-<key>.<suffix>``, where the key names the versions it was derived
from; a file of another key is stale and removed when a new one is written.
"""

from __future__ import annotations

import logging
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable, TypeVar

__all__ = ["cache_dir", "load_or_build", "package_version"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def cache_dir() -> Path:
    """geomap's cache folder: $GEOMAP_CACHE_DIR, else the platform's user cache folder."""
    env = os.environ.get("GEOMAP_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("geomap", appauthor=False))


def package_version(dist: str) -> str:
    """The installed version of a distribution, for cache keys ("0" when not installed)."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "0"


def load_or_build(stem: str, key: str, suffix: str, build: Callable[[], T],
                  dump: Callable[[T], bytes], load: Callable[[bytes], T]) -> T:
    """The value cached as ``<stem>-<key>.<suffix>``, or ``build()`` written there first.

    A file that cannot be read or decoded is rebuilt, never trusted; a cache folder that cannot
    be written only costs the build next time.
    """
    folder = cache_dir()
    path = folder / f"{stem}-{key}.{suffix}"
    if path.exists():
        try:
            return load(path.read_bytes())
        except Exception as err:  # a truncated or corrupt file is rebuilt
            log.warning("%s: corrupt cache file (%s), rebuilding", path, err)
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{stem}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(dump(value))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for stale in folder.glob(f"{stem}-*.{suffix}"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as err:
        log.warning("%s: cannot write the cache (%s); it will be built again", folder, err)
    return value
