import logging

from flask import Blueprint

from webapp import create_app
from webapp.config import TestConfig


def test_healthz_reports_versions(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"].startswith("PostgreSQL 15")
    assert body["postgis"].startswith("3.")


def test_healthz_is_503_without_database():
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody:x@127.0.0.1:1/none"
    config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}
    app = create_app(config)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_404_page_in_base_layout(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Deze pagina bestaat niet" in html and 'class="skip-link"' in html and "<h1>" in html


def test_api_404_is_json(client):
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert response.get_json()["error"]["message"]


def test_405_for_wrong_method(client):
    assert client.get("/uitloggen").status_code == 405


def _app_with_broken_route():
    app = create_app(TestConfig())
    bp = Blueprint("boom", __name__)

    @bp.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @bp.get("/api/boom")
    def api_boom():
        raise RuntimeError("secret internal detail")

    app.register_blueprint(bp)
    return app


def test_unexpected_error_is_logged_with_request_id_and_shows_no_trace(caplog):
    app = _app_with_broken_route()
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://x@127.0.0.1:1/none"
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internal detail" not in html and "Traceback" not in html
    assert "req-123" in html
    assert any("req-123" in r.getMessage() for r in caplog.records)
    api = app.test_client().get("/api/boom")
    assert api.status_code == 500 and api.get_json()["error"]["code"] == "internal_server_error"


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_language_switch_remembers_choice(client):
    response = client.post("/taal", data={"lang": "en", "next": "/"})
    assert response.status_code == 302
    assert "lang=en" in response.headers["Set-Cookie"]
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_foreign_redirect(client):
    response = client.post("/taal", data={"lang": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_accept_language_picks_english(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in html


def test_static_files_are_fingerprinted_and_cached(client):
    html = client.get("/").get_data(as_text=True)
    import re

    href = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', html).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]


def test_leaflet_is_served_by_us(client):
    response = client.get("/vendor/leaflet/leaflet.js")
    assert response.status_code == 200 and b"Leaflet" in response.data[:2000]
