"""Rate limits (issue 10, finding 11): one limit for all workers, one bucket per client behind the proxy.

- Two workers (two processes, each its own `create_app()`, like gunicorn's) share one limit when
  RATELIMIT_STORAGE_URI names one Redis; with `memory://` each has its own and the limit doubles.
  The Redis is a real `redis-server` (Debian package redis-server, scripts/install-system.sh) on a free
  loopback port; when it is missing this test fails, it does not skip.
- X-Forwarded-For is believed only for PROXY_FIX_X_FOR proxy hops (werkzeug's ProxyFix).
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis

from webapp import create_app
from webapp.accounts.routes import LOGIN_LIMIT_IP
from webapp.config import TestConfig
from webapp.extensions import limiter

ROOT = Path(__file__).resolve().parent.parent
PER_MINUTE = int(LOGIN_LIMIT_IP.split(" per minute")[0])  # "10 per minute;100 per hour" -> 10

WORKER = """
import sys
from werkzeug.serving import make_server
from webapp import create_app
from webapp.config import TestConfig

config = TestConfig()
config.SQLALCHEMY_DATABASE_URI = sys.argv[1]
config.RATELIMIT_ENABLED = True
config.RATELIMIT_STORAGE_URI = sys.argv[2]
server = make_server("127.0.0.1", 0, create_app(config))
print(server.server_port, flush=True)
server.serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(condition, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
            if result:
                return result
        except Exception:  # noqa: BLE001 - not ready yet
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)  # polling interval while waiting for the condition, not a fixed wait


@pytest.fixture(scope="module")
def redis_url():
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: scripts/install-system.sh installs the Debian package redis-server"
    port = _free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--daemonize", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        _wait_until(client.ping, what="redis-server to answer PING")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def _start_worker(database_url: str, storage_uri: str) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-c", WORKER, database_url, storage_uri], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()  # printed once the socket listens
    assert line.strip().isdigit(), f"worker did not start (exit code {process.poll()})"
    return process, int(line)


@pytest.fixture
def two_workers(database_url):
    started: list[subprocess.Popen] = []

    def start(storage_uri: str) -> list[int]:
        ports = []
        for _ in range(2):
            process, port = _start_worker(database_url.render_as_string(hide_password=False), storage_uri)
            started.append(process)
            ports.append(port)
        return ports

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def _post_login(port: int, n: int) -> int:
    # A new address each time: only the per-client limit counts, not the one per (address, client).
    request = urllib.request.Request(f"http://127.0.0.1:{port}/inloggen",
                                     data=f"email=n{n}%40b.test&password=x".encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _allowed_across(ports: list[int], attempts: int) -> int:
    """POST the login form `attempts` times, alternating between the workers; how many were let through."""
    statuses = [_post_login(ports[i % len(ports)], i) for i in range(attempts)]
    assert set(statuses) <= {200, 400, 429}, statuses
    return sum(status != 429 for status in statuses)


@pytest.mark.committed
def test_two_workers_share_one_limit_in_redis(redis_url, two_workers):
    ports = two_workers(redis_url)
    assert _allowed_across(ports, 2 * PER_MINUTE + 2) == PER_MINUTE
    keys = redis.Redis.from_url(redis_url).keys("*")
    assert keys, "the limiter's counters are in Redis"


@pytest.mark.committed
def test_two_workers_with_memory_storage_double_the_limit(two_workers):
    """Why production needs Redis: with memory:// each worker counts on its own."""
    ports = two_workers("memory://")
    assert _allowed_across(ports, 2 * PER_MINUTE + 2) == 2 * PER_MINUTE


@pytest.fixture
def limited_app(database_url):
    """An app with the limiter on (the suite runs with it off; the limiter object is shared)."""
    was_enabled = limiter.enabled

    def make(hops: int):
        config = TestConfig()
        config.SQLALCHEMY_DATABASE_URI = database_url.render_as_string(hide_password=False)
        config.RATELIMIT_ENABLED = True
        config.RATELIMIT_STORAGE_URI = "memory://"
        config.PROXY_FIX_X_FOR = hops
        application = create_app(config)
        limiter.reset()
        return application

    yield make
    limiter.reset()
    limiter.enabled = was_enabled


_addresses = iter(range(10**6))


def _post_from(client, forwarded_for: str) -> int:
    # A new address each time: only the per-client limit counts, not the one per (address, client).
    return client.post("/inloggen", data={"email": f"n{next(_addresses)}@b.test", "password": "x"},
                       headers={"X-Forwarded-For": forwarded_for},
                       environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code  # the proxy's address


def test_without_proxy_hops_x_forwarded_for_is_ignored(limited_app):
    client = limited_app(0).test_client()
    for n in range(PER_MINUTE):
        assert _post_from(client, f"203.0.113.{n}") != 429  # a new made-up address each time
    assert _post_from(client, "198.51.100.7") == 429  # still the same bucket: the proxy's address


def test_with_one_proxy_hop_clients_behind_it_get_their_own_bucket(limited_app):
    client = limited_app(1).test_client()
    for _ in range(PER_MINUTE):
        assert _post_from(client, "203.0.113.5") != 429
    assert _post_from(client, "203.0.113.5") == 429
    assert _post_from(client, "198.51.100.7") != 429  # another resident behind the same proxy
    # A client cannot pick its bucket by writing its own X-Forwarded-For: the proxy appends the real one.
    assert _post_from(client, "198.51.100.99, 203.0.113.5") == 429


def test_proxy_fix_setting_defaults_to_zero(monkeypatch):
    monkeypatch.delenv("PROXY_FIX_X_FOR", raising=False)
    assert TestConfig().PROXY_FIX_X_FOR == 0
    monkeypatch.setenv("PROXY_FIX_X_FOR", "2")
    assert TestConfig().PROXY_FIX_X_FOR == 2
