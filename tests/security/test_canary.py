"""The canary crawl (issue 10, "make it systematic"): stored text never runs and never becomes markup.

1. On the demo data, the canary (tests/security/canary.py) is typed into forms (profile, report) and
   through the services behind the others (place and initiative edits, display names, joining, contact
   messages, co-owner requests, suggestions, reports, grant questions and answers), then written into every other
   free-text column of every row (FREE_TEXT: names, descriptions, house rules, activity and initiative
   texts, budget lines, round names, reasons ...).
2. Every GET rule of app.url_map (pages, maps, posters, feeds, CSV, JSON/GeoJSON, iCal; URL values from
   tests/a11y/crawl.py) is fetched as every kind of user, and each answer is checked for its type:
   HTML shows the canary escaped and never as <script>/<img>; JSON and iCal values hold it exactly;
   CSV cells are neutralised; `{{7*7}}` never became 49; nothing answers 5xx.
3. Every mail in the outbox shows it exactly (plain text).
"""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from flask import url_for

from tests.a11y.crawl import EXTRA_QUERIES, KINDS, QUERY, Unresolved, resolve, resolve_all
from tests.a11y.test_every_page import _client_for, _get
from tests.security.canary import (
    CANARY,
    Findings,
    check_csv,
    check_html,
    check_ical,
    check_json,
    check_mail,
    unclassified,
    write_everywhere,
)

# Rules whose answers are not text (checked elsewhere).
NOT_TEXT = {
    "static": "our own files",
    "vendor.leaflet": "Leaflet's files",
    "core.service_worker": "the service worker script",
    "grants.report_image": "an uploaded image",
}
# Query strings that make list endpoints list something (on top of tests/a11y/crawl.py's).
QUERIES: dict[str, list[dict]] = {
    "places_api.list": [{"gemeente": "GM0363", "limit": "200"},
                        {"gemeente": "GM0363", "limit": "200", "format": "a11yjson"}],
    "initiatives_api.list": [{"lat": "52.3702", "lon": "4.8952", "radius": "25000", "limit": "500"}],
    "initiatives.whats_on": [{"gemeente": "GM0363"}],
    "initiatives.whats_on_ics": [{"gemeente": "GM0363"}],
    "grants.queue": [{"status": "all"}],
}
# Where the canary must show up (for at least one kind of user): the crawl really reached the data.
MUST_SHOW = {
    "places.detail", "places.search", "places_api.get", "places_api.list", "places_api.gemeente_geojson",
    "places_api.gemeente_csv", "initiatives.detail", "initiatives.initiative_poster", "initiatives.place_poster",
    "initiatives.initiative_ics", "initiatives.whats_on", "initiatives.whats_on_ics", "initiatives_api.get",
    "initiatives_api.list", "stewardship.manage", "stewardship.history", "stewardship_api.place_history",
    "grants.round_page", "grants.application_page", "grants.queue", "grants_api.application",
    "grants_api.public_json", "grants_api.public_csv", "grants.public_page", "accounts.account",
    "mail.dev_outbox",
}
# Mails (by kind) that must carry the canary: written from .txt templates and from plain text.
MUST_MAIL = {"initiatives.join", "initiatives.contact", "initiatives.stale_reminder", "initiatives.auto_paused",
             "account.reset", "grants.question", "grants.answer", "stewardship.join_request", "stewardship.report",
             "stewardship.suggestion"}
def _write_through_services(world) -> None:
    """Type the canary in where people type it (the services behind the forms)."""
    from webapp.accounts import services as accounts
    from webapp.extensions import db
    from webapp.initiatives.models import Initiative
    from webapp.places.models import Place
    from webapp.stewardship import services as stewardship

    for kind in world.users:
        accounts.update_profile(world.user(kind), CANARY, None)
    place = db.session.get(Place, world.place)
    stewardship.edit_subject(world.user("place_owner"), place,
                             {"name": CANARY, "description": CANARY, "house_rules": CANARY}, place.version, note=CANARY)
    initiative = db.session.get(Initiative, world.initiative)
    stewardship.edit_subject(world.user("initiative_owner"), initiative,
                             {"title": CANARY, "summary": CANARY, "description": CANARY}, initiative.version)
    db.session.commit()


