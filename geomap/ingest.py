"""Read articles from files and folders: plain text, Markdown, HTML, JSON and JSON Lines."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from .exc import InputError
from .model import Article

__all__ = ["read_articles", "read_path", "parse_text_article", "find_date", "detect_language", "SUFFIXES"]

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")

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
]


def find_date(text: str) -> str | None:
    """Return the ISO date printed in a dateline or sign-off line of ``text``, if any.

    Only short lines (a dateline, a date line at the end, a byline) are looked at, and the
    first of them wins; dates inside running prose are left to the extractor.
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for line in lines[:6] + lines[-4:]:
        if len(line) > 60:  # a dateline opens a paragraph: "JAKARTA, March 3, 2024 — ..."
            line = re.split(r"\s[—–-]\s|—", line, maxsplit=1)[0]
            if len(line) > 60:
                continue
        for pattern, order in _DATE_PATTERNS:
            m = pattern.search(line)
            if not m:
                continue
            parts = dict(zip(order, m.groups()))
            month = parts["m"]
            month_num = int(month) if month.isdigit() else _MONTHS[month.lower()]
            try:
                return date(int(parts["y"]), month_num, int(parts["d"])).isoformat()
            except ValueError:
                continue
    return None


_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "as", "by", "its", "has"},
    "es": {"el", "la", "de", "que", "y", "en", "los", "las", "del", "por", "con", "una", "para", "se", "su"},
    "pt": {"o", "a", "de", "que", "e", "do", "da", "em", "os", "as", "dos", "das", "com", "uma", "para", "não"},
}


def detect_language(text: str) -> str:
    """Guess the language (en, es or pt) from function-word counts."""
    words = re.findall(r"[a-záéíóúãõçñü]+", text[:20000].lower())
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    # Portuguese and Spanish share many words; these tell them apart.
    scores["pt"] += 2 * sum(w in {"não", "são", "também", "ção", "foi", "pelo", "pela", "às"} for w in words)
    scores["es"] += 2 * sum(w in {"también", "fue", "según", "año", "los", "del"} for w in words)
    return max(sorted(scores), key=lambda k: scores[k])


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError(f"{path}: not valid UTF-16 text ({err.reason})") from err
    if b"\x00" in data:
        raise InputError(f"{path}: binary file (contains NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (invalid byte at offset {err.start})") from err


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_text_article(text: str, *, article_id: str, path: str | None = None,
                       url: str | None = None, published: str | None = None,
                       title: str | None = None) -> Article:
    """Build an Article from plain text; the title is the first non-empty line unless given."""
    text = _normalise_newlines(text)
    if title is None:
        title = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return Article(
        id=article_id, title=title, text=text, path=path, url=url,
        published=published or find_date(text), language=detect_language(text),
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


def _parse_html(text: str, *, article_id: str, path: str) -> Article:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    body = parser.text()
    title = re.sub(r"\s+", " ", parser.title).strip()
    if not body.strip():
        raise InputError(f"{path}: HTML page has no readable text")
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"
    return parse_text_article(body, article_id=article_id, path=path, title=title or None)


def _record_to_article(rec: object, *, where: str, path: str, default_id: str) -> Article:
    if not isinstance(rec, dict):
        raise InputError(f"{where}: expected a JSON object with 'text', got {type(rec).__name__}")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: record has no 'text'")
    rid = rec.get("id", rec.get("doc_id", default_id))
    title = rec.get("title")
    published = rec.get("published")
    if published is not None:
        published = str(published)[:10]
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", published):
            raise InputError(f"{where}: 'published' must be an ISO date, got {rec.get('published')!r}")
    return parse_text_article(
        text, article_id=str(rid), path=path, url=rec.get("url"),
        published=published, title=str(title) if title else None,
    )


def _parse_json(text: str, *, path: Path, article_id: str, jsonl: bool) -> list[Article]:
    articles: list[Article] = []
    if jsonl:
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{where}: malformed JSON line ({err.msg})") from err
            articles.append(_record_to_article(rec, where=where, path=str(path),
                                               default_id=f"{article_id}:{lineno}"))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: malformed JSON ({err.msg} at line {err.lineno})") from err
        records = data if isinstance(data, list) else [data]
        for i, rec in enumerate(records):
            articles.append(_record_to_article(
                rec, where=f"{path}[{i}]", path=str(path),
                default_id=article_id if len(records) == 1 else f"{article_id}:{i + 1}"))
    if not articles:
        raise InputError(f"{path}: no articles in file")
    return articles


def read_path(path: Path, *, article_id: str | None = None) -> list[Article]:
    """Read one article file (several for JSON and JSON Lines)."""
    article_id = article_id or path.name
    try:
        data = path.read_bytes()
    except IsADirectoryError as err:
        raise InputError(f"{path}: is a folder, expected a file") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    if not data.strip():
        raise InputError(f"{path}: empty file")
    text = _normalise_newlines(_decode(data, path))
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return [_parse_html(text, article_id=article_id, path=str(path))]
    if suffix in (".json", ".jsonl"):
        return _parse_json(text, path=path, article_id=article_id, jsonl=suffix == ".jsonl")
    return [parse_text_article(text, article_id=article_id, path=str(path))]


def _walk(folder: Path) -> Iterator[Path]:
    seen: set[Path] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            real = current.resolve(strict=True)
        except (OSError, RuntimeError) as err:
            raise InputError(f"{current}: cannot resolve path ({err})") from err
        if real in seen:
            log.warning("%s: skipped, symbolic link loop", current)
            continue
        seen.add(real)
        try:
            entries = sorted(current.iterdir(), key=lambda p: p.name)
        except OSError as err:
            raise InputError(f"{current}: cannot list folder ({err.strerror or err})") from err
        for entry in reversed(entries):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                stack.append(entry)
            elif entry.suffix.lower() in SUFFIXES:
                yield entry


def read_articles(inputs: Iterable[str | Path]) -> list[Article]:
    """Read every article under the given files and folders, in a stable order.

    Raises
    ------
    InputError
        A path is missing, unreadable, binary or empty, a folder holds no articles,
        or two articles share an id.
    """
    articles: list[Article] = []
    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(_walk(path), key=lambda p: p.relative_to(path).as_posix())
            if not files:
                raise InputError(f"{path}: folder holds no articles ({', '.join(SUFFIXES)})")
            for f in files:
                articles.extend(read_path(f, article_id=f.relative_to(path).as_posix()))
        else:
            articles.extend(read_path(path))
    ids: dict[str, str | None] = {}
    for a in articles:
        if a.id in ids:
            raise InputError(f"{a.path}: article id {a.id!r} also used by {ids[a.id]}")
        ids[a.id] = a.path
    return articles
