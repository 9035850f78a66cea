"""Schemathesis over the app's own OpenAPI document (WSGI, no network): no input makes the API answer 5xx.

The four conformance checks and the stateful phase are in test_openapi_conformance.py. Each operation gets
at most MAX_EXAMPLES generated requests, so the whole run stays well under a minute. (schemathesis' own
pytest plugin, `from_fixture`, still fails on pytest 9 with schemathesis 4.32.5 (`'Function' object has no
attribute '_nodeid'`): the operations are driven with Hypothesis directly, which is what that plugin does.)
"""
from __future__ import annotations

import re

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error

from tests.security.openapi_sweep import operations, sweep

MAX_EXAMPLES = 40


@pytest.fixture
def api_schema(app):
    from webapp.extensions import db
    from webapp.places.models import Place

    # One published place, so searches near it find something and not every answer is empty.
    db.session.add(Place(name="Buurthuis Schemathesis", category="community_centre", status="published",
                         gemeente_code="GM0363", location="SRID=4326;POINT(4.89 52.37)"))
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_no_input_makes_the_api_answer_5xx(api_schema):
    failures = sweep(api_schema, checks=[not_a_server_error], headers={"Accept-Language": "nl"},
                     max_examples=MAX_EXAMPLES)
    assert failures == {}


def test_the_sweep_covers_every_api_operation(app, api_schema):
    """Every /api/v1 rule but the document itself is in the OpenAPI document, so schemathesis reaches it."""
    def shape(path: str) -> str:
        return re.sub(r"[<{][^>}]+[>}]", "{}", path)

    documented = {shape(operation.path) for operation in operations(api_schema)}
    rules = {shape(rule.rule) for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"}
    assert sorted(rules - documented) == []
