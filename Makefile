# The two commands a fresh machine needs:  `make map`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: map test install install-test browser bench clean

map: $(VENV)/.installed  ## set up geomap and build the map of seeds/ into output/
	$(BIN)/geomap build seeds --out output

test: $(VENV)/.installed-test browser  ## run the whole test suite
	$(BIN)/python -m pytest

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

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) output/*.html output/*.geojson
