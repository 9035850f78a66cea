"""Every URL rule of the accounts module."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from webapp import navigation
from webapp.accounts import routes, services
from webapp.extensions import login_manager

bp = Blueprint("accounts", __name__, template_folder="templates")

bp.add_url_rule("/inloggen", "login", routes.login, methods=["GET", "POST"])
bp.add_url_rule("/uitloggen", "logout", routes.logout, methods=["POST"])
bp.add_url_rule("/account/nieuw", "register", routes.register, methods=["GET", "POST"])

login_manager.user_loader(services.load_user)
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Log eerst in om verder te gaan.")
login_manager.login_message_category = "info"

navigation.add("accounts.login", _l("Inloggen"), order=90, visible=lambda u: not u.is_authenticated)
