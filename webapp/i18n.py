"""Language choice and locale-aware formatting (money, distances, dates)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, format_decimal
from flask import current_app, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale

LANG_COOKIE = "lang"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_today(now: datetime | None = None) -> date:
    """Today's date in the Netherlands (the server runs in UTC: date.today() is wrong after 23:00/22:00)."""
    return (now or datetime.now(UTC)).astimezone(AMSTERDAM).date()


def select_locale() -> str:
    """The user's own choice (a cookie set by the switch), else Accept-Language, else Dutch."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands, cron jobs: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is not None and chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _locale_code() -> str:
    return "nl_NL" if str(get_locale() or "nl") == "nl" else "en_GB"


def money(cents: int | None) -> str:
    """Integer cents as money in the user's locale: € 1.234,50 in Dutch."""
    if cents is None:
        return ""
    return format_currency(cents / 100, "EUR", locale=_locale_code())


def distance(metres: float | None) -> str:
    """850 m, 1,2 km."""
    if metres is None:
        return ""
    if metres < 1000:
        return f"{int(round(metres / 10.0) * 10)} m"
    return f"{format_decimal(round(metres / 1000, 1), format='#,##0.0', locale=_locale_code())} km"


def walking_minutes(metres: float | None, kmh: float = 4.0) -> int | None:
    """Minutes on foot at 4 km/h (a calm pace, with a pram or a walker)."""
    if metres is None:
        return None
    return max(1, round(metres / (kmh * 1000 / 60)))


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """A UTC datetime shown in Europe/Amsterdam in the user's locale."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


def local_date(value, fmt: str = "long") -> str:
    """A date in the user's locale: 23 november 2026 / 23 November 2026."""
    if value is None:
        return ""
    return format_date(value, fmt)


def current_locale() -> str:
    return str(get_locale() or "nl")


def init_app(app) -> None:
    from webapp.navigation import nav_items

    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["distance"] = distance
    app.jinja_env.filters["walking_minutes"] = walking_minutes
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
