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


@pytest.mark.committed
def test_two_simultaneous_third_reports_hide_the_place(app, make_place, make_user):
    """The 'hidden after 3 reporters' rule counts under the subject's row lock: two residents who send the
    second and third report at the same moment (each in its own transaction) still hide the place.
    The race is run five times: without the lock, most rounds leave the place visible."""
    first, second, third = make_user("Melder Een"), make_user("Melder Twee"), make_user("Melder Drie")
    for round_ in range(5):
        place = make_place(f"Buurthuis Drie Meldingen {round_}")
        services.report(first, place, "inappropriate", "Ongepaste tekst")
        db.session.commit()
        place_id = place.id
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def send_report(user_id: int, place_id: int = place_id, barrier: threading.Barrier = barrier,
                        errors: list[BaseException] = errors) -> None:
            with app.app_context():
                from webapp.accounts.models import User

                try:
                    user = db.session.get(User, user_id)
                    subject = db.session.get(Place, place_id)
                    barrier.wait(10)
                    services.report(user, subject, "inappropriate", "Ook ongepast")
                    db.session.commit()
                except BaseException as exc:  # reported to the test thread below
                    errors.append(exc)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=send_report, args=(uid,)) for uid in (second.id, third.id)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors, errors
        db.session.expire_all()
        assert db.session.get(Place, place_id).hidden is True, f"round {round_}: 3 reporters, still visible"
