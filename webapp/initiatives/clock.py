"""The current moment for the initiatives domain (one place, so tests can set it)."""
from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
