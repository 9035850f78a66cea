"""Thin controllers for the initiatives pages: parse, call the service, render or redirect.

Every change goes through `webapp.transactions.commit_or_show`: commit, flash and redirect, or roll back and
show the form again with the message next to its field. `NotAllowed` / `NotFound` go up to the one handler.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from webapp.converters import parse_ids
from webapp.domain_errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from webapp.extensions import limiter
from webapp.initiatives import clock, place_picker, services
from webapp.initiatives.forms import ContactForm, InitiativeForm, ParticipateForm, SimpleForm
from webapp.initiatives.models import Initiative
from webapp.initiatives.search import parse_float
from webapp.places.services import point_for_address
from webapp.places.visibility import is_listed
from webapp.stewardship import services as stewardship
from webapp.transactions import commit_or_show, put_on_form


def visible_initiative(initiative_id: int) -> Initiative:
    initiative = services.get_visible(initiative_id, current_user)
    if initiative is None:
        raise NotFound()
    return initiative


def editable_initiative(initiative_id: int) -> Initiative:
    initiative = visible_initiative(initiative_id)
    if not stewardship.can_edit(current_user, initiative):
        raise NotAllowed()
    return initiative


def show_on_form(form: FlaskForm, error: DomainError) -> None:
    """The error's message next to its field (a message about no field of this form: on the first field)."""
    for _anchor, message in put_on_form(form, error):
        first = next(iter(form))
        first.errors = list(first.errors) + [message]


def form_page(form: FlaskForm, show: Callable[[int], ResponseReturnValue], action: Callable[[], Any], *,
              then: str | Callable[[Any], str], success: str,
              show_again: Callable[[DomainError], ResponseReturnValue] | None = None) -> ResponseReturnValue:
    """The one shape of a form page. A valid POST runs `action` through `commit_or_show`: commit, flash
    `success`, redirect to `then`, or roll back and show the form again (400) with the message at its
    field. Otherwise the form is shown: 400 when it came back with errors, else 200."""
    if not form.validate_on_submit():
        return show(400 if form.errors else 200)

    def on_form(exc: DomainError) -> ResponseReturnValue:
        show_on_form(form, exc)
        return show(400)

    return commit_or_show(action, then=then, success=success, show_again=show_again or on_form)


def detail_url(initiative: Initiative) -> str:
    return url_for("initiatives.detail", initiative_id=initiative.id)


# --- the initiative ------------------------------------------------------------------------

def detail(initiative_id: int) -> ResponseReturnValue:
    initiative = visible_initiative(initiative_id)
    now = clock.utcnow()
    may_edit = stewardship.can_edit(current_user, initiative)
    return render_template(
        "initiatives/detail.html", initiative=initiative, subject=initiative, may_edit=may_edit,
        upcoming=services.upcoming(initiative, now, limit=8),
        is_owner=stewardship.is_owner(current_user, initiative), stale_since=services.stale_since(initiative, now),
        participation=services.participation_of(initiative, current_user),
        participant_count=len(services.participants(initiative, current_user)) if may_edit else None,
        owners=stewardship.owners_of(initiative), action_form=SimpleForm(),
        coords=services.coordinates(initiative), shown_places=place_picker.shown_places(initiative.places, may_edit))


def _place_choices(form: InitiativeForm, initiative: Initiative | None) -> list:
    """Chosen places stay checked, the user's own proposals are offered, a name search adds candidates
    (works without JavaScript; the picker's JSON is `find_places`). Only choosable places are shown."""
    linked = [p.id for p in initiative.places] if initiative else []
    chosen_ids = parse_ids(request.form.getlist("place_ids")) if request.method == "POST" else linked
    chosen = place_picker.by_ids(current_user, chosen_ids, linked)
    query = form.place_query.data or ""
    found = [f.place for f in place_picker.find(current_user, query)] if query else []
    choices, seen = [], set()
    for place in chosen + place_picker.own_proposals(current_user) + found:
        if place.id in seen:
            continue
        seen.add(place.id)
        label = place.name + (f" ({place.address})" if place.address else "")
        if not is_listed(place):
            label += " – " + _("nog niet gepubliceerd")
        choices.append((place.id, label))
    form.place_ids.choices = choices
    if request.method == "GET":
        form.place_ids.data = chosen_ids
    return found


