"""No page blocks its first paint on a script (issue 16, section 3).

Every page of the app (found from the URL map as the accessibility crawl finds them, tests/a11y/crawl.py,
opened as the first kind of user that may see it) is parsed: every `<script src>` must be `defer`, `async`
or `type="module"`, and an inline script in `<head>` may only be data (JSON), never code.
"""
from __future__ import annotations

from html.parser import HTMLParser

from flask import render_template_string

from tests.a11y.conftest import demo_world  # noqa: F401  (the `demo_world` fixture)
from tests.a11y.test_every_page import _build_plan, _client_for

DATA_TYPES = {"application/json", "application/ld+json", "importmap"}


class _Scripts(HTMLParser):
    """Collects the render-blocking scripts of one HTML page."""

    def __init__(self):
        super().__init__()
        self.in_head = False
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "script":
            a = dict(attrs)
            kind = (a.get("type") or "").strip().lower()
            if "src" in a:
                if "defer" not in a and "async" not in a and kind != "module":
                    self.problems.append(f"<script src={a['src']!r}> without defer, async or type=module")
            elif self.in_head and kind not in DATA_TYPES and kind != "module":
                self.problems.append(f"inline <script{' type=' + kind if kind else ''}> in <head> (code, not data)")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def blocking_scripts(html: str) -> list[str]:
    parser = _Scripts()
    parser.feed(html)
    parser.close()
    return parser.problems


def test_the_check_finds_blocking_scripts(app):
    page = """{% extends "base.html" %}
{% block head %}<script src="/vendor/leaflet/leaflet.js"></script><script>var x = 1;</script>
<script type="application/json" id="d">{"a": 1}</script>{% endblock %}
{% block content %}<h1>t</h1>{% endblock %}
{% block scripts %}<script src="/static/js/late.js"></script><script src="/static/js/ok.js" defer></script>
<script type="module" src="/static/js/m.js"></script><script>var inBody = 1;</script>{% endblock %}"""
    with app.test_request_context("/"):
        problems = blocking_scripts(render_template_string(page))
    assert problems == [
        "<script src='/vendor/leaflet/leaflet.js'> without defer, async or type=module",
        "inline <script> in <head> (code, not data)",
        "<script src='/static/js/late.js'> without defer, async or type=module",
    ]
    with app.test_request_context("/"):
        assert blocking_scripts(render_template_string(
            '{% extends "base.html" %}{% block content %}<h1>t</h1>{% endblock %}')) == []


def test_no_page_has_a_render_blocking_script(app, demo_world):  # noqa: F811
    failures: list[str] = []
    app.config["DEV_MODE"] = True  # development-only pages (e.g. /dev/outbox) are pages too
    try:
        with app.test_request_context("/"):
            plan, _forbidden, _files, _probes = _build_plan(app, demo_world, failures)
        assert not failures, "\n".join(failures)
        plan.append(("anonymous", "error 404", "/bestaat-niet"))
        clients = {"anonymous": _client_for(app, None)}
        checked = set()
        for kind, endpoint, url in plan:
            if (kind, url) in checked:
                continue
            checked.add((kind, url))
            if kind not in clients:
                clients[kind] = _client_for(app, demo_world.user(kind))
            response = clients[kind].get(url, follow_redirects=True)
            if response.mimetype != "text/html":
                continue
            for problem in blocking_scripts(response.get_data(as_text=True)):
                failures.append(f"{endpoint} {url} (as {kind}): {problem}")
    finally:
        app.config["DEV_MODE"] = False
    assert "places.detail" in {endpoint for _k, endpoint, _u in plan}
    assert len(checked) > 30, f"only {len(checked)} pages found"
    assert not failures, "\n".join(failures)
