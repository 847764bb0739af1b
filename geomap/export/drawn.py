"""What a drawn output (static map, KML) shows: the located facilities, the links with their
arcs, the recipient countries and the supplier colours, with speculative records left out
unless asked for — the same selection as the HTML map's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..geocode.gazetteer import GeoNamesGazetteer
from ..model import Facility, Relationship
from ..records import Records
from ..render import style

__all__ = ["Drawn", "drawn"]


@dataclass
class Drawn:
    """The drawn layers of some records."""

    facilities: list[Facility]
    links: list[tuple[Relationship, list[tuple[float, float]]]]  # with the (lat, lon) arc
    recipients: dict[str, set[str]]  # recipient country -> suppliers present (not sanctions)
    colors: dict[str, str]  # supplier -> colour
    counts: dict[str, int]  # supplier -> facilities and links drawn
    names: dict[str, str]  # country code -> name

    def name(self, code: str) -> str:
        return self.names.get(code, code)


def drawn(records: Records, gaz: GeoNamesGazetteer, include_speculative: bool) -> Drawn:
    def shown(rec) -> bool:
        return include_speculative or not rec.speculative

    facilities = [f for f in records.facilities if f.lat is not None and shown(f)]
    links, recipients = [], defaultdict(set)
    for r in records.relationships:
        arc = records.link_arc(r, gaz) if shown(r) else None
        if arc is None:
            continue
        links.append((r, arc))
        if r.kind != "sanctions":
            recipients[r.recipient].add(r.supplier)
    counts: dict[str, int] = defaultdict(int)
    for rec in [*facilities, *(r for r, _ in links)]:
        counts[rec.supplier] += 1
    codes = {*counts, *recipients, *(f.host for f in facilities)}
    names = {c: (gaz.country(c).name if gaz.country(c) else c) for c in codes}
    return Drawn(facilities, links, dict(recipients), style.supplier_colors(sorted(counts)), dict(counts), names)
