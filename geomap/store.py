"""The records store: a GeoPackage file (embedded, opens in QGIS) or a PostGIS database for a team.

``geomap build --store TARGET`` writes the records of the build into TARGET, replacing what
it held, and ``geomap render --store TARGET`` draws the map and GeoJSON files from the
records TARGET holds; they are byte-identical to the build's. TARGET is a ``postgresql://``
URL or else the path of a GeoPackage.

Every list of records (articles, places, facilities, relationships) is one layer (table)
named after it, with a column per dataclass field: text, integer, real and boolean fields as
such, lists and nested records as JSON text, plus an ``ord`` column keeping the records'
order. Places and facilities have Point geometries, relationships their great-circle
LineString, all in EPSG:4326; the articles table has no geometry.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tempfile
import types
import typing
from pathlib import Path

from .exc import ConfigurationError, GeomapError, RecordsError
from .records import Records
from .serialize import SerializationError, from_jsonable, to_jsonable, type_hints

__all__ = ["write_store", "read_store", "is_postgres_url"]

_SQL_TYPES = {str: "text", int: "bigint", float: "double precision", bool: "boolean"}


# ------------------------------------------------------------------ layers, generically
def _layers() -> list[tuple[str, type]]:
    """(layer name, record class) for every list-of-records field of Records."""
    out = []
    for f in dataclasses.fields(Records):
        tp = type_hints(Records)[f.name]
        (item,) = typing.get_args(tp) if typing.get_origin(tp) is list else (None,)
        if item is None or not dataclasses.is_dataclass(item):
            raise RecordsError(f"Records.{f.name}: the store keeps lists of records only")
        out.append((f.name, item))
    return out


def _scalar_type(tp) -> type | None:
    """The column type of a field whose values are one scalar type or None, else None (JSON)."""
    union = typing.get_origin(tp) in (typing.Union, types.UnionType)
    args = [a for a in typing.get_args(tp) if a is not type(None)] if union else [tp]
    return args[0] if len(args) == 1 and args[0] in _SQL_TYPES else None


def _columns(cls: type) -> list[tuple[str, type | None, object]]:
    """(name, scalar type or None for JSON, type hint) of each field of ``cls``."""
    hints = type_hints(cls)
    return [(f.name, _scalar_type(hints[f.name]), hints[f.name]) for f in dataclasses.fields(cls)]


def _row(obj, columns) -> list:
    out = []
    for name, scalar, _hint in columns:
        value = getattr(obj, name)
        out.append(value if scalar is not None else json.dumps(to_jsonable(value), ensure_ascii=False))
    return out


def _record(cls: type, columns, values) -> object:
    data = {}
    for (name, scalar, hint), value in zip(columns, values):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            data[name] = None
        elif scalar is None:
            data[name] = json.loads(value) if isinstance(value, str) else value
        else:
            data[name] = scalar(value)
    try:
        return from_jsonable(cls, data)
    except SerializationError as err:
        raise RecordsError(f"stored {cls.__name__} does not fit: {err}") from err


def _geometry_type(name: str, cls: type) -> str | None:
    """LineString for relationships, Point for records with lat/lon, None for the others."""
    if name == "relationships":
        return "LineString"
    return "Point" if {"lat", "lon"} <= {f.name for f in dataclasses.fields(cls)} else None


def _shapes(name: str, cls: type, items: list, records: Records) -> list:
    """Each record's geometry (None where it has no position, or its layer has no geometry)."""
    import shapely

    kind = _geometry_type(name, cls)
    if kind == "LineString":
        from .geocode.gazetteer import get_gazetteer

        gaz = get_gazetteer()
        arcs = [records.link_arc(r, gaz) for r in items]
        return [shapely.LineString([(lon, lat) for lat, lon in a]) if a else None for a in arcs]
    if kind == "Point":
        return [shapely.Point(x.lon, x.lat) if x.lat is not None else None for x in items]
    return [None] * len(items)


# ------------------------------------------------------------------ entry points
def is_postgres_url(target: str | Path) -> bool:
    """True for a postgresql:// (or postgres://) URL, false for a GeoPackage path."""
    return str(target).startswith(("postgresql://", "postgres://"))


def write_store(records: Records, target: str | Path) -> None:
    """Write ``records`` into the GeoPackage or PostGIS database ``target``, replacing its records."""
    if is_postgres_url(target):
        _write_postgis(records, str(target))
    else:
        _write_geopackage(records, Path(target))


def read_store(target: str | Path) -> Records:
    """The records held by the GeoPackage or PostGIS database ``target``."""
    if is_postgres_url(target):
        return _read_postgis(str(target))
    return _read_geopackage(Path(target))


