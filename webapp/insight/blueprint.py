"""Every URL rule of insight: the page per gemeente with its downloads, "Hoe voelde het?", owners' figures,
moderation. Also the account data download's part for check-ins, and unlinking them when an account is
deleted."""
from __future__ import annotations

from datetime import date
from typing import Any

from babel.numbers import format_decimal
from flask import Blueprint
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from webapp import navigation
from webapp.accounts.export import register_exporter
from webapp.accounts.services import on_account_deleted
from webapp.extensions import limiter, per_account
from webapp.i18n import _locale_code
from webapp.insight import routes, services

bp = Blueprint("insight", __name__, template_folder="templates")
navigation.add("insight.index", _l("Inzicht"), order=70)


bp.add_url_rule("/inzicht", "index", routes.index)
bp.add_url_rule("/inzicht/<gemeente_code>", "gemeente", routes.gemeente_page)
bp.add_url_rule("/inzicht/<gemeente_code>/buurten.csv", "gemeente_csv", routes.gemeente_csv)
bp.add_url_rule("/inzicht/<gemeente_code>/buurten.geojson", "gemeente_geojson", routes.gemeente_geojson)
bp.add_url_rule("/plekken/<int:place_id>/hoe-voelde-het", "checkin",
                limiter.limit("30 per hour", key_func=per_account, methods=["POST"])(login_required(routes.checkin)),
                methods=["GET", "POST"])
bp.add_url_rule("/inzicht/plek/<int:place_id>", "place_figures", login_required(routes.place_figures))
bp.add_url_rule("/inzicht/<gemeente_code>/antwoorden-verwijderen", "remove_checkins",
                login_required(routes.remove_checkins), methods=["GET", "POST"])


def _number(value: float) -> str:
    return format_decimal(value, format="0.0", locale=_locale_code())


def _int(value: int) -> str:
    return format_decimal(value, format="#,##0", locale=_locale_code())


def _percent(share: float) -> str:
    """Whole percents; a share above 0 never shows as 0 % (it is not "none")."""
    value = round(share * 100)
    text = format_decimal(value if value or not share else 1, format="#,##0", locale=_locale_code())
    return ("< " if share and not value else "") + text + " %"


def _month(value: date) -> str:
    return format_date(value, "MMMM yyyy")


@bp.app_context_processor
def _insight_helpers() -> dict[str, Any]:
    return {"insight_place_panel": routes.place_panel_context, "insight_number": _number, "insight_int": _int,
            "insight_percent": _percent, "insight_month": _month}


register_exporter("welcome_checkins", services.export_checkins)
on_account_deleted(services.unlink_checkins_of)
