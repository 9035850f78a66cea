"""Every HTML page of the app, found from its URL map, checked in Chromium as the right kind of user.

Per page, at 375x667 and 1280x800: axe-core (WCAG 2.1 A/AA + best practice) without violations, exactly
one h1, `html[lang]` set; at 320px wide no horizontal scrolling (WCAG 1.4.10); status below 500.
Error pages (400, 403, 404, 405, 500) are checked too. See tests/a11y/crawl.py for how pages are found.
"""
from __future__ import annotations

import time
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


# After a resize: wait for two frames, so media queries, `matchMedia` listeners (the header menu, app.js) and
# Leaflet's resize handler have run before the page is checked at the new size.
SETTLE = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))"


def _check(page, url: str, label: str, failures: list[str], *, goto=True) -> None:
    """The checks for one page in one browser page (already navigated when goto is False).

    The page is loaded once, at phone size, and then resized (320 px, then desktop) instead of loaded again
    per size: the layout follows the viewport through CSS and the resize listeners, and axe checks the DOM
    as it is at each size."""
    page.set_viewport_size(PHONE)
    if goto:
        response = page.goto(url)
        status = response.status if response else 0
        if not response or status >= 500:
            failures.append(f"{label}: status {status}")
            return
    for viewport in (PHONE, NARROW, DESKTOP):
        if viewport is not PHONE:
            page.set_viewport_size(viewport)
            page.evaluate(SETTLE)
        if viewport is NARROW:
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > NARROW["width"]:
                failures.append(f"{label}: scrolls sideways at 320px (scrollWidth {width})")
            continue
        size = f"{viewport['width']}x{viewport['height']}"
        if not page.evaluate("document.documentElement.lang"):
            failures.append(f"{label} {size}: <html> has no lang")
        h1s = page.locator("h1").count()
        if h1s != 1:
            failures.append(f"{label} {size}: {h1s} h1 elements (want exactly one)")
        for violation in axe_violations(page):
            failures.append(f"{label} {size}: axe {violation}")


class Probes:
    """The test-client probes of the crawl, answered from `cache` when an earlier shard on this worker asked
    the same on the same data as the same users (see `plan_key`), or asked now.

    Links with a signed token are probed every time: a new token is a new URL, and following one changes
    data (an e-mail change is confirmed), which the page visited afterwards must see as before."""

    def __init__(self, app, world, login_path: str, cache: dict):
        self.app, self.world, self.login_path, self.cache = app, world, login_path, cache
        self.kinds = ["anonymous"] + [kind for kind in KINDS[1:] if kind in world.users]
        self._clients: dict | None = None
        self.asked = self.reused = 0

    @property
    def clients(self) -> dict:
        if self._clients is None:  # a server-side session per kind only when a probe is really made
            self._clients = {kind: _client_for(self.app, self.world.user(kind) if kind != "anonymous" else None)
                             for kind in self.kinds}
        return self._clients

    def _answer(self, key, fresh: bool, ask):
        if not fresh and key in self.cache:
            self.reused += 1
            return self.cache[key]
        self.asked += 1
        answer = ask()
        if not fresh:
            self.cache[key] = answer
        return answer

    def first_page(self, url: str, fresh: bool) -> list[tuple[str, int, str]]:
        return self._answer(("probe", url), fresh, lambda: _probe(self.clients, url, self.login_path))

    def opens(self, kind: str, url: str, fresh: bool) -> bool:
        return self._answer(("opens", kind, url), fresh, lambda: _get(self.clients[kind], url).status_code == 200)


def plan_key(app, world) -> tuple | None:
    """What the probes' answers depend on: the demo data, the user of each kind, the URL map and DEV_MODE.
    None (never reuse) when the data is not known to be the copied-back demo data."""
    if world.demo_key is None:
        return None
    users = tuple((kind, world.user(kind).id) for kind in KINDS[1:] if kind in world.users)
    rules = tuple((rule.endpoint, rule.rule, tuple(sorted(rule.methods or ()))) for rule in app.url_map.iter_rules())
    return world.demo_key, users, rules, bool(app.config.get("DEV_MODE"))


def _build_plan(app, world, failures: list[str], cache: dict | None = None):
    """[(kind, endpoint, url)] to visit, a URL that gives 403 (for the error page check), the endpoints that
    are files, and the Probes (how many were asked and how many reused from `cache`)."""
    login_path = url_for("accounts.login") if "accounts.login" in app.view_functions else "/inloggen"
    probes = Probes(app, world, login_path, {} if cache is None else cache)
    plan, forbidden, files = [], None, []
    for rule in candidate_rules(app):
        try:
            value_sets = resolve_all(rule, world)
        except Unresolved as exc:
            failures.append(f"UNRESOLVED {exc}")
            continue
        fresh = "token" in rule.arguments
        urls = []
        for values in value_sets:
            base = url_for(rule.endpoint, **values)
            if rule.endpoint in QUERY:
                base = f"{base}?{urlencode(QUERY[rule.endpoint](world))}"
            urls.append(base)
            urls += [f"{base}?{urlencode(q)}" for q in EXTRA_QUERIES.get(rule.endpoint, [])]
        for url in urls:
            tried = probes.first_page(url, fresh)
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
                if extra != kind and extra in probes.kinds and probes.opens(extra, url, fresh):
                    plan.append((extra, rule.endpoint, url))
    return plan, forbidden, files, probes


