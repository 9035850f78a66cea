"""Every URL rule of "Bewaard" (saved places and initiatives), and `is_saved` for the save buttons."""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from webapp.saved import routes, services
from webapp.stewardship.blueprint import rule

bp = Blueprint("saved", __name__, template_folder="templates")

T = "/bewaard/<any(place, initiative):subject_type>/<int:subject_id>"
rule(bp, "/bewaard", "saved_list", routes.saved_list, ("GET",))
rule(bp, T, "save", routes.save, limit="120 per hour")
rule(bp, f"{T}/weg", "unsave", routes.unsave, limit="120 per hour")



@bp.app_template_global("is_saved")
def is_saved(subject_type: str, subject_id: int) -> bool:
    return services.is_saved(current_user, subject_type, subject_id)
