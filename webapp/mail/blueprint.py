"""Every URL rule of the mail module."""
from __future__ import annotations

from flask import Blueprint

from webapp.mail import routes
from webapp.mail import export as _export  # noqa: F401  (registers the data-download part)

bp = Blueprint("mail", __name__, template_folder="templates")

bp.add_url_rule("/dev/outbox", "dev_outbox", routes.dev_outbox)
