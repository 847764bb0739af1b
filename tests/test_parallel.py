"""Reading on a real local Dask cluster (2 worker processes): same outputs as reading in process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from geomap.exc import ConfigurationError
from geomap.ingest import read_articles
from geomap.output import OUTPUT_FILES
from geomap.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "seeds", ROOT / "tests" / "data" / "articles"]


def _outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


def test_two_workers_build_the_same_bytes_as_one_process(cluster, tmp_path):
    from dask.distributed import Client

    from geomap.parallel import extractor_loads

    build(INPUTS, tmp_path / "serial")
    build(INPUTS, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert _outputs(tmp_path / "dask") == _outputs(tmp_path / "serial")

    with Client(cluster) as client:
        loads = client.run(extractor_loads)
    # both workers read batches, and each loaded its extractor and gazetteer index once
    assert len(loads) == 2 and set(loads.values()) == {1}, loads


def test_dask_readings_fill_the_cache(cluster, tmp_path):
    from geomap.cache import ReadingCache

    with ReadingCache(tmp_path / "readings.sqlite") as cache:
        build([ROOT / "seeds"], tmp_path / "a", scheduler=cluster.scheduler_address, cache=cache)
        build([ROOT / "seeds"], tmp_path / "b", scheduler=cluster.scheduler_address, cache=cache)
        n = len(read_articles([ROOT / "seeds"]))
        assert (cache.misses, cache.hits, len(cache)) == (n, 0, n)  # b went on from a's merged records
        db = sqlite3.connect(cache.path)
        with db:
            db.execute("DELETE FROM snapshots")
        db.close()
        build([ROOT / "seeds"], tmp_path / "c", scheduler=cluster.scheduler_address, cache=cache)
        assert (cache.misses, cache.hits) == (n, n)  # every reading the workers stored is served
    assert _outputs(tmp_path / "a") == _outputs(tmp_path / "b") == _outputs(tmp_path / "c")


def test_local_workers_option_starts_its_own_cluster(tmp_path):
    build([ROOT / "seeds"], tmp_path / "serial")
    build([ROOT / "seeds"], tmp_path / "local", workers=2)
    assert _outputs(tmp_path / "local") == _outputs(tmp_path / "serial")


def test_unreachable_scheduler_is_a_one_line_error(tmp_path):
    with pytest.raises(ConfigurationError, match="cannot reach the Dask scheduler"):
        build([ROOT / "seeds"], tmp_path / "out", scheduler="tcp://127.0.0.1:9")
