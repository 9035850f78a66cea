"""A place's opening window follows its hours on every path that changes them: proposing, editing (the
form), a revert, the OpenStreetMap import, the demo data; and a move, for hours with sunset."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import cast, func, select
from sqlalchemy.dialects.postgresql import TSTZMULTIRANGE

from tests.stewardship.conftest import act_as, mod_ams, resident  # noqa: F401  (fixtures)
from webapp.extensions import db
from webapp.places import demo, opening_windows, osm
from webapp.places.models import Place, PlaceOpeningWindow
from webapp.stewardship import services

NOW = datetime.now(UTC)


def _window(place_id: int) -> PlaceOpeningWindow | None:
    db.session.expire_all()
    return db.session.get(PlaceOpeningWindow, place_id)


def _expected(text: str, lat: float = 52.3731, lon: float = 4.8922) -> tuple[bool, str, str]:
    return opening_windows.windows_for(text, lat, lon)


def _as_stored(place_id: int) -> tuple[bool, str, str]:
    """The stored window, written as the literals opening_windows computes (compared by PostgreSQL)."""
    row = db.session.execute(select(
        PlaceOpeningWindow.hours_known, PlaceOpeningWindow.open_intervals, PlaceOpeningWindow.unknown_intervals,
        PlaceOpeningWindow.valid_until).where(PlaceOpeningWindow.place_id == place_id)).one()
    assert row.valid_until > NOW + timedelta(days=15)
    return row.hours_known, row.open_intervals, row.unknown_intervals


def _same(place_id: int, text: str, lat: float = 52.3731, lon: float = 4.8922) -> bool:
    known, opens, unknowns = _expected(text, lat, lon)
    return bool(db.session.scalar(select(
        (PlaceOpeningWindow.hours_known == known)
        & (PlaceOpeningWindow.open_intervals == cast(opens, TSTZMULTIRANGE))
        & (PlaceOpeningWindow.unknown_intervals == cast(unknowns, TSTZMULTIRANGE)))
        .where(PlaceOpeningWindow.place_id == place_id)))


def _edit_form(place, **changes):
    return {"name": place.name, "category": place.category, "lat": "52.3731", "lon": "4.8922",
            "version": str(place.version), **changes}


def test_a_proposal_edits_and_a_revert_refresh_the_window(client, act_as, resident, mod_ams):  # noqa: F811
    act_as(resident)
    response = client.post("/plekken/voorstellen", data={
        "name": "Buurtkamer Het Venster", "category": "community_centre", "lat": "52.3731", "lon": "4.8922",
        "opening_hours": "Mo-Fr 09:00-17:00; PH off"})
    assert response.status_code == 302
    place = db.session.scalars(select(Place).where(Place.name == "Buurtkamer Het Venster")).one()
    assert _window(place.id) is not None and _same(place.id, "Mo-Fr 09:00-17:00; PH off")
    first_version = services.history(place)[0]

    response = client.post(f"/plekken/{place.id}/bewerken", data=_edit_form(place, opening_hours="24/7"))
    assert response.status_code == 302
    assert _same(place.id, "24/7") and not _same(place.id, "Mo-Fr 09:00-17:00; PH off")

    place = db.session.get(Place, place.id)
    response = client.post(f"/plekken/{place.id}/bewerken", data=_edit_form(place, opening_hours=""))
    assert response.status_code == 302
    assert _same(place.id, "") and _as_stored(place.id)[0] is False

    act_as(mod_ams)
    place = db.session.get(Place, place.id)
    response = client.post(f"/beheer/place/{place.id}/terugzetten/{first_version.id}",
                           data={"version": str(place.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Place, place.id).opening_hours == "Mo-Fr 09:00-17:00; PH off"
    assert _same(place.id, "Mo-Fr 09:00-17:00; PH off")


def test_the_osm_import_sets_and_updates_windows(app):
    def feature(hours: str) -> dict:
        return {"type": "Feature", "id": "node/424242",
                "geometry": {"type": "Point", "coordinates": [4.8922, 52.3731]},
                "properties": {"amenity": "community_centre", "name": "Uit de kaart", "opening_hours": hours}}

    osm.import_features([feature("Mo-Sa 10:00-18:00")], status="published")
    place = db.session.scalars(select(Place).where(Place.osm_id == "node/424242")).one()
    assert _same(place.id, "Mo-Sa 10:00-18:00")
    osm.import_features([feature("Fr 22:00-02:00")], status="published")
    assert _same(place.id, "Fr 22:00-02:00")


def test_moving_a_place_with_sun_times_refreshes_its_window(make_place):
    place = make_place(4.8922, 52.3731, opening_hours="sunrise-sunset")
    assert _same(place.id, "sunrise-sunset", 52.3731, 4.8922)
    place.location = "SRID=4326;POINT(3.4 51.37)"       # Cadzand: sunset later than in Amsterdam
    db.session.flush()
    assert _same(place.id, "sunrise-sunset", 51.37, 3.4)
    assert not _same(place.id, "sunrise-sunset", 52.3731, 4.8922)


def test_every_demo_place_has_a_fresh_window(app):
    demo.load(random.Random(2))
    without = db.session.scalar(select(func.count()).select_from(Place).outerjoin(
        PlaceOpeningWindow, PlaceOpeningWindow.place_id == Place.id).where(
        (PlaceOpeningWindow.place_id.is_(None)) | (PlaceOpeningWindow.valid_until < NOW + timedelta(days=15))))
    assert without == 0
    assert db.session.scalar(select(func.count()).select_from(PlaceOpeningWindow)) > 250
