"""Every URL rule of startbijdragen (grants)."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from webapp import navigation
from webapp.extensions import csrf
from webapp.grants import api, routes_apply, routes_bank, routes_common, routes_payments, routes_public, routes_staff

bp = Blueprint("grants", __name__, template_folder="templates")
P = "/startbijdragen"

bp.add_url_rule(P, "index", routes_public.index)
bp.add_url_rule(f"{P}/gemeente/<code>", "public_page", routes_public.public_page)
bp.add_url_rule(f"{P}/beheer/<code>", "staff_home", routes_staff.staff_home)
bp.add_url_rule(f"{P}/beheer/<code>/regeling/nieuw", "round_new", routes_staff.round_new, methods=["GET", "POST"])
bp.add_url_rule(f"{P}/beheer/<code>/helpers", "helpers", routes_staff.helpers, methods=["GET", "POST"])
bp.add_url_rule(f"{P}/beheer/<code>/helpers/<int:user_id>/weghalen", "helper_remove", routes_staff.helper_remove,
                methods=["POST"])
bp.add_url_rule(f"{P}/regeling/<int:round_id>", "round_page", routes_public.round_page)
bp.add_url_rule(f"{P}/regeling/<int:round_id>/bewerken", "round_edit", routes_staff.round_edit, methods=["GET", "POST"])
bp.add_url_rule(f"{P}/regeling/<int:round_id>/geldwijziging/<int:change_id>/bevestigen", "round_change_confirm",
                routes_staff.round_change_confirm, methods=["POST"])
bp.add_url_rule(f"{P}/regeling/<int:round_id>/geldwijziging/<int:change_id>/afwijzen", "round_change_reject",
                routes_staff.round_change_reject, methods=["POST"])
bp.add_url_rule(f"{P}/regeling/<int:round_id>/aanvragen", "apply", routes_apply.apply, methods=["GET", "POST"])
bp.add_url_rule(f"{P}/regeling/<int:round_id>/wachtrij", "queue", routes_staff.queue)
bp.add_url_rule(f"{P}/regeling/<int:round_id>/cijfers", "dashboard", routes_staff.dashboard)
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>", "application_page", routes_apply.application_page)
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/bewerken", "application_edit", routes_apply.application_edit,
                methods=["GET", "POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/intrekken", "withdraw", routes_apply.withdraw, methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/vraag", "ask", routes_staff.ask, methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/antwoord", "answer", routes_apply.answer, methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/besluit", "decide", routes_staff.decide, methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/toekenning-intrekken", "revoke", routes_staff.revoke,
                methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/uitbetaling", "payout", routes_staff.payout, methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/terugbetaling", "refund", routes_staff.refund, methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/rekening", "bank", routes_bank.bank, methods=["GET", "POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/rekening/tonen", "bank_reveal", routes_bank.bank_reveal,
                methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/rekening/bevestigen", "bank_confirm", routes_bank.bank_confirm,
                methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/rekening/afwijzen", "bank_reject", routes_bank.bank_reject,
                methods=["POST"])
bp.add_url_rule(f"{P}/beheer/<code>/betalingen", "payments", routes_payments.payments, methods=["GET", "POST"])
bp.add_url_rule(f"{P}/betaling/<int:batch_id>", "batch_page", routes_payments.batch_page)
bp.add_url_rule(f"{P}/betaling/<int:batch_id>/bestand", "batch_file", routes_payments.batch_file)
bp.add_url_rule(f"{P}/betaling/<int:batch_id>/betaald", "batch_paid", routes_payments.batch_paid, methods=["POST"])
bp.add_url_rule(f"{P}/betaling/<int:batch_id>/intrekken", "batch_cancel", routes_payments.batch_cancel,
                methods=["POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/verslag", "report", routes_apply.report, methods=["GET", "POST"])
bp.add_url_rule(f"{P}/aanvraag/<int:application_id>/<any(foto, bonnetjes):kind>", "report_image",
                routes_public.report_image)

api_bp = Blueprint("grants_api", __name__)
api_bp.add_url_rule("/api/v1/gemeenten/<code>/startbijdragen", "public_json", api.public_json)
api_bp.add_url_rule("/api/v1/gemeenten/<code>/startbijdragen.csv", "public_csv", api.public_csv)
api_bp.add_url_rule("/api/v1/startbijdragen/aanvragen/<int:application_id>", "application", api.application_json)
api_bp.add_url_rule("/api/v1/startbijdragen/aanvragen/<int:application_id>/besluit", "decide", api.decide_json,
                    methods=["POST"])
# JSON only (a cross-site form cannot send application/json without CORS); see api.decide_json.
csrf.exempt(api.decide_json)

navigation.add("grants.index", _l("Startbijdragen"), order=60)


@bp.app_template_global("grants_initiative_panel")
def initiative_panel(initiative):
    """For grants/initiative_panel.html, which the initiative page includes."""
    from flask_login import current_user

    from webapp.grants import services

    return services.initiative_panel(current_user, initiative)


bp.add_app_template_global(routes_common.short_status, "grants_status_text")
bp.add_app_template_global(routes_common.number, "grants_number")
bp.add_app_template_global(routes_common.percent, "grants_percent")

from webapp.accounts.export import register_exporter  # noqa: E402
from webapp.grants.services import export_for  # noqa: E402

register_exporter("grants", export_for)
