"""Load the data files shipped in ``geomap/data`` (and users' own extensions of them)."""

from __future__ import annotations

import csv
import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .exc import GazetteerError, GeomapError

__all__ = ["data_path", "read_tsv", "read_json", "read_json_file", "read_user_text", "parse_json", "data_fingerprint"]


def data_path(name: str) -> Path:
    """Path of a file in the package's data folder."""
    return Path(str(resources.files("geomap") / "data" / name))


def read_tsv(name: str | Path, columns: int | None = None) -> list[list[str]]:
    """Rows of a tab-separated data file, skipping blank lines and ``#`` comments.

    A name without a folder is looked up in the package's data folder.
    """
    path = Path(name) if isinstance(name, Path) or "/" in str(name) else data_path(name)
    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = []
            for lineno, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
                if not row or not "".join(row).strip() or row[0].startswith("#"):
                    continue
                if columns is not None and len(row) < columns:
                    row = row + [""] * (columns - len(row))
                rows.append([c.strip() for c in row])
            return rows
    except OSError as err:
        raise GazetteerError(f"{path}: cannot read data file ({err.strerror or err})") from err


@lru_cache(maxsize=None)
def read_json(name: str):
    """Parsed JSON data file from the package's data folder."""
    path = data_path(name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise GazetteerError(f"{path}: cannot read data file ({err})") from err


def data_fingerprint(names: list[str]) -> str:
    """A short hash of the named data files' contents, to version compiled caches."""
    h = hashlib.sha256()
    for name in sorted(names):
        path = data_path(name)
        h.update(name.encode())
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def read_user_text(path: Path, error: type[GeomapError], what: str = "file") -> str:
    """The text of a user's UTF-8 file (a byte-order mark is dropped); a failure to read or
    decode it is one ``error`` naming the file and ``what`` it should be."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise error(f"{path}: cannot read {what} ({err.strerror or err})") from err
    except UnicodeDecodeError as err:
        raise error(f"{path}: {what} is not UTF-8 text ({err.reason} at byte {err.start})") from err


def read_json_file(path: Path, error: type[GeomapError]) -> object:
    """A user's JSON file; any failure to read or parse it is one ``error`` naming the file."""
    return parse_json(read_user_text(path, error, "JSON file"), str(path), "JSON", error)


def parse_json(text: str, where: str, what: str, error: type[GeomapError]) -> object:
    """``text`` parsed as JSON; malformed, too deeply nested or unreadable JSON is one ``error``
    naming ``where`` (a file, or a file and line) and ``what`` it should hold."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise error(f"{where}: malformed {what} ({err.msg} at line {err.lineno} column {err.colno})") from err
    except RecursionError as err:
        raise error(f"{where}: {what} nested too deeply") from err
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        raise error(f"{where}: unreadable {what} ({err})") from err
