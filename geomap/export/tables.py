"""Records as flat tables: GeoPackage layers (QGIS) and CSV files (spreadsheets).

One row per place, facility or relationship, with the output contract's fields; lists and
evidence are JSON text (GeoPackage) or "; "-joined text and JSON (CSV).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from typing import Callable

from ..exc import RenderError
from ..geocode.gazetteer import GeoNamesGazetteer, get_gazetteer
from ..records import Records, evidence_dicts
from ..serialize import compact_json

__all__ = ["record_tables", "to_csv", "to_geopackage", "LAYERS"]

LAYERS = ("places", "facilities", "relationships")
GEOMETRY_TYPES = {"places": "Point", "facilities": "Point", "relationships": "LineString"}
# GeoPackage stores a "last change" time per layer; GDAL takes it from this setting instead of
# the clock, so the same records give the same file.
FIXED_TIMESTAMP = "2000-01-01T00:00:00.000Z"


def record_tables(records: Records, list_text: Callable[[list[str]], str] = compact_json,
                  gazetteer: GeoNamesGazetteer | None = None) -> dict[str, list[dict]]:
    """Rows per layer; each row's ``geometry`` is a shapely geometry or None."""
    from shapely.geometry import LineString, Point

    gaz = gazetteer or get_gazetteer()
    places = [{
        "id": p.id, "name": p.name, "kind": p.kind, "country": p.country, "precision": p.precision,
        "gazetteer_id": p.gazetteer_id, "n_mentions": len(p.mentions),
        "mentions": compact_json(sorted(p.mentions, key=lambda m: (m["article"], m["start"]))),
        "lon": p.lon, "lat": p.lat, "geometry": Point(p.lon, p.lat),
    } for p in records.places]
    facilities = [{
        "id": f.id, "name": f.name, "kind": f.kind, "relationship_kind": f.relationship_kind,
        "supplier": f.supplier, "host": f.host, "operators": list_text(f.operators),
        "equipment": list_text(f.equipment), "status": f.status, "year": f.year, "precision": f.precision,
        "place_id": f.place_id, "speculative": f.speculative, "curated": f.curated, "n_reports": len(f.evidence),
        "evidence": compact_json(evidence_dicts(f.evidence)), "lon": f.lon, "lat": f.lat,
        "geometry": Point(f.lon, f.lat) if f.lat is not None and f.lon is not None else None,
    } for f in records.facilities]
    relationships = []
    for r in records.relationships:
        arc = records.link_arc(r, gaz)
        relationships.append({
            "id": r.id, "supplier": r.supplier, "recipient": r.recipient, "kind": r.kind, "status": r.status,
            "year": r.year, "equipment": list_text(r.equipment), "organizations": list_text(r.organizations),
            "facility_id": r.facility_id, "speculative": r.speculative, "curated": r.curated,
            "n_reports": len(r.evidence), "evidence": compact_json(evidence_dicts(r.evidence)),
            "geometry": LineString([(lon, lat) for lat, lon in arc]) if arc else None,
        })
    return {"places": places, "facilities": facilities, "relationships": relationships}


def _cell(value) -> object:
    """A CSV cell; text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(records: Records, gazetteer: GeoNamesGazetteer | None = None) -> dict[str, str]:
    """``places.csv``, ``facilities.csv`` and ``relationships.csv`` as text (UTF-8 with a byte
    order mark, so that spreadsheets read accents right; RFC 4180 line ends)."""
    out = {}
    for layer, rows in record_tables(records, "; ".join, gazetteer).items():
        buf = io.StringIO()
        columns = [c for c in _columns(layer) if c != "geometry"]
        writer = csv.writer(buf)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row[c]) for c in columns])
        out[f"{layer}.csv"] = "\ufeff" + buf.getvalue()
    return out


def _columns(layer: str) -> list[str]:
    """The column order of a layer (the same whether or not it has rows)."""
    common = {"places": ["id", "name", "kind", "country", "precision", "gazetteer_id", "n_mentions", "mentions",
                         "lon", "lat"],
              "facilities": ["id", "name", "kind", "relationship_kind", "supplier", "host", "operators", "equipment",
                             "status", "year", "precision", "place_id", "speculative", "curated", "n_reports",
                             "evidence", "lon", "lat"],
              "relationships": ["id", "supplier", "recipient", "kind", "status", "year", "equipment",
                                "organizations", "facility_id", "speculative", "curated", "n_reports", "evidence"]}
    return common[layer] + ["geometry"]


def to_geopackage(records: Records, gazetteer: GeoNamesGazetteer | None = None) -> bytes:
    """The three layers in one GeoPackage (EPSG:4326), as the bytes of the file."""
    import geopandas
    import pandas
    import pyogrio

    tables = record_tables(records, gazetteer=gazetteer)
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIMESTAMP})
    try:
        with tempfile.TemporaryDirectory(prefix="geomap-gpkg-") as folder:
            path = os.path.join(folder, "footprint.gpkg")
            for layer in LAYERS:
                frame = pandas.DataFrame(tables[layer], columns=_columns(layer))
                if "year" in frame:
                    frame["year"] = frame["year"].astype("Int64")
                gdf = geopandas.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
                gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio",
                            geometry_type=GEOMETRY_TYPES[layer], mode="a" if layer != LAYERS[0] else "w")
            with open(path, "rb") as f:
                return f.read()
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        raise RenderError(f"cannot build the GeoPackage ({err})") from err
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
