"""Thin controllers for the place-specific stewardship pages: proposing a place, withdrawing a proposal,
the edit form, and publishing or rejecting a proposal. Co-owners, suggestions, history and reports are
stewardship's generic pages."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.areas.services import gemeente_at, gemeente_centre, list_gemeenten
from webapp.extensions import db
from webapp.places import services
from webapp.places.forms import LAST_STEP, PROPOSE_STEPS, WEEKDAYS, EditForm, ProposeForm
from webapp.places.models import Place
from webapp.stewardship import display
from webapp.stewardship import routes as stewardship_routes
from webapp.stewardship import services as stewardship
from webapp.stewardship.forms import RejectForm
from webapp.stewardship.services.revisions import EditConflict
from webapp.transactions import commit_or_show

subject_url = stewardship_routes.subject_url



def _expected_version(form: Any) -> int:
    """The version the editor loaded (optimistic locking); a tampered value is a 400, never a 500."""
    try:
        return int(form.version.data or "")
    except ValueError:
        abort(400)

def _place_or_404(place_id: int) -> Place:
    place = db.session.get(Place, place_id)
    if place is None:
        abort(404)
    return place


def _gemeente_choices(form: Any, empty_label: str) -> None:
    form.gemeente_code.choices = [("", empty_label)] + [(code, name) for code, name in list_gemeenten()]


def propose():
    """Proposing in short steps. Step 1, the essentials (name, kind of place, where), saves the proposal and
    sends it to the moderators; steps 2-4 (accessibility; safety and house rules; opening hours) are optional
    edits of that proposal by its proposer (`?plek=<id>&stap=<n>`), each skippable, and can be continued
    later from "Mijn plekken"."""
    if "plek" in request.args or "stap" in request.args:
        return _propose_step()
    form = ProposeForm()
    _gemeente_choices(form, _("Bepaal uit de plek op de kaart"))
    duplicates: list = []

    def render(general_error: str | None = None, confirm_point: str | None = None):
        status = 400 if (form.errors or general_error) else 200
        return render_template("places/propose.html", form=form, duplicates=duplicates,
                               general_error=general_error, subject_url=subject_url,
                               confirm_point=confirm_point), status

    if not form.validate_on_submit():
        return render()
    action = request.form.get("action")
    if action == "move":  # "Nee, de plek ligt bij ...": find that instead and ask again
        return _geocoded(form, form.move_to.data or "", render, form.move_to)
    location = form.location()
    gemeente_code = form.gemeente_code.data or None
    address = (form.address.data or "").strip()
    if location is None and address:
        found = services.point_for_address(address)
        if found is not None:
            return _geocoded(form, address, render, form.address, found)
        if gemeente_code:  # nothing to go on but the gemeente: its centre, marked approximate
            location = gemeente_centre(gemeente_code)
    if location is None:
        form.address.errors = [*form.address.errors, _("Kies waar de plek is: gebruik uw locatie, tik op de "
                                                       "kaart, of vul het adres in met de postcode of de plaats.")]
        return render()
    note = "approximate location: gemeente centre" if form.location() is None else ""
    if form.point_label.data:
        if action == "point_ok":
            form.point_confirmed.data = "1"
        if form.point_confirmed.data != "1":
            return render(confirm_point=form.point_label.data)
        note = f"location from the address: {form.point_label.data}"[:200]
    values = form.values()
    if form.confirm_new.data != "1":
        duplicates = services.find_duplicates(values["name"], *location)
    if duplicates:
        form.confirm_new.data = "1"
        return render()
    return commit_or_show(
        lambda: services.propose_place(current_user, values, location[0], location[1],
                                       gemeente_code=gemeente_code, note=note),
        then=lambda place: url_for("places.propose", plek=place.id, stap=2),
        success=_("Uw voorstel is opgeslagen. Vertel nu meer over de plek, of sla een stap over."),
        show_again=lambda exc: render(exc.message))


def _propose_step():
    try:
        place_id, step = int(request.args.get("plek", "")), int(request.args.get("stap", ""))
    except ValueError:
        abort(404)
    if step not in PROPOSE_STEPS or not 0 < place_id < 2**31:
        abort(404)
    place = _place_or_404(place_id)
    if place.status != "proposed" or not stewardship.can_edit(current_user, place):
        abort(404)
    form_class, heading = PROPOSE_STEPS[step]
    form = form_class()
    after = (url_for("places.propose", plek=place.id, stap=step + 1) if step < LAST_STEP
             else url_for("stewardship.mine"))
    done = (_("Dank u wel! Een moderator kijkt naar uw voorstel. U krijgt bericht.") if step == LAST_STEP
            else _("Opgeslagen."))

    def render(general_error: str | None = None):
        status = 400 if (form.errors or general_error) else 200
        return render_template("places/propose_step.html", form=form, place=place, step=step, heading=heading,
                               last_step=LAST_STEP, skip_url=after, general_error=general_error,
                               weekdays=WEEKDAYS), status

    if request.method == "GET":
        stewardship_routes.fill_form(form, place)
        form.version.data = str(place.version)
        return render()
    if not form.validate_on_submit():
        return render()
    expected = _expected_version(form)
    return commit_or_show(lambda: stewardship.edit_subject(current_user, place, form.values(), expected,
                                                           note=f"proposal step {step}"),
                          then=after, success=done, show_again=lambda exc: render(exc.message))


def _geocoded(form: Any, text: str, render: Any, field: Any, found: Any = None):
    """Put the point found for `text` on the form and ask the proposer whether it is right."""
    found = found or services.point_for_address(text)
    if found is None:
        field.errors = [*field.errors, _("Deze plek kunnen we niet vinden. Vul een postcode of een plaats in, "
                                         "of kies de plek op de kaart.")]
        return render(confirm_point=form.point_label.data or None)
    form.lon.data, form.lat.data = f"{found.lon:.6f}", f"{found.lat:.6f}"
    form.point_label.data = found.label
    form.point_confirmed.data = ""
    form.move_to.data = ""
    return render(confirm_point=found.label)


def withdraw_proposal(place_id: int):
    place = _place_or_404(place_id)
    return stewardship_routes.one_click(lambda: services.withdraw_proposal(current_user, place),
                                         url_for("stewardship.mine"), _("Uw voorstel is ingetrokken."))


def _fill_form(form: Any, place: Place) -> None:
    stewardship_routes.fill_form(form, place)
    if "gemeente_code" in form:
        form.gemeente_code.data = place.gemeente_code or ""
    point = stewardship.lon_lat(place)
    if point and "lat" in form:
        form.lon.data, form.lat.data = f"{point[0]:.6f}", f"{point[1]:.6f}"


def edit(place_id: int):
    place = _place_or_404(place_id)
    if not stewardship.can_edit(current_user, place):
        abort(403)
    moderator = stewardship.can_moderate(current_user, place)
    form = EditForm()
    _gemeente_choices(form, _("Bepaal uit de plek op de kaart"))

    def render(conflict: EditConflict | None = None, general_error: str | None = None):
        status = 409 if conflict else (400 if (form.errors or general_error) else 200)
        return render_template("places/edit.html", form=form, place=place, conflict=conflict, moderator=moderator,
                               general_error=general_error, display=display, subject_url=subject_url), status

    if request.method == "GET":
        _fill_form(form, place)
        form.version.data = str(place.version)
        return render()
    if not form.validate_on_submit():
        return render()
    expected = _expected_version(form)
    values = form.values()
    location = form.location()
    if location is not None:
        values["location"] = stewardship.make_point(*location)
        found = gemeente_at(*location)
        if moderator and form.gemeente_code.data:
            values["gemeente_code"] = form.gemeente_code.data
        elif found is not None:
            values["gemeente_code"] = found.code
        else:
            form.lat.errors = [*form.lat.errors, _("Deze plek ligt niet in een Nederlandse gemeente.")]
            return render()

    def show_again(exc):
        if isinstance(exc, EditConflict):
            form.version.data = str(exc.current_version)
            return render(conflict=exc)
        return render(general_error=exc.message)

    def saved(revision: Any) -> str:
        return subject_url(place)

    changed: list = []

    def save():
        revision = stewardship.edit_subject(current_user, place, values, expected, note=form.note.data or "")
        changed.append(revision is not None)
        return revision

    response = commit_or_show(save, then=saved, show_again=show_again)
    if changed:
        flash(_("Opgeslagen.") if changed[0] else _("Er was niets veranderd."), "success")
    return response


def history(place_id: int):
    """The public history of a place (also of a closed one)."""
    return stewardship_routes.history("place", place_id)


def publish(place_id: int):
    place = _place_or_404(place_id)
    return stewardship_routes.one_click(lambda: services.publish_place(current_user, place),
                                         url_for("stewardship.moderation"),
                                         _("Gepubliceerd: %(name)s", name=place.name))


def reject(place_id: int):
    place = _place_or_404(place_id)
    if not stewardship.can_moderate(current_user, place):
        abort(403)
    form = RejectForm()
    if not form.validate_on_submit():
        return stewardship_routes.refused(form, stewardship_routes.render_moderation)
    return stewardship_routes.one_click(lambda: services.reject_place(current_user, place, form.reason.data),
                                         url_for("stewardship.moderation"),
                                         _("Afgewezen: %(name)s. De bewoner krijgt de reden.", name=place.name))
