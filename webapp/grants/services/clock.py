"""Time for startbijdragen: moments are stored in UTC; dates (deadlines, payments) are Amsterdam dates."""
from __future__ import annotations

from datetime import UTC, datetime

from webapp.i18n import local_today

__all__ = ["local_today", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)
