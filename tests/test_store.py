"""The records store: GeoPackage and a real PostgreSQL+PostGIS (started by scripts/ensure-postgres)."""

from __future__ import annotations

import dataclasses
import os
import uuid
from pathlib import Path

import pytest

from geomap.exc import ConfigurationError, RecordsError
from geomap.geocode.gazetteer import km
from geomap.output import OUTPUT_FILES
from geomap.pipeline import extract_records, render_outputs
from geomap.records import Records
from geomap.store import read_store, write_store

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"articles": None, "places": "Point", "facilities": "Point", "relationships": "LineString"}


@pytest.fixture(scope="module")
def records() -> Records:
    return extract_records([ROOT / "seeds", ROOT / "tests" / "data" / "articles"])


def _outputs(records: Records, folder: Path) -> dict[str, bytes]:
    render_outputs(records, folder)
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


def _subset(records: Records) -> Records:
    return Records(records.articles[:3], records.places[:5], records.facilities[:1], records.relationships[:2])


def _check_round_trip(records: Records, target, tmp_path: Path) -> None:
    write_store(records, target)
    back = read_store(target)
    for f in dataclasses.fields(Records):
        assert getattr(back, f.name) == getattr(records, f.name), f.name
    assert _outputs(back, tmp_path / "from-store") == _outputs(records, tmp_path / "from-build")
    write_store(_subset(records), target)  # a new build replaces the stored records
    assert read_store(target) == _subset(records)


# ------------------------------------------------------------------ GeoPackage
def test_geopackage_round_trips_exactly(records, tmp_path):
    _check_round_trip(records, tmp_path / "records.gpkg", tmp_path)


def test_geopackage_layers_open_as_gis_layers(records, tmp_path):
    import pyogrio

    path = tmp_path / "records.gpkg"
    write_store(records, path)
    assert {name: kind for name, kind in pyogrio.list_layers(path)} == LAYERS
    for name, kind in LAYERS.items():
        info = pyogrio.read_info(path, layer=name)
        assert info["features"] == len(getattr(records, name))
        if kind:
            assert info["crs"] == "EPSG:4326"
    places = pyogrio.read_dataframe(path, layer="places")
    first = records.places[0]
    point = places.sort_values("ord").geometry.iloc[0]
    assert (point.x, point.y) == (first.lon, first.lat)


def test_geopackage_bad_targets(records, tmp_path):
    with pytest.raises(ConfigurationError, match="gpkg"):
        write_store(records, tmp_path / "records.sqlite")
    with pytest.raises(ConfigurationError, match="no such records store"):
        read_store(tmp_path / "missing.gpkg")
    import geopandas as gpd
    import shapely

    other = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.Point(0, 0)], crs="EPSG:4326").to_file(other, layer="roads")
    with pytest.raises(RecordsError, match="not a geomap records store"):
        read_store(other)


# ------------------------------------------------------------------ PostGIS
@pytest.fixture(scope="module")
def postgres_url() -> str:
    """A fresh schema in the test database that `make test` starts (scripts/ensure-postgres)."""
    url = os.environ.get("GEOMAP_TEST_POSTGRES")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("GEOMAP_TEST_POSTGRES is not set: CI must run the PostGIS tests (make test sets it)")
        pytest.skip("GEOMAP_TEST_POSTGRES is not set (make test starts PostgreSQL+PostGIS and sets it)")
    import psycopg

    schema = f"geomap_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options=-csearch_path%3D{schema},public"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def test_postgis_round_trips_exactly(records, postgres_url, tmp_path):
    _check_round_trip(records, postgres_url, tmp_path)


def test_postgis_tables_are_spatial(records, postgres_url):
    import psycopg

    write_store(records, postgres_url)
    with psycopg.connect(postgres_url) as conn:
        for name, kind in LAYERS.items():
            count = conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            assert count == len(getattr(records, name))
            if kind:
                types = conn.execute(f"SELECT DISTINCT ST_GeometryType(geom), ST_SRID(geom) FROM {name} "
                                     "WHERE geom IS NOT NULL").fetchall()
                assert types == [(f"ST_{kind}", 4326)]
        place = records.places[0]
        x, y = conn.execute("SELECT ST_X(geom), ST_Y(geom) FROM places WHERE id = %s", (place.id,)).fetchone()
        assert (x, y) == (place.lon, place.lat)
        # a team member's query: facilities within 500 km of Lima
        near = conn.execute("SELECT id FROM facilities WHERE ST_DWithin(geom::geography, "
                            "ST_MakePoint(-77.03, -12.05)::geography, 500000) ORDER BY id").fetchall()
    expected = sorted(f.id for f in records.facilities if f.lat is not None and km(f.lat, f.lon, -12.05, -77.03) < 500)
    assert [r[0] for r in near] == expected and expected


def test_postgis_leaves_other_tables_alone(records, postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS places CASCADE")
        conn.execute("CREATE TABLE places (name text, population integer)")
    with pytest.raises(RecordsError, match="table places exists and is not a geomap records table"):
        write_store(records, postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM places").fetchone()[0] == 0  # still there, untouched
        conn.execute("DROP TABLE places")


def test_postgis_unreachable_is_a_one_line_error(records):
    with pytest.raises(ConfigurationError, match="cannot connect to PostgreSQL") as info:
        write_store(records, "postgresql://nobody:secret@127.0.0.1:9/none")
    assert "\n" not in str(info.value) and "secret" not in str(info.value)


def test_cli_renders_the_build_from_its_store(tmp_path):
    import subprocess
    import sys

    def geomap(*args):
        proc = subprocess.run([sys.executable, "-m", "geomap", *map(str, args)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return proc

    store = tmp_path / "team" / "records.gpkg"
    geomap("build", ROOT / "seeds", "--out", tmp_path / "built", "--store", store, "--no-cache")
    geomap("render", "--store", store, "--out", tmp_path / "rendered" / "footprint.html")
    assert (tmp_path / "rendered" / "footprint.html").read_bytes() == (tmp_path / "built" / "footprint.html").read_bytes()
