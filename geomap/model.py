"""Typed records that flow between the stages: articles, toponyms, evidence, facilities, relationships."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Article",
    "Toponym",
    "Evidence",
    "Facility",
    "Relationship",
    "PLACE_KINDS",
    "PRECISIONS",
    "RELATIONSHIP_KINDS",
    "STATUSES",
    "STATUS_ORDER",
    "FACILITY_KINDS",
    "canonical_kind",
    "canonical_status",
]

PLACE_KINDS = ("country", "admin", "city", "site", "region", "water", "other")
PRECISIONS = ("site", "city", "admin", "country", "region")
RELATIONSHIP_KINDS = (
    "maintenance", "industrial", "arms_transfer", "agreement",
    "training", "presence", "sanctions", "other",
)
# Within one report, a later status in this order describes the relationship better: trouble
# overrides progress, and a reactivation overrides a cancellation.
STATUS_ORDER = (
    "unknown", "offered", "negotiating", "announced", "signed", "under_construction",
    "operational", "completed", "stalled", "suspended", "cancelled", "reactivated",
)
STATUSES = STATUS_ORDER[1:] + ("unknown",)
FACILITY_KINDS = (
    "mro_center", "factory", "shipyard", "naval_base", "air_base", "military_base",
    "training_center", "space_or_tracking_station", "port", "airstrip", "office", "other",
)
# The other words analysts use for the same statuses and kinds, accepted wherever a user
# writes one (curation and annotation files, filters) and read as geomap's own.
STATUS_ALIASES = {
    "offer": "offered", "talks": "negotiating", "negotiations": "negotiating", "delivered": "completed",
    "opened": "operational", "annulled": "cancelled", "canceled": "cancelled", "terminated": "cancelled",
}
KIND_ALIASES = {"basing": "presence", "deployment": "presence", "cooperation": "agreement", "arms_sale": "arms_transfer"}


def _canonical(value: object, aliases: dict[str, str]) -> object:
    if not isinstance(value, str):
        return value
    word = "_".join(value.strip().lower().replace("-", " ").split())
    return aliases.get(word, word)


def canonical_status(value: object) -> object:
    """A status as geomap names it ("delivered" -> "completed", "under construction" ->
    "under_construction"); anything else is returned unchanged, for the caller to reject."""
    return _canonical(value, STATUS_ALIASES)


def canonical_kind(value: object) -> object:
    """A relationship or facility kind as geomap names it ("basing" -> "presence")."""
    return _canonical(value, KIND_ALIASES)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: its id (file name or record id), title, text and publication date."""

    id: str
    title: str
    text: str
    path: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    language: str = "en"

    @property
    def year(self) -> int | None:
        """The publication year, when the date is known."""
        return int(self.published[:4]) if self.published else None


@dataclass(frozen=True, slots=True)
class Toponym:
    """A place name found in a text and resolved (or not) to a gazetteer entry."""

    start: int
    end: int
    text: str
    name: str | None = None  # the gazetteer's name
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    kind: str = "other"
    precision: str | None = None
    gazetteer_id: str | None = None
    score: float = 0.0
    demonym: bool = False  # "Russian", "South Korean": an adjective naming the country

    @property
    def resolved(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class Evidence:
    """A quote from an article, with its offsets, supporting a record; text[start:end] == quote."""

    article: str
    quote: str
    start: int
    end: int
    status: str = "unknown"
    year: int | None = None
    speculative: bool = False


@dataclass
class Facility:
    """A site a foreign supplier builds, runs or services in a host country."""

    id: str
    name: str
    kind: str
    relationship_kind: str
    supplier: str
    host: str
    operators: list[str] = field(default_factory=list)
    equipment: list[str] = field(default_factory=list)
    status: str = "unknown"
    year: int | None = None
    precision: str = "country"
    place_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    speculative: bool = False
    curated: bool = False
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Relationship:
    """A supplier→recipient relation of one kind, with every report of it."""

    id: str
    supplier: str
    recipient: str
    kind: str
    status: str = "unknown"
    year: int | None = None
    equipment: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    facility_id: str | None = None
    speculative: bool = False
    curated: bool = False
    evidence: list[Evidence] = field(default_factory=list)
