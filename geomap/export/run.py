"""``geomap export``: records from articles or a records folder, filtered, rendered, written."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..exc import ConfigurationError
from ..filters import RecordFilter
from ..output import write_outputs
from ..records import Records
from . import FORMATS, ExportSettings, render_files

__all__ = ["ExportResult", "load_records", "run_export", "SINGLE_FILE"]

# Formats written as one file, by suffix.
SINGLE_FILE = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".gpkg": "gpkg", ".kml": "kml", ".html": "html"}
RECORD_FILE = "facilities.geojson"


@dataclass
class ExportResult:
    """What an export read (``source`` in words), kept and wrote."""

    source: str
    read: Records
    shown: Records
    files: list[Path]


def load_records(inputs: Sequence[Path], progress: Callable[[Iterable, int], Iterable] | None = None,
                 skipped: list | None = None) -> tuple[str, Records]:
    """A build's records folder (one folder with the GeoJSON record files), else articles
    (bad ones are listed in ``skipped`` instead of raising, when it is given)."""
    if len(inputs) == 1 and inputs[0].is_dir() and (inputs[0] / RECORD_FILE).is_file():
        from ..output import read_records

        records = read_records(inputs[0])
        return f"records of {inputs[0]}", records
    from ..pipeline import extract_records

    records = extract_records(inputs or [Path("seeds")], progress=progress, skipped=skipped)
    return f"{len(records.articles)} article{'s' * (len(records.articles) != 1)} read", records


def _targets(out: Path, formats: tuple[str, ...]) -> tuple[Path, tuple[str, ...], str | None, str]:
    """(folder, formats, file name of the main format or None, stem) for ``--out``."""
    if out.suffix.lower() not in SINGLE_FILE or out.is_dir():
        return out, formats or ("png",), None, "footprint"
    by_suffix = SINGLE_FILE[out.suffix.lower()]
    formats = formats or (by_suffix,)
    main = [f for f in formats if f != "embed"] or ["embed"]
    if len(main) > 1:
        raise ConfigurationError(f"--out {out}: several formats ({', '.join(main)}) need a folder, not a file name")
    if main[0] != by_suffix and not (main[0] == "embed" and by_suffix == "html"):
        raise ConfigurationError(f"--out {out}: the suffix does not match format {main[0]}; "
                                 f"give a folder or a file ending in .{'html' if main[0] == 'embed' else main[0]}")
    return out.parent, formats, out.name, out.stem


def run_export(inputs: Sequence[Path], out: Path, formats: tuple[str, ...], record_filter: RecordFilter,
               settings: ExportSettings, progress: Callable[[Iterable, int], Iterable] | None = None,
               skipped: list | None = None, curation: Path | None = None) -> ExportResult:
    """Read, curate (``curation``: an analyst's corrections file, see :mod:`geomap.curation`),
    filter, render everything in memory, then write (a failure writes nothing)."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise ConfigurationError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    folder, formats, main_name, stem = _targets(out, formats)
    from ..curation import curated_records

    source = ""

    def read() -> Records:
        nonlocal source
        source, records = load_records(inputs, progress, skipped)
        return records

    records = curated_records(read, curation)
    shown = record_filter.apply(records, keep_speculative=True)
    files = render_files(shown, formats, replace(settings, stem=stem), streamed=True)
    if main_name is not None:  # --out names the file of the one main format
        main_fmt = [f for f in formats if f != "embed"] or ["embed"]
        default = f"{stem}.embed.html" if main_fmt[0] == "embed" else f"{stem}.{main_fmt[0]}"
        files[main_name] = files.pop(default)
    return ExportResult(source, records, shown, write_outputs(files, folder))
