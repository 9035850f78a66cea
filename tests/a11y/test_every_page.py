"""Every HTML page of the app, found from its URL map, checked in Chromium as the right kind of user.

Per page, at 375x667 and 1280x800: axe-core (WCAG 2.1 A/AA + best practice) without violations, exactly
one h1, `html[lang]` set; at 320px wide no horizontal scrolling (WCAG 1.4.10); status below 500.
Error pages (400, 403, 404, 405, 500) are checked too. See tests/a11y/crawl.py for how pages are found.
"""
from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode, urlsplit

import pytest
from flask import render_template, url_for

from tests.a11y.crawl import (
    ERROR_EXPECTED,
    EXTRA_KINDS,
    EXTRA_QUERIES,
    KINDS,
    QUERY,
    Unresolved,
    candidate_rules,
    resolve_all,
)
from tests.fixtures.browser import DESKTOP, PHONE, axe_violations

NARROW = {"width": 320, "height": 640}
REDIRECTS = (301, 302, 303, 307, 308)


def _client_for(app, user):
    client = app.test_client()
    if user is not None:
        from tests.fixtures.users import session_id_for  # a server-side session, as logging in makes
        user_id = session_id_for(user)
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
    return client


def _get(client, url: str, **kwargs):
    # Each request starts with a clean `g` (tests/conftest.py IsolatedClient), so each client is its own user.
    return client.get(url, **kwargs)


def _probe(clients: dict, url: str, login_path: str) -> list[tuple[str, int, str]]:
    """Open `url` as each kind in turn until one gets a page: [(kind, status, outcome)].

    outcome: "page" (200 HTML), "file" (200, not HTML), "login" (sent to the login form), "error"."""
    tried = []
    for kind, client in clients.items():
        response = _get(client, url)
        if response.status_code in REDIRECTS:
            if urlsplit(response.headers.get("Location", "")).path == login_path:
                tried.append((kind, response.status_code, "login"))
                continue
            response = _get(client, url, follow_redirects=True)
            if response.request.path == login_path:
                tried.append((kind, response.status_code, "login"))
                continue
        status = response.status_code
        if status == 200:
            outcome = "page" if response.mimetype == "text/html" else "file"
            tried.append((kind, status, outcome))
            return tried
        tried.append((kind, status, "error"))
        if status >= 500:
            return tried
    return tried


def _check(page, url: str, label: str, failures: list[str], *, goto=True) -> None:
    """The checks for one page in one browser page (already navigated when goto is False)."""
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        if goto:
            response = page.goto(url)
            status = response.status if response else 0
            if not response or status >= 500:
                failures.append(f"{label}: status {status}")
                return
        size = f"{viewport['width']}x{viewport['height']}"
        if not page.evaluate("document.documentElement.lang"):
            failures.append(f"{label} {size}: <html> has no lang")
        h1s = page.locator("h1").count()
        if h1s != 1:
            failures.append(f"{label} {size}: {h1s} h1 elements (want exactly one)")
        for violation in axe_violations(page):
            failures.append(f"{label} {size}: axe {violation}")
        if viewport is PHONE:
            page.set_viewport_size(NARROW)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > NARROW["width"]:
                failures.append(f"{label}: scrolls sideways at 320px (scrollWidth {width})")


def _build_plan(app, world, failures: list[str]):
    """[(kind, endpoint, url)] to visit, and a URL that gives 403 (for the error page check)."""
    login_path = url_for("accounts.login") if "accounts.login" in app.view_functions else "/inloggen"
    clients = {"anonymous": _client_for(app, None)}
    for kind in KINDS[1:]:
        if kind in world.users:
            clients[kind] = _client_for(app, world.user(kind))
    plan, forbidden, files = [], None, []
    for rule in candidate_rules(app):
        try:
            value_sets = resolve_all(rule, world)
        except Unresolved as exc:
            failures.append(f"UNRESOLVED {exc}")
            continue
        urls = []
        for values in value_sets:
            base = url_for(rule.endpoint, **values)
            if rule.endpoint in QUERY:
                base = f"{base}?{urlencode(QUERY[rule.endpoint](world))}"
            urls.append(base)
            urls += [f"{base}?{urlencode(q)}" for q in EXTRA_QUERIES.get(rule.endpoint, [])]
        for url in urls:
            tried = _probe(clients, url, login_path)
            kind, status, outcome = tried[-1]
            if status >= 500:
                failures.append(f"{rule.endpoint} {url}: status {status} as {kind}")
                continue
            if outcome == "file":
                files.append(rule.endpoint)
                continue
            if forbidden is None:
                forbidden = next(((k, url) for k, s, o in tried if s == 403), None)
            if outcome != "page":
                if rule.endpoint in ERROR_EXPECTED:
                    plan.append(("anonymous", rule.endpoint, url))
                else:
                    failures.append(
                        f"{rule.endpoint} {url}: no kind of user could open it "
                        f"({', '.join(f'{k}: {s} {o}' for k, s, o in tried)}). Fix the data in RESOLVERS/World, "
                        f"or list it in ERROR_EXPECTED or SKIP (tests/a11y/crawl.py) with the reason")
                continue
            plan.append((kind, rule.endpoint, url))
            for extra in EXTRA_KINDS.get(rule.endpoint, []):
                if extra != kind and extra in clients and _get(clients[extra], url).status_code == 200:
                    plan.append((extra, rule.endpoint, url))
    return plan, forbidden, files


@pytest.mark.browser
def test_every_page_is_accessible(app, demo_world, page_as, live_server, capsys):
    failures: list[str] = []
    app.config["DEV_MODE"] = True  # development-only pages (e.g. /dev/outbox) are pages too
    try:
        with app.test_request_context():
            plan, forbidden, files = _build_plan(app, demo_world, failures)
            error_pages = {code: render_template(f"errors/{code}.html", status=code, message=message)
                           for code, message in _error_messages().items()}
        by_kind = defaultdict(list)
        for kind, endpoint, url in plan:
            by_kind[kind].append((endpoint, url))
        # Real error answers: 404, 405 and (when some page refused someone) 403.
        by_kind["anonymous"] += [("error 404", "/bestaat-niet"), ("error 405", "/uitloggen")]
        if forbidden:
            by_kind[forbidden[0]].append(("error 403", forbidden[1]))
        checked = 0
        for kind, items in by_kind.items():
            page = page_as(kind, service_workers="block")
            for endpoint, url in items:
                _check(page, url, f"{endpoint} {url} as {kind}", failures)
                checked += 1
        # The error templates as the app's error handler renders them (a 400 or 500 cannot be caused
        # on purpose through the real pages).
        page = page_as("anonymous", service_workers="block")
        for code, html in error_pages.items():
            page.goto("/offline")
            page.set_content(html)
            _check(page, f"errors/{code}.html", f"errors/{code}.html", failures, goto=False)
            checked += 1
    finally:
        app.config["DEV_MODE"] = False
    with capsys.disabled():
        print(f"\n[a11y crawl] {checked} page visits checked at 375x667, 1280x800 and 320 px "
              f"({len(plan)} from the URL map, kinds: {', '.join(sorted(by_kind))}); not pages: {sorted(set(files))}")
    assert not failures, f"{len(failures)} accessibility problems:\n" + "\n".join(failures)


def _error_messages():
    from webapp.errors import MESSAGES

    return {code: MESSAGES[code] for code in (400, 403, 404, 500)}
