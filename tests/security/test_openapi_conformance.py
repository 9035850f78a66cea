"""The API answers what its OpenAPI document says: schemathesis' four conformance checks on every
operation, and its stateful phase (following the document's links, e.g. from a list to an item).

Runs through WSGI (no network) on the real PostGIS. Bounded: MAX_EXAMPLES requests per operation,
STATEFUL_EXAMPLES scenarios of at most STATEFUL_STEPS calls (the whole file takes well under 90 s).
"""
from __future__ import annotations

import io
from datetime import date, time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.openapi_sweep import sweep

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]
MAX_EXAMPLES = 50
STATEFUL_EXAMPLES = 30
STATEFUL_STEPS = 6
# Schemathesis' WSGI transport hands over the body as the app sent it; real clients undo Content-Encoding,
# this one does not, so the app is asked for an uncompressed body (compression is tested on its own).
HEADERS = {"Accept-Language": "nl", "Accept-Encoding": "identity"}


@pytest.fixture
def api_schema(app, make_user):
    """A small world (a published place, an initiative meeting there weekly) so lists are not empty and the
    links from a list to its items lead somewhere."""
    from webapp.extensions import db
    from webapp.initiatives import services
    from webapp.places.models import Place

    place = Place(name="Buurthuis Conformiteit", category="community_centre", status="published",
                  address="Teststraat 1", gemeente_code="GM0363", location="SRID=4326;POINT(4.92 52.36)")
    db.session.add(place)
    db.session.commit()
    owner = make_user("Eigenaar")
    initiative = services.create_initiative(owner, {"title": "Breiclub", "summary": "Samen breien.",
                                                    "themes": ["ontmoeting"], "cost": "free", "status": "active"},
                                            [place.id])
    services.add_activity(initiative, owner, {"title": "Breiavond", "starts_on": date.today(),
                                              "start_time": time(19, 30), "end_time": time(21, 0),
                                              "frequency": "weekly"})
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_operation_passes_the_four_conformance_checks(api_schema):
    failures = sweep(api_schema, checks=CHECKS, headers=HEADERS, max_examples=MAX_EXAMPLES)
    assert not failures, "\n\n".join(f"{label}: {failure}" for label, failure in failures.items())


def test_the_document_links_lists_to_their_items(api_schema):
    """The stateful phase needs links; without them it would only repeat the single-operation phase."""
    document = api_schema.raw_schema
    for path, target in [("/api/v1/initiatives", "getInitiative"), ("/api/v1/places", "getPlace")]:
        links = document["paths"][path]["get"]["responses"]["200"]["links"]
        assert target in {link["operationId"] for link in links.values()}, path


def test_stateful_phase_follows_links_and_passes_the_checks(api_schema):
    machine = api_schema.as_state_machine()
    found: dict[str, set[int]] = {}   # operation -> statuses answered

    class Checked(machine):
        def get_call_kwargs(self, case):
            return {"headers": HEADERS}

        def after_call(self, response, case):
            super().after_call(response, case)
            found.setdefault(case.operation.label, set()).add(response.status_code)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(Checked, settings=settings(
        max_examples=STATEFUL_EXAMPLES, stateful_step_count=STATEFUL_STEPS, deadline=None, derandomize=True,
        database=None, suppress_health_check=list(HealthCheck)))
    assert found, "the stateful phase made no calls"
    # Which links a run happens to follow is up to Hypothesis; that the link from the list leads to the item
    # (and the answer passes the four checks) is checked here, by following it as the document says.
    listing = api_schema["/api/v1/initiatives"]["GET"].Case(query={"gemeente": "GM0363"})
    listed = listing.call(headers=HEADERS)
    listing.validate_response(listed, checks=CHECKS)
    link = api_schema.raw_schema["paths"]["/api/v1/initiatives"]["get"]["responses"]["200"]["links"]["getInitiative"]
    pointer = link["parameters"]["initiative_id"].removeprefix("$response.body#")
    initiative_id = listed.json()
    for part in pointer.strip("/").split("/"):
        initiative_id = initiative_id[int(part) if part.isdigit() else part]
    item = api_schema["/api/v1/initiatives/{initiative_id}"]["GET"].Case(
        path_parameters={"initiative_id": initiative_id})
    answer = item.call(headers=HEADERS)
    item.validate_response(answer, checks=CHECKS)
    assert answer.status_code == 200 and answer.json()["properties"]["title"] == "Breiclub"


