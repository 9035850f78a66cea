"""After approval the applicant is told plainly what comes next (page and mail); a reason the system wrote
is translated; a provisional approval is handed over to the other staff (mail, top of the queue, the
"bevestigen of afwijzen" form with the first reason); the staff page links the initiative."""
from flask_babel import force_locale
from sqlalchemy import select

from tests.grants.payment_helpers import IBANS
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants.services import next_steps
from webapp.mail.models import OutboxMail


def test_approval_mail_and_page_say_what_comes_next(client, login, owner, staff, grant_round, initiative,
                                                     make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Goed plan.")
    db.session.commit()
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "grants.decision")).one()
    for words in ("Wat nu?", "€\xa0300,00", "rekeningnummer (IBAN)", "werkdagen", "verslag", "3 maanden"):
        assert words in mail.body, words
    login(client, owner)
    page = client.get(f"/startbijdragen/aanvraag/{application.id}").get_data(as_text=True)
    assert "Wat nu?" in page and "rekeningnummer (IBAN)" in page
    svc.bank.save(owner, application, IBANS[0], "Stichting Buurtsoep")
    db.session.commit()
    page = client.get(f"/startbijdragen/aanvraag/{application.id}").get_data(as_text=True)
    assert "Wat u nu doet" not in page and "werkdagen" in page


def test_receipts_are_mentioned_above_the_four_eyes_amount(owner, staff, staff2, make_round, initiative,
                                                           make_application):
    grant_round = make_round(four_eyes_cents=20_000)
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Goed.")
    svc.decide(staff2, application, "approve", "Eens.")
    db.session.commit()
    assert any("bonnetjes" in step for step in next_steps.next_steps(application, has_account=False))


def test_the_quick_lane_reason_is_translated(owner, make_round, initiative, make_application):
    grant_round = make_round(quick_lane_cents=25_000)
    application = make_application(owner, grant_round, initiative, 10_000)
    assert application.status == m.APPROVED and application.quick_lane
    assert application.decision_reason == next_steps.stored_quick_lane_reason()
    with force_locale("nl"):
        dutch = next_steps.decision_reason(application)
    with force_locale("en"):
        english = next_steps.decision_reason(application)
    assert dutch.startswith("Snelle route") and english != dutch and "Snelle" not in english


def test_provisional_approval_is_handed_over_to_the_other_staff(client, login, owner, staff, staff2, make_user,
                                                                make_round, initiative, make_application):
    from webapp.accounts.models import Role

    other_gemeente = make_user("Medewerker Utrecht", Role.STAFF, "GM0344")
    grant_round = make_round(four_eyes_cents=20_000)
    older = make_application(owner, grant_round, _second_initiative(owner), 10_000)
    application = make_application(owner, grant_round, initiative, 30_000)
    svc.decide(staff, application, "approve", "Mooi plan, wel groot.")
    db.session.commit()
    assert application.status == m.PROVISIONAL
    mails = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "grants.confirm_needed")).all()
    receivers = {mail.to_address for mail in mails}
    assert staff2.email in receivers
    assert staff.email not in receivers and other_gemeente.email not in receivers
    assert all("Mooi plan, wel groot." in mail.body and "bevestigen of afwijzen" in mail.body for mail in mails)
    # On top of the other's queue, though it was sent later; not on top for the first approver.
    assert svc.queue(grant_round, "open", viewer_id=staff2.id)[0].id == application.id
    assert svc.queue(grant_round, "open", viewer_id=staff.id)[0].id == older.id
    login(client, staff2)
    page = client.get(f"/startbijdragen/regeling/{grant_round.id}/wachtrij").get_data(as_text=True)
    assert "Wacht op uw bevestiging" in page
    page = client.get(f"/startbijdragen/aanvraag/{application.id}").get_data(as_text=True)
    assert "Bevestigen of afwijzen" in page and "Mooi plan, wel groot." in page and "Bevestigen</label>" in page
    assert f'href="/initiatieven/{application.initiative_id}"' in page


def _second_initiative(owner):
    from geoalchemy2 import WKTElement

    from webapp.initiatives.models import Initiative
    from webapp.stewardship.services import add_owner

    initiative = Initiative(title="Ander initiatief", gemeente_code="GM0363",
                            location=WKTElement("POINT(4.8952 52.3702)", srid=4326))
    db.session.add(initiative)
    db.session.flush()
    add_owner(initiative, owner)
    db.session.commit()
    return initiative
