"""The whole path from article files to the footprint map and its GeoJSON records."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .cache import ReadingCache, article_key, encode_reading
from .exc import InputError
from .extract import ArticleReading, Extractor
from .ingest import read_articles
from .model import Article
from .export import DEFAULT_TITLE, ExportSettings, render_files
from .filters import RecordFilter
from .output import write_outputs
from .records import Records, build_records

__all__ = ["BuildResult", "build", "extract_records", "read_corpus", "render_outputs"]

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build read and wrote."""

    records: Records
    files: list[Path]
    shown: Records | None = None  # the records after the filters, as drawn and exported


def read_corpus(articles: Sequence[Article], *, extractor: Extractor | None = None,
                cache: ReadingCache | None = None, workers: int = 0,
                scheduler: str | None = None,
                progress: Callable[[Iterable, int], Iterable] | None = None) -> list[ArticleReading]:
    """The reading of every article, in the articles' order.

    Readings the ``cache`` holds are taken from it; the others are read in this process
    (``workers=0``, with ``extractor``), on that many local Dask worker processes, or on the
    Dask cluster at ``scheduler``, and stored in the cache. The cache's key assumes the
    default extractor settings.
    """
    keys = [article_key(a) for a in articles] if cache is not None else []
    readings = cache.readings(list(articles), keys) if cache is not None else [None] * len(articles)
    todo = [i for i, r in enumerate(readings) if r is None]
    if cache is not None:
        log.info("%d of %d articles from the readings cache %s", len(articles) - len(todo), len(articles), cache.path)
    if workers or scheduler:
        from .parallel import read_on_dask

        fresh: Iterable[ArticleReading] = read_on_dask([articles[i] for i in todo], workers=workers or None,
                                                       scheduler=scheduler)
    else:
        reader = extractor or Extractor() if todo else None
        fresh = (reader.read(articles[i]) for i in todo)
    if progress is not None:  # e.g. a progress bar wrapping the articles still to read
        fresh = progress(fresh, len(todo))
    to_store: list[tuple[str, bytes]] = []
    for i, reading in zip(todo, fresh):
        log.debug("read %s", articles[i].id)
        readings[i] = reading
        if cache is not None:
            to_store.append((keys[i], encode_reading(reading)))
            if len(to_store) >= 256:
                cache.put(to_store)
                to_store = []
    if cache is not None and to_store:
        cache.put(to_store)
    return readings


def _open_cache(cache: ReadingCache | str | Path | None) -> tuple[ReadingCache | None, bool]:
    """The cache to use and whether this call opened it (and must close it)."""
    if cache is None or isinstance(cache, ReadingCache):
        return cache, False
    return ReadingCache(cache), True


def extract_records(inputs: Iterable[str | Path], *, extractor: Extractor | None = None,
                    cache: ReadingCache | str | Path | None = None, workers: int = 0,
                    scheduler: str | None = None,
                    progress: Callable[[Iterable, int], Iterable] | None = None,
                    skipped: list[InputError] | None = None) -> Records:
    """Read the articles under ``inputs`` and code them into records (see :func:`read_corpus`;
    ``cache`` may be a :class:`ReadingCache` or the path of its SQLite file). With ``skipped``,
    bad files and records are left out and listed there instead of raising (see
    :func:`geomap.ingest.read_articles`)."""
    articles = read_articles(inputs, skipped=skipped)
    opened, close = _open_cache(cache)
    try:
        readings = read_corpus(articles, extractor=extractor, cache=opened, workers=workers, scheduler=scheduler,
                               progress=progress)
    finally:
        if close:
            opened.close()
    return build_records(readings, extractor.geoparser.gazetteer if extractor else None)


def build(inputs: Iterable[str | Path], out_dir: str | Path, *, title: str = DEFAULT_TITLE,
          tiles: str | None = None, include_speculative: bool = False,
          extractor: Extractor | None = None, cache: ReadingCache | str | Path | None = None,
          workers: int = 0, scheduler: str | None = None, store: str | Path | None = None,
          curation: str | Path | None = None, record_filter: RecordFilter | None = None,
          formats: Sequence[str] = ("html", "geojson"), settings: ExportSettings | None = None,
          progress: Callable[[Iterable, int], Iterable] | None = None,
          skipped: list[InputError] | None = None) -> BuildResult:
    """Build ``footprint.html`` and the three GeoJSON record files into ``out_dir``.

    Everything is produced in memory first; the files are then written one by one through
    temporary files and renames, so a failure leaves the previous outputs intact. With
    ``store`` (a GeoPackage path or a ``postgresql://`` URL) the records are also written there.
    ``curation`` is an analyst's corrections file (see :mod:`geomap.curation`). ``record_filter``
    selects what is drawn and exported; ``formats`` and ``settings`` are those of
    :func:`geomap.export.render_files`.
    """
    from .curation import curated_records

    records = curated_records(lambda: extract_records(inputs, extractor=extractor, cache=cache, workers=workers,
                                                      scheduler=scheduler, progress=progress, skipped=skipped),
                              curation)
    shown = record_filter.apply(records, keep_speculative=True) if record_filter is not None else records
    written = render_outputs(shown, out_dir, title=title, tiles=tiles, include_speculative=include_speculative,
                             formats=formats, settings=settings)
    if store is not None:
        from .store import write_store

        write_store(records, store)
    return BuildResult(records, written, shown)


def render_outputs(records: Records, out_dir: str | Path, *, title: str = DEFAULT_TITLE,
                   tiles: str | None = None, include_speculative: bool = False,
                   formats: Sequence[str] = ("html", "geojson"), settings: ExportSettings | None = None) -> list[Path]:
    """Render the map and the GeoJSON records (or other ``formats``) in memory, then write
    them into ``out_dir``; ``settings`` (when given) replaces title, tiles and speculative."""
    settings = settings or ExportSettings(title=title, tiles=tiles, include_speculative=include_speculative)
    return write_outputs(render_files(records, formats, settings), Path(out_dir))
