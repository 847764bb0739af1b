# The two commands a fresh machine needs:  `make map`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: map test install install-test browser postgres bench screenshot clean

map: $(VENV)/.installed  ## set up geomap and build the map of seeds/ into output/
	$(BIN)/geomap build seeds --out output

test: $(VENV)/.installed-test browser  ## run the whole test suite (with a local PostgreSQL+PostGIS for the store tests)
	url="$${GEOMAP_TEST_POSTGRES:-$$(scripts/ensure-postgres)}" && GEOMAP_TEST_POSTGRES="$$url" $(BIN)/python -m pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

browser:  ## Debian's Chromium for the browser tests (installed once, needs root or sudo)
	@scripts/ensure-chromium

postgres:  ## Debian's PostgreSQL+PostGIS, a test cluster on 127.0.0.1:54329 (installed once, needs root or sudo)
	@scripts/ensure-postgres

bench: $(VENV)/.installed-test browser  ## every benchmark behind BENCHMARKS.md (about an hour on 2 cores)
	$(BIN)/python benchmarks/run.py --cold
	$(BIN)/python benchmarks/heldout.py
	$(BIN)/python benchmarks/map_scale.py
	$(BIN)/python benchmarks/scale.py --throughput-n 200 --speedup-n 400 --incremental-n 1000 --memory-n 2000 4000

screenshot: map $(VENV)/.installed-test browser  ## re-take the README's screenshot of the seed map (docs/seed-map.png)
	$(BIN)/python tools/seed_screenshot.py output/footprint.html docs/seed-map.png

clean:
	rm -rf $(VENV) output/*.html output/*.geojson
