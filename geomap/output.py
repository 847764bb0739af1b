"""The output contract: places, facilities and relationships as GeoJSON, written atomically."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no output lock
    fcntl = None  # type: ignore[assignment]

from .exc import GeomapError, RecordsError
from .geocode.gazetteer import GeoNamesGazetteer, get_gazetteer
from .model import (FACILITY_KINDS, PLACE_KINDS, PRECISIONS, RELATIONSHIP_KINDS, STATUSES, Article, Evidence,
                    Facility, Relationship)
from .records import Place, Records, evidence_dicts
from .resources import read_json_file
from .serialize import compact_json

__all__ = ["to_geojson", "geojson_writers", "Writer", "read_records", "dumps", "write_atomically", "write_outputs", "output_lock", "OUTPUT_FILES",
           "RECORD_FILES", "COORDINATE_DECIMALS", "LOCK_FILE"]

OUTPUT_FILES = ("places.geojson", "facilities.geojson", "relationships.geojson", "footprint.html")
RECORD_FILES = OUTPUT_FILES[:3]
COORDINATE_DECIMALS = 5  # about 1 m: points are written at this precision
Writer = Callable[[BinaryIO], None]  # writes a file's bytes to the open (temporary) file it is given


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)]}


def _place_feature(p: Place) -> dict:
    return {
        "type": "Feature", "id": p.id, "geometry": _point(p.lon, p.lat),
        "properties": {"id": p.id, "name": p.name, "kind": p.kind, "country": p.country,
                       "precision": p.precision, "gazetteer_id": p.gazetteer_id,
                       "mentions": sorted(p.mentions, key=lambda m: (m["article"], m["start"]))},
    }


def _facility_feature(f: Facility) -> dict:
    return {
        "type": "Feature", "id": f.id, "geometry": _point(f.lon, f.lat) if f.lat is not None else None,
        "properties": {"id": f.id, "name": f.name, "kind": f.kind, "relationship_kind": f.relationship_kind,
                       "supplier": f.supplier, "host": f.host, "operators": f.operators,
                       "equipment": f.equipment, "status": f.status, "year": f.year,
                       "precision": f.precision, "place_id": f.place_id, "speculative": f.speculative,
                       "curated": f.curated, "evidence": evidence_dicts(f.evidence)},
    }


def _relationship_feature(r: Relationship, records: Records, gaz: GeoNamesGazetteer) -> dict:
    arc = records.link_arc(r, gaz)
    geometry = {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in arc]} if arc else None
    return {
        "type": "Feature", "id": r.id, "geometry": geometry,
        "properties": {"id": r.id, "supplier": r.supplier, "recipient": r.recipient, "kind": r.kind,
                       "status": r.status, "year": r.year, "equipment": r.equipment,
                       "organizations": r.organizations, "facility_id": r.facility_id,
                       "speculative": r.speculative, "curated": r.curated,
                       "evidence": evidence_dicts(r.evidence)},
    }


def _collections(records: Records, gaz: GeoNamesGazetteer) -> dict[str, tuple[dict, Iterator[dict]]]:
    """Each record file's members besides its features, and its features made one at a time."""
    # Each file names the articles its evidence cites (a GeoJSON foreign member), so that
    # `geomap render` can draw the map from the files alone.
    articles = [{"id": a.id, "title": a.title, "published": a.published, "url": a.url} for a in records.articles]
    head = {"type": "FeatureCollection", "articles": articles}
    return {
        "places.geojson": (head, map(_place_feature, records.places)),
        "facilities.geojson": (head, map(_facility_feature, records.facilities)),
        "relationships.geojson": (head, (_relationship_feature(r, records, gaz) for r in records.relationships)),
    }


def to_geojson(records: Records, gazetteer: GeoNamesGazetteer | None = None) -> dict[str, dict]:
    """The three GeoJSON FeatureCollections of the output contract, keyed by file name."""
    return {name: {**head, "features": list(features)}
            for name, (head, features) in _collections(records, gazetteer or get_gazetteer()).items()}


