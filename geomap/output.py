"""The output contract: places, facilities and relationships as GeoJSON, written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .exc import GeomapError
from .geocode.gazetteer import GeoNamesGazetteer, get_gazetteer
from .records import Records, evidence_dicts

__all__ = ["to_geojson", "dumps", "write_atomically", "write_outputs", "OUTPUT_FILES"]

OUTPUT_FILES = ("places.geojson", "facilities.geojson", "relationships.geojson", "footprint.html")


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}


def to_geojson(records: Records, gazetteer: GeoNamesGazetteer | None = None) -> dict[str, dict]:
    """The three GeoJSON FeatureCollections of the output contract, keyed by file name."""
    gaz = gazetteer or get_gazetteer()
    places = [{
        "type": "Feature", "id": p.id, "geometry": _point(p.lon, p.lat),
        "properties": {"id": p.id, "name": p.name, "kind": p.kind, "country": p.country,
                       "precision": p.precision, "gazetteer_id": p.gazetteer_id,
                       "mentions": sorted(p.mentions, key=lambda m: (m["article"], m["start"]))},
    } for p in records.places]
    facilities = [{
        "type": "Feature", "id": f.id, "geometry": _point(f.lon, f.lat) if f.lat is not None else None,
        "properties": {"id": f.id, "name": f.name, "kind": f.kind, "relationship_kind": f.relationship_kind,
                       "supplier": f.supplier, "host": f.host, "operators": f.operators,
                       "equipment": f.equipment, "status": f.status, "year": f.year,
                       "precision": f.precision, "place_id": f.place_id, "speculative": f.speculative,
                       "curated": f.curated, "evidence": evidence_dicts(f.evidence)},
    } for f in records.facilities]
    relationships = []
    for r in records.relationships:
        arc = records.link_arc(r, gaz)
        geometry = {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in arc]} if arc else None
        relationships.append({
            "type": "Feature", "id": r.id, "geometry": geometry,
            "properties": {"id": r.id, "supplier": r.supplier, "recipient": r.recipient, "kind": r.kind,
                           "status": r.status, "year": r.year, "equipment": r.equipment,
                           "organizations": r.organizations, "facility_id": r.facility_id,
                           "speculative": r.speculative, "curated": r.curated,
                           "evidence": evidence_dicts(r.evidence)},
        })
    return {
        "places.geojson": {"type": "FeatureCollection", "features": places},
        "facilities.geojson": {"type": "FeatureCollection", "features": facilities},
        "relationships.geojson": {"type": "FeatureCollection", "features": relationships},
    }


def dumps(obj) -> str:
    """Deterministic JSON text (UTF-8, stable key order as built, newline-terminated)."""
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_outputs(files: dict[str, str], out_dir: Path) -> list[Path]:
    """Write every output file; all are rendered in memory first, so a failure writes none."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise GeomapError(f"{out_dir}: cannot create output folder ({err.strerror or err})") from err
    if not os.access(out_dir, os.W_OK):
        raise GeomapError(f"{out_dir}: output folder is not writable")
    written = []
    for name in sorted(files):
        path = out_dir / name
        try:
            write_atomically(path, files[name])
        except OSError as err:
            raise GeomapError(f"{path}: cannot write ({err.strerror or err})") from err
        written.append(path)
    return written
