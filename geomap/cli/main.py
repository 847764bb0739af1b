"""geomap's commands: build, render, geoparse, evaluate, evaluate-records."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path

import click

from ..exc import GeomapError, InputError
from ..export import FORMATS
from ..records import Records
from .options import (filter_options, map_options, progress_for, project_options, record_filter_from, resolve,
                      static_options, summary, verbosity_options)

__all__ = ["cli", "main", "EXIT_OK", "EXIT_ERROR", "EXIT_USAGE", "EXIT_SKIPPED", "EXIT_INTERRUPTED"]

# Exit status (README, "Failure modes"): 3 means the outputs were written from what could be
# read, and a warning named each file, record or line that was left out.
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

strict_option = click.option(
    "--strict", is_flag=True,
    help="Stop at the first bad file, record or line (exit 1) instead of skipping it with a warning (exit 3).")


curation_option = click.option(
    "--records", "curation", default=None, type=click.Path(path_type=Path),
    help="Analyst corrections (YAML or CSV) that add, correct or suppress records by id, applied first.")


def _exit_if_skipped(ctx: click.Context, skipped: list[InputError] | None) -> None:
    if skipped:
        ctx.exit(EXIT_SKIPPED)


def one_line(message: str) -> str:
    """A message as one printable line: control characters, line breaks and bidi overrides
    (from file names or article text) are shown escaped, never acted on by the terminal."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


class _OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return one_line(super().format(record))


EXAMPLES_BUILD = """
\b
Examples:
  geomap build                         # seeds/ -> output/ (or the settings of ./geomap.toml)
  geomap build articles/ new.html --out maps/
  geomap build feed.jsonl --tiles OpenStreetMap.Mapnik
  geomap build articles/ --supplier RU,KR --recipient PE --since 2008 --until 2025
  geomap build articles/ --format html,geojson,png,pdf,gpkg,kml,csv --region "South America"
  geomap build --project briefings/peru.toml
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="geomap")
@click.option("-v", "--verbose", count=True, help="More messages (repeat for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Turn news articles about foreign defense suppliers into maps of their footprint."""
    ctx.obj = {"quiet": quiet, "verbose": verbose}
    level = logging.ERROR if quiet else logging.WARNING if not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler()
    handler.setFormatter(_OneLineFormatter("geomap: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


@cli.command(epilog=EXAMPLES_BUILD)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out", default="output", show_default=True, type=click.Path(path_type=Path),
              help="Folder for footprint.html, the GeoJSON records and other formats.")
@map_options
@filter_options
@click.option("--format", "-f", "formats", multiple=True, metavar="FORMATS",
              help=f"What to write (comma-separated or repeated): {', '.join(FORMATS)}. Default: html,geojson.")
@click.option("--embed", is_flag=True, help="Also write footprint.embed.html, an <iframe> snippet for a briefing page.")
@static_options
@curation_option
@click.option("--cache", "cache_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Readings cache (SQLite) that makes rebuilds incremental "
                   "[default: readings.sqlite in geomap's cache folder].")
@click.option("--no-cache", is_flag=True, help="Read every article again, without a readings cache.")
@click.option("--workers", default=0, type=click.IntRange(min=0), metavar="N",
              help="Read the articles in N local Dask worker processes (default: in this process).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Read the articles on an existing Dask cluster (e.g. tcp://10.0.0.5:8786).")
@click.option("--store", default=None, metavar="FILE.gpkg|URL",
              help="Also write the records into a GeoPackage or a postgresql:// PostGIS database.")
@strict_option
@project_options
@verbosity_options
@click.pass_context
def build(ctx: click.Context, curation: Path | None, cache_path: Path | None, no_cache: bool, workers: int,
          scheduler: str | None, store: str | None, strict: bool, **values) -> None:
    """Read articles (files or folders; default seeds/) and build the footprint map."""
    from ..cache import default_cache_path
    from ..pipeline import build as run_build

    settings = resolve(ctx, values, default_formats=("html", "geojson"))
    inputs = settings.inputs or (Path("seeds"),)
    skipped: list[InputError] | None = None if strict else []
    result = run_build(inputs, settings.out, curation=curation, record_filter=settings.record_filter,
                       formats=settings.formats, settings=settings.export,
                       progress=progress_for(ctx, "Reading articles"),
                       cache=None if no_cache else cache_path or default_cache_path(),
                       workers=workers, scheduler=scheduler, store=store, skipped=skipped)
    summary(ctx, f"{len(result.records.articles)} article{'s' * (len(result.records.articles) != 1)} read", result.records, result.shown, result.files,
            settings.record_filter)
    _exit_if_skipped(ctx, skipped)


EXAMPLES_EXPORT = """
\b
Examples:
  geomap export articles/ --out briefing.png                 # a 16:9 slide at 300 dpi
  geomap export articles/ -f pdf --size a4 --region "South America" --out report/
  geomap export output/ -f gpkg,kml,csv --out data/          # from a build's GeoJSON records
  geomap export articles/ --embed --out briefing/            # footprint.embed.html: an <iframe> to paste
  geomap export articles/ -f png --bbox -82,-20,-68,0 --supplier RU --since 2015
"""


@cli.command(epilog=EXAMPLES_EXPORT)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out", default="output", show_default=True, type=click.Path(path_type=Path),
              help="A folder, or a file when one single-file format is asked for (map.png, report.pdf).")
