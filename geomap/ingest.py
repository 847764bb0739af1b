"""Read articles from files and folders: plain text, Markdown, HTML, JSON and JSON Lines."""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .exc import InputError
from .model import Article
from .resources import parse_json

__all__ = ["read_articles", "read_path", "parse_text_article", "find_date", "detect_language", "SUFFIXES",
           "MAX_FILE_BYTES", "MAX_ARTICLE_CHARS", "skip_or_raise"]

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")

# Larger files are not read at all; longer articles are refused (a news article is rarely
# over 100,000 characters, and reading time grows faster than the length).
MAX_FILE_BYTES = 64 * 2**20
MAX_ARTICLE_CHARS = 200_000

_MONTHS = {
    m: i + 1
    for i, names in enumerate([
        ("january", "jan", "enero", "janeiro"), ("february", "feb", "febrero", "fevereiro"),
        ("march", "mar", "marzo", "março"), ("april", "apr", "abril"),
        ("may", "mayo", "maio"), ("june", "jun", "junio", "junho"),
        ("july", "jul", "julio", "julho"), ("august", "aug", "agosto"),
        ("september", "sep", "sept", "septiembre", "setiembre", "setembro"),
        ("october", "oct", "octubre", "outubro"), ("november", "nov", "noviembre", "novembro"),
        ("december", "dec", "diciembre", "dezembro"),
    ])
    for m in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = [
    # April 25, 2025 / Apr. 25 2025
    (re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.I), ("m", "d", "y")),
    # 25 April 2025 / 25 de abril de 2025
    (re.compile(rf"\b(\d{{1,2}})\s+(?:de\s+)?({_MONTH_RE})\.?,?\s+(?:de\s+)?((?:19|20)\d\d)\b", re.I), ("d", "m", "y")),
    # 2025-04-25
    (re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"), ("y", "m", "d")),
    # 17/11/2026 (day first, unless the second number cannot be a month: 11/17/2026)
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b"), ("d", "m", "y")),
]


def find_date(text: str) -> str | None:
    """Return the ISO date printed in a dateline or sign-off line of ``text``, if any, else the
    date the lede gives its news with a weekday ("announced on Thursday, November 12, 2026").

    Only short lines (a dateline, a date line at the end, a byline) and the lede's weekday
    dates are looked at, and the first of them wins; other dates inside running prose are
    left to the extractor.
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for line in lines[:6] + lines[-4:]:
        for part in _header_parts(line):
            found = _first_date(part)
            if found is not None:
                return found
    for line in lines[1:3]:  # the lede, after the headline
        for weekday in _WEEKDAY_RE.finditer(line):
            found = _first_date(line[weekday.end():weekday.end() + 40], anchored=True)
            if found is not None:
                return found
    return None


def _header_parts(line: str) -> list[str]:
    """The parts of a line short enough to be a dateline, a date line or a byline: the line
    itself, or the dateline that opens a paragraph ("JAKARTA, March 3, 2024 (Reuters) — …",
    agency in brackets left out), or the fields of a "Outlet | Desk | 19 November 2026" line."""
    if len(line) <= 60:
        return [line]
    head = re.sub(r"\s*\([^()]{0,60}\)", "", re.split(r"\s[—–-]{1,2}\s|—|\.-\s", line, maxsplit=1)[0])
    if len(head) <= 60:
        return [head]
    return [field for field in line.split(" | ") if len(field) <= 60] if " | " in line else []


def _first_date(line: str, anchored: bool = False) -> str | None:
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(line) if anchored else pattern.search(line)
        if not m:
            continue
        parts = dict(zip(order, m.groups()))
        if parts["m"].isdigit() and parts["d"].isdigit() and int(parts["m"]) > 12:
            parts["d"], parts["m"] = parts["m"], parts["d"]  # month first: 11/17/2026
        month = parts["m"]
        month_num = int(month) if month.isdigit() else _MONTHS[month.lower()]
        try:
            return date(int(parts["y"]), month_num, int(parts["d"])).isoformat()
        except ValueError:
            continue
    return None


# A weekday before a date: "on Thursday, November 12, 2026", "el jueves 12 de noviembre de 2026".
_WEEKDAY_RE = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|mi[eé]rcoles|jueves|viernes|"
    r"s[aá]bado|domingo|segunda-feira|ter[cç]a-feira|quarta-feira|quinta-feira|sexta-feira),?\s+(?:the\s+)?", re.I)


_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "as", "by", "its", "has"},
    "es": {"el", "la", "de", "que", "y", "en", "los", "las", "del", "por", "con", "una", "para", "se", "su"},
    "pt": {"o", "a", "de", "que", "e", "do", "da", "em", "os", "as", "dos", "das", "com", "uma", "para", "não"},
}


def detect_language(text: str) -> str:
    """Guess the language (en, es or pt) from function-word counts."""
    counts = Counter(_LOWER_WORD.findall(text[:20000].lower()))
    scores = {lang: sum(counts[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    # Portuguese and Spanish share many words; these tell them apart.
    scores["pt"] += 2 * sum(counts[w] for w in ("não", "são", "também", "ção", "foi", "pelo", "pela", "às"))
    scores["es"] += 2 * sum(counts[w] for w in ("también", "fue", "según", "año", "los", "del"))
    return max(sorted(scores), key=lambda k: scores[k])


_LOWER_WORD = re.compile(r"[a-záéíóúãõçñü]+")


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError(f"{path}: not valid UTF-16 text ({err.reason})") from err
    if b"\x00" in data:
        raise InputError(f"{path}: binary file (contains NUL bytes; UTF-16 without a byte-order mark?), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); "
                         "convert it to UTF-8") from err


def _check_text(value: object, where: str, field: str) -> None:
    """Refuse text that cannot be written out again: lone surrogates (JSON allows them)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise InputError(f"{where}: '{field}' holds an unpaired surrogate at character {err.start}") from err


def _valid_text(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _check_length(text: str, where: str) -> None:
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(f"{where}: article of {len(text):,} characters, over the limit of {MAX_ARTICLE_CHARS:,}")


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_text_article(text: str, *, article_id: str, path: str | None = None,
                       url: str | None = None, published: str | None = None,
                       title: str | None = None, detect: Callable[[str], str] = detect_language) -> Article:
    """Build an Article from plain text; the title is the first non-empty line unless given,
    the language is ``detect(text)`` (:func:`detect_language` unless told)."""
    text = _normalise_newlines(text)
    if title is None:
        title = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return Article(
        id=article_id, title=title, text=text, path=path, url=url,
        published=published or find_date(text), language=detect(text),
    )


class _HTMLText(HTMLParser):
    """Collect an HTML page's title and readable text, preferring <article> or <main>."""

    _SKIP = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
              "article", "main", "blockquote", "figcaption", "table", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self._in_title = False
        self._skip_depth = 0
        self._main_depth = 0
        self.body: list[str] = []
        self.main: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skip_depth += 1
        elif tag in ("article", "main"):
            self._main_depth += 1
        if tag in self._BLOCK:
            self._newline()

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        elif tag in ("article", "main") and self._main_depth:
            self._main_depth -= 1
        if tag in self._BLOCK:
            self._newline()

    def _newline(self):
        for buf in (self.body, self.main if self._main_depth else None):
            if buf is not None and buf and not buf[-1].endswith("\n"):
                buf.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if self._skip_depth:
            return
        self.body.append(data)
        if self._main_depth:
            self.main.append(data)

    def text(self) -> str:
        raw = "".join(self.main) if "".join(self.main).strip() else "".join(self.body)
        lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in raw.split("\n")]
        out: list[str] = []
        for ln in lines:
            if ln or (out and out[-1]):
                out.append(ln)
        return "\n".join(out).strip() + "\n"


def _parse_html(text: str, *, article_id: str, path: str, detect: Callable[[str], str]) -> Article:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    body = parser.text()
    title = re.sub(r"\s+", " ", parser.title).strip()
    if not body.strip():
        raise InputError(f"{path}: HTML page has no readable text")
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"
    _check_length(body, path)
    return parse_text_article(body, article_id=article_id, path=path, title=title or None, detect=detect)


def _record_to_article(rec: object, *, where: str, path: str, default_id: str,
                       detect: Callable[[str], str]) -> Article:
    if not isinstance(rec, dict):
        raise InputError(f"{where}: expected a JSON object with 'text', got {type(rec).__name__}")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: record has no 'text'")
    _check_length(text, where)
    url = rec.get("url")
    if url is not None and not isinstance(url, str):
        raise InputError(f"{where}: 'url' must be a string, got {type(url).__name__}")
    rid = rec.get("id", rec.get("doc_id", default_id))
    title = rec.get("title")
    for field, value in (("text", text), ("id", rid), ("title", title), ("url", url)):
        _check_text(value, where, field)
    published = rec.get("published")
    if published is not None:
        published = str(published)[:10]
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", published):
            raise InputError(f"{where}: 'published' must be an ISO date, got {rec.get('published')!r}")
    return parse_text_article(
        text, article_id=str(rid), path=path, url=url,
        published=published, title=str(title) if title else None, detect=detect,
    )


def skip_or_raise(err: InputError, skipped: list[InputError] | None) -> None:
    """Leave bad input out with a one-line warning and note it in ``skipped``; or, strict
    (``skipped`` is None), raise it."""
    if skipped is None:
        raise err
    log.warning("%s; skipped", err)
    skipped.append(err)


def _loads(text: str, where: str, what: str) -> object:
    return parse_json(text, where, what, InputError)


def _parse_json(text: str, *, path: Path, article_id: str, jsonl: bool,
                skipped: list[InputError] | None, detect: Callable[[str], str]) -> list[Article]:
    articles: list[Article] = []
    if jsonl:
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                rec = _loads(line, where, "JSON line")
                articles.append(_record_to_article(rec, where=where, path=str(path),
                                                   default_id=f"{article_id}:{lineno}", detect=detect))
            except InputError as err:
                skip_or_raise(err, skipped)
        return articles
    data = _loads(text, str(path), "JSON")
    records = data if isinstance(data, list) else [data]
    if not records:
        raise InputError(f"{path}: no articles in file")
    for i, rec in enumerate(records):
        try:
            articles.append(_record_to_article(
                rec, where=f"{path}[{i}]", path=str(path),
                default_id=article_id if len(records) == 1 else f"{article_id}:{i + 1}", detect=detect))
        except InputError as err:
            skip_or_raise(err, skipped)
    return articles


_FILE_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
               (stat.S_ISBLK, "a device"))


