"""Pages anyone may open: the index, a gemeente's public overview, a round's page; and a report's images
(for who may see the application)."""
from __future__ import annotations

from functools import cache
from typing import Any

from flask import abort, current_app, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from markupsafe import Markup

from webapp.converters import parse_id
from webapp.grants import services as svc
from webapp.grants import settings_changes
from webapp.grants.models import GrantRound
from webapp.grants.routes_common import MONEY_LABELS, application_or_404, round_or_404, status_label
from webapp.grants.services import open_data
from webapp.grants.services.overview import PUBLIC_PAGE_SIZE
from webapp.i18n import current_locale, money
from webapp.initiatives import queries as initiatives


def index() -> ResponseReturnValue:
    return render_template("grants/index.html", rounds=svc.open_rounds(None),
                           my_apps=svc.my_applications(current_user), gemeenten=svc.gemeenten_with_rounds(),
                           staff_gemeenten=svc.staff_gemeenten(current_user),
                           helper_codes=svc.helper_gemeenten(current_user), status_label=status_label,
                           state=svc.round_state)


def public_page(code: str) -> ResponseReturnValue:
    gemeente = svc.gemeente_brief(code) or abort(404)   # its code and name (not its boundary)
    page = parse_id(request.args.get("pagina")) or 1   # not a number, 0 or too large: the first page
    # The list of rounds and their startbijdragen is public data: made once per change of the open data
    # (the fingerprint of services/open_data), per page and language.
    locale = current_locale()
    version = open_data.current(code, locale, fresh_for=open_data.fresh_seconds(current_app), check=lambda: None)
    key = ("page", code, locale, str(page), str(PUBLIC_PAGE_SIZE), version.etag)
    rounds_html = open_data.BODIES.get_or_make(key, lambda: _rounds_html(gemeente, page))
    return render_template("grants/public.html", gemeente=gemeente, rounds_html=rounds_html)


def _rounds_html(gemeente: Any, page: int) -> Markup:
    overview = svc.public_overview(gemeente.code, page=page)
    pages = max([-(-item["count"] // PUBLIC_PAGE_SIZE) for item in overview] or [1])
    if page > pages:
        page, overview = 1, svc.public_overview(gemeente.code, page=1)
    return Markup(render_template("grants/_public_rounds.html", gemeente=gemeente, overview=overview, page=page,
                                  pages=pages, page_size=PUBLIC_PAGE_SIZE,
                                  amount=cache(money)))   # amounts repeat: each formatted once


def round_page(round_id: int) -> ResponseReturnValue:
    grant_round = round_or_404(round_id)
    query = request.args.get("q", "")[:80]
    owned = svc.owned_initiatives(current_user)
    may_apply_for_others = (svc.is_staff(current_user, grant_round.gemeente_code)
                            or svc.is_helper(current_user, grant_round.gemeente_code))
    others = (initiatives.initiatives_in(grant_round.gemeente_code, query)
              if may_apply_for_others and query else [])
    existing = {}
    for initiative in owned + others:
        found = svc.open_application_for(grant_round, initiative)
        if found is not None:
            existing[initiative.id] = found
    return render_template("grants/round.html", grant_round=grant_round, totals=svc.round_totals(grant_round),
                           state=svc.round_state(grant_round), owned=owned, others=others, query=query,
                           may_apply_for_others=may_apply_for_others, existing=existing,
                           area=svc.area_name(grant_round),
                           is_staff=svc.is_staff(current_user, grant_round.gemeente_code),
                           quick_limit=settings_changes.quick_lane_limit(grant_round),
                           **_pending_for_staff(grant_round))


def _pending_for_staff(grant_round: GrantRound) -> dict[str, Any]:
    """The money change waiting for a second staff member, for the round page (staff only)."""
    if not svc.is_staff(current_user, grant_round.gemeente_code):
        return {"pending": None}
    pending = settings_changes.pending_change(grant_round)
    rows = []
    if pending is not None:
        rows = [(str(MONEY_LABELS[key]), pending.old_values.get(key), value)
                for key, value in pending.new_values.items() if key in MONEY_LABELS]
    return {"pending": pending, "pending_rows": rows,
            "may_confirm": pending is not None and settings_changes.can_confirm(current_user, pending, grant_round)}


@login_required
def report_image(application_id: int, kind: str) -> ResponseReturnValue:
    application = application_or_404(application_id)
    if not svc.can_view(current_user, application):
        abort(403)
    found = svc.report_of(application)
    data, mime = (found.photo, found.photo_type) if found and kind == "foto" else (
        (found.receipts, found.receipts_type) if found and kind == "bonnetjes" else (None, None))
    if not data:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = mime
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Disposition"] = "inline"
    return response