def _write_through_forms(app, world) -> None:
    """Type the canary into real forms (the profile and a report): the forms accept it as it is."""
    from webapp.extensions import db
    from webapp.stewardship.models import Report

    resident = _client_for(app, world.user("resident"))
    response = resident.post("/account/gegevens", data={"profile-display_name": CANARY,
                                                        "profile-preferred_locale": ""})
    assert response.status_code == 302, response.status_code
    response = resident.post(f"/beheer/place/{world.place}/melden", data={"category": "access_barrier", "text": CANARY})
    assert response.status_code == 302, response.status_code
    db.session.expire_all()
    assert world.user("resident").display_name == CANARY
    assert db.session.query(Report).filter_by(subject_id=world.place, category="access_barrier").one().text == CANARY


def _mails_through_services(world) -> None:
    """Actions that mail someone, with the canary both in what is typed and in the stored names."""
    from webapp.accounts import services as accounts
    from webapp.extensions import db
    from webapp.grants import services as grants
    from webapp.grants.models import GrantApplication
    from webapp.initiatives import services as initiatives
    from webapp.initiatives.models import Initiative
    from webapp.places.models import Place
    from webapp.stewardship import services as stewardship

    resident = world.user("resident")
    place = db.session.get(Place, world.place)
    initiative = db.session.get(Initiative, world.initiative)
    initiatives.join(initiative, resident, kind="volunteer", role=CANARY, message=CANARY)
    initiatives.send_contact_message(initiative, resident, CANARY, share_email=False)
    stewardship.request_join(resident, place, CANARY)
    stewardship.suggest_edit(resident, place, {"description": CANARY + " (voorstel)"}, note=CANARY)
    stewardship.report(resident, place, "wrong_info", CANARY)
    application = db.session.get(GrantApplication, world.application)
    grants.ask_question(world.user("staff"), application, CANARY)
    grants.answer_question(world.user("applicant"), application, CANARY)
    initiatives.remind_stale(now=initiatives.utcnow() + timedelta(days=400))   # the .txt mail templates
    accounts.request_password_reset(resident.email)
    db.session.commit()