# ------------------------------------------------------------------ GeoPackage
def _write_geopackage(records: Records, path: Path) -> None:
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    if path.suffix.lower() != ".gpkg":
        raise ConfigurationError(f"{path}: a store is a .gpkg file or a postgresql:// URL")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".gpkg")
        os.close(fd)
        os.unlink(tmp)  # GDAL creates the file itself
    except OSError as err:
        raise GeomapError(f"{path}: cannot write the store ({err.strerror or err})") from err
    try:
        for name, cls in _layers():
            items = getattr(records, name)
            columns = _columns(cls)
            frame = pd.DataFrame({"ord": pd.array(range(len(items)), dtype="Int64")})
            for i, (col, scalar, _hint) in enumerate(columns):
                values = [row[i] for row in (_row(x, columns) for x in items)]
                dtype = {int: "Int64", bool: "boolean", float: "float64"}.get(scalar, "object")
                frame[col] = pd.array(values, dtype=dtype) if values else pd.array([], dtype=dtype)
            geometry_type = _geometry_type(name, cls)
            if geometry_type is None:
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
            else:
                shapes = gpd.GeoSeries(_shapes(name, cls, items, records), crs="EPSG:4326")
                pyogrio.write_dataframe(gpd.GeoDataFrame(frame, geometry=shapes), tmp, layer=name,
                                        driver="GPKG", geometry_type=geometry_type)
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)):
            raise GeomapError(f"{path}: cannot write the store ({err})") from err
        raise


def _read_geopackage(path: Path) -> Records:
    import pyogrio

    if not path.is_file():
        raise ConfigurationError(f"{path}: no such records store")
    try:
        present = {row[0] for row in pyogrio.list_layers(path)}
        lists = {}
        for name, cls in _layers():
            if name not in present:
                raise RecordsError(f"{path}: not a geomap records store (no {name} layer)")
            columns = _columns(cls)
            frame = pyogrio.read_dataframe(path, layer=name, read_geometry=False).sort_values("ord")
            missing = [c for c, _s, _h in columns if c not in frame.columns]
            for col in missing:  # a store written before the field existed: its default
                frame[col] = None
            rows = frame[[c for c, _s, _h in columns]].astype(object).itertuples(index=False)
            lists[name] = [_record(cls, columns, row) for row in rows]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        raise RecordsError(f"{path}: cannot read the records store ({err})") from err
    return Records(**lists)


# ------------------------------------------------------------------ PostGIS
def _connect(url: str):
    import psycopg

    try:
        return psycopg.connect(url, connect_timeout=15)
    except psycopg.Error as err:
        raise ConfigurationError(f"{_redacted(url)}: cannot connect to PostgreSQL ({_first_line(err)})") from err


def _redacted(url: str) -> str:
    """The URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


def _table_columns(cur, name: str) -> set[str]:
    """The columns of table ``name`` in the current schema (empty if there is none)."""
    cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND table_schema = current_schema()", (name,))
    return {r[0] for r in cur.fetchall()}


def _write_postgis(records: Records, url: str) -> None:
    import psycopg
    import shapely

    with _connect(url) as conn:
        try:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                for name, cls in _layers():
                    items = getattr(records, name)
                    columns = _columns(cls)
                    geometry_type = _geometry_type(name, cls)
                    shapes = _shapes(name, cls, items, records)
                    defs = ["ord integer PRIMARY KEY"] + [
                        f'"{c}" {_SQL_TYPES[s] if s else "json"}' for c, s, _h in columns]
                    if geometry_type:
                        defs.append(f"geom geometry({geometry_type}, 4326)")
                    present = _table_columns(cur, name)
                    if present and not {"ord", "id"} <= present:
                        raise RecordsError(f"{_redacted(url)}: table {name} exists and is not a geomap records "
                                           "table; use another database or schema")
                    cur.execute(f'DROP TABLE IF EXISTS "{name}"')
                    cur.execute(f'CREATE TABLE "{name}" ({", ".join(defs)})')
                    names = ["ord"] + [f'"{c}"' for c, _s, _h in columns]
                    marks = ["%s"] * len(names)
                    if geometry_type:
                        names.append("geom")
                        marks.append("ST_GeomFromWKB(%s, 4326)")
                    sql = f'INSERT INTO "{name}" ({", ".join(names)}) VALUES ({", ".join(marks)})'
                    rows = []
                    for i, (item, shape) in enumerate(zip(items, shapes)):
                        row = [i] + _row(item, columns)
                        if geometry_type:
                            row.append(shapely.to_wkb(shape) if shape is not None else None)
                        rows.append(row)
                    cur.executemany(sql, rows)
        except psycopg.Error as err:
            raise GeomapError(f"{_redacted(url)}: cannot write the records ({_first_line(err)})") from err


def _read_postgis(url: str) -> Records:
    import psycopg

    lists = {}
    with _connect(url) as conn, conn.cursor() as cur:
        for name, cls in _layers():
            columns = _columns(cls)
            try:
                present = _table_columns(cur, name)
                if not present:
                    raise RecordsError(f"{_redacted(url)}: not a geomap records store (no {name} table)")
                select = ", ".join(f'"{c}"::text' if s is None and c in present else f'"{c}"' if c in present
                                   else "NULL" for c, s, _h in columns)
                cur.execute(f'SELECT {select} FROM "{name}" ORDER BY ord')
                lists[name] = [_record(cls, columns, row) for row in cur.fetchall()]
            except psycopg.Error as err:
                raise RecordsError(f"{_redacted(url)}: cannot read {name} ({_first_line(err)})") from err
    return Records(**lists)