def _read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; pipes and devices are not read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise InputError(f"{path}: symbolic link loop") from err
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path}: is a folder, expected a file")
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "not a file")
            raise InputError(f"{path}: {kind}, not a regular file (not read)")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(f"{path}: {info.st_size / 2**20:.1f} MB, over the limit of "
                             f"{MAX_FILE_BYTES >> 20} MB per file (not read)")
        try:
            data = f.read(MAX_FILE_BYTES + 1)
        except OSError as err:
            raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{path}: over the limit of {MAX_FILE_BYTES >> 20} MB per file (not read)")
    return data


def read_path(path: Path, *, article_id: str | None = None, skipped: list[InputError] | None = None,
              detect: Callable[[str], str] = detect_language) -> list[Article]:
    """Read one article file (several for JSON and JSON Lines); ``detect`` gives an article's
    language from its text.

    A bad record of a JSON or JSON Lines file raises :class:`InputError`, or with ``skipped``
    is logged, appended there and left out; a file that cannot be read at all always raises.
    """
    data = _read_bytes(path)
    # A file name that is not UTF-8 (kept by Python as lone surrogates) is shown with U+FFFD.
    path = Path(_valid_text(str(path)))
    article_id = _valid_text(article_id or path.name)
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if len(data) > 4 * MAX_ARTICLE_CHARS and path.suffix.lower() in (".txt", ".md"):  # 4 bytes a character at most
        raise InputError(f"{path}: {len(data):,} bytes, more than the limit of {MAX_ARTICLE_CHARS:,} characters "
                         "for one article")
    text = _normalise_newlines(_decode(data, path))
    del data
    if not text.strip():
        raise InputError(f"{path}: empty file")
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return [_parse_html(text, article_id=article_id, path=str(path), detect=detect)]
    if suffix in (".json", ".jsonl"):
        articles = _parse_json(text, path=path, article_id=article_id, jsonl=suffix == ".jsonl", skipped=skipped,
                               detect=detect)
        if not articles and skipped is None:
            raise InputError(f"{path}: no articles in file")
        return articles
    _check_length(text, str(path))
    return [parse_text_article(text, article_id=article_id, path=str(path), detect=detect)]


