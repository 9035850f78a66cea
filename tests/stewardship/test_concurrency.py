"""Two co-owners saving at the same moment, in two real transactions: exactly one wins."""
from __future__ import annotations

import threading

import pytest

from webapp.extensions import db
from webapp.places.models import Place
from webapp.stewardship import services
from webapp.stewardship.models import Revision


@pytest.mark.committed
def test_simultaneous_edits_from_the_same_version(app, make_place, make_user):
    first, second = make_user("Een"), make_user("Twee")
    place = make_place("Buurthuis Gelijktijdig", owner=first)
    services.add_owner(place, second)
    db.session.commit()
    place_id, version = place.id, place.version
    user_ids = [first.id, second.id]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user_id: int, text: str) -> None:
        with app.app_context():
            from webapp.accounts.models import User

            user = db.session.get(User, user_id)
            subject = db.session.get(Place, place_id)
            barrier.wait()
            try:
                services.edit_subject(user, subject, {"description": text}, version)
                db.session.commit()
                outcomes.append("saved")
            except services.EditConflict:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(uid, f"Tekst {n}")) for n, uid in enumerate(user_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["conflict", "saved"]
    db.session.expire_all()
    place = db.session.get(Place, place_id)
    assert place.version == version + 1
    assert db.session.query(Revision).filter_by(subject_id=place_id).count() == 1