def _urls(app, world, failures: list[str]) -> list[tuple[str, str]]:
    """(endpoint, URL) for every GET rule that answers with text, with the URL values of the a11y crawl."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "GET" not in (rule.methods or set()) or rule.endpoint in NOT_TEXT:
            continue
        try:
            if "code" in rule.arguments:   # a gemeente code, in any blueprint (the API's too)
                value_sets = [resolve(rule, world, {"code": world.gemeente})]
            else:
                value_sets = resolve_all(rule, world)
        except Unresolved as exc:
            failures.append(f"UNRESOLVED {exc}")
            continue
        for values in value_sets:
            base = url_for(rule.endpoint, **values)
            if rule.endpoint in QUERY:
                base = f"{base}?{urlencode(QUERY[rule.endpoint](world))}"
            urls.append((rule.endpoint, base))
            for query in EXTRA_QUERIES.get(rule.endpoint, []) + QUERIES.get(rule.endpoint, []):
                urls.append((rule.endpoint, f"{base}{'&' if '?' in base else '?'}{urlencode(query)}"))
    return urls


def _check_answer(response, endpoint: str, where: str, found: Findings) -> None:
    if response.status_code >= 500:
        found.fail(where, f"status {response.status_code}")
        return
    if 300 <= response.status_code < 400:
        return
    mimetype = response.mimetype
    if mimetype == "text/html":
        check_html(response.get_data(as_text=True), where, endpoint, found)
    elif mimetype in ("application/json", "application/geo+json", "application/problem+json"):
        check_json(response.get_data(as_text=True), where, endpoint, found)
    elif mimetype == "text/calendar":
        check_ical(response.get_data(), where, endpoint, found)
    elif mimetype == "text/csv":
        check_csv(response.get_data(as_text=True), where, endpoint, found)


@pytest.mark.committed
def test_canary_is_text_everywhere(app, demo_world, capsys):
    from webapp.extensions import db
    from webapp.mail.models import OutboxMail

    world = demo_world
    _write_through_forms(app, world)
    _write_through_services(world)
    problems = write_everywhere(db.session)
    db.session.commit()
    assert not problems, "the canary could not be stored:\n" + "\n".join(problems)
    _mails_through_services(world)

    found = Findings()
    failures: list[str] = []
    app.config["DEV_MODE"] = True   # /dev/outbox shows the mails as a page too
    try:
        with app.test_request_context():
            urls = _urls(app, world, failures)
        clients = {"anonymous": _client_for(app, None)}
        clients.update({kind: _client_for(app, world.user(kind)) for kind in KINDS[1:] if kind in world.users})
        for endpoint, url in urls:
            for kind, client in clients.items():
                _check_answer(_get(client, url), endpoint, f"{endpoint} {url} as {kind}", found)
    finally:
        app.config["DEV_MODE"] = False

    mails = db.session.query(OutboxMail).order_by(OutboxMail.id).all()
    mail_kinds = {m.kind for m in mails if check_mail(m.subject, m.body, f"mail {m.kind} #{m.id}", found)}

    problems = list(found.problems)
    with capsys.disabled():
        print(f"\n[canary crawl] {len(urls)} URLs x {len(clients)} kinds of user, canary shown intact by "
              f"{len(found.shown)} endpoints; {len(mails)} mails, with the canary: {sorted(mail_kinds)}")
    assert not failures, "\n".join(failures)
    assert not problems, f"{len(problems)} answers treat the canary as code:\n" + "\n".join(problems[:60])
    assert found.shown >= MUST_SHOW, f"the canary never showed (as text) in: {sorted(MUST_SHOW - found.shown)}"
    assert mail_kinds >= MUST_MAIL, f"no mail with the canary of kind {sorted(MUST_MAIL - mail_kinds)}"


def test_every_text_column_is_classified(app):
    """A new text column is either free text (gets the canary) or listed with the reason it is not."""
    from webapp.extensions import db

    missing = unclassified(db.session)
    assert not missing, ("add these columns to FREE_TEXT, FREE_TEXT_LISTS or NOT_FREE_TEXT in "
                         f"tests/security/canary.py: {missing}")


def test_the_checks_catch_evaluated_escaped_and_formula_canaries():
    """The crawl's checks can fail: each way of getting it wrong is caught."""
    from markupsafe import escape

    from tests.security.canary import EVALUATED

    neutralised = io.StringIO()
    csv.writer(neutralised).writerows([["name"], ["'" + CANARY]])
    found = Findings()
    check_html(f"<p>{escape(CANARY)}</p>", "ok", "ok", found)
    check_json(json.dumps({"name": CANARY}), "ok", "ok", found)
    check_csv(neutralised.getvalue(), "ok", "ok", found)
    assert not found.problems and found.shown == {"ok"}
    for check, text, where in (
        (check_html, f"<p>{EVALUATED} {{% raw %}}</p>", "html-49"),
        (check_html, f"<p>{CANARY}</p>", "html-markup"),
        (check_json, '{"name": "=1+1 49 {% raw %}"}', "json-49"),
        (check_json, '{"name": "=1+1 {{7*7}} &lt;script&gt;"}', "json-escaped"),
        (check_csv, f"name\n{EVALUATED}\n", "csv-49"),
        (check_csv, 'name\n"=1+1 {{7*7}}"\n', "csv-formula"),
    ):
        found = Findings()
        check(text, where, where, found)
        assert found.problems and found.problems[0].startswith(where), where
    found = Findings()
    assert not check_mail("Onderwerp", f"Tekst {escape(CANARY)}", "mail", found) and found.problems