def geojson_writers(records: Records, gazetteer: GeoNamesGazetteer | None = None) -> dict[str, Writer]:
    """The three record files as writers for :func:`write_outputs`: each feature is made and
    written in turn, so no file is ever whole in memory. Same bytes as :func:`dumps` of
    :func:`to_geojson`."""
    gaz = gazetteer or get_gazetteer()

    def writer(name: str) -> Writer:
        def write(f: BinaryIO) -> None:
            head, features = _collections(records, gaz)[name]
            text = io.TextIOWrapper(f, encoding="utf-8", newline="\n")
            try:
                text.writelines(_collection_text(head, features))
                text.flush()
            finally:
                text.detach()
        return write

    return {name: writer(name) for name in RECORD_FILES}




def _collection_text(head: dict, features: Iterable[dict]) -> Iterator[str]:
    """A FeatureCollection's text in pieces: its other members, then one feature per line."""
    start = json.dumps(head, ensure_ascii=False)[:-1]
    features = iter(features)
    first = next(features, None)
    if first is None:
        yield f'{start}, "features": []}}\n'
        return
    yield f'{start}, "features": [\n'
    yield compact_json(first)
    for feature in features:
        yield ",\n" + compact_json(feature)
    yield "\n]}\n"


def dumps(obj) -> str:
    """Deterministic JSON text (UTF-8, key order as built, newline-terminated). A
    FeatureCollection is written one feature per line: compact, quick to write with the C
    encoder, and an edit to one record is a one-line change."""
    if not (isinstance(obj, dict) and isinstance(obj.get("features"), list)):
        return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"
    return "".join(_collection_text({k: v for k, v in obj.items() if k != "features"}, obj["features"]))