def find_places() -> ResponseReturnValue:
    """GET /initiatieven/plekken-zoeken?q=&lat=&lon=: places to choose, as the owner types (JSON), nearest
    first when the form has a point. Login required; bad input is a 400 with a message."""
    if not current_user.is_authenticated:
        return _json({"error": _("Log in om een plek te kiezen.")}, 401)
    query = request.args.get("q") or ""
    if len(query) > place_picker.MAX_QUERY:
        return _json({"error": _("Typ hoogstens %(n)s tekens.", n=place_picker.MAX_QUERY)}, 400)
    try:
        lat = parse_float(request.args, "lat", -90, 90)
        lon = parse_float(request.args, "lon", -180, 180)
    except Invalid as exc:
        return _json({"error": exc.message}, 400)
    if (lat is None) != (lon is None):
        return _json({"error": _("Geef lat en lon allebei, of geen van beide.")}, 400)
    found = place_picker.find(current_user, query, lon, lat)
    return _json({"q": query, "results": [f.as_dict() for f in found]})


def _json(payload: dict, status: int = 200) -> ResponseReturnValue:
    response = Response(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), status=status,
                        mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _values(form: InitiativeForm) -> dict:
    return {"title": form.title.data, "summary": form.summary.data, "description": form.description.data,
            "themes": form.themes.data, "audience": form.audience.data, "languages": form.languages.data,
            "cost": form.cost.data, "cost_note": form.cost_note.data,
            # A new initiative is active: starting one asks for no status ("Gestopt" at creation makes no sense).
            "status": form.status.data if "status" in form else "active",
            "volunteer_roles": form.roles_list(), "location_name": form.location_name.data}


def _place_typed_point(form: InitiativeForm) -> bool:
    """No point from the map or the location, but an address, postcode or place typed: use its point.
    False when that text names no place we know (the form then says so at that field)."""
    text = (request.form.get("location_place") or "").strip()
    if request.method != "POST" or not text or (request.form.get("lat") and request.form.get("lon")):
        return True
    found = point_for_address(text)
    if found is None:
        form.validate()
        form.location_place.errors = [*form.location_place.errors,
                                      _("Deze plek kunnen we niet vinden. Vul een postcode of een plaats in.")]
        return False
    form.lat.data, form.lon.data = Decimal(f"{found.lat:.6f}"), Decimal(f"{found.lon:.6f}")
    form.lat.raw_data, form.lon.raw_data = [str(form.lat.data)], [str(form.lon.data)]
    return True


@login_required
def create() -> ResponseReturnValue:
    form = InitiativeForm()
    del form.status  # only editing asks how it stands
    found = _place_choices(form, None)
    searching = request.form.get("action") == "search_place"

    def show(status: int = 200) -> ResponseReturnValue:
        form.point_errors_on_place_field()
        return render_template("initiatives/form.html", form=form, initiative=None, found=found,
                               searched=searching), status

    if searching:   # "Zoek" for a place: the form again with the places found, nothing checked yet
        return show()
    if not _place_typed_point(form):
        return show(400)
    return form_page(
        form, show, lambda: services.create_initiative(current_user, _values(form), form.place_ids.data or [],
                                                       form.own_location()),
        then=lambda initiative: url_for("initiatives.add_activity", initiative_id=initiative.id),
        success=_("Uw initiatief staat op Buurtplek. Voeg nu de eerste activiteit toe."))


@login_required
def edit(initiative_id: int) -> ResponseReturnValue:
    initiative = editable_initiative(initiative_id)
    coords = services.coordinates(initiative) if initiative.location_name else None
    form = InitiativeForm(obj=initiative if request.method == "GET" else None)
    if request.method == "GET":
        form.volunteer_roles.data = "\n".join(initiative.volunteer_roles)
        form.version.data = str(initiative.version)
        if coords:
            form.lon.data, form.lat.data = Decimal(str(round(coords[0], 6))), Decimal(str(round(coords[1], 6)))
    found = _place_choices(form, initiative)
    searching = request.form.get("action") == "search_place"

    def show(status: int = 200, conflict: dict | None = None) -> ResponseReturnValue:
        form.point_errors_on_place_field()
        return render_template("initiatives/form.html", form=form, initiative=initiative, found=found,
                               searched=searching, conflict=conflict), status

    def show_again(exc: DomainError) -> ResponseReturnValue:
        changed = getattr(exc, "changed", None)
        if isinstance(exc, Conflict) and changed is not None:
            # Someone saved meanwhile: show what changed, keep what the editor typed, allow saving again.
            form.version.data = str(getattr(exc, "current_version", initiative.version))
            return show(409, conflict=changed)
        show_on_form(form, exc)
        return show(400)

    if searching:
        return show()
    if not _place_typed_point(form):
        return show(400)
    return form_page(
        form, show, lambda: services.update_initiative(initiative, current_user, _values(form),
                                                       int(form.version.data or 0), form.place_ids.data or [],
                                                       form.own_location()),
        then=detail_url(initiative), success=_("De wijzigingen zijn opgeslagen."), show_again=show_again)


