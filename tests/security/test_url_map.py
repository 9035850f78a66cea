"""Built from app.url_map: every rule with an integer part answers 404 (never 500) for ids that cannot exist.

PostgreSQL's `integer` ends at 2^31 - 1; before the bounded converter, 2^31 reached the database and
came back as a 500 on every `<int:...>` route (issue 10, finding 7). New routes are covered automatically.
"""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from webapp.converters import MAX_ID

HUGE = [2**31, 2**63]
PART = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
STRING_SAMPLES = {"code": "GM0363"}


def _int_rules(app):
    rules = []
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            rules.append(rule)
    return sorted(rules, key=lambda r: r.rule)


def _url(rule, number: int) -> str:
    """The rule's path with `number` in every integer part (other parts: a valid value)."""
    def fill(match):
        converter = rule._converters[match["name"]]
        if isinstance(converter, IntegerConverter):
            return str(number)
        if isinstance(converter, AnyConverter):
            return sorted(converter.items)[0]
        return STRING_SAMPLES.get(match["name"], "x")
    return PART.sub(fill, rule.rule)


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


def _requests(app):
    return [(_method(rule), _url(rule, number)) for rule in _int_rules(app) for number in HUGE]


@pytest.fixture
def staff_client(client, make_user, login):
    return login(client, make_user(role="staff", gemeente="GM0363"))


def test_the_url_map_has_integer_rules_in_every_domain(app):
    """The sweep below means something only when it finds the rules (HTML and API, every domain)."""
    paths = [rule.rule for rule in _int_rules(app)]
    assert len(paths) >= 50
    for prefix in ("/plekken/", "/initiatieven/", "/startbijdragen/", "/beheer/", "/api/v1/places/",
                   "/api/v1/initiatives/", "/api/v1/startbijdragen/"):
        assert any(p.startswith(prefix) for p in paths), prefix


def _sweep(client, app) -> list[str]:
    wrong = []
    for method, url in _requests(app):
        response = client.open(url, method=method)
        if response.status_code != 404:
            wrong.append(f"{method} {url} -> {response.status_code}")
    return wrong


def test_every_integer_rule_answers_404_for_2_31_and_2_63_anonymous(client, app):
    assert _sweep(client, app) == []


def test_every_integer_rule_answers_404_for_2_31_and_2_63_as_staff(staff_client, app):
    assert _sweep(staff_client, app) == []


def test_the_largest_id_still_routes_and_never_gives_a_5xx(staff_client, app):
    """2^31 - 1 is a valid id: it reaches the view (the router does not refuse it) and the answer is no 5xx."""
    wrong = []
    for rule in _int_rules(app):
        method = _method(rule)
        assert app.url_map.bind("localhost").match(_url(rule, MAX_ID), method=method)[0] == rule.endpoint
        response = staff_client.open(_url(rule, MAX_ID), method=method)
        if response.status_code >= 500:
            wrong.append(f"{method} {rule.rule} -> {response.status_code}")
    assert wrong == []


def test_api_404_for_a_huge_id_is_json_in_the_users_language(client):
    response = client.get(f"/api/v1/places/{2**31}/history", headers={"Accept-Language": "nl"})
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["message"] == "Deze pagina bestaat niet (meer)."
    response = client.get(f"/api/v1/places/{2**31}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "exist" in response.get_json()["error"]["message"]


def test_non_ascii_digits_do_not_route(client):
    """Werkzeug's \\d matches Arabic-Indic digits too; ids are ASCII only."""
    assert client.get("/plekken/\u0661\u0662").status_code == 404
