"""Thin routes of "Bewaard": save, unsave (POST with CSRF, logged in), and the list."""
from __future__ import annotations

from flask import make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.redirects import safe_next_url
from webapp.saved import services
from webapp.transactions import commit_or_show


def _then() -> str:
    return safe_next_url(request.form.get("next"), url_for("saved.saved_list"))


def save(subject_type: str, subject_id: int):
    return commit_or_show(lambda: services.save(current_user, subject_type, subject_id), then=_then(),
                          success=_("Bewaard. U vindt het onder Bewaard, ook zonder internet."))


def unsave(subject_type: str, subject_id: int):
    return commit_or_show(lambda: services.unsave(current_user, subject_type, subject_id), then=_then(),
                          success=_("Niet meer bewaard."))


def saved_list():
    response = make_response(render_template("saved/list.html", items=services.saved_of(current_user)))
    # A private page: the browser may keep it (offline), a shared cache never.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
