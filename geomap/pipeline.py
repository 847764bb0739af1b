"""The whole path from article files to the footprint map and its GeoJSON records."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .extract import Extractor
from .ingest import read_articles
from .output import dumps, to_geojson, write_outputs
from .records import Records, build_records

__all__ = ["BuildResult", "build", "extract_records"]

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """What a build read and wrote."""

    records: Records
    files: list[Path]


def extract_records(inputs: Iterable[str | Path], *, extractor: Extractor | None = None) -> Records:
    """Read the articles under ``inputs`` and code them into records."""
    articles = read_articles(inputs)
    extractor = extractor or Extractor()
    readings = []
    for article in articles:
        log.debug("reading %s", article.id)
        readings.append(extractor.read(article))
    return build_records(readings, extractor.geoparser.gazetteer)


def build(inputs: Iterable[str | Path], out_dir: str | Path, *, title: str = "Foreign defense supplier footprint",
          tiles: str | None = None, include_speculative: bool = False,
          extractor: Extractor | None = None) -> BuildResult:
    """Build ``footprint.html`` and the three GeoJSON record files into ``out_dir``.

    Everything is produced in memory first; the files are then written one by one through
    temporary files and renames, so a failure leaves the previous outputs intact.
    """
    from .render.interactive import build_map, render_html

    records = extract_records(inputs, extractor=extractor)
    files = {name: dumps(fc) for name, fc in to_geojson(records).items()}
    m = build_map(records, title=title, tiles=tiles, include_speculative=include_speculative)
    files["footprint.html"] = render_html(m)
    written = write_outputs(files, Path(out_dir))
    return BuildResult(records, written)
