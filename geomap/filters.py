"""Which records a map or export shows: supplier, recipient, kind, years, speculative.

One :class:`RecordFilter` is applied to :class:`~geomap.records.Records` by every command that
draws, and :func:`filter_options` declares the same command-line options on each of them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Callable

from .exc import ConfigurationError
from .model import FACILITY_KINDS, RELATIONSHIP_KINDS, Evidence, Facility, Relationship, canonical_kind
from .records import Records

__all__ = ["RecordFilter", "parse_codes", "parse_kinds", "filter_options", "FILTER_OPTION_NAMES"]


@dataclass(frozen=True)
class RecordFilter:
    """A selection of records; empty fields select everything.

    ``kinds`` may name relationship kinds (maintenance, industrial, …) and facility kinds
    (mro_center, factory, …). A record is in ``since``–``until`` when any of its reports is
    dated in that range (the report's year, else its article's publication year); records with
    no dated report at all are kept, as the HTML map keeps "records without a year". Speculative
    records are kept only with ``include_speculative``.
    """

    suppliers: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    include_speculative: bool = False

    def __post_init__(self) -> None:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ConfigurationError(f"--since {self.since} is after --until {self.until}: swap them")
        unknown = [k for k in self.kinds if k not in RELATIONSHIP_KINDS and k not in FACILITY_KINDS]
        if unknown:
            raise ConfigurationError(f"unknown kind {unknown[0]!r}: use one of {', '.join(RELATIONSHIP_KINDS + FACILITY_KINDS)}")

    @property
    def narrows(self) -> bool:
        """True when the filter drops anything but speculative records."""
        return bool(self.suppliers or self.recipients or self.kinds or self.since is not None or self.until is not None)

    def describe(self) -> str:
        """The filter in words, for map subtitles ("" when it selects everything)."""
        parts = []
        if self.suppliers:
            parts.append("suppliers " + ", ".join(self.suppliers))
        if self.recipients:
            parts.append("recipients " + ", ".join(self.recipients))
        if self.kinds:
            parts.append("kinds " + ", ".join(k.replace("_", " ") for k in self.kinds))
        if self.since is not None or self.until is not None:
            parts.append(f"years {self.since or '…'}–{self.until or '…'}")
        if self.include_speculative:
            parts.append("speculative included")
        return "; ".join(parts)

    def replace(self, **changes) -> "RecordFilter":
        return dataclasses.replace(self, **changes)

    def apply(self, records: Records, *, keep_speculative: bool = False) -> Records:
        """The records this filter selects.

        ``keep_speculative`` keeps speculative records whatever ``include_speculative`` says
        (data exports keep them, flagged, as the GeoJSON records do). When the filter narrows
        the records, the articles and places are those the remaining evidence cites.
        """
        keep_spec = keep_speculative or self.include_speculative
        dates = {a.id: a.year for a in records.articles}
        facilities = [f for f in records.facilities if self._facility(f, dates, keep_spec)]
        kept_ids = {f.id for f in facilities}
        relationships = [r for r in records.relationships if self._relationship(r, dates, keep_spec, kept_ids)]
        if not self.narrows:
            return Records(records.articles, records.places, facilities, relationships)
        cited = {e.article for rec in [*facilities, *relationships] for e in rec.evidence}
        articles = [a for a in records.articles if a.id in cited]
        places = [p for p in records.places if any(m["article"] in cited for m in p.mentions)]
        return Records(articles, places, facilities, relationships)

    def _common(self, supplier: str, recipient: str, speculative: bool, evidence: list[Evidence],
                dates: dict[str, int | None], keep_spec: bool) -> bool:
        if speculative and not keep_spec:
            return False
        if self.suppliers and supplier not in self.suppliers:
            return False
        if self.recipients and recipient not in self.recipients:
            return False
        if self.since is None and self.until is None:
            return True
        lo, hi = self.since or -10**6, self.until or 10**6
        years = [y for y in (e.year or dates.get(e.article) for e in evidence) if y is not None]
        return not years or any(lo <= y <= hi for y in years)

    def _facility(self, f: Facility, dates: dict[str, int | None], keep_spec: bool) -> bool:
        if self.kinds and f.kind not in self.kinds and f.relationship_kind not in self.kinds:
            return False
        return self._common(f.supplier, f.host, f.speculative, f.evidence, dates, keep_spec)

    def _relationship(self, r: Relationship, dates: dict[str, int | None], keep_spec: bool,
                      facility_ids: set[str]) -> bool:
        if self.kinds and r.kind not in self.kinds and (r.facility_id is None or r.facility_id not in facility_ids):
            return False
        return self._common(r.supplier, r.recipient, r.speculative, r.evidence, dates, keep_spec)


def parse_codes(text: str | list[str] | tuple[str, ...] | None, what: str) -> tuple[str, ...]:
    """Country codes from "RU,KR" (or a list): upper-cased, checked as ISO alpha-2."""
    items = _items(text)
    codes = tuple(dict.fromkeys(i.upper() for i in items))
    bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
    if bad:
        raise ConfigurationError(f"{what}: {bad[0]!r} is not a two-letter country code (e.g. RU, KR, PE)")
    return codes


def parse_kinds(text: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Kinds from "maintenance,industrial" (or a list); spaces and hyphens read as underscores,
    and other words for a kind as geomap's own ("basing" -> presence)."""
    return tuple(dict.fromkeys(canonical_kind(i) for i in _items(text)))


def _items(text) -> list[str]:
    if text is None:
        return []
    if isinstance(text, str):
        text = [text]
    return [part.strip() for item in text for part in str(item).split(",") if part.strip()]


FILTER_OPTION_NAMES = ("supplier", "recipient", "kind", "since", "until", "include_speculative")


def filter_options(command: Callable) -> Callable:
    """Declare the filter options on a click command (passed as keyword arguments)."""
    import click

    options = [
        click.option("--supplier", metavar="CODES", help="Only these supplier countries, e.g. RU,KR."),
        click.option("--recipient", metavar="CODES", help="Only these recipient/host countries, e.g. PE."),
        click.option("--kind", metavar="KINDS",
                     help="Only these relationship or facility kinds, e.g. maintenance,industrial or mro_center."),
        click.option("--since", type=click.IntRange(1000, 9999), metavar="YEAR",
                     help="Only records reported in or after this year (undated records are kept)."),
        click.option("--until", type=click.IntRange(1000, 9999), metavar="YEAR",
                     help="Only records reported in or before this year (undated records are kept)."),
        click.option("--include-speculative", is_flag=True, default=False,
                     help="Also draw forecasts, scenarios and possibilities."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
