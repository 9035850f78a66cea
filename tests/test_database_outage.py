"""The database away (issue 10, finding 13): 503 with Retry-After and a plain message, never 500.

A throwaway PostgreSQL cluster of its own (initdb in a temporary folder, a free port) is stopped while
the app runs and started again: never the shared var/pg cluster. During the outage every page and API
answers 503 (or works without the database), a form that was sent comes back with what was typed and
nothing is saved; when the database is back the same app serves again by itself.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.routing import Rule

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db

BIN = Path("/usr/lib/postgresql/15/bin")
MESSAGE = "De website is even niet bereikbaar. Probeer het over een minuut opnieuw."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL 15 cluster in a temporary folder, run as the postgres user when we are root."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="buurtplek-outage-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        os.chmod(self.dir, 0o755)
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = (["runuser", "-u", "postgres", "--"] if self.as_root else []) + list(args)
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        pwfile = self.dir / "pw"
        pwfile.write_text("outage\n")
        if self.as_root:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "buurtplek", f"--pwfile={pwfile}",
                  "-A", "scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.dir}'\nfsync = off\nsynchronous_commit = off\n")

    def start(self) -> None:  # -w: returns once the server accepts connections
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60", "start")

    def stop(self) -> None:  # -w: returns once the server is gone
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://buurtplek:outage@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    c = Cluster()
    try:
        c.init()
        c.start()
        admin = sa.create_engine(c.url("postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE buurtplek"))
        with sa.create_engine(c.url("buurtplek"), isolation_level="AUTOCOMMIT",
                              poolclass=sa.pool.NullPool).connect() as conn:
            conn.execute(sa.text("CREATE EXTENSION postgis; CREATE EXTENSION pg_trgm"))
        yield c
    finally:
        c.remove()


@pytest.fixture(scope="module")
def outage_app(cluster):
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = cluster.url("buurtplek")
    application = create_app(config)
    with application.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _users(cluster) -> int:
    engine = sa.create_engine(cluster.url("buurtplek"), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        count = conn.execute(sa.text("select count(*) from users")).scalar_one()
    engine.dispose()
    return count


def _simple_get_paths(app) -> list[str]:
    """Every GET rule without parameters (the pages and API lists a visitor can open directly)."""
    paths = []
    for rule in app.url_map.iter_rules():
        rule: Rule
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static"):
            paths.append(rule.rule)
    return sorted(set(paths))


REGISTRATION = {"display_name": "Fatima de Vries", "email": "fatima.outage@example.org",
                "password": "een lang geheim wachtwoord"}


def test_outage_gives_503_keeps_the_form_and_recovers(cluster, outage_app):
    client = outage_app.test_client()
    assert client.get("/plekken").status_code == 200  # the pool holds live connections now
    assert _users(cluster) == 0

    cluster.stop()
    try:
        # Pages and the API: 503 with Retry-After and the plain message; never a 500.
        page = client.get("/plekken")
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "60"
        assert MESSAGE in unescape(page.get_data(as_text=True))
        api = client.get("/api/v1/initiatives")
        assert api.status_code == 503 and api.headers["Retry-After"] == "60"
        assert api.get_json()["error"]["message"] == MESSAGE
        failures = {}
        for path in _simple_get_paths(outage_app):
            response = client.get(path)
            if response.status_code >= 500 and (response.status_code != 503 or "Retry-After" not in response.headers):
                failures[path] = response.status_code
        assert failures == {}, f"pages that do not answer 503 + Retry-After during the outage: {failures}"
        health = client.get("/healthz")
        assert health.status_code == 503

        # A form sent now comes back with what was typed (not the password), ready to send again.
        sent = client.post("/account/nieuw", data=REGISTRATION)
        assert sent.status_code == 503 and sent.headers["Retry-After"] == "60"
        assert sent.headers["Cache-Control"] == "no-store"
        html = sent.get_data(as_text=True)
        form = re.search(r'<form method="post" action="([^"]+)" class="resend">(.*?)</form>', html, re.S)
        assert form, html
        assert unescape(form.group(1)) == "/account/nieuw"
        hidden = {unescape(n): unescape(v) for n, v in re.findall(
            r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))}
        assert hidden == {"display_name": "Fatima de Vries", "email": "fatima.outage@example.org"}
        assert REGISTRATION["password"] not in html
        assert "Fatima de Vries" in unescape(html.split("</form>", 1)[1])  # shown, to copy by hand too
    finally:
        cluster.start()

    # Back: the same app serves again by itself, and nothing of the failed form was saved.
    assert client.get("/plekken").status_code == 200
    assert _users(cluster) == 0
    resent = client.post("/account/nieuw", data={**hidden, "password": REGISTRATION["password"]})
    assert resent.status_code == 200, resent.get_data(as_text=True)[:2000]
    assert _users(cluster) == 1


def test_hostile_fields_come_back_as_text(cluster, outage_app):
    """What was typed is data on the 503 page: escaped, never markup."""
    client = outage_app.test_client()
    cluster.stop()
    try:
        canary = '"><script>alert(1)</script>{{7*7}}'
        response = client.post("/account/nieuw?next=%22%3E%3Cb%3E", data={**REGISTRATION, "display_name": canary})
    finally:
        cluster.start()
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "<script>alert(1)" not in html and "<b>" not in html
    assert "{{7*7}}" in html  # not evaluated
    assert canary in unescape(html)


def test_a_restart_between_requests_costs_no_failed_request(cluster, outage_app):
    """Without pool_pre_ping: the pooled connections the restarted server closed are dropped at checkout
    (extensions.drop_dead_connections), so the first request after the restart is served, not a 503 or 500."""
    client = outage_app.test_client()
    assert client.get("/plekken").status_code == 200  # the pool holds a live connection
    assert client.get("/api/v1/initiatives").status_code == 200
    cluster.stop()
    cluster.start()
    statuses = [client.get(path).status_code for path in ("/plekken", "/api/v1/initiatives", "/plekken")]
    assert statuses == [200, 200, 200]
