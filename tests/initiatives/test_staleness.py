"""Staleness: "niet bijgewerkt sinds", one reminder (not every day), automatic pause and its undo."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.initiatives import clock, services
from webapp.mail.models import OutboxMail
from webapp.stewardship import services as stewardship

START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def _reminders(kind="initiatives.stale_reminder"):
    return db.session.scalar(select(func.count()).select_from(OutboxMail).where(OutboxMail.kind == kind))


def test_not_stale_before_six_months(make_user, make_initiative):
    initiative = make_initiative(make_user(), now=START)
    assert services.stale_since(initiative, START + timedelta(days=180)) is None
    assert services.remind_stale(START + timedelta(days=150)).reminded == 0
    assert _reminders() == 0


def test_stale_notice_and_one_reminder_not_every_day(client, make_user, make_initiative, monkeypatch):
    owner, co_owner = make_user("Eigenaar"), make_user("Mede-eigenaar")
    initiative = make_initiative(owner, now=START)
    stewardship.add_owner(initiative, co_owner, added_by=owner)
    db.session.commit()
    day = START + timedelta(days=190)
    assert services.stale_since(initiative, day) == START
    monkeypatch.setattr(clock, "utcnow", lambda: day)
    html = client.get(f"/initiatieven/{initiative.id}").get_data(as_text=True)
    assert "Niet bijgewerkt sinds" in html and "10 januari 2026" in html
    # The daily job on ten days in a row: one reminder per owner, once.
    for n in range(10):
        result = services.remind_stale(day + timedelta(days=n))
        db.session.commit()
        assert result.reminded == (1 if n == 0 else 0)
    assert _reminders() == 2
    addresses = set(db.session.scalars(select(OutboxMail.to_address).where(
        OutboxMail.kind == "initiatives.stale_reminder")))
    assert addresses == {owner.email, co_owner.email}
    assert initiative.stale_reminded_at == day and initiative.status == "active"


def test_owner_touch_resets_the_clock(client, login, make_user, make_initiative, monkeypatch):
    owner = make_user()
    initiative = make_initiative(owner, now=START)
    day = START + timedelta(days=200)
    services.remind_stale(day)
    db.session.commit()
    monkeypatch.setattr(clock, "utcnow", lambda: day + timedelta(days=1))
    login(client, owner)
    assert client.post(f"/initiatieven/{initiative.id}/klopt-nog").status_code == 302
    db.session.expire_all()
    assert initiative.owners_touched_at == day + timedelta(days=1) and initiative.stale_reminded_at is None
    assert services.stale_since(initiative, day + timedelta(days=2)) is None
    # A year later without reaction it is reminded (again, once) rather than paused at once.
    later = day + timedelta(days=400)
    assert services.remind_stale(later).reminded == 1
    assert initiative.status == "active"


def test_paused_after_twelve_months_and_undone_by_an_owner(client, login, make_user, make_initiative,
                                                          monkeypatch):
    owner, other = make_user("Eigenaar"), make_user("Ander")
    initiative = make_initiative(owner, now=START)
    services.remind_stale(START + timedelta(days=190))
    db.session.commit()
    # Eleven months: still active.
    assert services.remind_stale(START + timedelta(days=335)).paused == 0
    pause_day = START + timedelta(days=370)
    result = services.remind_stale(pause_day)
    db.session.commit()
    assert result.paused == 1
    assert initiative.status == "paused" and initiative.auto_paused_at == pause_day
    revision = stewardship.history(initiative)[0]
    assert revision.kind == "status" and revision.user_id is None
    assert revision.changes == {"status": {"old": "active", "new": "paused"}}
    assert _reminders("initiatives.auto_paused") == 1
    # Not paused twice, no more mails.
    assert services.remind_stale(pause_day + timedelta(days=1)).paused == 0
    # Paused initiatives are not in "what's on".
    assert services.whats_on(pause_day, pause_day + timedelta(days=7), 4.92, 52.36, 5000) == []
    # Someone else cannot undo it (403, nothing changed).
    login(client, other)
    assert client.post(f"/initiatieven/{initiative.id}/pauze-terugdraaien").status_code == 403
    db.session.expire_all()
    assert initiative.status == "paused"
    # Any owner can.
    monkeypatch.setattr(clock, "utcnow", lambda: pause_day + timedelta(days=3))
    login(client, owner)
    page = client.get(f"/initiatieven/{initiative.id}").get_data(as_text=True)
    assert "pauze terugdraaien" in page
    assert client.post(f"/initiatieven/{initiative.id}/pauze-terugdraaien").status_code == 302
    db.session.expire_all()
    assert initiative.status == "active" and initiative.auto_paused_at is None
    assert initiative.owners_touched_at == pause_day + timedelta(days=3)
    assert stewardship.history(initiative)[0].changes == {"status": {"old": "paused", "new": "active"}}


def test_ended_initiatives_are_left_alone(make_user, make_initiative):
    initiative = make_initiative(make_user(), now=START, status="ended")
    assert services.remind_stale(START + timedelta(days=400)).reminded == 0
    assert services.stale_since(initiative, START + timedelta(days=400)) is None


def test_cli_remind(app, make_user, make_initiative):
    make_initiative(make_user(), now=START)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["initiatives", "remind", "--now", "2026-08-01T06:00:00+00:00"])
    assert result.exit_code == 0, result.output
    assert "reminded: 1" in result.output
    result = runner.invoke(args=["initiatives", "remind", "--now", "2026-08-02T06:00:00+00:00"])
    assert "reminded: 0" in result.output
    assert _reminders() == 1


def test_accepted_suggestion_in_stewardship_counts_as_an_update(make_user, make_initiative):
    owner, resident = make_user(), make_user()
    initiative = make_initiative(owner, now=START)
    services.remind_stale(START + timedelta(days=200))
    db.session.commit()
    assert initiative.stale_reminded_at is not None
    stewardship.record_revision(initiative, resident, {"summary": {"old": "a", "new": "b"}}, kind="suggestion")
    db.session.commit()
    assert initiative.stale_reminded_at is None
    assert initiative.owners_touched_at > START + timedelta(days=200)
