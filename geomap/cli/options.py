"""Options shared by the commands that draw (build, render, export), and their settings.

Each option is declared once here; :func:`resolve` merges them with the project file
(``geomap.toml``): what the command line gives wins over the file.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import click
from click.core import ParameterSource

from ..exc import ConfigurationError
from ..export import DEFAULT_TITLE, SIZES, ExportSettings, parse_bbox, parse_formats, region_extent
from ..filters import RecordFilter, filter_options, parse_codes, parse_kinds
from ..project import PROJECT_FILE, find_project, load_project
from ..records import Records

__all__ = ["verbosity_options", "project_options", "map_options", "static_options", "filter_options",
           "Settings", "resolve", "record_filter_from", "progress_for", "summary"]

log = logging.getLogger("geomap")


def _stack(*options: Callable) -> Callable[[Callable], Callable]:
    def decorate(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


def set_verbosity(verbose: int, quiet: bool) -> None:
    """Log level for -q / -v / -vv."""
    level = logging.ERROR if quiet else logging.WARNING if not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    logging.getLogger().setLevel(level)


def _verbosity_callback(ctx: click.Context, param: click.Parameter, value):
    obj = ctx.ensure_object(dict)
    if param.name == "quiet" and value:
        obj["quiet"] = True
    if param.name == "verbose" and value:
        obj["verbose"] = obj.get("verbose", 0) + value
    set_verbosity(obj.get("verbose", 0), obj.get("quiet", False))
    return value


# -q and -v work before or after the command name: `geomap -q build` and `geomap build -q`.
verbosity_options = _stack(
    click.option("-v", "--verbose", count=True, expose_value=False, callback=_verbosity_callback,
                 help="More messages (repeat for debug)."),
    click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_verbosity_callback,
                 help="Only errors: no progress bar, no summary."),
)

project_options = _stack(
    click.option("--project", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help=f"Settings from this project file (default: ./{PROJECT_FILE} if present); "
                      "options given here win."),
    click.option("--no-project", is_flag=True, help=f"Ignore ./{PROJECT_FILE}."),
)

map_options = _stack(
    click.option("--title", default=DEFAULT_TITLE, show_default=True, help="Map title."),
    click.option("--tiles", default=None,
                 help="HTML map: add a tile layer, an xyzservices name or a URL template (needs a tile server)."),
)

static_options = _stack(
    click.option("--region", default=None, metavar="NAME",
                 help='Static maps: frame a named region ("South America", "Sahel") or a country.'),
    click.option("--bbox", default=None, metavar="W,S,E,N", help="Static maps: frame this box, in degrees."),
    click.option("--size", type=click.Choice(list(SIZES)), default="slide", show_default=True,
                 help="Static maps: a 16:9 slide, an A4 page (portrait) or A4 landscape."),
    click.option("--dpi", type=click.IntRange(50, 1200), default=300, show_default=True,
                 help="Static maps: resolution of PNG and of images in PDF/SVG."),
)


@dataclass
class Settings:
    """What a drawing command does, from its options and the project file."""

    inputs: tuple[Path, ...]
    out: Path | None
    formats: tuple[str, ...]
    record_filter: RecordFilter
    export: ExportSettings
    project: Path | None


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def record_filter_from(values: dict[str, Any]) -> RecordFilter:
    """The filter of the options (or project values) supplier, recipient, kind, since, until,
    include_speculative."""
    return RecordFilter(
        suppliers=parse_codes(values.get("supplier"), "--supplier"),
        recipients=parse_codes(values.get("recipient"), "--recipient"),
        kinds=parse_kinds(values.get("kind")), since=values.get("since"), until=values.get("until"),
        include_speculative=bool(values.get("include_speculative")))


def resolve(ctx: click.Context, values: dict[str, Any], *, default_formats: tuple[str, ...] = ()) -> Settings:
    """Merge the command's options with the project file and check them."""
    path = values.get("project") or (None if values.get("no_project") else find_project())
    if path is not None:
        log.info("settings from %s", path)
        for name, value in load_project(path).items():
            if name == "inputs":
                if not values.get("inputs"):
                    values["inputs"] = tuple(value)
            elif name in values and not _given(ctx, name):
                values[name] = value
    formats = parse_formats(values.get("formats")) or default_formats
    if values.get("embed") and "embed" not in formats:
        formats = (*formats, "embed")
    record_filter = record_filter_from(values)
    region, bbox = values.get("region"), values.get("bbox")
    if region and bbox:  # one from the command line wins over the other from the file
        if _given(ctx, "region") and _given(ctx, "bbox"):
            raise ConfigurationError("give --region or --bbox, not both")
        region, bbox = (region, None) if _given(ctx, "region") else (None, bbox) if _given(ctx, "bbox") else (region, None)
    extent = parse_bbox(bbox) if bbox else region_extent(region) if region else None
    size = values.get("size") or "slide"
    if size not in SIZES:
        raise ConfigurationError(f"size {size!r}: use one of {', '.join(SIZES)}")
    out = values.get("out")
    export = ExportSettings(
        title=values.get("title") or DEFAULT_TITLE, tiles=values.get("tiles"),
        include_speculative=record_filter.include_speculative, size=size, dpi=values.get("dpi") or 300,
        extent=extent, subtitle=record_filter.describe(), embed_src=values.get("embed_src"))
    return Settings(tuple(values.get("inputs") or ()), Path(out) if out else None, formats, record_filter, export, path)


def progress_for(ctx: click.Context, label: str) -> Callable[[Iterable, int], Iterator] | None:
    """A progress bar on standard error for long loops: only on a terminal and without -q."""
    obj = ctx.find_root().obj or {}
    if obj.get("quiet") or not sys.stderr.isatty():
        return None

    def wrap(items: Iterable, total: int) -> Iterator:
        with click.progressbar(items, length=total, label=label, file=sys.stderr, show_pos=True) as bar:
            yield from bar
    return wrap


def summary(ctx: click.Context, source: str, read: Records, shown: Records, written: list[Path],
            record_filter: RecordFilter) -> None:
    """What was read, what the filters kept, and where the files are (standard error, not with -q)."""
    obj = ctx.find_root().obj or {}
    if obj.get("quiet"):
        return

    def counts(r: Records) -> str:
        return ", ".join(f"{len(items)} {word if len(items) == 1 else words}" for items, word, words in (
            (r.places, "place", "places"), (r.facilities, "facility", "facilities"),
            (r.relationships, "relationship", "relationships")))

    lines = [f"{source}: {counts(read)}"]
    if record_filter.narrows:
        lines.append(f"after filters ({record_filter.describe()}): {counts(shown)}")
    speculative = sum(r.speculative for r in [*shown.facilities, *shown.relationships])
    if speculative and not record_filter.include_speculative:
        lines[-1] += (f" ({speculative} of them speculative: kept in the data files, not drawn; "
                      "--include-speculative draws them)")
    folders = sorted({str(p.parent) for p in written})
    names = ", ".join(p.name for p in written)
    lines.append(f"wrote {len(written)} file{'s' * (len(written) != 1)} in {', '.join(folders)}: {names}")
    click.echo("\n".join(lines), err=True)