@click.option("--format", "-f", "formats", multiple=True, metavar="FORMATS",
              help=f"What to write (comma-separated or repeated): {', '.join(FORMATS)}. "
                   "Default: the suffix of --out, else png.")
@click.option("--embed", is_flag=True, help="Also write footprint.embed.html, an <iframe> snippet for a briefing page.")
@click.option("--embed-src", default=None, metavar="URL",
              help="The snippet's frame loads the map from this address instead of carrying the whole map.")
@static_options
@map_options
@filter_options
@curation_option
@strict_option
@project_options
@verbosity_options
@click.pass_context
def export(ctx: click.Context, strict: bool, curation: Path | None, **values) -> None:
    """Static maps (PNG, SVG, PDF), an embeddable snippet, and data for GIS tools
    (GeoPackage, KML, CSV), from articles or from a build's records folder.

    INPUTS are article files or folders (default seeds/), or one folder holding a build's
    places/facilities/relationships.geojson (as an analyst may have edited them).
    """
    from ..export.run import run_export

    settings = resolve(ctx, values)
    skipped: list[InputError] | None = None if strict else []
    result = run_export(settings.inputs, settings.out, settings.formats, settings.record_filter, settings.export,
                        progress=progress_for(ctx, "Reading articles"), skipped=skipped, curation=curation)
    summary(ctx, result.source, result.read, result.shown, result.files, settings.record_filter)
    _exit_if_skipped(ctx, skipped)


EXAMPLES_GEOPARSE = """
\b
Examples:
  geomap geoparse seeds/*.txt                  # one JSON line per article on standard output
  geomap geoparse --jsonl feed.jsonl --out toponyms.jsonl
  geomap geoparse article.html --no-demonyms
"""


@cli.command(epilog=EXAMPLES_GEOPARSE)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--jsonl", "jsonl", type=click.Path(path_type=Path), help="JSON Lines input with doc_id (or id) and text.")
@click.option("--out", "out", type=click.Path(path_type=Path), help="Write here instead of standard output.")
@click.option("--no-demonyms", is_flag=True, help="Do not report demonyms ('Russian') as mentions of their country.")
@strict_option
@click.pass_context
def geoparse(ctx: click.Context, files: tuple[Path, ...], jsonl: Path | None, out: Path | None, no_demonyms: bool,
             strict: bool) -> None:
    """Find and resolve the place names of texts; one JSON line per document."""
    from ..geoparse import Geoparser
    from ..ingest import detect_language, read_articles, skip_or_raise
    from ..output import write_atomically

    docs: list[tuple[str, str, str | None]] = []  # id, text, language
    skipped: list[InputError] | None = None if strict else []
    if jsonl is not None:
        try:
            lines = jsonl.read_text(encoding="utf-8-sig").split("\n")
        except OSError as err:
            raise InputError(f"{jsonl}: cannot read ({err.strerror or err})") from err
        except UnicodeDecodeError as err:
            raise InputError(f"{jsonl}: not UTF-8 text (invalid byte at offset {err.start})") from err
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                text = rec["text"]
                if not isinstance(text, str):
                    raise TypeError("'text' is not a string")
                doc_id = str(rec.get("doc_id", rec.get("id", n)))
                (doc_id + text).encode("utf-8")  # lone surrogates, which JSON allows, cannot be written out
                language = rec.get("language")
                docs.append((doc_id, text, language if isinstance(language, str) else detect_language(text)))
            except (ValueError, KeyError, TypeError, AttributeError) as err:
                skip_or_raise(InputError(f"{jsonl}:{n}: not a JSON object with 'text' ({err})"), skipped)
    if files:
        docs.extend((a.id, a.text, a.language) for a in read_articles(files, skipped=skipped))
    if not docs:
        raise click.UsageError("give FILES or --jsonl")
    parser = Geoparser(demonyms=not no_demonyms)
    lines_out = []
    for doc_id, text, language in docs:
        tops = [{"start": t.start, "end": t.end, "name": t.text, "lat": t.lat, "lon": t.lon, "country": t.country,
                 "kind": t.kind, "precision": t.precision, "gazetteer_id": t.gazetteer_id}
                for t in parser.parse(text, language)]
        lines_out.append(json.dumps({"doc_id": doc_id, "toponyms": tops}, ensure_ascii=False))
    result = "\n".join(lines_out) + "\n"
    if out is not None:
        write_atomically(out, result)
    else:
        sys.stdout.write(result)
    _exit_if_skipped(ctx, skipped)