def _walk(folder: Path, skipped: list[InputError] | None) -> Iterator[Path]:
    seen: set[Path] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            real = current.resolve(strict=True)
        except (OSError, RuntimeError) as err:
            skip_or_raise(InputError(f"{current}: cannot resolve path ({err})"), skipped)
            continue
        if real in seen:
            skip_or_raise(InputError(f"{current}: symbolic link loop (leads back to {real}), not followed"), skipped)
            continue
        seen.add(real)
        try:
            entries = sorted(current.iterdir(), key=lambda p: p.name)
        except OSError as err:
            skip_or_raise(InputError(f"{current}: cannot list folder ({err.strerror or err})"), skipped)
            continue
        for entry in reversed(entries):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                stack.append(entry)
            elif entry.suffix.lower() in SUFFIXES:
                yield entry


def _check_input(path: Path) -> None:
    """A path named on the command line must exist; only what is inside it may be skipped."""
    try:
        path.stat()
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise InputError(f"{path}: symbolic link loop") from err
        if err.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputError(f"{path}: no such file or folder") from err
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err


def read_articles(inputs: Iterable[str | Path], *, skipped: list[InputError] | None = None,
                  detect: Callable[[str], str] = detect_language) -> list[Article]:
    """Read every article under the given files and folders, in a stable order. ``detect``
    gives an article's language from its text (:func:`detect_language` unless told, e.g. a
    memo of it: :meth:`geomap.cache.ReadingCache.languages`).

    Without ``skipped`` (strict), the first bad file or record raises. With it, each bad file
    (unreadable, binary, not UTF-8, empty, too large), bad record or JSON Lines line, and
    duplicate id is logged as a warning, appended to ``skipped`` and left out.

    Raises
    ------
    InputError
        A path is missing or a symbolic link loop, a folder holds no article files, no article
        could be read at all, or (strict) any bad file or record.
    """
    articles: list[Article] = []
    names: list[str] = []
    for raw in inputs:
        path = Path(raw)
        names.append(str(path))
        _check_input(path)
        if path.is_dir():
            files = sorted(_walk(path, skipped), key=lambda p: p.relative_to(path).as_posix())
            if not files:
                raise InputError(f"{path}: folder holds no articles ({', '.join(SUFFIXES)})")
            found = [(f, f.relative_to(path).as_posix()) for f in files]
        else:
            found = [(path, None)]
        for f, article_id in found:
            try:
                articles.extend(read_path(f, article_id=article_id, skipped=skipped, detect=detect))
            except InputError as err:
                skip_or_raise(err, skipped)
    unique: list[Article] = []
    ids: dict[str, str | None] = {}
    for a in articles:
        if a.id in ids:
            skip_or_raise(InputError(f"{a.path}: article id {a.id!r} also used by {ids[a.id]}"), skipped)
            continue
        ids[a.id] = a.path
        unique.append(a)
    if not unique:
        raise InputError(f"{', '.join(names)}: no article could be read"
                         + (f" ({len(skipped)} skipped, see the warnings)" if skipped else ""))
    return unique
