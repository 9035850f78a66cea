import json

import pytest
from sqlalchemy import func, select

from webapp.areas import services
from webapp.areas.models import District, Gemeente
from webapp.extensions import db


def test_all_343_gemeenten_are_loaded(app):
    assert db.session.scalar(select(func.count()).select_from(Gemeente)) == 343


@pytest.mark.parametrize("lon,lat,code,name", [
    (4.9041, 52.3676, "GM0363", "Amsterdam"),
    (4.4777, 51.9244, "GM0599", "Rotterdam"),
])
def test_gemeente_at_finds_the_city(lon, lat, code, name):
    found = services.gemeente_at(lon, lat)
    assert found is not None and (found.code, found.name) == (code, name)


def test_north_sea_is_in_no_gemeente():
    assert services.gemeente_at(3.5, 53.5) is None


def test_out_of_range_coordinates_give_none_not_an_error():
    assert services.gemeente_at(200, 95) is None


def test_second_load_adds_nothing(app):
    from webapp.config import ROOT

    report = services.load_gemeenten(ROOT / "data" / "gemeenten-2023.geojson")
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 343)
    assert db.session.scalar(select(func.count()).select_from(Gemeente)) == 343


def test_key_figures_are_kept(app):
    amsterdam = db.session.get(Gemeente, "GM0363")
    assert amsterdam.population and amsterdam.population > 800_000
    assert "percentagePersonen65JaarEnOuder" in amsterdam.key_figures


def test_self_intersecting_polygon_is_repaired(tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.1], [5.1, 52.0], [5.0, 52.1], [5.0, 52.0]]]}
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": bowtie, "properties": {"gemeentecode": "GM9999", "gemeentenaam": "Vlinderdas"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5, 52]},
         "properties": {"gemeentecode": "GM9998", "gemeentenaam": "Punt"}},
    ]}))
    report = services.load_gemeenten(path)
    assert report.inserted == 1 and len(report.repaired) == 1
    assert report.rejected and "GM9998" in report.rejected[0]
    valid = db.session.scalar(select(func.ST_IsValid(Gemeente.boundary)).where(Gemeente.code == "GM9999"))
    assert valid is True


def test_not_geojson_is_a_clear_error(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("{not json")
    with pytest.raises(services.LoadError, match="not valid JSON"):
        services.load_gemeenten(path)


def test_amsterdam_districts(app):
    assert db.session.scalar(select(func.count()).select_from(District)) == 9
    district = services.district_at("GM0363", 4.8952, 52.3702)  # Dam square
    assert district is not None and district.name == "Centrum"


def test_cli_load_is_idempotent(app):
    from webapp.config import ROOT

    result = app.test_cli_runner().invoke(args=["areas", "load", str(ROOT / "data" / "gemeenten-2023.geojson")])
    assert result.exit_code == 0, result.output
    assert "0 added" in result.output and "343 unchanged" in result.output
