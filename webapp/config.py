"""All settings, read from the environment. Documented in the README."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
# Set on every connection of the app (see Config); bench/nearby.py sets up its raw-SQL side with the same.
APP_SESSION_OPTIONS = "-c jit=off -c timezone=UTC -c max_parallel_workers_per_gather=0"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once into var/secret_key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR / "secret_key"
    if not path.exists():
        VAR.mkdir(parents=True, exist_ok=True)
        old_umask = os.umask(0o077)
        try:
            path.write_text(secrets.token_hex(32))
        finally:
            os.umask(old_umask)
    return path.read_text().strip()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production-safe defaults; every value can be set from the environment."""

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", "postgresql+psycopg://buurtplek@127.0.0.1:5432/buurtplek"
        )
        # Migrations run as the owner role (DDL); the app's role may only read and write rows.
        self.MIGRATION_DATABASE_URL = os.environ.get("MIGRATION_DATABASE_URL") or self.SQLALCHEMY_DATABASE_URI
        # JIT compilation costs more than our short indexed queries save: off per connection. No parallel
        # workers per query: with many requests at once on few cores they only add start-up and hand-over
        # (GET /api/v1/initiatives at 100k initiatives: median 70 ms without, 91 ms with). No pool_pre_ping
        # (a round trip per request): a connection the server closed is dropped at checkout instead
        # (extensions.drop_dead_connections; docs/decisions/0004-read-replicas.md).
        self.SQLALCHEMY_ENGINE_OPTIONS = {
            "pool_pre_ping": False,
            "connect_args": {"options": APP_SESSION_OPTIONS, "connect_timeout": 5},
        }
        # A streaming replica for the public read-only pages and APIs (webapp/replica.py); empty: one database.
        self.DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
        # Seconds the replica may be behind the primary before its readers go to the primary.
        self.DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "10") or 10)
        self.TILE_URL = os.environ.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        self.TILE_ATTRIBUTION = os.environ.get(
            "TILE_ATTRIBUTION",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        )
        self.BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "nl")
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
        self.LANGUAGES = ["nl", "en"]
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_HEADERS_ENABLED = True
        # How many reverse proxies in front of the app add to X-Forwarded-For (0: trust none of it).
        self.PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0") or 0)
        # Mail: "log" writes mails to the log; "smtp" sends them with SMTP_URL.
        self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "log")
        self.MAIL_SENDER = os.environ.get("MAIL_SENDER", "Buurtplek <noreply@buurtplek.example>")
        self.SMTP_URL = os.environ.get("SMTP_URL", "")
        # A plain relay on this machine (localhost:25, no TLS, no password) only when asked for explicitly.
        self.SMTP_ALLOW_PLAIN_LOCAL = _bool("SMTP_ALLOW_PLAIN_LOCAL", False)
        # Exact addresses through PDOK's Locatieserver (the national geocoder); off: postcodes and places only.
        self.GEOCODER_PDOK_ENABLED = _bool("GEOCODER_PDOK_ENABLED", False)
        self.GEOCODER_PDOK_URL = os.environ.get("GEOCODER_PDOK_URL",
                                                "https://api.pdok.nl/bzk/locatieserver/search/v3_1")
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
        self.INSIGHT_WALK_REACH_M = int(os.environ.get("INSIGHT_WALK_REACH_M", "800"))  # 10 minutes' walk
        self.GRANTS_QUICK_LANE_CEILING_CENTS = int(os.environ.get("GRANTS_QUICK_LANE_CEILING_CENTS", "25000"))
        # Bank details of a grant are removed this many months after payout (flask grants purge-bank-details).
        self.GRANTS_BANK_DETAILS_RETENTION_MONTHS = int(os.environ.get("GRANTS_BANK_DETAILS_RETENTION_MONTHS", "18"))
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        self.MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # a 5 MB photo plus the form around it
        self.DEV_MODE = _bool("BUURTPLEK_DEV", False)
        self.SEND_FILE_MAX_AGE_DEFAULT = 3600
        self.TESTING = False


class TestConfig(Config):
    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True
        self.MIGRATION_DATABASE_URL = ""  # tests migrate through the app's own engine (tests/conftest.py)
        self.DATABASE_REPLICA_URL = ""  # tests roll back uncommitted work: one database (tests/test_replica.py)
        self.WTF_CSRF_ENABLED = False
        self.RATELIMIT_ENABLED = False
        self.MAIL_BACKEND = "log"
