"""A project file (``geomap.toml``) that makes a recurring briefing one command.

Example::

    title = "Russia and South Korea in Peru"
    inputs = ["articles/"]            # relative to this file
    out = "briefing/"
    outputs = ["html", "geojson", "png", "pdf", "gpkg", "kml", "csv"]
    region = "South America"          # or bbox = [-82, -56, -34, 13]
    size = "slide"                    # slide, a4, a4-landscape
    dpi = 300
    # tiles = "OpenStreetMap.Mapnik"

    [filters]
    supplier = ["RU", "KR"]
    recipient = ["PE"]
    kind = ["maintenance", "industrial"]
    since = 2008
    until = 2025
    include_speculative = false

Values are returned under the command-line option names; options given on the command line
win over the file.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Callable

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from .exc import ConfigurationError

__all__ = ["PROJECT_FILE", "find_project", "load_project"]

PROJECT_FILE = "geomap.toml"


def find_project(folder: Path | None = None) -> Path | None:
    """``geomap.toml`` in ``folder`` (default: the current folder), if there is one."""
    path = (folder or Path.cwd()) / PROJECT_FILE
    return path if path.is_file() else None


class _Reader:
    """Checks one value of the file; errors name the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str):
        raise ConfigurationError(f"{self.path}: key '{key}' {problem}")

    def text(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"must be a non-empty string, not {value!r}")
        return value

    def integer(self, key: str, value: Any, lo: int, hi: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.fail(key, f"must be a whole number from {lo} to {hi}, not {value!r}")
        return value

    def flag(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {value!r}")
        return value

    def texts(self, key: str, value: Any) -> list[str]:
        """A list of strings, or one comma-separated string."""
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
            self.fail(key, f"must be a list of strings, not {value!r}")
        return items

    def path_value(self, key: str, value: Any) -> Path:
        return self.path.parent / self.text(key, value)

    def paths(self, key: str, value: Any) -> list[Path]:
        return [self.path.parent / v for v in self.texts(key, value)]

    def bbox(self, key: str, value: Any) -> str:
        if isinstance(value, str):
            return value
        if not isinstance(value, list) or len(value) != 4 or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
            self.fail(key, f"must be four numbers [W, S, E, N], not {value!r}")
        return ",".join(f"{x:g}" for x in value)


# key in the file -> (option name, reader)
_TOP: dict[str, tuple[str, Callable]] = {
    "inputs": ("inputs", _Reader.paths),
    "out": ("out", _Reader.path_value),
    "title": ("title", _Reader.text),
    "tiles": ("tiles", _Reader.text),
    "region": ("region", _Reader.text),
    "bbox": ("bbox", _Reader.bbox),
    "size": ("size", _Reader.text),
    "dpi": ("dpi", lambda r, k, v: r.integer(k, v, 50, 1200)),
    "outputs": ("formats", _Reader.texts),
    "embed_src": ("embed_src", _Reader.text),
}
_FILTERS: dict[str, tuple[str, Callable]] = {
    "supplier": ("supplier", _Reader.texts),
    "recipient": ("recipient", _Reader.texts),
    "kind": ("kind", _Reader.texts),
    "since": ("since", lambda r, k, v: r.integer(k, v, 1000, 9999)),
    "until": ("until", lambda r, k, v: r.integer(k, v, 1000, 9999)),
    "include_speculative": ("include_speculative", _Reader.flag),
}


def _unknown(path: Path, key: str, known) -> ConfigurationError:
    close = difflib.get_close_matches(key.split(".")[-1], list(known), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
    return ConfigurationError(f"{path}: unknown key '{key}': {hint}")


def load_project(path: Path) -> dict[str, Any]:
    """The settings of a project file, under the command-line option names."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigurationError(f"{path}: cannot read project file ({err.strerror or err})") from err
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path}: project file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigurationError(f"{path}: not valid TOML ({err})") from None
    reader = _Reader(path)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "filters":
            if not isinstance(value, dict):
                reader.fail(key, "must be a table ([filters])")
            for sub, subvalue in value.items():
                if sub not in _FILTERS:
                    raise _unknown(path, f"filters.{sub}", _FILTERS)
                name, read = _FILTERS[sub]
                out[name] = read(reader, f"filters.{sub}", subvalue)
        elif key in _TOP:
            name, read = _TOP[key]
            out[name] = read(reader, key, value)
        else:
            raise _unknown(path, key, [*_TOP, "filters"])
    return out
