"""Thin controllers: parse the form, call the service (which checks who may), commit, render or redirect."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts.models import User
from webapp.accounts.services import find_by_email
from webapp.areas.services import gemeente_at, gemeente_centre, list_gemeenten
from webapp.extensions import db
from webapp.places.attributes import ATTRIBUTES
from webapp.places.models import Place
from webapp.stewardship import display, services
from webapp.stewardship.forms import (AddOwnerForm, CloseReportForm, EditForm, HiddenDecisionForm, JoinForm,
                                      LeaveForm, ProposeForm, RejectForm, ReportForm, SuggestInitiativeForm,
                                      SuggestPlaceForm)
from webapp.stewardship.models import JoinRequest, Report, Revision, Suggestion
from webapp.stewardship.services import EditConflict, PermissionDenied, StewardshipError

# Endpoints the other packages may provide for a subject's own page / edit form.
# The one public page and edit page of each subject type: a renamed endpoint fails loudly (BuildError).
_PAGE_ENDPOINTS = {"place": "places.detail", "initiative": "initiatives.detail"}
_EDIT_ENDPOINTS = {"place": "stewardship.edit_place", "initiative": "initiatives.edit"}


def _url_for_subject(endpoints: dict[str, str], subject) -> str:
    type_name = services.subject_type(subject)
    return url_for(endpoints[type_name], **{f"{type_name}_id": subject.id})


def subject_url(subject) -> str:
    """The subject's own public page."""
    return _url_for_subject(_PAGE_ENDPOINTS, subject)


def subject_edit_url(subject) -> str:
    return _url_for_subject(_EDIT_ENDPOINTS, subject)


def _subject_or_404(subject_type: str, subject_id: int):
    subject = services.get_subject(subject_type, subject_id)
    if subject is None:
        abort(404)
    return subject


def _row_of_subject_or_404(model, row_id: int, subject_type: str, subject_id: int):
    """A join request, suggestion or report that belongs to this subject (404 otherwise)."""
    row = db.session.get(model, row_id)
    if row is None or (row.subject_type, row.subject_id) != (subject_type, subject_id):
        abort(404)
    return row


def _visible_subject_or_404(subject_type: str, subject_id: int):
    """Proposals and hidden subjects do not exist for the public: 404, not 403."""
    subject = _subject_or_404(subject_type, subject_id)
    if not services.can_view(current_user, subject):
        abort(404)
    return subject


def _back(subject):
    from webapp.redirects import safe_next_url

    return redirect(safe_next_url(request.form.get("next"), url_for(
        "stewardship.manage", subject_type=services.subject_type(subject), subject_id=subject.id)))


def _fail(message) -> None:
    db.session.rollback()
    flash(str(message), "error")


def _attempt(action, success: str, conflict: str | None = None) -> bool:
    """Run one rule for a one-click action: commit and thank on success; when a rule is broken (or,
    with `conflict`, someone changed the subject meanwhile) roll back and say why. PermissionDenied
    is left to the app-wide 403."""
    try:
        action()
    except EditConflict:
        if conflict is None:
            raise
        _fail(conflict)
        return False
    except StewardshipError as exc:
        _fail(exc)
        return False
    db.session.commit()
    flash(success, "success")
    return True


def _refused(form, render):
    """A one-click form with a field that cannot be right (too long, an unknown choice): nothing saved,
    the page shown again with a 400 and the first problem as a message."""
    db.session.rollback()
    errors = [str(error) for errors in form.errors.values() for error in errors]
    flash(errors[0] if errors else _("Er klopt iets niet in uw verzoek."), "error")
    return render(400)


def _gemeente_choices(form, empty_label) -> None:
    form.gemeente_code.choices = [("", empty_label)] + [(code, name) for code, name in list_gemeenten()]


def _decision() -> bool:
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        abort(400)
    return decision == "accept"


# --- proposing -------------------------------------------------------------------------------

def propose():
    form = ProposeForm()
    _gemeente_choices(form, _("Bepaal uit de plek op de kaart"))
    duplicates = []
    general_error = None
    if form.validate_on_submit():
        location = form.location()
        gemeente_code = form.gemeente_code.data or None
        note = ""
        if location is None and gemeente_code and form.address.data.strip():
            location = gemeente_centre(gemeente_code)
            note = "approximate location: gemeente centre"
        if location is None:
            form.lat.errors.append(_("Kies waar de plek is: gebruik uw locatie, tik op de kaart, "
                                     "of vul het adres in en kies de gemeente."))
        else:
            values = form.values()
            if form.confirm_new.data != "1":
                duplicates = services.find_duplicates(values["name"], *location)
            if duplicates:
                form.confirm_new.data = "1"
            else:
                try:
                    services.propose_place(current_user, values, location[0], location[1],
                                           gemeente_code=gemeente_code, note=note)
                except StewardshipError as exc:
                    db.session.rollback()
                    general_error = str(exc)
                else:
                    db.session.commit()
                    flash(_("Dank u wel! Een moderator kijkt naar uw voorstel. U krijgt bericht."), "success")
                    return redirect(url_for("stewardship.mine"))
    status = 400 if (form.errors or general_error) else 200
    return render_template("stewardship/propose.html", form=form, duplicates=duplicates,
                           general_error=general_error, subject_url=subject_url), status


