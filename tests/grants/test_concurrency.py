"""The budget can never be overspent, also when many approvals (and quick-lane submits) happen at once.

Real PostgreSQL, real commits, one thread per approval, each with its own app context and so its own
session and connection. All threads start together at a barrier.
"""
import random
import threading

import pytest
from sqlalchemy import func, select

from webapp.accounts.models import User
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc

THREADS = 40


def _run_in_threads(app, jobs):
    """Run each job(session-bound) in its own thread; return [(name, outcome)]."""
    barrier = threading.Barrier(len(jobs))
    results = []
    lock = threading.Lock()

    def worker(name, job):
        with app.app_context(), app.test_request_context(headers={"Accept-Language": "nl"}):
            try:
                barrier.wait(timeout=30)
                outcome = job()
                db.session.commit()
            except svc.BudgetExceeded:
                db.session.rollback()
                outcome = "budget"
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                db.session.rollback()
                outcome = f"error: {exc!r}"
            finally:
                db.session.remove()
        with lock:
            results.append((name, outcome))

    threads = [threading.Thread(target=worker, args=(name, job)) for name, job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(not t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return dict(results)


@pytest.mark.committed
def test_parallel_approvals_never_overspend(app, make_user, make_round, make_initiative, make_application):
    from webapp.accounts.models import Role

    rng = random.Random(7)
    staff_ids = [make_user(f"Medewerker {i}", Role.STAFF, "GM0363").id for i in range(3)]
    owner = make_user("Eigenaar")
    grant_round = make_round(by=db.session.get(User, staff_ids[0]), budget_cents=200_000, max_amount_cents=30_000,
                             four_eyes_cents=100_000, quick_lane_cents=5_000)
    amounts, app_ids, quick_ids = {}, [], []
    for i in range(THREADS):
        initiative = make_initiative(owner, title=f"Initiatief {i}")
        if i % 5 == 0:  # every fifth: a quick-lane draft, submitted concurrently with the approvals
            draft = make_application(owner, grant_round, initiative, 5_000, submit=False)
            quick_ids.append(draft.id)
            amounts[draft.id] = 5_000
        else:
            amount = rng.randrange(5_000, 30_001, 100)
            # Submitted with the quick lane off for a moment, so they wait for staff.
            grant_round.quick_lane_cents = 0
            db.session.commit()
            application = make_application(owner, grant_round, initiative, amount)
            grant_round.quick_lane_cents = 5_000
            db.session.commit()
            app_ids.append(application.id)
            amounts[application.id] = amount
    owner_id = owner.id
    db.session.remove()

    def approve(application_id, staff_id):
        def job():
            application = db.session.get(m.GrantApplication, application_id)
            svc.decide(db.session.get(User, staff_id), application, "approve", "Goed plan.")
            return application.status
        return job

    def submit(application_id):
        def job():
            application = db.session.get(m.GrantApplication, application_id)
            svc.submit(db.session.get(User, owner_id), application)
            return application.status
        return job

    jobs = [(a, approve(a, staff_ids[i % 3])) for i, a in enumerate(app_ids)] + [(q, submit(q)) for q in quick_ids]
    outcomes = _run_in_threads(app, jobs)

    errors = {k: v for k, v in outcomes.items() if v.startswith("error")}
    assert not errors, errors
    db.session.expire_all()
    grant_round = db.session.get(m.GrantRound, grant_round.id)
    apps = {a.id: a for a in db.session.scalars(select(m.GrantApplication).where(
        m.GrantApplication.round_id == grant_round.id)).unique()}
    holding = [a for a in apps.values() if a.status in m.RESERVING_STATUSES]
    # Never overspent, and the round row agrees exactly with the applications.
    assert grant_round.committed_cents <= grant_round.budget_cents
    assert grant_round.committed_cents == sum(a.reserved_cents for a in holding)
    assert all(a.reserved_cents == a.granted_cents == amounts[a.id] for a in holding)
    # No approval lost: every thread that succeeded is approved in the database, with its audit entry.
    for application_id, outcome in outcomes.items():
        stored = apps[application_id]
        if outcome == "budget":
            assert stored.status == m.SUBMITTED and stored.reserved_cents == 0
        elif application_id in quick_ids and outcome == m.SUBMITTED:  # no money left: to the queue instead
            assert stored.status == m.SUBMITTED and stored.reserved_cents == 0 and not stored.quick_lane
        else:
            assert outcome == m.APPROVED == stored.status
    approved_entries = db.session.scalar(select(func.count()).select_from(m.GrantAuditEntry).where(
        m.GrantAuditEntry.round_id == grant_round.id,
        m.GrantAuditEntry.action.in_(("approved", "quick_lane_approved"))))
    assert approved_entries == len(holding)
    # Nobody was refused while the money was there: every refusal needed more than what is left now.
    refused = [amounts[a] for a, outcome in outcomes.items() if outcome == "budget"]
    refused += [amounts[q] for q in quick_ids if apps[q].status == m.SUBMITTED]
    assert refused, "the test must put the budget under pressure"
    assert grant_round.budget_cents - grant_round.committed_cents < min(refused)
    assert len(holding) >= 5


@pytest.mark.committed
def test_parallel_confirmations_of_one_provisional_approval(app, make_user, make_round, make_initiative,
                                                             make_application):
    """Many second approvers at once: exactly one confirms, the money is reserved once."""
    from webapp.accounts.models import Role

    staff_ids = [make_user(f"Medewerker {i}", Role.STAFF, "GM0363").id for i in range(6)]
    owner = make_user("Eigenaar")
    grant_round = make_round(by=db.session.get(User, staff_ids[0]), budget_cents=500_000, max_amount_cents=300_000,
                             four_eyes_cents=100_000)
    application = make_application(owner, grant_round, make_initiative(owner), 200_000)
    svc.decide(db.session.get(User, staff_ids[0]), application, "approve", "Eerste.")
    db.session.commit()
    application_id = application.id
    db.session.remove()

    def confirm(staff_id):
        def job():
            svc.decide(db.session.get(User, staff_id), db.session.get(m.GrantApplication, application_id),
                       "approve", "Bevestigd.")
            return "ok"
        return job

    barrier_jobs = [(s, confirm(s)) for s in staff_ids[1:]]
    results = {}
    barrier = threading.Barrier(len(barrier_jobs))

    def worker(staff_id, job):
        with app.app_context(), app.test_request_context():
            try:
                barrier.wait(timeout=30)
                results[staff_id] = job()
                db.session.commit()
            except svc.GrantError as exc:
                db.session.rollback()
                results[staff_id] = f"refused: {exc}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=job) for job in barrier_jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert list(results.values()).count("ok") == 1, results
    assert all("al besloten" in v for v in results.values() if v != "ok"), results
    db.session.expire_all()
    assert db.session.get(m.GrantRound, grant_round.id).committed_cents == 200_000
    assert db.session.get(m.GrantApplication, application_id).status == m.APPROVED


@pytest.mark.committed
def test_parallel_proposals_and_confirmations_of_money_settings(app, make_user, make_round):
    """Eight staff members propose at once: one proposal waits, the rest are told one is waiting. Then
    eight others confirm it at once: it is applied exactly once, and only by someone else."""
    from webapp.accounts.models import Role
    from webapp.grants import settings_changes

    staff_ids = [make_user(f"Medewerker {i}", Role.STAFF, "GM0363").id for i in range(9)]
    grant_round = make_round(by=db.session.get(User, staff_ids[0]))
    round_id = grant_round.id

    def propose(user_id, budget):
        def job():
            r = db.session.get(m.GrantRound, round_id)
            data = {key: getattr(r, key) for key in svc.ROUND_FIELDS}
            svc.update_round(db.session.get(User, user_id), r, {**data, "budget_cents": budget})
            return "proposed"
        return job

    def confirm(user_id, change_id):
        def job():
            settings_changes.confirm(db.session.get(User, user_id), db.session.get(m.GrantRoundChange, change_id))
            return "confirmed"
        return job

    def guarded(job):
        def run():
            try:
                return job()
            except NotAllowed:
                return "forbidden"
            except svc.GrantError as exc:
                return f"refused: {exc}"
        return run

    proposals = _run_in_threads(app, [(uid, guarded(propose(uid, 5_000_000 + i)))
                                      for i, uid in enumerate(staff_ids[:8])])
    assert sorted(v for v in proposals.values() if v == "proposed") == ["proposed"], proposals
    assert all(v == "proposed" or "wacht al een wijziging" in v for v in proposals.values()), proposals
    db.session.expire_all()
    change = settings_changes.pending_change(db.session.get(m.GrantRound, round_id))
    proposer = change.proposed_by_id
    confirmers = [uid for uid in staff_ids if uid != proposer][:7] + [proposer]
    outcomes = _run_in_threads(app, [(uid, guarded(confirm(uid, change.id))) for uid in confirmers])
    assert list(outcomes.values()).count("confirmed") == 1, outcomes
    assert outcomes[proposer] == "forbidden"
    db.session.expire_all()
    change = db.session.get(m.GrantRoundChange, change.id)
    assert change.status == m.CHANGE_CONFIRMED and change.decided_by_id != proposer
    assert db.session.get(m.GrantRound, round_id).budget_cents == change.new_values["budget_cents"]
    assert db.session.scalar(select(func.count()).select_from(m.GrantAuditEntry).where(
        m.GrantAuditEntry.round_id == round_id,
        m.GrantAuditEntry.action == "round_change_confirmed")) == 2  # + creation
