"""The insight page per gemeente, its downloads and the loader: hostile names stay text, the table sorts
without JavaScript, wrong input gets a 4xx with a message."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.insight.test_gap import SPLIT
from webapp.insight import services

CANARY = '=1+1 {{7*7}} {% raw %} <script>window.__canary=1</script> "><img src=x onerror=alert(1)>'


def test_page_shows_utrecht_total_of_361525_inhabitants(client):
    response = client.get("/inzicht/GM0344")
    assert response.status_code == 200
    total = re.search(r"<tfoot>.*?</tfoot>", response.text, re.S).group(0)
    assert "361.525" in total
    assert response.text.count('<th scope="row">') == 111 + 1   # every buurt and the total
    assert "Hoe rekenen we?" in response.text and "800 meter" in response.text


def test_english_page_formats_numbers_in_english(client):
    response = client.get("/inzicht/GM0344", headers={"Accept-Language": "en"})
    assert "361,525" in response.text


@pytest.mark.parametrize("sort,first", [("name", "2e Daalsebuurt en omgeving"), ("inhabitants", None)])
def test_table_sorts_without_javascript(client, sort, first):
    names = re.findall(r'<th scope="row">([^<]+)</th>', client.get(f"/inzicht/GM0344?sort={sort}").text)[:-1]
    desc = re.findall(r'<th scope="row">([^<]+)</th>', client.get(f"/inzicht/GM0344?sort={sort}&order=desc").text)[:-1]
    assert names == list(reversed(desc))
    if first:
        assert names[0] == first
    else:
        report = {b.name: b.inhabitants for b in services.gap_report("GM0344").buurten}
        assert [report[n] for n in names] == sorted(report.values())


def test_sorted_column_is_announced(client):
    page = client.get("/inzicht/GM0344?sort=inhabitants&order=desc").text
    assert re.search(r'aria-sort="descending">\s*<a href="[^"]*sort=inhabitants&amp;order=asc', page)


@pytest.mark.parametrize("query", ["sort=1;drop", "order=sideways", "sort=naam&order=asc", "sort=&order="])
def test_wrong_sort_gets_a_message_and_400(client, query):
    response = client.get(f"/inzicht/GM0344?{query}")
    assert response.status_code == 400
    assert "Zo kan de tabel niet gesorteerd worden" in response.text


@pytest.mark.parametrize("code", ["GM9999", "gm0344", "x" * 300, "GM0344'--"])
def test_unknown_gemeente_is_404(client, code):
    for suffix in ("", "/buurten.csv", "/buurten.geojson"):
        assert client.get(f"/inzicht/{code}{suffix}").status_code == 404


def test_gemeente_without_buurten_says_so(client):
    response = client.get("/inzicht/GM0363")
    assert response.status_code == 200 and "nog geen buurten geladen" in response.text


def test_downloads_have_the_same_figures(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/inzicht/GM0344/buurten.csv").text)))
    geo = json.loads(client.get("/inzicht/GM0344/buurten.geojson").data)
    assert len(rows) == len(geo["features"]) == 111
    assert sum(int(r["inhabitants"]) for r in rows) == 361_525
    assert geo["reach_m"] == 800
    assert {f["geometry"]["type"] for f in geo["features"]} <= {"Polygon", "MultiPolygon"}


@pytest.fixture
def hostile_buurt(buurten_file):
    services.load_buurten(buurten_file([("BU00140002", CANARY, 100, SPLIT.wkt)]))


def test_a_hostile_buurt_name_is_text_on_the_page_and_in_the_map_data(client, hostile_buurt):
    page = client.get("/inzicht/GM0014").text
    assert "{{7*7}}" in page and "<script>window.__canary" not in page and "<img src=x" not in page
    block = re.search(r'<script type="application/json" id="insight-map-data"[^>]*>(.*?)</script>', page, re.S).group(1)
    assert json.loads(block)["geojson"]["features"][0]["properties"]["buurtnaam"] == CANARY


def test_a_hostile_buurt_name_is_neutralised_in_the_csv(client, hostile_buurt):
    rows = list(csv.reader(io.StringIO(client.get("/inzicht/GM0014/buurten.csv").text)))
    assert rows[1][1] == "'" + CANARY


def test_loader_is_idempotent_and_reports_what_it_did(buurten_file):
    path = buurten_file([("BU00140002", "Gedeeld", 1000, SPLIT.wkt)])
    assert services.load_buurten(path).inserted == 1
    again = services.load_buurten(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    changed = services.load_buurten(buurten_file([("BU00140002", "Gedeeld", 1001, SPLIT.wkt)], "b.geojson"))
    assert changed.updated == 1


def test_loader_repairs_and_rejects_like_areas(tmp_path, buurten_file):
    bowtie = {"type": "Polygon", "coordinates": [[[6.5, 53.2], [6.51, 53.21], [6.51, 53.2], [6.5, 53.21], [6.5, 53.2]]]}
    features = [
        {"type": "Feature", "geometry": bowtie,
         "properties": {"buurtcode": "BU00140005", "buurtnaam": "Strik", "aantal_inwoners": 10}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [6.5, 53.2]},
         "properties": {"buurtcode": "BU00140006", "buurtnaam": "Punt", "aantal_inwoners": 10}},
        {"type": "Feature", "geometry": bowtie, "properties": {"buurtcode": "XX", "buurtnaam": "Fout"}},
        {"type": "Feature", "geometry": bowtie, "properties": {"buurtcode": "BU99990001", "buurtnaam": "Nergens"}},
        {"type": "Feature", "geometry": bowtie,
         "properties": {"buurtcode": "BU00140007", "buurtnaam": "Geheim", "aantal_inwoners": -99999999}},
    ]
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = services.load_buurten(path)
    assert report.inserted == 2 and len(report.repaired) == 2
    assert len(report.rejected) == 3
    assert any("BU00140007" in note for note in report.notes)
    assert {b.code: b.inhabitants for b in services.gap_report("GM0014").buurten} == {"BU00140005": 10, "BU00140007": 0}


@pytest.mark.parametrize("content", ["not json", "[]", '{"type": "Feature"}'])
def test_loader_refuses_a_file_that_is_not_a_feature_collection(tmp_path, content):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(services.LoadError):
        services.load_buurten(path)


def test_load_command(app, buurten_file):
    path = buurten_file([("BU00140002", "Gedeeld", 1000, SPLIT.wkt)])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["insight", "load-buurten", str(path), "--gemeente", "GM0014"])
    assert result.exit_code == 0 and "1 added" in result.output
    result = runner.invoke(args=["insight", "load-buurten", str(path), "--gemeente", "GM0344"])
    assert result.exit_code == 0 and "1 of other gemeenten" in result.output
    result = runner.invoke(args=["insight", "load-buurten", str(path), "--gemeente", "nope"])
    assert result.exit_code != 0 and "Not a gemeente code" in result.output


def test_the_index_lists_gemeenten_with_buurten_and_is_in_the_menu(client):
    page = client.get("/inzicht")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<a href="/inzicht/GM0344">Utrecht</a>' in text
    assert "111 buurten" in text and "361.525 inwoners" in text
    assert "/inzicht/GM0363" not in text          # Amsterdam: no buurten loaded
    assert '<a href="/inzicht"' in client.get("/").get_data(as_text=True)