def mine():
    data = services.my_places(current_user)
    return render_template("stewardship/mine.html", subject_url=subject_url, **data)


# --- editing ---------------------------------------------------------------------------------

def _fill_place_form(form, place: Place) -> None:
    for name in ("name", "category", "description", "address", "website", "phone", "opening_hours",
                 "house_rules"):
        form[name].data = getattr(place, name) or ""
    form.cost.data = place.cost or ""
    for attribute in ATTRIBUTES:
        form[attribute.key].data = getattr(place, attribute.key)
    if "gemeente_code" in form:
        form.gemeente_code.data = place.gemeente_code or ""
    point = services.lon_lat(place)
    if point and "lat" in form:
        form.lon.data, form.lat.data = f"{point[0]:.6f}", f"{point[1]:.6f}"


def edit_place(place_id: int):
    place = db.session.get(Place, place_id)
    if place is None:
        abort(404)
    if not services.can_edit(current_user, place):
        abort(403)
    moderator = services.can_moderate(current_user, place)
    form = EditForm()
    _gemeente_choices(form, _("Bepaal uit de plek op de kaart"))
    conflict = None
    general_error = None
    if request.method == "GET":
        _fill_place_form(form, place)
        form.version.data = str(place.version)
    elif form.validate_on_submit():
        try:
            expected = int(form.version.data or "")
        except ValueError:
            abort(400)
        values = form.values()
        location = form.location()
        if location is not None:
            values["location"] = services.make_point(*location)
            found = gemeente_at(*location)
            if moderator and form.gemeente_code.data:
                values["gemeente_code"] = form.gemeente_code.data
            elif found is not None:
                values["gemeente_code"] = found.code
            else:
                form.lat.errors.append(_("Deze plek ligt niet in een Nederlandse gemeente."))
        if form.lat.errors:
            return render_template("stewardship/edit.html", form=form, place=place, conflict=None,
                                   moderator=moderator, general_error=None, display=display,
                                   subject_url=subject_url), 400
        try:
            revision = services.edit_subject(current_user, place, values, expected, note=form.note.data or "")
        except EditConflict as exc:
            db.session.rollback()
            conflict = exc
            form.version.data = str(exc.current_version)
        except StewardshipError as exc:
            db.session.rollback()
            general_error = str(exc)
        else:
            db.session.commit()
            flash(_("Opgeslagen.") if revision else _("Er was niets veranderd."), "success")
            return redirect(subject_url(place))
    status = 409 if conflict else (400 if (form.errors or general_error) else 200)
    return render_template("stewardship/edit.html", form=form, place=place, conflict=conflict, moderator=moderator,
                           general_error=general_error, display=display, subject_url=subject_url), status


