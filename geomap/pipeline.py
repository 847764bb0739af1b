"""The whole path from article files to the footprint map and its GeoJSON records."""

from __future__ import annotations

import ctypes
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .cache import ReadingCache, article_key, encode_reading
from .exc import InputError
from .extract import ArticleReading, Extractor
from .ingest import detect_language, read_articles
from .model import Article
from .export import DEFAULT_TITLE, ExportSettings, render_files
from .filters import RecordFilter
from .output import write_outputs
from .records import Records, RecordsBuilder
from .serialize import SerializationError

__all__ = ["BuildResult", "build", "extract_records", "iter_readings", "read_corpus", "render_outputs"]

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build read and wrote."""

    records: Records
    files: list[Path]
    shown: Records | None = None  # the records after the filters, as drawn and exported


def iter_readings(articles: list[Article | None], *, extractor: Extractor | None = None,
                  cache: ReadingCache | None = None, workers: int = 0, scheduler: str | None = None,
                  progress: Callable[[Iterable, int], Iterable] | None = None,
                  release: bool = False, keys: list[str] | None = None) -> Iterator[ArticleReading]:
    """The reading of every article, one at a time and in the articles' order.

    Readings the ``cache`` holds are decoded from it as their turn comes; the others are read
    in this process (``workers=0``, with ``extractor``), on that many local Dask worker
    processes, or on the Dask cluster at ``scheduler``, and stored in the cache. The cache's
    key assumes the default extractor settings. With ``release``, each article is dropped from
    ``articles`` once its reading (which carries it) is yielded, so that its text can be freed.
    ``keys`` are the articles' :func:`~geomap.cache.article_key`, when already worked out.
    """
    if cache is None:
        keys = []
    elif keys is None:
        keys = [article_key(a) for a in articles]
    cached = cache.known(keys) if cache is not None else set()
    todo = [i for i in range(len(articles)) if not cached or keys[i] not in cached]
    if cache is not None:
        log.info("%d of %d articles from the readings cache %s", len(articles) - len(todo), len(articles), cache.path)
    fresh = iter(_read(articles, todo, extractor, workers, scheduler, progress))
    reader = extractor
    to_store: list[tuple[str, bytes]] = []
    for start in range(0, len(articles), _CHUNK):
        stop = min(start + _CHUNK, len(articles))
        blobs = cache.get([keys[i] for i in range(start, stop) if keys[i] in cached]) if cached else {}
        for i in range(start, stop):
            reading = None
            if cached and keys[i] in cached:
                reading = cache.decode(blobs.pop(keys[i], None), articles[i], keys[i])
                if reading is None:  # gone or corrupt since the look-up: read it here
                    reader = reader or Extractor()
                    reading = reader.read(articles[i])
                    to_store.append((keys[i], encode_reading(reading)))
            else:
                reading, blob = next(fresh)
                log.debug("read %s", articles[i].id)
                if cache is not None:
                    cache.misses += 1
                    to_store.append((keys[i], blob or encode_reading(reading)))
            if len(to_store) >= 256:
                cache.put(to_store)
                to_store = []
            if release:
                articles[i] = None
            yield reading
    if cache is not None and to_store:
        cache.put(to_store)


_CHUNK = 500  # cached readings fetched from SQLite at a time


def _read(articles: Sequence[Article], todo: list[int], extractor: Extractor | None, workers: int,
          scheduler: str | None, progress: Callable[[Iterable, int], Iterable] | None
          ) -> Iterable[tuple[ArticleReading, bytes | None]]:
    """The readings of ``articles[i]`` for i in ``todo``, in that order, read afresh, each with
    its encoding for the cache when the Dask workers made it (None in process)."""
    if not todo:
        return iter(())
    if workers or scheduler:
        from .parallel import read_on_dask

        fresh: Iterable[tuple[ArticleReading, bytes | None]] = read_on_dask(
            (articles[i] for i in todo), count=len(todo), workers=workers or None, scheduler=scheduler)
    else:
        reader = extractor or Extractor()
        fresh = ((reader.read(articles[i]), None) for i in todo)
    # e.g. a progress bar wrapping the articles still to read
    return progress(fresh, len(todo)) if progress is not None else fresh


def read_corpus(articles: Sequence[Article], **options) -> list[ArticleReading]:
    """The reading of every article, in the articles' order (see :func:`iter_readings`)."""
    return list(iter_readings(list(articles), **options))


def _open_cache(cache: ReadingCache | str | Path | None) -> tuple[ReadingCache | None, bool]:
    """The cache to use and whether this call opened it (and must close it)."""
    if cache is None or isinstance(cache, ReadingCache):
        return cache, False
    return ReadingCache(cache), True


