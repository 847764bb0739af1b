"""Read articles on Dask workers: local processes (``workers``) or an existing cluster (``scheduler``).

Articles go to the workers in batches; each worker process builds one
:class:`~geomap.extract.Extractor` (loading the gazetteer index and dictionaries once) and
keeps it for every later batch. Readings come back encoded as the readings cache stores them
and in the order of the articles, so the merged records do not depend on how many workers
read them.
"""

from __future__ import annotations

import logging
from collections import deque
from itertools import islice
from typing import Iterable, Iterator, Sequence

from .cache import decode_reading, encode_reading
from .exc import ConfigurationError, GeomapError
from .extract import ArticleReading, Extractor
from .model import Article

__all__ = ["read_on_dask", "worker_extractor", "extractor_loads"]

log = logging.getLogger(__name__)

_EXTRACTOR: Extractor | None = None
_LOADS = 0


def worker_extractor() -> Extractor:
    """This process's extractor, built (and the gazetteer index loaded) on first use."""
    global _EXTRACTOR, _LOADS
    if _EXTRACTOR is None:
        _EXTRACTOR = Extractor()
        _EXTRACTOR.geoparser.gazetteer.data  # load the index now, once per process
        _LOADS += 1
    return _EXTRACTOR


def extractor_loads() -> int:
    """How many times this process has built its extractor (1 once it has read anything)."""
    return _LOADS


def read_batch(articles: list[Article]) -> list[bytes]:
    """Read a batch on a worker; the readings travel back encoded as the readings cache stores
    them (compact, without their articles' texts), so the client can store them as they are."""
    extractor = worker_extractor()
    return [encode_reading(extractor.read(article)) for article in articles]


def _client(workers: int | None, scheduler: str | None):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as err:  # pragma: no cover - dask is a dependency
        raise ConfigurationError(f"parallel reading needs dask[distributed] ({err})") from err
    if scheduler:
        try:
            return Client(scheduler, timeout=10), None
        except (OSError, TimeoutError, ValueError) as err:
            raise ConfigurationError(f"{scheduler}: cannot reach the Dask scheduler ({err})") from err
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.ERROR)
    return Client(cluster), cluster


def read_on_dask(articles: Iterable[Article], *, count: int | None = None, workers: int | None = None,
                 scheduler: str | None = None, batch_size: int | None = None) -> Iterator[tuple[ArticleReading, bytes]]:
    """Read ``articles`` (``count`` of them, if they are not a sequence) on Dask workers and
    yield their readings in the articles' order, each with its encoding for the readings cache.

    Batches hold up to 32 articles, fewer when that gives each worker at least 16 batches (so
    that no worker idles long at the end while another finishes its last batch). At most 4 batches per worker are in flight, and articles
    are taken from ``articles`` only as batches are sent, so memory stays bounded however
    many articles there are.
    """
    total = len(articles) if count is None else count
    if not total:
        return
    if not scheduler and (workers is None or workers < 1):
        raise ConfigurationError(f"--workers must be at least 1 (got {workers})")
    client, cluster = _client(workers, scheduler)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1))
        window = 4 * n_workers
        batch_size = batch_size or max(1, min(32, total // (16 * n_workers)))
        source = iter(articles)
        pending: deque = deque()
        while batch := list(islice(source, batch_size)):
            pending.append((batch, client.submit(read_batch, batch, pure=False)))
            if len(pending) >= window:
                yield from _collect(*pending.popleft())
        while pending:
            yield from _collect(*pending.popleft())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _collect(batch: Sequence[Article], future) -> Iterator[tuple[ArticleReading, bytes]]:
    try:
        results = future.result()
    except GeomapError:
        raise
    except Exception as err:
        raise GeomapError(f"a Dask worker failed reading {batch[0].id} … {batch[-1].id}: {err}") from err
    for article, blob in zip(batch, results):
        yield decode_reading(blob, article), blob