def _write_temp(path: Path, content: str | bytes | Writer) -> str:
    """Write ``content`` (UTF-8 text, bytes, or a writer) to a new temporary file beside
    ``path``, flushed to disk with the folder's usual permissions; returns its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            if callable(content):
                content(f)
            else:
                f.write(content.encode("utf-8") if isinstance(content, str) else content)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def write_atomically(path: Path, text: str | bytes | Writer) -> None:
    """Write ``text`` (UTF-8), bytes or a writer's output to ``path`` through a temporary
    file and a rename: never half-written."""
    tmp = _write_temp(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


LOCK_FILE = ".geomap.lock"
_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.tmp")


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir``'s lock (an flock on ``.geomap.lock``, released even if the process is
    killed): a second writer is refused at once, and leftovers of killed writers are removed."""
    try:
        fd = os.open(out_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise GeomapError(f"{out_dir}: output folder is not writable ({err.strerror or err})") from err
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
                raise GeomapError(f"{out_dir}: another geomap build is writing to this folder"
                                  f"{f' (process {holder})' if holder.isdigit() else ''}; nothing was written") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _remove_dead_temps(out_dir)
        yield
    finally:
        os.close(fd)


def _remove_dead_temps(out_dir: Path) -> None:
    """Remove temporary files whose writer is gone (killed before its rename)."""
    for entry in os.scandir(out_dir):
        m = _TEMP.fullmatch(entry.name)
        if m and not _alive(int(m["pid"])):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def write_outputs(files: dict[str, str | bytes | Writer], out_dir: Path) -> list[Path]:
    """Write every output file under the folder's lock: all to temporary files first (texts,
    bytes, or writers that stream them, see :func:`geojson_writers`), then each renamed over
    its file, so a failure while writing replaces none and each file is replaced whole."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise GeomapError(f"{out_dir}: cannot create output folder ({err.strerror or err})") from err
    if not os.access(out_dir, os.W_OK):
        raise GeomapError(f"{out_dir}: output folder is not writable")
    names = sorted(files)
    temps: dict[str, str] = {}
    with output_lock(out_dir):
        try:
            for name in names:
                try:
                    temps[name] = _write_temp(out_dir / name, files[name])
                except OSError as err:
                    raise GeomapError(f"{out_dir / name}: cannot write ({err.strerror or err})") from err
            for name in names:
                try:
                    os.replace(temps[name], out_dir / name)
                except OSError as err:
                    raise GeomapError(f"{out_dir / name}: cannot write ({err.strerror or err})") from err
                del temps[name]
        finally:
            for tmp in temps.values():
                _unlink(tmp)
    return [out_dir / name for name in names]


# Reading the records back (``geomap render``): the contract above, checked field by field, so
# that a file an analyst edited wrongly stops with one line naming the file and the problem.

class _Props:
    """The properties of one feature, read with checks; errors name the file and the feature."""

    def __init__(self, where: str, props) -> None:
        if not isinstance(props, dict):
            raise RecordsError(f"{where}: 'properties' is not an object")
        self.where, self.props = where, props

    def fail(self, name: str, problem: str):
        raise RecordsError(f"{self.where}: '{name}' {problem}")

    def get(self, name: str, types: tuple, what: str, optional: bool = False):
        value = self.props.get(name)
        if value is None and optional:
            return None
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            self.fail(name, f"must be {what}, not {json.dumps(value, ensure_ascii=False)[:60]}")
        return value

    def text(self, name: str, optional: bool = False) -> str | None:
        value = self.get(name, (str,), "a string", optional)
        if value is not None and not value.strip():
            self.fail(name, "is empty")
        return value

    def choice(self, name: str, options: tuple[str, ...]) -> str:
        value = self.text(name)
        if value not in options:
            self.fail(name, f"is {value!r}, not one of {', '.join(options)}")
        return value

    def country(self, name: str, gaz: GeoNamesGazetteer) -> str:
        value = self.text(name)
        if gaz.country(value) is None:
            self.fail(name, f"is {value!r}, not an ISO 3166-1 alpha-2 country code")
        return value

    def year(self, name: str = "year") -> int | None:
        value = self.get(name, (int,), "a year or null", optional=True)
        if value is not None and not 1800 <= value <= 2200:
            self.fail(name, f"is {value}, not a plausible year")
        return value

    def flag(self, name: str) -> bool:
        return bool(self.get(name, (bool,), "true or false", optional=True))

    def names(self, name: str) -> list[str]:
        value = self.get(name, (list,), "a list of strings", optional=True) or []
        if not all(isinstance(x, str) for x in value):
            self.fail(name, "must be a list of strings")
        return value

    def evidence(self, articles: set[str]) -> list[Evidence]:
        out = []
        for i, item in enumerate(self.get("evidence", (list,), "a list", optional=True) or []):
            ev = _Props(f"{self.where}: evidence {i + 1}", item)
            article = ev.text("article")
            if article not in articles:
                ev.fail("article", f"is {article!r}, not one of the file's 'articles'")
            start, end = ev.get("start", (int,), "an offset"), ev.get("end", (int,), "an offset")
            if not 0 <= start <= end:
                ev.fail("end", "comes before 'start'")
            out.append(Evidence(article, ev.get("quote", (str,), "a string"), start, end,
                                ev.choice("status", STATUSES), ev.year(), ev.flag("speculative")))
        return out


def _point_of(where: str, geometry, optional: bool) -> tuple[float | None, float | None]:
    if geometry is None and optional:
        return None, None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) and geometry.get("type") == "Point" else None
    if (not isinstance(coords, list) or len(coords) < 2
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords[:2])):
        raise RecordsError(f"{where}: geometry must be a Point with [longitude, latitude]")
    lon, lat = float(coords[0]), float(coords[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise RecordsError(f"{where}: coordinates [{lon}, {lat}] are not [longitude, latitude] on Earth")
    return lat, lon


def _load_collection(path: Path) -> tuple[list[Article], list[tuple[str, dict, object]]]:
    """A record file's articles and its features as (where, properties, geometry)."""
    data = read_json_file(path, RecordsError)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise RecordsError(f"{path}: not a GeoJSON FeatureCollection")
    articles = []
    for i, item in enumerate(data.get("articles") or []):
        a = _Props(f"{path}: articles {i + 1}", item)
        articles.append(Article(a.text("id"), a.get("title", (str,), "a string"), "", url=a.text("url", True),
                                published=a.text("published", True)))
    features, seen = [], set()
    for i, feat in enumerate(data["features"]):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise RecordsError(f"{path}: feature {i + 1} is not a GeoJSON Feature")
        props = _Props(f"{path}: feature {i + 1}", feat.get("properties"))
        fid = props.text("id")
        if fid in seen:
            props.fail("id", f"{fid!r} is used twice")
        seen.add(fid)
        features.append((f"{path}: feature {i + 1} ({fid})", feat["properties"], feat.get("geometry")))
    return articles, features


def read_records(folder: str | Path, gazetteer: GeoNamesGazetteer | None = None) -> Records:
    """The records of a build's three GeoJSON files, as an analyst may have edited them.

    Raises RecordsError, naming the file, the feature and the field, for anything that does not
    follow the output contract (unknown kinds or statuses, country codes, coordinates, ids).
    """
    gaz = gazetteer or get_gazetteer()
    folder = Path(folder)
    loaded = {name: _load_collection(folder / name) for name in RECORD_FILES}
    articles: dict[str, Article] = {}
    for name in RECORD_FILES:
        for a in loaded[name][0]:
            if articles.setdefault(a.id, a) != a:
                raise RecordsError(f"{folder / name}: article {a.id!r} differs from the other files' entry")
    known = set(articles)
    places = []
    for where, raw, geometry in loaded["places.geojson"][1]:
        p = _Props(where, raw)
        lat, lon = _point_of(where, geometry, optional=False)
        code = p.text("country", optional=True)
        mentions = p.get("mentions", (list,), "a list", optional=True) or []
        if not all(isinstance(m, dict) for m in mentions):
            p.fail("mentions", "must be a list of objects")
        places.append(Place(p.text("id"), p.text("name"), p.choice("kind", PLACE_KINDS), code,
                            p.choice("precision", PRECISIONS), p.text("gazetteer_id", True), lat, lon, mentions))
    place_ids = {p.id for p in places}
    facilities = []
    for where, raw, geometry in loaded["facilities.geojson"][1]:
        p = _Props(where, raw)
        lat, lon = _point_of(where, geometry, optional=True)
        place_id = p.text("place_id", optional=True)
        if place_id is not None and place_id not in place_ids:
            p.fail("place_id", f"is {place_id!r}, not a place of places.geojson")
        facilities.append(Facility(
            id=p.text("id"), name=p.text("name"), kind=p.choice("kind", FACILITY_KINDS),
            relationship_kind=p.choice("relationship_kind", RELATIONSHIP_KINDS),
            supplier=p.country("supplier", gaz), host=p.country("host", gaz), operators=p.names("operators"),
            equipment=p.names("equipment"), status=p.choice("status", STATUSES), year=p.year(),
            precision=p.choice("precision", PRECISIONS), place_id=place_id, lat=lat, lon=lon,
            speculative=p.flag("speculative"), curated=p.flag("curated"), evidence=p.evidence(known)))
    facility_ids = {f.id for f in facilities}
    relationships = []
    for where, raw, _geometry in loaded["relationships.geojson"][1]:
        p = _Props(where, raw)
        facility_id = p.text("facility_id", optional=True)
        if facility_id is not None and facility_id not in facility_ids:
            p.fail("facility_id", f"is {facility_id!r}, not a facility of facilities.geojson")
        relationships.append(Relationship(
            id=p.text("id"), supplier=p.country("supplier", gaz), recipient=p.country("recipient", gaz),
            kind=p.choice("kind", RELATIONSHIP_KINDS), status=p.choice("status", STATUSES), year=p.year(),
            equipment=p.names("equipment"), organizations=p.names("organizations"), facility_id=facility_id,
            speculative=p.flag("speculative"), curated=p.flag("curated"), evidence=p.evidence(known)))
    return Records(list(articles.values()), places, facilities, relationships)