def suggest(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    if services.can_edit(current_user, subject):
        edit_url = subject_edit_url(subject)
        if edit_url:
            return redirect(edit_url)
    is_place = isinstance(subject, Place)
    form = SuggestPlaceForm() if is_place else SuggestInitiativeForm()
    if is_place:
        del form.gemeente_code, form.lat, form.lon
    general_error = None
    if request.method == "GET":
        if is_place:
            _fill_place_form(form, subject)
        else:
            for name in ("title", "summary", "description"):
                form[name].data = getattr(subject, name) or ""
    elif form.validate_on_submit():
        try:
            services.suggest_edit(current_user, subject, form.values(), note=form.note.data or "")
        except StewardshipError as exc:
            db.session.rollback()
            general_error = str(exc)
        else:
            db.session.commit()
            flash(_("Dank u wel! De beheerders kijken naar uw voorstel."), "success")
            return redirect(subject_url(subject))
    status = 400 if (form.errors or general_error) else 200
    return render_template("stewardship/suggest.html", form=form, subject=subject, is_place=is_place,
                           general_error=general_error, subject_url=subject_url,
                           title=services.subject_title(subject)), status


def decide_suggestion(subject_type: str, subject_id: int, suggestion_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    suggestion = _row_of_subject_or_404(Suggestion, suggestion_id, subject_type, subject_id)
    accept = _decision()
    _attempt(lambda: services.decide_suggestion(current_user, suggestion, accept),
             _("Overgenomen.") if accept else _("Afgewezen."),
             conflict=_("De plek is net veranderd. Probeer het opnieuw."))
    return _back(subject)


def history(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    revisions = services.history(subject)
    return render_template("stewardship/history.html", subject=subject, revisions=revisions, display=display,
                           can_revert=services.can_moderate(current_user, subject),
                           title=services.subject_title(subject), subject_url=subject_url)


def place_history(place_id: int):
    return history("place", place_id)


def revert(subject_type: str, subject_id: int, revision_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    if not services.can_moderate(current_user, subject):
        abort(403)
    revision = db.session.get(Revision, revision_id)
    if revision is None:
        abort(404)
    try:
        expected = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    _attempt(lambda: services.revert_to(current_user, subject, revision, expected),
             _("Teruggezet. Dit staat nu ook in de geschiedenis."),
             conflict=_("Iemand heeft dit net veranderd. Bekijk de geschiedenis opnieuw en probeer het nog eens."))
    return redirect(url_for("stewardship.history", subject_type=subject_type, subject_id=subject_id))


def confirm(subject_type: str, subject_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    _attempt(lambda: services.confirm_attributes(current_user, subject),
             _("Dank u wel! We laten zien dat de informatie vandaag is gecontroleerd."),
             conflict=_("Iemand heeft dit net veranderd. Probeer het opnieuw."))
    return _back(subject)


# --- co-ownership ----------------------------------------------------------------------------

def manage(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    if not services.can_manage(current_user, subject):
        abort(403)
    return _render_manage(subject)


def _render_manage(subject, status: int = 200, leave_form: LeaveForm | None = None):
    owners = services.active_owners(subject)
    return render_template(
        "stewardship/manage.html", subject=subject, title=services.subject_title(subject), owners=owners,
        requests=services.join_requests(subject), suggestions=services.suggestions(subject),
        reports=services.visible_reports(current_user, subject), display=display,
        is_owner=services.is_owner(current_user, subject), moderator=services.can_moderate(current_user, subject),
        last_owner=len(owners) == 1 and services.is_owner(current_user, subject),
        leave_form=leave_form or LeaveForm(formdata=None), add_form=AddOwnerForm(formdata=None),
        subject_url=subject_url, edit_url=subject_edit_url(subject), is_place=isinstance(subject, Place)), status


def join(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    form = JoinForm()
    general_error = None
    if form.validate_on_submit():
        try:
            services.request_join(current_user, subject, form.motivation.data)
        except StewardshipError as exc:
            db.session.rollback()
            general_error = str(exc)
        else:
            db.session.commit()
            flash(_("Uw vraag is verstuurd. U krijgt bericht als de beheerders beslissen."), "success")
            return redirect(subject_url(subject))
    status = 400 if (form.errors or general_error) else 200
    return render_template("stewardship/join.html", form=form, subject=subject, general_error=general_error,
                           title=services.subject_title(subject), subject_url=subject_url), status


def decide_join(subject_type: str, subject_id: int, request_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    join_request = _row_of_subject_or_404(JoinRequest, request_id, subject_type, subject_id)
    accept = _decision()
    _attempt(lambda: services.decide_join(current_user, join_request, accept),
             _("Welkom geheten als mede-beheerder.") if accept else _("Verzoek afgewezen."))
    return _back(subject)


def withdraw_join(subject_type: str, subject_id: int, request_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    join_request = _row_of_subject_or_404(JoinRequest, request_id, subject_type, subject_id)
    _attempt(lambda: services.withdraw_join(current_user, join_request), _("Uw vraag is ingetrokken."))
    return redirect(url_for("stewardship.mine"))


def withdraw_proposal(place_id: int):
    place = _proposal_or_404(place_id)
    _attempt(lambda: services.withdraw_proposal(current_user, place), _("Uw voorstel is ingetrokken."))
    return redirect(url_for("stewardship.mine"))


def leave(subject_type: str, subject_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    if not services.is_owner(current_user, subject):
        abort(403)
    form = LeaveForm()
    if not form.validate_on_submit():
        return _refused(form, lambda status: _render_manage(subject, status, leave_form=form))
    successor = None
    to_moderators = form.handover.data == "moderators"
    if form.handover.data == "successor" or (form.successor_email.data and not to_moderators):
        successor = find_by_email(form.successor_email.data or "")
        if successor is None:
            _fail(_("We vinden geen account met dit e-mailadres. Vraag de persoon eerst een account te maken."))
            return _back(subject)
    try:
        services.leave(current_user, subject, successor=successor, to_moderators=to_moderators)
    except StewardshipError as exc:
        _fail(exc)
        return _back(subject)
    db.session.commit()
    flash(_("U beheert dit niet meer. Dank u wel voor uw hulp!"), "success")
    if services.can_view(current_user, subject):
        return redirect(subject_url(subject))
    return redirect(url_for("stewardship.mine"))


def add_owner(subject_type: str, subject_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    if not services.can_moderate(current_user, subject):
        abort(403)
    form = AddOwnerForm()
    user = find_by_email(form.email.data or "") if form.validate_on_submit() else None
    if user is None:
        _fail(_("We vinden geen account met dit e-mailadres."))
        return _back(subject)
    _attempt(lambda: services.moderator_add_owner(current_user, subject, user), _("Mede-beheerder toegevoegd."))
    return _back(subject)


def remove_owner(subject_type: str, subject_id: int, user_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    if not services.can_moderate(current_user, subject):
        abort(403)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    _attempt(lambda: services.moderator_remove_owner(current_user, subject, user), _("Mede-beheerder weggehaald."))
    return _back(subject)


# --- reports ---------------------------------------------------------------------------------

def report(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    form = ReportForm()
    general_error = None
    if form.validate_on_submit():
        try:
            services.report(current_user, subject, form.category.data, form.text.data)
        except StewardshipError as exc:
            db.session.rollback()
            general_error = str(exc)
        else:
            db.session.commit()
            flash(_("Dank u wel voor uw melding. U krijgt bericht als er een antwoord is."), "success")
            if services.can_view(current_user, subject):
                return redirect(subject_url(subject))
            return redirect(url_for("core.home"))
    status = 400 if (form.errors or general_error) else 200
    return render_template("stewardship/report.html", form=form, subject=subject, general_error=general_error,
                           title=services.subject_title(subject), subject_url=subject_url), status


def close_report(subject_type: str, subject_id: int, report_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    row = _row_of_subject_or_404(Report, report_id, subject_type, subject_id)
    if row not in services.visible_reports(current_user, subject, status=row.status):
        abort(403)
    form = CloseReportForm()
    if not form.validate_on_submit():
        return _refused(form, lambda status: _render_manage(subject, status))
    _attempt(lambda: services.close_report(current_user, row, form.answer.data),
             _("Melding gesloten. De melder krijgt uw antwoord."))
    return _back(subject)


# --- moderation ------------------------------------------------------------------------------

def moderation():
    if not services.is_moderator_anywhere(current_user):
        abort(403)
    return _render_moderation()


def _render_moderation(status: int = 200):
    gemeente = request.args.get("gemeente") or None
    queue = services.moderation_queue(current_user, gemeente)
    names = dict(list_gemeenten())
    mine = services.gemeenten_with_role(current_user, services.Role.MODERATOR)
    choices = sorted(((code, names.get(code, code)) for code in (names if mine is None else mine)),
                     key=lambda item: item[1])
    return render_template("stewardship/moderation.html", queue=queue, gemeente=gemeente, names=names,
                           choices=choices, display=display, subject_url=subject_url), status


def _proposal_or_404(place_id: int) -> Place:
    place = db.session.get(Place, place_id)
    if place is None:
        abort(404)
    return place


def publish(place_id: int):
    place = _proposal_or_404(place_id)
    try:
        services.publish_place(current_user, place)
    except StewardshipError as exc:
        _fail(exc)
    else:
        db.session.commit()
        flash(_("Gepubliceerd: %(name)s", name=place.name), "success")
    return redirect(url_for("stewardship.moderation"))


def reject(place_id: int):
    place = _proposal_or_404(place_id)
    if not services.can_moderate(current_user, place):
        abort(403)
    form = RejectForm()
    if not form.validate_on_submit():
        return _refused(form, _render_moderation)
    try:
        services.reject_place(current_user, place, form.reason.data)
    except StewardshipError as exc:
        _fail(exc)
    else:
        db.session.commit()
        flash(_("Afgewezen: %(name)s. De bewoner krijgt de reden.", name=place.name), "success")
    return redirect(url_for("stewardship.moderation"))


def decide_hidden(subject_type: str, subject_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    show = request.form.get("decision")
    if show not in ("show", "hide"):
        abort(400)
    if not services.can_moderate(current_user, subject):
        abort(403)
    form = HiddenDecisionForm()
    if not form.validate_on_submit():
        return _refused(form, _render_moderation)
    try:
        services.decide_hidden(current_user, subject, show == "show", form.reason.data)
    except StewardshipError as exc:
        _fail(exc)
    else:
        db.session.commit()
        flash(_("Besluit opgeslagen."), "success")
    return redirect(url_for("stewardship.moderation"))


def permission_denied(exc: PermissionDenied):
    """A service said no: 403 (and nothing saved)."""
    db.session.rollback()
    from webapp.errors import MESSAGES, json_error, wants_json

    if wants_json():
        return json_error(403, "forbidden", MESSAGES[403])
    return render_template("errors/403.html", status=403, message=MESSAGES[403]), 403
