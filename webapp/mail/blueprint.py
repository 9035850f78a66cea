"""Every URL rule of the mail module."""
from __future__ import annotations

from flask import Blueprint

from webapp.mail import routes

bp = Blueprint("mail", __name__, template_folder="templates")

bp.add_url_rule("/dev/outbox", "dev_outbox", routes.dev_outbox)
