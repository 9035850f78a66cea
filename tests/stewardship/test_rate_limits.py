"""Reports and proposals are rate-limited per account; a form sent back with errors does not count.

The suite runs with the limiter off; this test builds its own app with it on (like
tests/accounts/test_rate_limits.py) and commits for real (tables are emptied afterwards)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db, limiter
from webapp.places.models import Place
from webapp.stewardship.models import Report


@pytest.fixture
def limited_app(app):
    was_enabled = limiter.enabled
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    config.RATELIMIT_ENABLED = True
    config.RATELIMIT_STORAGE_URI = "memory://"
    limited = create_app(config)
    limiter.reset()
    yield limited
    limiter.reset()
    limiter.enabled = was_enabled
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.committed
def test_eleventh_report_in_an_hour_is_refused(limited_app, make_user):
    resident = make_user("Melder")
    place = Place(name="Buurthuis De Linde", category="community_centre", status="published",
                  location="SRID=4326;POINT(4.8952 52.3702)", gemeente_code="GM0363")
    db.session.add(place)
    db.session.commit()
    client = limited_app.test_client()
    from tests.fixtures.users import session_id_for  # a server-side session, as logging in makes
    user_id = session_id_for(resident)
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    url = f"/beheer/place/{place.id}/melden"

    assert client.post(url, data={"category": "access_barrier", "text": ""}).status_code == 400  # not counted
    for n in range(10):
        response = client.post(url, data={"category": "access_barrier", "text": f"De oprit is weg ({n})"})
        assert response.status_code in (200, 302), n
    refused = client.post(url, data={"category": "access_barrier", "text": "Nog een keer"})
    assert refused.status_code == 429
    assert "U probeert het te vaak" in refused.get_data(as_text=True)
    count = db.session.scalar(select(func.count()).select_from(Report).where(Report.subject_id == place.id))
    assert count == 10
