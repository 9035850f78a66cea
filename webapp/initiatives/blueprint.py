"""Every URL rule of the initiatives domain."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from webapp import navigation
from webapp.extensions import csrf, limiter, per_account
from webapp.initiatives import activity_routes, api, finding_routes, helpers, routes

bp = Blueprint("initiatives", __name__, template_folder="templates")
api_bp = Blueprint("initiatives_api", __name__)
csrf.exempt(api_bp)
bp.app_context_processor(helpers.template_context)

R = "/initiatieven/<int:initiative_id>"
A = R + "/activiteiten/<int:activity_id>"
bp.add_url_rule("/wat-is-er-te-doen", "whats_on", finding_routes.whats_on)
bp.add_url_rule("/wat-is-er-te-doen.ics", "whats_on_ics", finding_routes.whats_on_ics)
bp.add_url_rule("/initiatieven", "index", finding_routes.index)
bp.add_url_rule("/initiatieven/nieuw", "create", routes.create, methods=["GET", "POST"])
bp.add_url_rule("/initiatieven/mijn", "mine", routes.mine)
# The place picker's suggestions as the owner types: one request per pause in typing; a person types far fewer.
bp.add_url_rule("/initiatieven/plekken-zoeken", "find_places",
                limiter.limit("120 per minute", key_func=per_account)(routes.find_places))
bp.add_url_rule(R, "detail", routes.detail)
bp.add_url_rule(R + "/bewerken", "edit", routes.edit, methods=["GET", "POST"])
bp.add_url_rule(R + "/klopt-nog", "confirm_current", routes.confirm_current, methods=["POST"])
bp.add_url_rule(R + "/pauze-terugdraaien", "undo_pause", routes.undo_pause, methods=["POST"])
bp.add_url_rule(R + "/activiteiten/nieuw", "add_activity", activity_routes.add_activity, methods=["GET", "POST"])
bp.add_url_rule(A, "edit_activity", activity_routes.edit_activity, methods=["GET", "POST"])
bp.add_url_rule(A + "/verwijderen", "delete_activity", activity_routes.delete_activity, methods=["POST"])
bp.add_url_rule(A + "/afzeggen", "cancel_date", activity_routes.cancel_date, methods=["POST"])
bp.add_url_rule(A + "/toch-door", "restore_date", activity_routes.restore_date, methods=["POST"])
bp.add_url_rule(R + "/meedoen", "participate", routes.participate, methods=["GET", "POST"])
bp.add_url_rule(R + "/meedoen/intrekken", "withdraw", routes.withdraw, methods=["POST"])
bp.add_url_rule(R + "/deelnemers", "participants", routes.participants)
bp.add_url_rule(R + "/contact", "contact", routes.contact, methods=["GET", "POST"])
bp.add_url_rule(R + "/agenda.ics", "initiative_ics", finding_routes.initiative_ics)
bp.add_url_rule(R + "/poster", "initiative_poster", finding_routes.initiative_poster)
bp.add_url_rule("/plekken/<int:place_id>/poster", "place_poster", finding_routes.place_poster)

api_bp.add_url_rule("/api/v1/initiatives", "list", api.list_initiatives)
api_bp.add_url_rule("/api/v1/initiatives/<int:initiative_id>", "get", api.get_initiative)
api_bp.add_url_rule("/api/v1/initiatives/<int:initiative_id>/participants", "participants", api.list_participants)

navigation.add("initiatives.whats_on", _l("Wat is er te doen?"), order=20)
navigation.add("initiatives.mine", _l("Mijn initiatieven"), order=60,
               visible=lambda u: bool(getattr(u, "is_authenticated", False)))

from webapp.accounts.export import register_exporter  # noqa: E402
from webapp.initiatives.export import export_user_data  # noqa: E402

register_exporter("initiatives", export_user_data)