# The crawl is split in SHARDS tests, so that parallel workers (pytest-xdist) share it. Every shard builds the
# same plan and checks its own part of the visits: `shard_of`. The plan's probes are made once per worker:
# later shards on the same worker reuse their answers (`Probes`, `plan_key`, the `crawl_probes` fixture). A
# shard records how many visits it checked and how many the plan has; tests/fixtures/crawl_shards.py adds
# them up at the end of the run and fails it when all shards ran and did not check every visit exactly once.
SHARDS = 4


def shard_of(visits: list, shard: int, shards: int = SHARDS) -> list:
    """The visits shard `shard` checks: one contiguous part each (so a shard logs in as few kinds as it
    can), together every visit exactly once."""
    return visits[len(visits) * shard // shards:len(visits) * (shard + 1) // shards]


def _visits(app, world, failures: list[str], cache: dict | None = None):
    """Every page visit of the crawl, in a fixed order: [(kind, label, url, html)], html set for the error
    templates (shown as the app's error handler renders them: a 400 or 500 cannot be caused on purpose
    through the real pages); the endpoints that turned out not to be pages (files); and the Probes."""
    with app.test_request_context():
        plan, forbidden, files, probes = _build_plan(app, world, failures, cache)
        error_pages = {code: render_template(f"errors/{code}.html", status=code, message=message)
                       for code, message in _error_messages().items()}
    by_kind = defaultdict(list)
    for kind, endpoint, url in plan:
        by_kind[kind].append((endpoint, url))
    # Real error answers: 404, 405 and (when some page refused someone) 403.
    by_kind["anonymous"] += [("error 404", "/bestaat-niet"), ("error 405", "/uitloggen")]
    if forbidden:
        by_kind[forbidden[0]].append(("error 403", forbidden[1]))
    visits = [(kind, f"{endpoint} {url} as {kind}", url, None) for kind, items in by_kind.items()
              for endpoint, url in items]
    visits += [("anonymous", f"errors/{code}.html", f"errors/{code}.html", html) for code, html in error_pages.items()]
    return visits, sorted(set(files)), probes


@pytest.mark.browser
@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_page_is_accessible(app, demo_world, page_as, live_server, shard, request, capsys, crawl_probes):
    failures: list[str] = []
    app.config["DEV_MODE"] = True  # development-only pages (e.g. /dev/outbox) are pages too
    started = time.monotonic()
    try:
        key = plan_key(app, demo_world)
        cache = crawl_probes.setdefault(key, {}) if key is not None else None
        visits, files, probes = _visits(app, demo_world, failures, cache)
        planned_in = time.monotonic() - started
        if shard != 0:  # the plan's own problems (unresolved rules, 5xx answers) are reported once
            failures.clear()
        mine = shard_of(visits, shard)
        pages: dict = {}
        checked = 0
        for kind, label, url, html in mine:
            if kind not in pages:
                pages[kind] = page_as(kind, service_workers="block")
            page = pages[kind]
            if html is None:
                _check(page, url, label, failures)
            else:
                page.goto("/offline")
                page.set_content(html)
                _check(page, url, label, failures, goto=False)
            checked += 1
    finally:
        app.config["DEV_MODE"] = False
    seconds = time.monotonic() - started
    request.node.user_properties.append(("a11y_crawl", {"shard": shard, "shards": SHARDS, "checked": checked,
                                                        "planned": len(visits), "seconds": round(seconds, 1),
                                                        "plan_seconds": round(planned_in, 1),
                                                        "probes_reused": probes.reused}))
    with capsys.disabled():
        print(f"\n[a11y crawl] shard {shard + 1} of {SHARDS}: {checked} of {len(visits)} page visits checked at "
              f"375x667, 320 px and 1280x800 in {seconds:.0f} s, {planned_in:.0f} s of it finding the pages "
              f"({probes.asked} probes made, {probes.reused} reused from an earlier shard) "
              f"(kinds: {', '.join(sorted(pages))})"
              + (f"; not pages: {files}" if shard == 0 else ""))
    assert checked == len(mine)
    assert not failures, f"{len(failures)} accessibility problems:\n" + "\n".join(failures)


def _error_messages():
    from webapp.errors import MESSAGES

    return {code: MESSAGES[code] for code in (400, 403, 404, 500)}
