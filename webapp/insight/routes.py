"""Thin controllers: the insight page per gemeente and its downloads, "Hoe voelde het?", owners' figures,
and the moderators' removal of an abused account's answers."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import abort, current_app, flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts.services import find_by_email
from webapp.areas.models import Gemeente
from webapp.csv_safety import spreadsheet_safe
from webapp.domain_errors import DomainError
from webapp.insight import services
from webapp.insight.forms import CheckInForm, RemoveCheckInsForm
from webapp.places.models import Place
from webapp.security import csp_nonce
from webapp.transactions import commit_or_show

SORTS = {
    "name": lambda b: (b.name.casefold(), b.code),
    "inhabitants": lambda b: (b.inhabitants, b.name.casefold()),
    "access": lambda b: (b.share_access, b.name.casefold()),
    "newcomers": lambda b: (b.share_newcomers, b.name.casefold()),
}
ORDERS = ("asc", "desc")


def _gemeente_or_404(code: str) -> Gemeente:
    gemeente = services.gemeente(code)
    if gemeente is None:
        abort(404)
    return gemeente


def _sorted(report: services.GapReport, sort: str, order: str) -> list[services.BuurtGap]:
    return sorted(report.buurten, key=SORTS[sort], reverse=order == "desc")


def index() -> ResponseReturnValue:
    """GET /inzicht: the gemeenten with buurten loaded, each with its insight page."""
    return render_template("insight/index.html", gemeenten=services.gemeenten_with_buurten())


def gemeente_page(gemeente_code: str) -> ResponseReturnValue:
    """GET /inzicht/<gemeente_code>: the map and the sortable table of buurten, check-in figures."""
    gemeente = _gemeente_or_404(gemeente_code)
    sort, order = request.args.get("sort", "name"), request.args.get("order", "asc")
    error = None
    if sort not in SORTS or order not in ORDERS:
        error = _("Zo kan de tabel niet gesorteerd worden. U ziet de buurten op naam.")
        sort, order = "name", "asc"
    report = services.gap_report(gemeente.code)
    map_data = None
    if report.buurten:
        map_data = {"geojson": services.buurten_geojson(gemeente.code, report),
                    "tiles": {"url": current_app.config["TILE_URL"],
                              "attribution": current_app.config["TILE_ATTRIBUTION"]},
                    "labels": {"access": _("binnen bereik van een rolstoeltoegankelijke plek"),
                               "inhabitants": _("inwoners")}}
    context = dict(
        gemeente=gemeente, report=report, buurten=_sorted(report, sort, order), sort=sort, order=order, error=error,
        sort_url=lambda key: url_for("insight.gemeente", gemeente_code=gemeente.code, sort=key,
                                     order="desc" if sort == key and order == "asc" else "asc") + "#buurten",
        map_data=map_data, nonce=csp_nonce(),
        gemeente_figures=services.gemeente_figures(gemeente.code), buurt_figures=services.buurt_figures(gemeente.code),
        min_residents=services.MIN_RESIDENTS, can_moderate=services.can_remove_checkins(current_user, gemeente.code),
    )
    return render_template("insight/gemeente.html", **context), 400 if error else 200


def gemeente_csv(gemeente_code: str) -> ResponseReturnValue:
    gemeente = _gemeente_or_404(gemeente_code)
    report = services.gap_report(gemeente.code)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["buurtcode", "name", "inhabitants", "share_access", "inhabitants_access", "share_newcomers",
                     "inhabitants_newcomers"])
    for b in report.buurten:
        writer.writerow([spreadsheet_safe(b.code), spreadsheet_safe(b.name), b.inhabitants, f"{b.share_access:.4f}",
                         b.reached_access, f"{b.share_newcomers:.4f}", b.reached_newcomers])
    return current_app.response_class(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="buurtplek-inzicht-{gemeente.code}.csv"'})


def gemeente_geojson(gemeente_code: str) -> ResponseReturnValue:
    gemeente = _gemeente_or_404(gemeente_code)
    report = services.gap_report(gemeente.code)
    data = services.buurten_geojson(gemeente.code, report)
    data["reach_m"] = report.reach_m
    return current_app.response_class(json.dumps(data, ensure_ascii=False), mimetype="application/geo+json")


def _public_place_or_404(place_id: int) -> Place:
    place = services.public_place(place_id)
    if place is None:
        abort(404)
    return place


def checkin(place_id: int) -> ResponseReturnValue:
    """GET/POST /plekken/<id>/hoe-voelde-het: the three statements (the place page shows the same form)."""
    place = _public_place_or_404(place_id)
    form = CheckInForm()
    already = services.has_checked_in(current_user, place)

    def show_again(exc: DomainError) -> ResponseReturnValue:
        form.form_errors.append(exc.message)  # a second answer this month: 409
        return render_template("insight/checkin.html", place=place, form=form, already=already), exc.status

    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("insight/checkin.html", place=place, form=form, already=already), 400
        return commit_or_show(lambda: services.check_in(current_user, place.id, form.answers()),
                              success=_("Dank u wel. Uw antwoorden tellen mee, zonder uw naam."),
                              then=url_for("places.detail", place_id=place.id) + "#hoe-voelde-het",
                              show_again=show_again)
    return render_template("insight/checkin.html", place=place, form=form, already=already)


def place_figures(place_id: int) -> ResponseReturnValue:
    """GET /inzicht/plek/<id>: the place's figures per month, for its co-owners, moderators and staff
    (others: 403, from the service's NotAllowed)."""
    place = _public_place_or_404(place_id)
    months = services.place_figures_by_month(current_user, place)
    return render_template("insight/place_figures.html", place=place, months=months,
                           min_residents=services.MIN_RESIDENTS)


def remove_checkins(gemeente_code: str) -> ResponseReturnValue:
    """GET/POST /inzicht/<gemeente_code>/antwoorden-verwijderen: moderators remove an abused account's answers."""
    gemeente = _gemeente_or_404(gemeente_code)
    if not services.can_remove_checkins(current_user, gemeente.code):
        abort(403)
    form = RemoveCheckInsForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            account = find_by_email(form.email.data or "")
            if account is None:
                form.email.errors = [*form.email.errors, _("Er is geen account met dit e-mailadres.")]
            else:
                def removed(count: int | None) -> str:
                    if count is not None:  # after the commit: how many answers went
                        flash(_("%(count)s antwoorden van dit account zijn verwijderd.", count=count), "success")
                    return url_for("insight.remove_checkins", gemeente_code=gemeente.code)

                return commit_or_show(lambda: services.remove_checkins_of(current_user, account, gemeente.code),
                                      then=removed)
    return render_template("insight/remove_checkins.html", gemeente=gemeente, form=form), status


def place_panel_context(place: Place) -> dict[str, Any]:
    """For the panel on the place page (insight/place_panel.html). Anonymous visitors see a login link, not
    the form: the form (and what it may do) only for a logged-in user."""
    if not current_user.is_authenticated:
        return {"figures": services.place_figures(place.id), "form": None, "already": False,
                "min_residents": services.MIN_RESIDENTS, "can_see_figures": False}
    already = services.has_checked_in(current_user, place)
    return {"figures": services.place_figures(place.id), "form": None if already else CheckInForm(formdata=None),
            "already": already, "min_residents": services.MIN_RESIDENTS,
            "can_see_figures": services.can_see_place_figures(current_user, place)}
