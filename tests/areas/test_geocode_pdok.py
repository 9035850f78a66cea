"""Exact addresses through PDOK's Locatieserver, only when switched on; a local stub serves a recorded
answer (no outside calls); any failure falls back to postcodes and names."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.areas.search_data import search_data, search_data_committed  # noqa: F401
from webapp.areas import geocode

pytestmark = pytest.mark.usefixtures("search_data")

# Recorded from /bzk/locatieserver/search/v3_1/free?q=Oudegracht 1 Utrecht&fq=type:adres (fields trimmed).
RECORDED = {"response": {"numFound": 1, "start": 0, "maxScore": 17.5, "docs": [
    {"type": "adres", "weergavenaam": "Oudegracht 1, 3511AA Utrecht", "gemeentenaam": "Utrecht",
     "centroide_ll": "POINT(5.11872 52.09345)"}]}}


class Stub(BaseHTTPRequestHandler):
    answer: bytes = json.dumps(RECORDED).encode()
    status = 200
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        Stub.seen.append(self.path)
        self.send_response(Stub.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(Stub.answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def pdok(app):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    before = {k: app.config.get(k) for k in ("GEOCODER_PDOK_ENABLED", "GEOCODER_PDOK_URL")}
    app.config.update(GEOCODER_PDOK_ENABLED=True, GEOCODER_PDOK_URL=f"http://127.0.0.1:{server.server_port}/ls")
    Stub.seen, Stub.status, Stub.answer = [], 200, json.dumps(RECORDED).encode()
    yield Stub
    app.config.update(before)
    server.shutdown()
    server.server_close()


def test_an_address_is_found_through_pdok_when_switched_on(pdok):
    [found] = geocode.resolve("Oudegracht 1 Utrecht")
    assert (found.kind, found.label, found.gemeente) == ("address", "Oudegracht 1, 3511AA Utrecht", "Utrecht")
    assert (found.lon, found.lat) == (5.11872, 52.09345)
    assert pdok.seen and pdok.seen[0].startswith("/ls/free?") and "fq=type%3Aadres" in pdok.seen[0]


def test_postcodes_and_names_never_ask_pdok(pdok):
    assert geocode.resolve("3511")[0].kind == "pc4"
    assert geocode.resolve("Leeuwarden")[0].kind == "woonplaats"
    assert pdok.seen == []


@pytest.mark.parametrize("status,answer", [(500, b"oops"), (200, b"not json"), (200, b'{"response": {}}')])
def test_a_failing_pdok_falls_back_to_offline_data(pdok, status, answer):
    pdok.status, pdok.answer = status, answer
    assert geocode.resolve("Oudegracht 1 Utrecht") == []       # no name matches: nothing, and no error
    assert [c.name for c in geocode.resolve("Utrecht 2")] == []


def test_pdok_is_off_by_default(app):
    assert not app.config.get("GEOCODER_PDOK_ENABLED", False)
    assert geocode.resolve("Oudegracht 1 Utrecht") == []
