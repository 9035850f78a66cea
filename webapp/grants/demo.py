"""Demo startbijdragen: a round in Amsterdam and one in Utrecht for this year, with applications by
the demo initiatives in every state, decided by the demo staff accounts. Fictional throughout.

Skips gracefully when the demo staff or demo initiatives are missing.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, has_request_context

from webapp.accounts import services as accounts
from webapp.accounts.models import User
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants.services import audit
from webapp.i18n import AMSTERDAM
from webapp.initiatives import queries as initiatives
from webapp.initiatives.models import Initiative
from webapp.stewardship import services as stewardship

DOMAIN = "demo.buurtplek.example"

# (title, audience, timing, amount in euros, budget lines, state)
PLANS = [
    ("Koffie en koek bij de breiclub", "Buren die graag samen breien, vooral ouderen", "Elke dinsdagochtend",
     180, [("Koffie, thee en koek voor een half jaar", 180)], "quick"),
    ("Gereedschap voor het repaircafé", "Iedereen met iets kapots", "Elke laatste zaterdag",
     450, [("Soldeerbout en meetapparaat", 300), ("Kleine onderdelen", 150)], "paid_report"),
    ("Zaalhuur voor het taalcafé", "Nieuwe Amsterdammers die Nederlands oefenen", "Elke donderdagavond",
     1_800, [("Huur zaal, 30 avonden", 1_500), ("Lesmateriaal", 300)], "paid"),
    ("Plantenbakken voor de moestuin", "Kinderen en ouders uit de straat", "Voorjaar",
     480, [("Plantenbakken", 300), ("Aarde en zaden", 180)], "approved_lower"),
    ("Wandelgroep: hesjes en een EHBO-set", "Buren die samen willen bewegen", "Elke zondagochtend",
     300, [("Veiligheidshesjes", 120), ("EHBO-set", 80), ("Bedankje vrijwilligers", 100)], "question"),
    ("Buurtfeest in het park", "De hele buurt", "Eind juni",
     2_400, [("Tent en stoelen", 1_400), ("Muziek", 600), ("Eten", 400)], "provisional"),
    ("Filmavonden voor jongeren", "Jongeren van 12 tot 18", "Elke vrijdag in de winter",
     500, [("Beamer huren", 300), ("Licenties", 200)], "submitted_overdue"),
    ("Reclame voor mijn eigen winkel", "Klanten", "Het hele jaar",
     500, [("Folders", 500)], "rejected"),
    ("Schaakclub: borden en klokken", "Iedereen die wil schaken", "Woensdagmiddag",
     240, [("Schaakborden en klokken", 240)], "revoked"),
    ("Samen koken met buren", "Buren van alle leeftijden", "Eens per maand",
     350, [("Boodschappen", 250), ("Huur keuken", 100)], "withdrawn"),
    ("Voorleesochtend in de bibliotheek", "Peuters en hun ouders", "Zaterdagochtend",
     200, [("Boeken", 200)], "draft"),
    ("Buurtkrant drukken", "Alle bewoners van de wijk", "Vier keer per jaar",
     600, [("Drukwerk", 600)], "submitted"),
]


def _user(local: str) -> User | None:
    return accounts.find_by_email(f"{local}@{DOMAIN}")


def _owned_initiatives(gemeente_code: str) -> list[tuple[Initiative, User]]:
    """The visible initiatives of the gemeente that have a co-owner and a location, each with its first
    co-owner, oldest initiative first."""
    result = []
    for initiative in initiatives.visible_initiatives(gemeente_code):
        owners = stewardship.owners_of(initiative)
        if owners and initiatives.initiative_point(initiative.id) is not None:
            result.append((initiative, owners[0].user))
    return result


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM).astimezone(UTC)


def _play(state: str, plan, initiative, owner, grant_round, staff_a, staff_b, helper, rng, today) -> None:
    title, audience, timing, euros, lines, _state = plan
    applicant = helper if (helper is not None and state == "submitted") else owner
    data = svc.ApplicationData(title=title, audience=audience, timing=timing,
                               description="Een fictieve aanvraag voor de demo.", amount_cents=euros * 100,
                               supporters=rng.randrange(4, 40),
                               own_contribution_cents=(euros * 10 if grant_round.own_contribution_percent else 0),
                               lines=[(d, a * 100) for d, a in lines])
    start = today - timedelta(days=rng.randrange(25, 60)) if state != "submitted" else today - timedelta(days=3)
    if state == "submitted_overdue":
        start = today - timedelta(days=grant_round.answer_days + 6)
    application = svc.save_draft(applicant, grant_round, initiative, data)
    if state == "draft":
        return
    svc.submit(applicant, application, now=_at(start))
    later = _at(start + timedelta(days=rng.randrange(2, 9)), 14)
    if state in ("quick", "revoked"):
        if application.status != m.APPROVED:  # not the initiative's first application: approve by hand
            svc.decide(staff_a, application, "approve", "Klein bedrag, goed plan.", now=later)
        if state == "revoked":
            svc.revoke(staff_a, application, "Dit initiatief krijgt al geld uit een ander potje voor hetzelfde.")
        return
    if state == "question":
        svc.ask_question(staff_a, application, "Hoeveel mensen lopen er ongeveer mee?")
        return
    if state == "withdrawn":
        svc.withdraw(owner, application)
        return
    if state == "rejected":
        svc.decide(staff_a, application, "reject", "Deze regeling is niet voor commerciële activiteiten.", now=later)
        return
    if state == "provisional":
        svc.decide(staff_a, application, "approve", "Goed plan voor de hele buurt.", now=later)
        return
    if state in ("submitted", "submitted_overdue"):
        return
    if state == "approved_lower":
        svc.decide(staff_a, application, "approve", "De aarde kunt u gratis halen bij de gemeentewerf.",
                   amount_cents=30_000, now=later)
        return
    svc.ask_question(staff_a, application, "Is de zaal rolstoeltoegankelijk?")
    svc.answer_question(owner, application, "Ja, er is een lift en een invalidentoilet.")
    svc.decide(staff_a, application, "approve", "Past goed bij de regeling.", now=later)
    if application.status == m.PROVISIONAL:
        svc.decide(staff_b, application, "approve", "Eens, bevestigd.", now=later + timedelta(days=1))
    svc.record_payout(staff_b, application, (later + timedelta(days=3)).astimezone(AMSTERDAM).date(),
                      f"BP-{today.year}-{application.id:04d}", now=later + timedelta(days=3))
    if state == "paid_report":
        svc.submit_report(owner, application, "Twaalf apparaten gerepareerd en veel koffie gedronken.",
                          rng.randrange(20, 60), euros * 100 - 1_250)


OPEN_STATES = ("question", "provisional", "submitted_overdue", "submitted", "draft")


def _play_all(plans, initiatives, grant_round, staff_a, staff_b, helper, rng, today) -> int:
    """Closed states first (one per initiative, so quick-lane ones are first applications), then the
    open ones, each on an initiative without an open application. Returns the number made."""
    ordered = [p for p in plans if p[5] not in OPEN_STATES] + [p for p in plans if p[5] in OPEN_STATES]
    made = 0
    for i, plan in enumerate(ordered):
        initiative, owner = initiatives[i % len(initiatives)]
        if svc.open_application_for(grant_round, initiative) is not None:
            continue
        _play(plan[5], plan, initiative, owner, grant_round, staff_a, staff_b, helper, rng, today)
        made += 1
    return made


# Fictitious accounts with valid check digits (schwifty's IBAN.generate); no real person's account.
DEMO_GEMEENTE_IBAN = "NL21INGB0000001000"
DEMO_IBANS = ("NL91INGB0000001001", "NL64INGB0000001002", "NL37INGB0000001003", "NL10INGB0000001004")


def _payments(grant_round, staff_a, staff_b, today: date) -> str:
    """Bank accounts for the approved grants, a paid batch and an open one, and a change waiting for a
    second look (so every payment table has rows)."""
    approved = [a for a in svc.batches.payable(grant_round.gemeente_code, grant_round.id)
                if a.created_by is not None]
    for application, iban in zip(approved, DEMO_IBANS, strict=False):
        svc.bank.save(application.created_by, application, iban, f"Stichting {application.initiative.title}"[:70])
    if len(approved) < 2:
        return "no payment batches (too few approved grants)"
    paid = svc.batches.create_batch(staff_a, grant_round.gemeente_code, [approved[0].id], today, grant_round.id)
    svc.batches.mark_batch_paid(staff_b, paid, today)
    svc.batches.create_batch(staff_a, grant_round.gemeente_code, [approved[1].id], today, grant_round.id)
    if len(approved) > 2:
        svc.bank.save(approved[2].created_by, approved[2], DEMO_IBANS[3], "J. de Vries")
    return "payment batches: one paid, one open"


def _confirm(grant_round, second, today: date) -> None:
    """A second staff member confirms the new round's money settings; the demo round exists since 1 January
    (its decisions and payments lie in the past)."""
    from webapp.grants import settings_changes

    pending = settings_changes.pending_change(grant_round)
    if pending is not None:
        settings_changes.confirm(second, pending)
    grant_round.created_at = _at(date(today.year, 1, 1), 9)
    db.session.flush()


def _load(rng) -> str:
    staff_a, staff_b = _user("medewerker.amsterdam"), _user("medewerker2.amsterdam")
    staff_u, helper = _user("medewerker.utrecht"), _user("helper.amsterdam")
    if staff_a is None or staff_b is None:
        return "skipped (no demo staff accounts)"
    today = svc.local_today()
    summary = []
    amsterdam = _owned_initiatives("GM0363")
    if amsterdam:
        grant_round = svc.create_round(staff_a, "GM0363", {
            "name": f"Startbijdragen Amsterdam {today.year}",
            "criteria": "Voor en door bewoners. Open voor iedereen. Niet commercieel en niet partijpolitiek. "
                        "Kleine bedragen: huur van een ruimte, materiaal, een bedankje voor vrijwilligers.",
            "opens_on": date(today.year, 1, 1), "closes_on": date(today.year, 12, 31),
            "budget_cents": 4_000_000, "max_amount_cents": 250_000, "four_eyes_cents": 100_000,
            "answer_days": 14, "quick_lane_cents": 25_000, "own_contribution_percent": 0,
            "min_supporters": 0, "ask_supporters": True, "district_id": None,
            "debtor_name": "Gemeente Amsterdam (fictief)", "debtor_iban": DEMO_GEMEENTE_IBAN})
        _confirm(grant_round, staff_b, today)
        count = _play_all(PLANS, amsterdam, grant_round, staff_a, staff_b, helper, rng, today)
        summary.append(f"Amsterdam round with {count} applications")
        summary.append(_payments(grant_round, staff_a, staff_b, today))
    utrecht = _owned_initiatives("GM0344")
    if utrecht and staff_u is not None:
        grant_round = svc.create_round(staff_u, "GM0344", {
            "name": f"Buurtinitiatieven Utrecht {today.year}",
            "criteria": "Voor bewoners van Utrecht. U betaalt zelf 10% mee. Laat zien dat buren het steunen.",
            "opens_on": date(today.year, 1, 1), "closes_on": date(today.year, 12, 31),
            "budget_cents": 2_500_000, "max_amount_cents": 100_000, "four_eyes_cents": 100_000,
            "answer_days": 21, "quick_lane_cents": 0, "own_contribution_percent": 10,
            "min_supporters": 3, "ask_supporters": True, "district_id": None})
        _confirm(grant_round, _user("admin") or staff_a, today)
        # One staff member in Utrecht: states that need a second approver are skipped there.
        plans = [p for p in PLANS if p[5] in ("rejected", "approved_lower", "withdrawn", "question", "draft",
                                               "submitted")]
        count = _play_all(plans, utrecht, grant_round, staff_u, staff_u, None, rng, today)
        summary.append(f"Utrecht round with {count} applications")
    if helper is not None:
        audit.record(staff_a, "helper_granted", gemeente_code="GM0363", helper_id=helper.id)
    db.session.flush()
    return "; ".join(summary) or "skipped (no demo initiatives in Amsterdam or Utrecht)"


def load(rng) -> str:
    """Called by `flask demo load` inside its transaction (it commits)."""
    if has_request_context():
        return _load(rng)
    with current_app.test_request_context(headers={"Accept-Language": "nl"}):
        return _load(rng)
