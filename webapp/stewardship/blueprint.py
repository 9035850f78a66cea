"""Every URL rule of stewardship (co-beheer): co-owners, suggestions, history, reports, moderation, "Mijn plekken".

The subject-specific pages (proposing a place, its edit form, publishing or rejecting a proposal) are the
subject domain's own (webapp/places/blueprint.py)."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp import navigation
from webapp.extensions import limiter, per_account
from webapp.stewardship import api, display, routes, services

bp = Blueprint("stewardship", __name__, template_folder="templates")
api_bp = Blueprint("stewardship_api", __name__)

S = "/beheer/<any(place, initiative):subject_type>/<int:subject_id>"  # an unregistered type answers 404


def _limited(rule: str, view):
    """Only successful submissions count (a form sent back with errors does not use up the limit)."""
    return limiter.limit(rule, key_func=per_account, methods=["POST"],
                         deduct_when=lambda response: response.status_code < 400)(view)


def rule(blueprint: Blueprint, path: str, endpoint: str, view, methods=("POST",), limit: str | None = None) -> None:
    """A URL rule for logged-in users, optionally rate limited per account (also used by subject domains)."""
    view = login_required(view)
    if limit:
        view = _limited(limit, view)
    blueprint.add_url_rule(path, endpoint, view, methods=list(methods))


def _rule(path, endpoint, view, methods=("POST",), limit=None):
    rule(bp, path, endpoint, view, methods, limit)


# "Mijn plekken"
_rule("/plekken/mijn", "mine", routes.mine, ("GET",))
# The history of any subject (public)
bp.add_url_rule(f"{S}/geschiedenis", "history", routes.history)
_rule(f"{S}/terugzetten/<int:revision_id>", "revert", routes.revert)
_rule(f"{S}/bevestigen", "confirm", routes.confirm)
# Co-ownership
_rule(S, "manage", routes.manage, ("GET",))
_rule(f"{S}/meebeheren", "join", routes.join, ("GET", "POST"), limit="20 per hour")
_rule(f"{S}/verzoeken/<int:request_id>", "decide_join", routes.decide_join)
_rule(f"{S}/verzoeken/<int:request_id>/intrekken", "withdraw_join", routes.withdraw_join)
_rule(f"{S}/stoppen", "leave", routes.leave)
_rule(f"{S}/beheerders", "add_owner", routes.add_owner)
_rule(f"{S}/beheerders/<int:user_id>/weghalen", "remove_owner", routes.remove_owner)
# Suggestions
_rule(f"{S}/voorstel", "suggest", routes.suggest, ("GET", "POST"), limit="30 per hour")
_rule(f"{S}/voorstellen/<int:suggestion_id>", "decide_suggestion", routes.decide_suggestion)
# Reports
_rule(f"{S}/melden", "report", routes.report, ("GET", "POST"), limit="10 per hour")
_rule(f"{S}/meldingen/<int:report_id>/sluiten", "close_report", routes.close_report)
# Moderation
_rule("/moderatie", "moderation", routes.moderation, ("GET",))
_rule("/moderatie/<any(place, initiative):subject_type>/<int:subject_id>/besluit", "decide_hidden",
      routes.decide_hidden)

# Open data
api_bp.add_url_rule("/api/v1/places/<int:place_id>/history", "place_history", api.place_history)
api_bp.add_url_rule("/api/v1/initiatives/<int:initiative_id>/history", "initiative_history", api.initiative_history)

@bp.record_once
def _template_helpers(state) -> None:
    """Helpers for stewardship/place_panel.html and subject_panel.html, included by other packages."""
    state.app.jinja_env.globals.update(
        stewardship_panel=lambda subject: services.panel(current_user, subject),
        stewardship_subject_type=services.subject_type,
        stewardship_subject_url=routes.subject_url,
        stewardship_subject_of=services.subject_of,
        stewardship_lon_lat=services.lon_lat,
        stewardship_edit_url=routes.subject_edit_url,
        stewardship_display=display,
    )


navigation.add("stewardship.mine", _l("Mijn plekken"), order=40,
               visible=lambda u: bool(getattr(u, "is_authenticated", False)))
navigation.add("stewardship.moderation", _l("Moderatie"), order=80,
               visible=lambda u: services.is_moderator_anywhere(u))

from webapp.accounts.export import register_exporter  # noqa: E402
from webapp.accounts.services import on_account_deleted  # noqa: E402
from webapp.stewardship import export  # noqa: E402

register_exporter("stewardship", export.export_user_data)
on_account_deleted(export.withdraw_open_join_requests)