EXAMPLES_RENDER = """
\b
Examples:
  geomap render output/                        # output/footprint.html from the (edited) GeoJSON records
  geomap render output/ --out briefing/peru.html --recipient PE --title "Peru"
  geomap render output/ --records corrections.yaml --include-speculative
"""


@cli.command(epilog=EXAMPLES_RENDER)
@click.argument("records_dir", required=False, type=click.Path(path_type=Path))
@click.option("--store", default=None, metavar="FILE.gpkg|URL",
              help="Read the records from a GeoPackage or PostGIS store (see build --store) instead of RECORDS_DIR.")
@click.option("--out", "out", default=None, type=click.Path(path_type=Path),
              help="Map file to write (default: RECORDS_DIR/footprint.html, or output/footprint.html with --store).")
@map_options
@filter_options
@curation_option
@verbosity_options
@click.pass_obj
def render(obj: dict, records_dir: Path | None, store: str | None, out: Path | None, title: str, tiles: str | None,
           curation: Path | None, **filters) -> None:
    """Draw the map from a build's GeoJSON record files (as edited) or from a records store,
    without reading articles."""
    from ..output import read_records, write_atomically
    from functools import partial

    from ..render import build_map, write_html

    if (records_dir is None) == (store is None):
        raise click.UsageError("give RECORDS_DIR or --store, not both or neither")

    from ..curation import curated_records

    def read() -> Records:
        if store is not None:
            from ..store import read_store

            return read_store(store)
        return read_records(records_dir)

    records = curated_records(read, curation)
    record_filter = record_filter_from(filters)
    records = record_filter.apply(records)
    m = build_map(records, title=title, tiles=tiles, include_speculative=record_filter.include_speculative)
    target = out or (records_dir or Path("output")) / "footprint.html"
    try:
        write_atomically(target, partial(write_html, m))
    except OSError as err:
        raise GeomapError(f"{target}: cannot write ({err.strerror or err})") from err
    if not obj["quiet"]:
        click.echo(f"{len(records.facilities)} facilities, {len(records.relationships)} relationships -> {target}", err=True)


EXAMPLES_EVALUATE = """
\b
Examples:
  geomap evaluate gold.jsonl                   # geoparse GOLD's texts and score them
  geomap evaluate gold.jsonl predictions.jsonl # score another geoparser's output
"""


@cli.command(epilog=EXAMPLES_EVALUATE)
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("pred", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-demonyms", is_flag=True, help="When geoparsing GOLD's texts, do not report demonyms.")
def evaluate(gold: Path, pred: Path | None, no_demonyms: bool) -> None:
    """Score toponyms against an annotated JSONL file (geoparsing GOLD's texts if no PRED)."""
    from ..evaluate import evaluate_files

    click.echo(json.dumps(evaluate_files(gold, pred, demonyms=not no_demonyms), indent=1))


EXAMPLES_EVALUATE_RECORDS = """
\b
Examples:
  geomap evaluate-records tests/data/seeds-expected.json seeds/
  geomap evaluate-records gold.json --records-dir output/ --format json
"""


@cli.command("evaluate-records", epilog=EXAMPLES_EVALUATE_RECORDS)
@click.argument("gold", type=click.Path(path_type=Path))
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--records-dir", type=click.Path(path_type=Path),
              help="Score the GeoJSON records of a build folder instead of reading INPUTS.")
@curation_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def evaluate_records_command(gold: Path, inputs: tuple[Path, ...], records_dir: Path | None, curation: Path | None,
                             fmt: str) -> None:
    """Score facility and relationship records against an annotated JSON file (GOLD).

    Relationships match on (article, supplier, recipient, kind); status and year are checked
    where GOLD gives them. Records come from reading INPUTS (articles) or from --records-dir.
    """
    from ..evaluate_records import format_table, load_gold, score_records

    if bool(inputs) == bool(records_dir):
        raise click.UsageError("give either INPUTS (articles) or --records-dir, not both or neither")
    annotations = load_gold(gold)
    from ..curation import curated_records

    def read() -> Records:
        if records_dir is not None:
            from ..output import read_records

            return read_records(records_dir)
        from ..pipeline import extract_records

        return extract_records(inputs)

    records = curated_records(read, curation)
    result = score_records(annotations, records.relationships, records.facilities).as_dict()
    click.echo(json.dumps(result, indent=1, ensure_ascii=False) if fmt == "json" else format_table(result, str(gold)),
               nl=fmt == "json")


def main() -> None:
    """Entry point: turn geomap's errors into one-line messages and the exit statuses above."""
    try:
        status = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("geomap: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except GeomapError as err:
        click.echo(f"geomap: error: {one_line(str(err))}", err=True)
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:  # e.g. `geomap geoparse ... | head`
        sys.stderr.close()
        sys.exit(EXIT_ERROR)
    except OSError as err:  # an unwritable file or folder that no geomap check caught first
        where = f"{err.filename}: " if err.filename else ""
        click.echo(f"geomap: error: {one_line(where + (err.strerror or str(err)))}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("geomap: interrupted; existing outputs were left as they were", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(status if isinstance(status, int) else EXIT_OK)