@pytest.mark.parametrize("path", ["/api/v1/gemeenten/{code}/places.csv", "/api/v1/gemeenten/{code}/startbijdragen.csv"])
def test_csv_answers_follow_the_dialect_the_document_describes(app, client, path):
    """UTF-8 without BOM, comma, CRLF, a header row; quotes only where RFC 4180 needs them."""
    import csv

    from webapp.extensions import db
    from webapp.places.models import Place

    db.session.add(Place(name='Huis "De Hoek", Oost', category="community_centre", status="published",
                         address="Teststraat 1", gemeente_code="GM0363", location="SRID=4326;POINT(4.92 52.36)"))
    db.session.commit()
    document = client.get("/api/v1/openapi.json").get_json()
    description = document["paths"][path]["get"]["responses"]["200"]["description"]
    for words in ("UTF-8", "comma", "CRLF", "first row with the column names"):
        assert words in description, words
    response = client.get(path.replace("{code}", "GM0363"), headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.data
    assert not body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    assert ", ".join(header) in description   # the documented columns, in order
    assert all(len(row) == len(header) for row in rows)
    if "places" in path:
        assert '"Huis ""De Hoek"", Oost"' in text and rows[1][header.index("name")] == 'Huis "De Hoek", Oost'


def test_logged_in_answers_conform_too(app, api_schema, client, make_user, login):
    """The answers behind a login (200, 403, 409 …) checked the same way, with each person's session."""
    from datetime import timedelta

    from tests.grants.conftest import application_data
    from webapp.accounts.models import Role
    from webapp.extensions import db
    from webapp.grants import services as grants
    from webapp.grants import settings_changes
    from webapp.initiatives.models import Initiative

    owner, resident = make_user("Aanvrager"), make_user("Buurvrouw")
    staff, staff2 = make_user("Medewerker", Role.STAFF, "GM0363"), make_user("Tweede", Role.STAFF, "GM0363")
    initiative = db.session.scalars(db.select(Initiative)).first()
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        from webapp.stewardship.services import add_owner

        add_owner(initiative, owner)
        today = grants.local_today()
        grant_round = grants.create_round(staff, "GM0363", {
            "name": "Startbijdragen", "criteria": "Voor bewoners.", "opens_on": today - timedelta(days=1),
            "closes_on": today + timedelta(days=60), "budget_cents": 4_000_000, "max_amount_cents": 50_000,
            "four_eyes_cents": 100_000, "answer_days": 14, "quick_lane_cents": 0, "own_contribution_percent": 0,
            "min_supporters": 0, "ask_supporters": True, "district_id": None})
        db.session.commit()
        settings_changes.confirm(staff2, settings_changes.pending_change(grant_round))
        db.session.commit()
        application = grants.save_draft(owner, grant_round, initiative, application_data(30_000))
        db.session.commit()
        grants.submit(owner, application)
        db.session.commit()

    from schemathesis.core.transport import Response

    def call_as(user, case):
        """The request schemathesis made up, sent by the Flask test client with `user`'s session."""
        login(client, user)
        kwargs = {"json": case.body} if case.method == "POST" else {}
        return Response.from_any(client.open(case.formatted_path, method=case.method, headers=HEADERS, **kwargs))

    participants = api_schema["/api/v1/initiatives/{initiative_id}/participants"]["GET"]
    application_op = api_schema["/api/v1/startbijdragen/aanvragen/{id}"]["GET"]
    decide = api_schema["/api/v1/startbijdragen/aanvragen/{id}/besluit"]["POST"]
    calls = [
        (owner, participants.Case(path_parameters={"initiative_id": initiative.id}), 200),
        (resident, participants.Case(path_parameters={"initiative_id": initiative.id}), 403),
        (owner, application_op.Case(path_parameters={"id": application.id}), 200),
        (resident, application_op.Case(path_parameters={"id": application.id}), 403),
        (staff, application_op.Case(path_parameters={"id": application.id + 1000}), 404),
        (owner, decide.Case(path_parameters={"id": application.id},
                            body={"decision": "approve", "reason": "Mooi plan."}), 403),
        (staff, decide.Case(path_parameters={"id": application.id}, body={"decision": "maybe", "reason": ""}), 400),
        (staff, decide.Case(path_parameters={"id": application.id},
                            body={"decision": "approve", "reason": "Past bij de ronde."}), 200),
    ]
    for user, case, status in calls:
        response = call_as(user, case)
        assert response.status_code == status, (case.operation.label, response.text[:300])
        # Documented with a body schema (else response_schema_conformance would have nothing to check).
        documented = api_schema.raw_schema["paths"][case.operation.path][case.method.lower()]["responses"]
        assert "schema" in documented[str(status)]["content"]["application/json"], (case.operation.label, status)
        case.validate_response(response, checks=CHECKS)
