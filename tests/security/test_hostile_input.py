"""The hostile-input sweep (issue 10, "make it systematic"): every form and every API parameter.

Forms: every page of the crawl (tests/a11y/crawl.py, on the demo data) is opened as the first kind of user
that may see it; every POST form on it is sent with the values the page filled in, one field at a time
replaced by a hostile value (10,000 characters, control characters, huge and negative numbers, NaN,
dates in year 1 and 9999, an unknown choice). API: every query parameter of every operation in the
OpenAPI document gets the same treatment; the JSON API and the HTML routes get JSON nested 1,000 deep.

Each answer: never a 5xx, and every hostile form value is refused: a redirect (3xx, "accepted") or a 200
without an error shown fails the sweep. A refusal (4xx, or a 200 that shows the form again) names the
problem in the user's language (no English library defaults) and wrote nothing: PostgreSQL's per-transaction counters
(pg_stat_xact_user_tables) show no inserted, updated or deleted row. Every request runs in a savepoint
that is rolled back afterwards, and the client's cookies are put back, so one form cannot spoil the next.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from tests.a11y.crawl import KINDS, QUERY, Unresolved, candidate_rules, resolve_all
from tests.a11y.test_every_page import _client_for
from webapp.converters import NEVER_STORED
from webapp.extensions import db

NL = {"Accept-Language": "nl"}
LONG = "x" * 10_000
CONTROL = "a\x00b\x1b[31mc\x7f"
HUGE = "99999999999999999999"
# Per field kind. Control characters go into every field of a form at once (one request per form):
# they are refused before any view runs (webapp/converters.py).
TEXT_VALUES = [LONG]
NUMBER_VALUES = [HUGE, "-1", "NaN"]
DATE_VALUES = ["0001-01-01", "9999-12-31"]
DATETIME_VALUES = ["0001-01-01T00:00", "9999-12-31T23:59"]
TIME_VALUES = ["25:61"]
CHOICE_VALUES = ["onbekend-social"]
# English texts of Werkzeug and WTForms that would mean a message did not reach the user in Dutch.
ENGLISH_DEFAULTS = re.compile(r"This field is required|Not a valid|Invalid choice|is not a valid choice|"
                              r"could not understand|Field must be|Number must be|Invalid input|"
                              r"The CSRF token", re.I)
# Writes that are no change of anything the user sent: a session's "last seen" time.
IGNORED_TABLES = {"user_sessions"}
# Form actions that are not sent: (endpoint, reason).
SKIP_ACTIONS = {
    "core.set_language": "switches the language (a GET-like preference; tested in tests/test_i18n.py)",
}
# Fields that are only a redirect target, never stored (webapp/converters.py): a hostile value sends the user
# to a safe page and the action itself goes on (tests/accounts/test_redirects.py).


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name, kind, value, options)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "fields": [], "enctype": a.get("enctype") or ""} if True else None
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if kind == "submit" and a.get("value") is not None:
                    self._form["fields"].append({"name": name, "kind": "submit", "value": a.get("value"),
                                                 "checked": False, "options": []})
                return
            self._form["fields"].append({"name": name, "kind": kind, "value": a.get("value", ""),
                                         "checked": "checked" in a, "options": []})
        elif tag == "select" and name:
            self._select = {"name": name, "kind": "select", "value": None, "checked": True, "options": [],
                            "multiple": "multiple" in a}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select["options"].append(value)
            if "selected" in a or self._select["value"] is None:
                self._select["value"] = value
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "kind": "textarea", "value": "", "checked": True, "options": []}
            self._form["fields"].append(self._textarea)
        elif tag == "button" and name and a.get("value") is not None:
            self._form["fields"].append({"name": name, "kind": "submit", "value": a.get("value"),
                                         "checked": False, "options": []})

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data


def post_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["method"] == "post"]


def baseline(form: dict) -> list[tuple[str, str]]:
    """What a browser would send for the form as the page filled it in (no button pressed)."""
    data = []
    for f in form["fields"]:
        if f["kind"] in ("checkbox", "radio"):
            if f["checked"]:
                data.append((f["name"], f["value"] or "on"))
        elif f["kind"] in ("submit", "file"):
            continue
        elif f["value"] is not None:
            data.append((f["name"], f["value"]))
    # A radio group without a checked button: take its first value (the form is valid as far as we can tell).
    named = {n for n, _ in data}
    for f in form["fields"]:
        if f["kind"] == "radio" and f["name"] not in named:
            data.append((f["name"], f["value"]))
            named.add(f["name"])
    return data


def hostile_values(field: dict) -> list[str]:
    kind, name = field["kind"], field["name"]
    if kind in ("checkbox", "radio", "select"):
        return CHOICE_VALUES
    if kind == "number" or re.search(r"(amount|cents|_id$|count|supporters|attendees|percent|days|^lat$|^lon$)", name):
        return NUMBER_VALUES
    if kind == "date" or name.endswith("_on"):
        return DATE_VALUES
    if kind == "datetime-local":
        return DATETIME_VALUES
    if kind == "time" or name.endswith("_time"):
        return TIME_VALUES
    if kind == "hidden":
        return [HUGE]
    if kind in ("password",):
        return [LONG]
    return TEXT_VALUES


def _writes() -> dict[str, int]:
    rows = db.session.execute(sa.text(
        "select relname, n_tup_ins + n_tup_upd + n_tup_del from pg_stat_xact_user_tables")).all()
    return {name: n for name, n in rows if name not in IGNORED_TABLES}


class Sweep:
    """Sends requests in a savepoint that is rolled back, and records what went wrong."""

    def __init__(self, app):
        self.app = app
        self.server_errors: list[str] = []
        self.saved_on_refusal: list[str] = []
        self.english: list[str] = []
        self.silent: list[str] = []
        self.accepted: list[str] = []
        self.requests = 0

    def send(self, client, method: str, url: str, label: str, refusal_expected: bool = True, **kwargs):
        connection = db._app_engines[self.app][None]
        cookies = dict(getattr(client, "_cookies", {}))
        db.session.remove()
        savepoint = connection.begin_nested()
        try:
            before = _writes()
            response = client.open(url, method=method, headers=NL, **kwargs)
            self.requests += 1
            db.session.remove()
            changed = {t: n - before.get(t, 0) for t, n in _writes().items() if n != before.get(t, 0)}
        finally:
            db.session.remove()
            if savepoint.is_active:
                savepoint.rollback()
            if hasattr(client, "_cookies"):
                client._cookies.clear()
                client._cookies.update(cookies)
        status = response.status_code
        body = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/")) else ""
        if status >= 500:
            self.server_errors.append(f"{label} -> {status}")
            return response
        refused = status >= 400 or status == 200
        if refused and changed:
            self.saved_on_refusal.append(f"{label} -> {status}, wrote {changed}")
        if refused and ENGLISH_DEFAULTS.search(body):
            self.english.append(f"{label} -> {status}: {ENGLISH_DEFAULTS.search(body).group(0)}")
        if status == 200 and refusal_expected and response.mimetype == "text/html" \
                and not re.search(r"error-summary|class=\"error\"|flash-error", body):
            self.silent.append(f"{label} -> 200 without an error shown")
        if 300 <= status < 400:
            self.accepted.append(f"{label} -> {status}")
        return response


def _pages(app, clients: dict, world) -> list[tuple[str, str, str]]:
    """(kind, url, html) for every crawled page, as the first kind that gets it as a 200 HTML page."""
    pages = []
    for rule in candidate_rules(app):
        try:
            value_sets = resolve_all(rule, world)
        except Unresolved:
            continue
        for values in value_sets:
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **values)
            query = QUERY.get(rule.endpoint)
            if query:
                url += "?" + urlencode(query(world))
            for kind in KINDS:
                client = clients.get(kind)
                if client is None:
                    continue
                response = client.get(url, headers=NL)
                if response.status_code == 200 and response.mimetype == "text/html":
                    pages.append((kind, url, response.get_data(as_text=True)))
                    break
    return pages


@pytest.fixture
def world_clients(app, demo_world):
    clients = {"anonymous": app.test_client()}
    for kind in KINDS[1:]:
        user = demo_world.user(kind)
        if user is not None:
            clients[kind] = _client_for(app, user)
    return demo_world, clients


def test_hostile_form_input_is_refused_in_dutch_without_5xx_or_saving(app, world_clients):
    world, clients = world_clients
    adapter = app.url_map.bind("localhost")
    sweep = Sweep(app)
    seen = set()
    forms_swept = 0
    for kind, url, html in _pages(app, clients, world):
        for form in post_forms(html):
            action = urlsplit(form["action"] or url)
            try:
                endpoint, _values = adapter.match(action.path, method="POST")
            except Exception:
                continue
            if endpoint in SKIP_ACTIONS:
                continue
            key = (endpoint, tuple(sorted({f["name"] for f in form["fields"]})))
            if key in seen:
                continue
            seen.add(key)
            forms_swept += 1
            target = action.path + (f"?{action.query}" if action.query else "")
            data = baseline(form)
            if any(n != "csrf_token" for n, _v in data):
                sweep.send(clients[kind], "POST", target, f"{kind} {endpoint} control characters everywhere",
                           data=MultiDict([(n, v + CONTROL if n != "csrf_token" else v) for n, v in data]))
            fields = {}
            for field in form["fields"]:   # one per name: a group of checkboxes or radio buttons is one field
                fields.setdefault(field["name"], field)
            for field in fields.values():
                if field["kind"] in ("submit", "file") or field["name"] == "csrf_token" \
                        or field["name"] in NEVER_STORED:
                    continue
                for value in hostile_values(field):
                    sent = [(n, v) for n, v in data if n != field["name"]] + [(field["name"], value)]
                    sweep.send(clients[kind], "POST", target, f"{kind} {endpoint} {field['name']}={value[:24]!r}",
                               data=MultiDict(sent))
    print(f"{forms_swept} forms, {sweep.requests} requests; accepted: {sweep.accepted}; "
          f"200 without an error: {sweep.silent}")
    assert forms_swept >= 25, f"only {forms_swept} forms found: the crawl did not reach the forms"
    assert sweep.server_errors == []
    assert sweep.saved_on_refusal == []
    assert sweep.english == []
    assert sweep.accepted == [], "hostile input accepted (a redirect instead of a refusal)"
    assert sweep.silent == [], "hostile input answered 200 without an error shown"


API_VALUES = {
    "integer": [HUGE, str(2**63), "-1", "NaN", "1.5", LONG, "\u00b2"],
    "number": ["NaN", "Infinity", "-1e999", "1e999", HUGE, LONG],
    "boolean": ["maybe", LONG, CONTROL],
    "string": [LONG, CONTROL, "onbekend-social", "9999-12-31T00:00:00Z", "0001-01-01T00:00+14:00"],
    "date-time": ["9999-12-31T00:00:00Z", "0001-01-01T00:00+14:00", "9999-11-01", "0001-01-01", "NaN", LONG],
}


def _api_values(schema: dict) -> list[str]:
    if schema.get("type") == "array":
        return _api_values(schema.get("items", {})) + ["a," * 5000]
    if schema.get("format") == "date-time":
        return API_VALUES["date-time"]
    return API_VALUES.get(schema.get("type", "string"), API_VALUES["string"]) + (
        ["onbekend-social"] if "enum" in schema else [])


def test_hostile_api_parameters_never_5xx_and_errors_in_dutch(app, client):
    """Every query parameter of every GET operation in the OpenAPI document, with a valid rest."""
    doc = client.get("/api/v1/openapi.json").get_json()
    sweep = Sweep(app)
    operations = 0
    base = {"lat": "52.37", "lon": "4.89"}
    for path, item in doc["paths"].items():
        get = item.get("get")
        if get is None:
            continue
        operations += 1
        url_path = re.sub(r"\{code\}", "GM0363", re.sub(r"\{[a-z_]*id\}", "1", path))
        params = [p for p in get.get("parameters", []) if p["in"] == "query"]
        for param in params:
            for value in _api_values(param.get("schema", {})):
                query = {**(base if any(p["name"] == "lat" for p in params) else {}), param["name"]: value}
                response = sweep.send(client, "GET", f"{url_path}?{urlencode(query)}",
                                      f"GET {path} {param['name']}={value[:24]!r}", refusal_expected=False)
                if 400 <= response.status_code < 500 and response.is_json:
                    message = response.get_json()["error"]["message"]
                    assert message and not ENGLISH_DEFAULTS.search(message), (path, param["name"], message)
    assert operations >= 8
    assert sweep.server_errors == []
    assert sweep.english == []


HOSTILE_QUERY = {"next": "/\r\nSet-Cookie: x=1", "initiatief": str(2**31), "stadsdeel": HUGE, "status": "onbekend",
                 "view": "onbekend", "lat": "NaN", "lon": "1e999", "gemeente": "GM99999", "radius": "-1",
                 "limit": HUGE, "open_at": "9999-12-31T23:59-14:00", "from": "9999-11-01", "to": "0001-01-01",
                 "theme": "social", "themes": "social", "category": "onbekend", "page": HUGE, "q": LONG}


def test_hostile_query_strings_and_deep_json_never_5xx(app, world_clients):
    """Every crawled page with ids above 2^31, NaN, year 1 and 9999, CR/LF in next and unknown choices;
    ?initiatief= and ?stadsdeel= ids that cannot exist (404 and "all districts"); JSON
    nested 1,000 deep to the JSON API (400) and to HTML form routes (415), saving nothing."""
    world, clients = world_clients
    sweep = Sweep(app)
    pages = _pages(app, clients, world)
    for kind, url, _html in pages:
        joiner = "&" if "?" in url else "?"
        sweep.send(clients[kind], "GET", url + joiner + urlencode(HOSTILE_QUERY), f"{kind} GET {url} hostile query",
                   refusal_expected=False)
    assert len(pages) >= 40

    # Ids in query strings: above 2^31 - 1 (or not ASCII digits) they cannot exist.
    applicant = clients.get("initiative_owner") or clients["resident"]
    for value in (str(2**31), HUGE, "\u00b2", "-1"):
        apply = sweep.send(applicant, "GET", f"/startbijdragen/regeling/{world.round}/aanvragen?"
                           + urlencode({"initiatief": value}), f"apply initiatief={value}", refusal_expected=False)
        assert apply.status_code == 404, value
        queue = sweep.send(clients["staff"], "GET", f"/startbijdragen/regeling/{world.round}/wachtrij?"
                           + urlencode({"stadsdeel": value}), f"queue stadsdeel={value}", refusal_expected=False)
        assert queue.status_code == 200, value

    deep = "[" * 1000 + "]" * 1000
    staff = clients.get("staff") or clients["anonymous"]
    for url, expected in ((f"/api/v1/startbijdragen/aanvragen/{world.application}/besluit", 400),
                          ("/initiatieven/nieuw", 415), ("/inloggen", 415)):
        response = sweep.send(staff, "POST", url, f"POST {url} deep JSON", data=deep, content_type="application/json")
        assert response.status_code == expected, url
        if expected == 415:
            assert "Stuur dit formulier vanaf de website" in response.get_data(as_text=True)
    assert sweep.server_errors == []
    assert sweep.saved_on_refusal == []
    assert sweep.english == []


def test_absolute_links_never_take_the_request_host(app):
    """webapp.urls builds every absolute link (API, feeds, posters, QR codes, mails) from PUBLIC_URL."""
    from webapp.mail.services import public_link
    from webapp.urls import absolute_url

    public = app.config["PUBLIC_URL"].rstrip("/")
    with app.test_request_context("/", base_url="http://evil.example/", headers={"X-Forwarded-Host": "evil.example"}):
        assert absolute_url("places.detail", place_id=5) == f"{public}/plekken/5"
        assert public_link("initiatives.detail", initiative_id=7) == f"{public}/initiatieven/7"