def require_action_form() -> None:
    """The small POST forms (one button): a missing or wrong CSRF token is a 400."""
    if not SimpleForm().validate_on_submit():
        abort(400)


@login_required
def confirm_current(initiative_id: int) -> ResponseReturnValue:
    initiative = editable_initiative(initiative_id)
    require_action_form()
    return commit_or_show(lambda: services.confirm_current(initiative, current_user, clock.utcnow()),
                          then=detail_url(initiative), success=_("Dank u. We hebben genoteerd dat alles nog klopt."))


@login_required
def undo_pause(initiative_id: int) -> ResponseReturnValue:
    initiative = editable_initiative(initiative_id)
    require_action_form()

    def show_again(exc: DomainError) -> ResponseReturnValue:
        flash(_("Dit initiatief is niet automatisch gepauzeerd."), "error")
        return redirect(detail_url(initiative))

    return commit_or_show(lambda: services.undo_auto_pause(initiative, current_user, clock.utcnow()),
                          then=detail_url(initiative), success=_("Het initiatief staat weer aan."),
                          show_again=show_again)


# --- doe mee, contact ----------------------------------------------------------------------

@login_required
def participate(initiative_id: int) -> ResponseReturnValue:
    initiative = visible_initiative(initiative_id)
    existing = services.participation_of(initiative, current_user)
    form = ParticipateForm(obj=existing if request.method == "GET" else None)
    form.role.choices = [("", _("Maakt niet uit"))] + [(r, r) for r in initiative.volunteer_roles]

    def show(status: int = 200) -> ResponseReturnValue:
        return render_template("initiatives/participate.html", form=form, initiative=initiative, existing=existing,
                               action_form=SimpleForm()), status

    return form_page(
        form, show, lambda: services.join(initiative, current_user, form.kind.data, form.role.data or "",
                                          form.message.data or ""),
        then=detail_url(initiative), success=_("Leuk dat u meedoet! De organisatoren zien nu dat u mee wilt doen."))


@login_required
def withdraw(initiative_id: int) -> ResponseReturnValue:
    initiative = visible_initiative(initiative_id)
    require_action_form()
    if services.participation_of(initiative, current_user) is None:
        return redirect(detail_url(initiative))   # nothing to take back
    return commit_or_show(lambda: services.withdraw(initiative, current_user), then=detail_url(initiative),
                          success=_("U doet niet meer mee. De organisatoren zien uw naam niet meer."))


@login_required
def participants(initiative_id: int) -> ResponseReturnValue:
    initiative = visible_initiative(initiative_id)
    rows = services.participants(initiative, current_user)   # NotAllowed (403) for anyone but its editors
    return render_template("initiatives/participants.html", initiative=initiative, rows=rows)


@login_required
@limiter.limit("10 per hour", methods=["POST"])
def contact(initiative_id: int) -> ResponseReturnValue:
    initiative = visible_initiative(initiative_id)
    form = ContactForm()

    def show(status: int = 200) -> ResponseReturnValue:
        return render_template("initiatives/contact.html", form=form, initiative=initiative), status

    return form_page(
        form, show, lambda: services.send_contact_message(initiative, current_user, form.message.data or "",
                                                          bool(form.share_email.data)),
        then=detail_url(initiative), success=_("Uw bericht is verstuurd naar de organisatoren."))


@login_required
def mine() -> ResponseReturnValue:
    owned, joined = services.initiatives_of_user(current_user)
    return render_template("initiatives/mine.html", owned=owned, joined=joined, action_form=SimpleForm())
