"""Shared fixtures: the real gazetteer, the seed build, and a guard against network use."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def no_network(monkeypatch, request):
    """Fail any test that opens a non-loopback connection, unless marked ``network``."""
    if request.node.get_closest_marker("network"):
        return
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")):
            return real_connect(self, address)
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise AssertionError(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def gazetteer():
    from geomap.geocode.gazetteer import get_gazetteer

    return get_gazetteer()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The real seeds built once into a temporary folder: (out_dir, records, geojson dicts)."""
    from geomap.pipeline import build

    out = tmp_path_factory.mktemp("seed-output")
    result = build([ROOT / "seeds"], out, keep_texts=True)  # the tests check quotes against the texts
    files = {name: json.loads((out / name).read_text(encoding="utf-8"))
             for name in ("places.geojson", "facilities.geojson", "relationships.geojson")}
    return out, result.records, files


@pytest.fixture(scope="session")
def expected():
    return json.loads((DATA / "seeds-expected.json").read_text(encoding="utf-8"))