def extract_records(inputs: Iterable[str | Path], *, extractor: Extractor | None = None,
                    cache: ReadingCache | str | Path | None = None, workers: int = 0,
                    scheduler: str | None = None,
                    progress: Callable[[Iterable, int], Iterable] | None = None,
                    skipped: list[InputError] | None = None, keep_texts: bool = True) -> Records:
    """Read the articles under ``inputs`` and code them into records (see :func:`iter_readings`;
    ``cache`` may be a :class:`ReadingCache` or the path of its SQLite file). With ``skipped``,
    bad files and records are left out and listed there instead of raising (see
    :func:`geomap.ingest.read_articles`).

    Each reading is merged into the records as it arrives and then dropped; without
    ``keep_texts`` the records' articles keep no text either (the evidence keeps its quotes),
    so memory grows with the records, not with the corpus's text.
    """
    gazetteer = extractor.geoparser.gazetteer if extractor else None
    opened, close = _open_cache(cache)
    try:
        languages = opened.languages() if opened is not None else None
        articles: list[Article | None] = read_articles(inputs, skipped=skipped,
                                                       detect=languages or detect_language)
        if languages is not None:
            languages.save()
        keys = [article_key(a) for a in articles] if opened is not None else None
        # A build that only adds articles after those of an earlier one goes on from that
        # build's merged records (the texts are not in them, so only without keep_texts).
        builder, done = (_restored(opened, keys, gazetteer) if opened is not None and not keep_texts
                         else (None, 0))
        builder = builder or RecordsBuilder(gazetteer, keep_texts=keep_texts)
        rest = articles[done:]
        del articles
        for n, reading in enumerate(iter_readings(rest, extractor=extractor, cache=opened, workers=workers,
                                                  scheduler=scheduler, progress=progress, release=True,
                                                  keys=keys[done:] if keys is not None else None), 1):
            builder.add(reading)
            if n % 2000 == 0:
                release_freed_memory()
        if opened is not None and not keep_texts and rest and (not done or len(rest) * 20 >= len(keys)):
            # A few articles added to a snapshot are merged from their cached readings next time
            # too: a new snapshot is worth its cost once they are a twentieth of the corpus.
            opened.put_snapshot(keys, builder.snapshot)
    finally:
        if close:
            opened.close()
    release_freed_memory()
    return builder.records()


def _restored(cache: ReadingCache, keys: list[str], gazetteer) -> tuple[RecordsBuilder | None, int]:
    """The merged records of the longest run of first articles an earlier build saved, and
    how many articles they hold (None, 0 when there are none or they do not load)."""
    found = cache.snapshot(keys)
    if found is None:
        return None, 0
    count, stream = found
    try:
        with stream:
            builder = RecordsBuilder.restore(stream, gazetteer)
    except SerializationError as err:
        log.warning("%s: unusable records snapshot (%s); merging every reading", cache.path, err)
        return None, 0
    log.info("%d of %d articles from the records snapshot in %s", count, len(keys), cache.path)
    return builder, count


def release_freed_memory() -> None:
    """Give the pages of freed objects (the texts of read articles) back to the system, so that
    the memory the build holds does not stay at the peak of loading every article (glibc keeps
    freed small blocks otherwise; elsewhere this does nothing)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc():
    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _glibc()


def build(inputs: Iterable[str | Path], out_dir: str | Path, *, title: str = DEFAULT_TITLE,
          tiles: str | None = None, include_speculative: bool = False,
          extractor: Extractor | None = None, cache: ReadingCache | str | Path | None = None,
          workers: int = 0, scheduler: str | None = None, store: str | Path | None = None,
          curation: str | Path | None = None, record_filter: RecordFilter | None = None,
          formats: Sequence[str] = ("html", "geojson"), settings: ExportSettings | None = None,
          progress: Callable[[Iterable, int], Iterable] | None = None,
          skipped: list[InputError] | None = None, keep_texts: bool = False) -> BuildResult:
    """Build ``footprint.html`` and the three GeoJSON record files into ``out_dir``.

    The readings are merged into records article by article; every output is then written to
    a temporary file (the GeoJSON streamed) before any is renamed over its file, so a failure
    leaves the previous outputs intact. With
    ``store`` (a GeoPackage path or a ``postgresql://`` URL) the records are also written there.
    ``curation`` is an analyst's corrections file (see :mod:`geomap.curation`). ``record_filter``
    selects what is drawn and exported; ``formats`` and ``settings`` are those of
    :func:`geomap.export.render_files`. The result's articles keep their texts only with
    ``keep_texts``, ``curation`` or ``store`` (see :func:`extract_records`).
    """
    from .curation import curated_records

    # The articles' texts are kept when asked, for a curation file (its additions quote them)
    # and for the store.
    keep_texts = keep_texts or curation is not None or store is not None
    records = curated_records(lambda: extract_records(inputs, extractor=extractor, cache=cache, workers=workers,
                                                      scheduler=scheduler, progress=progress, skipped=skipped,
                                                      keep_texts=keep_texts),
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
    """Render the map and the GeoJSON records (or other ``formats``), then write them into
    ``out_dir``; ``settings`` (when given) replaces title, tiles and speculative. The GeoJSON
    files are streamed to their temporary files feature by feature and the HTML page's records
    data row by row; the others are rendered in memory first."""
    settings = settings or ExportSettings(title=title, tiles=tiles, include_speculative=include_speculative)
    return write_outputs(render_files(records, formats, settings, streamed=True), Path(out_dir))
