"""Two staff members put the same grants in a payment batch at the same moment: one batch wins, the other is
refused, and no grant is in two open batches (real PostgreSQL, real commits, threads behind a barrier)."""
import threading

import pytest
from sqlalchemy import func, select

from tests.grants.payment_helpers import IBANS, approved_grant, with_debtor
from webapp.accounts.models import Role, User
from webapp.domain_errors import Conflict
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc

ROUNDS = 5


def _together(app, jobs):
    barrier = threading.Barrier(len(jobs))
    results = {}

    def worker(name, job):
        with app.app_context(), app.test_request_context(headers={"Accept-Language": "nl"}):
            try:
                barrier.wait(timeout=30)
                outcome = job()
                db.session.commit()
            except Conflict:
                db.session.rollback()
                outcome = "conflict"
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                db.session.rollback()
                outcome = f"error: {exc!r}"
            finally:
                db.session.remove()
        results[name] = outcome

    threads = [threading.Thread(target=worker, args=item) for item in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(not t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


@pytest.mark.committed
def test_two_staff_members_at_once_never_put_a_grant_in_two_open_batches(app, make_user, make_round,
                                                                         make_initiative, make_application):
    first = make_user("Betaler Een", Role.STAFF, "GM0363")
    second = make_user("Betaler Twee", Role.STAFF, "GM0363")
    decider = make_user("Beslisser", Role.STAFF, "GM0363")
    owner = make_user("Eigenaar")
    grant_round = with_debtor(make_round(by=decider))
    ids_of = (owner.id, decider.id, grant_round.id)
    staff_ids = (first.id, second.id)
    for attempt in range(ROUNDS):
        owner, decider = db.session.get(User, ids_of[0]), db.session.get(User, ids_of[1])
        grant_round = db.session.get(m.GrantRound, ids_of[2])
        grants = [approved_grant(make_initiative, make_application, owner, decider, grant_round, amount=10_000,
                                 iban=IBANS[i], title=f"Poging {attempt} initiatief {i}") for i in range(3)]
        ids = [g.id for g in grants]
        db.session.remove()

        def make(staff_id, chosen):
            def job():
                batch = svc.batches.create_batch(db.session.get(User, staff_id), "GM0363", chosen, svc.local_today())
                return f"batch {batch.id}"
            return job

        # Overlapping choices: both hold grant ids[1].
        outcomes = _together(app, [("a", make(staff_ids[0], ids[:2])), ("b", make(staff_ids[1], ids[1:]))])
        assert not [o for o in outcomes.values() if o.startswith("error")], outcomes
        assert sorted(o == "conflict" for o in outcomes.values()) == [False, True], outcomes
        open_items = db.session.execute(select(m.GrantPaymentItem.application_id, func.count())
                                        .where(m.GrantPaymentItem.open.is_(True))
                                        .group_by(m.GrantPaymentItem.application_id)).all()
        assert all(count == 1 for _id, count in open_items)
        in_payment = set(db.session.scalars(select(m.GrantApplication.id).where(
            m.GrantApplication.status == m.IN_PAYMENT, m.GrantApplication.id.in_(ids))))
        assert in_payment == {application_id for application_id, _count in open_items if application_id in ids}
