"""Reads to a streaming replica (webapp/replica.py), proven with a real one (tests/fixtures/replica.py)."""
from __future__ import annotations

import os
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.fixtures.replica import replica_server, wait_for_replay  # noqa: F401 - the fixture
from webapp import create_app, replica
from webapp.extensions import db

pytestmark = [pytest.mark.committed, pytest.mark.xdist_group("replica")]


@pytest.fixture
def routed(app_with, replica_server, database_url):  # noqa: F811 - the imported fixture
    url = replica_server.url(os.environ["DATABASE_URL"], database_url.database)
    application = app_with(DATABASE_REPLICA_URL=url, DATABASE_REPLICA_MAX_LAG=30.0)
    rep = replica.replica_of(application)
    rep.check_every = rep.recheck_down_every = 0.0
    counts = {"primary": [], "replica": []}
    with application.app_context():
        primary = db.engines[None]
    sa.event.listen(primary, "before_cursor_execute", lambda c, cur, stmt, *a: counts["primary"].append(stmt))
    sa.event.listen(rep.engine, "before_cursor_execute", lambda c, cur, stmt, *a: counts["replica"].append(stmt))
    yield application, rep, primary, counts
    rep.engine.dispose()


def _app_sql(statements):
    """The app's own statements (not the health checks' WAL positions)."""
    return [s for s in statements if "pg_current_wal" not in s and "pg_is_in_recovery" not in s
            and "pg_last_wal_replay_lsn" not in s]


def test_every_listed_endpoint_exists_and_only_reads(app):
    rules = {r.endpoint: r for r in app.url_map.iter_rules()}
    for endpoint in replica.READ_ONLY_ENDPOINTS:
        assert endpoint in rules, endpoint
        assert rules[endpoint].methods <= {"GET", "HEAD", "OPTIONS"}, endpoint


def test_public_reads_are_served_by_the_replica(routed):
    application, rep, primary, counts = routed
    client = application.test_client()
    for path in ["/api/v1/places?lat=52.09&lon=5.12", "/plekken", "/wat-is-er-te-doen", "/api/v1/initiatives",
                 "/startbijdragen/gemeente/GM0363"]:
        counts["primary"].clear(), counts["replica"].clear()
        response = client.get(path)
        assert response.status_code == 200, path
        assert _app_sql(counts["replica"]), path
        assert _app_sql(counts["primary"]) == [], path
    with application.test_request_context("/plekken"):
        application.preprocess_request()
        assert db.session.execute(sa.text("select pg_is_in_recovery()")).scalar() is True
    with application.test_request_context("/account"):
        application.preprocess_request()
        assert db.session.execute(sa.text("select pg_is_in_recovery()")).scalar() is False


def test_a_write_goes_to_the_primary_and_replicates(routed):
    application, rep, primary, counts = routed
    client = application.test_client()
    response = client.post("/account/nieuw", data={"display_name": "Replica Test", "email": "replica@example.org",
                                                   "password": "een lang geheim wachtwoord"})
    assert response.status_code in (200, 302)
    assert any(s.lstrip().upper().startswith("INSERT") for s in counts["primary"])
    assert not any(s.lstrip().upper().startswith("INSERT") for s in counts["replica"])
    wait_for_replay(primary, rep.engine)
    with rep.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from users where email = 'replica@example.org'")).scalar() == 1


def test_the_same_client_reads_its_own_write_at_once(routed, replica_server):  # noqa: F811
    application, rep, primary, counts = routed
    owner = make_url(os.environ["MIGRATION_DATABASE_URL"])
    pause = sa.create_engine(owner.set(host="127.0.0.1", port=replica_server.port), poolclass=sa.pool.NullPool,
                             isolation_level="AUTOCOMMIT")
    client = application.test_client()
    with pause.connect() as conn:
        conn.execute(sa.text("select pg_wal_replay_pause()"))
    try:
        client.post("/account/nieuw", data={"display_name": "Eigen", "email": "eigen@example.org",
                                            "password": "een lang geheim wachtwoord"})
        counts["primary"].clear(), counts["replica"].clear()
        assert client.get("/plekken").status_code == 200
        assert _app_sql(counts["primary"]), "a client that just wrote reads from the primary"
        assert _app_sql(counts["replica"]) == []
        counts["primary"].clear(), counts["replica"].clear()
        assert application.test_client().get("/plekken").status_code == 200  # another client: the replica
        assert _app_sql(counts["replica"]) and _app_sql(counts["primary"]) == []
    finally:
        with pause.connect() as conn:
            conn.execute(sa.text("select pg_wal_replay_resume()"))
        pause.dispose()
    wait_for_replay(primary, rep.engine)
    counts["primary"].clear(), counts["replica"].clear()
    assert client.get("/plekken").status_code == 200
    assert _app_sql(counts["replica"]) and _app_sql(counts["primary"]) == []


def test_a_stopped_replica_falls_back_to_the_primary(routed, replica_server, caplog):  # noqa: F811
    application, rep, primary, counts = routed
    client = application.test_client()
    assert client.get("/api/v1/places?lat=52.09&lon=5.12").status_code == 200
    rep.check_every = 3600.0  # the last check said healthy: the next request meets the stopped replica
    replica_server.run("replica-stop")
    try:
        counts["primary"].clear(), counts["replica"].clear()
        assert client.get("/api/v1/places?lat=52.09&lon=5.12").status_code == 200
        assert _app_sql(counts["primary"])
        assert rep.healthy is False
        assert "read replica not used" in caplog.text
        rep.recheck_down_every = 0.0
        assert client.get("/plekken").status_code == 200
    finally:
        replica_server.run("replica-start")
    rep.check_every = 0.0
    deadline = time.monotonic() + 60
    while not rep.usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    counts["primary"].clear(), counts["replica"].clear()
    assert client.get("/plekken").status_code == 200
    assert _app_sql(counts["replica"]) and _app_sql(counts["primary"]) == []


def test_without_the_variable_there_is_one_engine():
    from webapp.config import TestConfig

    assert replica.replica_of(create_app(TestConfig())) is None
