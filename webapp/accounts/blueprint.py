"""Every URL rule of the accounts module."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from webapp import navigation
from webapp.accounts import account_routes, role_routes, routes, services
from webapp.accounts.permissions import is_admin
from webapp.extensions import login_manager

bp = Blueprint("accounts", __name__, template_folder="templates")

bp.add_url_rule("/inloggen", "login", routes.login, methods=["GET", "POST"])
bp.add_url_rule("/uitloggen", "logout", routes.logout, methods=["POST"])
bp.add_url_rule("/account/overal-uitloggen", "logout_everywhere", routes.logout_everywhere, methods=["POST"])
bp.add_url_rule("/account/nieuw", "register", routes.register, methods=["GET", "POST"])
bp.add_url_rule("/account/bevestigen/<token>", "confirm_email", routes.confirm_email)
bp.add_url_rule("/wachtwoord-vergeten", "forgot_password", routes.forgot_password, methods=["GET", "POST"])
bp.add_url_rule("/wachtwoord-herstellen/<token>", "reset_password", routes.reset_password,
                methods=["GET", "POST"])
bp.add_url_rule("/account", "account", account_routes.account)
bp.add_url_rule("/account/gegevens", "update_profile", account_routes.update_profile, methods=["POST"])
bp.add_url_rule("/account/wachtwoord", "change_password", account_routes.change_password, methods=["POST"])
bp.add_url_rule("/account/email", "change_email", account_routes.change_email, methods=["POST"])
bp.add_url_rule("/account/email/<token>", "confirm_email_change", account_routes.confirm_email_change)
bp.add_url_rule("/account/email-terug/<token>", "undo_email_change", account_routes.undo_email_change,
                methods=["GET", "POST"])
bp.add_url_rule("/account/download", "download_data", account_routes.download_data)
bp.add_url_rule("/account/verwijderen", "delete_account", account_routes.delete_account, methods=["GET", "POST"])
bp.add_url_rule("/beheer/rollen", "roles", role_routes.roles)
bp.add_url_rule("/beheer/rollen", "grant_role", role_routes.grant_role, methods=["POST"])
bp.add_url_rule("/beheer/rollen/<int:grant_id>/intrekken", "revoke_role", role_routes.revoke_role, methods=["POST"])

login_manager.user_loader(services.load_user)
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Log eerst in om verder te gaan.")
login_manager.login_message_category = "info"



def _logged_in(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False))


navigation.add("accounts.roles", _l("Rollen"), order=80, visible=is_admin)
navigation.add("accounts.account", _l("Mijn account"), order=85, visible=_logged_in)
navigation.add("accounts.login", _l("Inloggen"), order=90, visible=lambda user: not _logged_in(user))

bp.add_app_template_global(role_routes.role_label, "role_label")
