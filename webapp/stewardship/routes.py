"""Thin controllers: parse the form, call the service (which checks who may), then one transaction path
(`webapp.transactions.commit_or_show`): commit and redirect, or roll back and show why."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.accounts.models import Role, User
from webapp.accounts.permissions import gemeenten_with_role
from webapp.accounts.services import find_by_email
from webapp.areas.services import list_gemeenten
from webapp.domain_errors import DomainError
from webapp.extensions import db
from webapp.redirects import safe_next_url
from webapp.stewardship import display, registry, services
from webapp.stewardship.forms import (
    REPORT_LABELS,
    SUGGEST_FORMS,
    AddOwnerForm,
    CloseReportForm,
    HiddenDecisionForm,
    JoinForm,
    LeaveForm,
    ReportForm,
)
from webapp.stewardship.models import JoinRequest, Report, Revision, Suggestion
from webapp.stewardship.services.permissions import closed_message
from webapp.stewardship.services.revisions import EditConflict, can_confirm
from webapp.transactions import commit_or_show

# Suggestions never move a subject: these fields are left out of the suggestion form.
_NOT_SUGGESTED = ("gemeente_code", "lat", "lon")


def subject_url(subject: Any) -> str:
    """The subject's own public page."""
    return registry.of(subject).public_path(subject)


def subject_edit_url(subject: Any) -> str | None:
    """Its edit form (None for a type without one)."""
    kind = registry.of(subject)
    return kind.edit_path(subject) if kind.edit_path is not None else None


def _subject_or_404(subject_type: str, subject_id: int) -> Any:
    subject = services.get_subject(subject_type, subject_id)
    if subject is None:
        abort(404)
    return subject


def _row_of_subject_or_404(model: Any, row_id: int, subject_type: str, subject_id: int) -> Any:
    """A join request, suggestion or report that belongs to this subject (404 otherwise)."""
    row = db.session.get(model, row_id)
    if row is None or (row.subject_type, row.subject_id) != (subject_type, subject_id):
        abort(404)
    return row


def _visible_subject_or_404(subject_type: str, subject_id: int) -> Any:
    """Proposals and hidden subjects do not exist for the public: 404, not 403."""
    subject = _subject_or_404(subject_type, subject_id)
    if not services.can_view(current_user, subject):
        abort(404)
    return subject


def _refuse_closed(subject: Any):
    """A closed subject takes no join requests, suggestions or reports: 409 and a page that says so."""
    return render_template("stewardship/closed.html", subject=subject, title=services.subject_title(subject),
                           message=closed_message(subject), subject_url=subject_url), 409


def _manage_url(subject: Any) -> str:
    return url_for("stewardship.manage", subject_type=services.subject_type(subject), subject_id=subject.id)


def _back_url(subject: Any) -> str:
    return safe_next_url(request.form.get("next"), _manage_url(subject))


def one_click(action, then: str, success: str, conflict: str | None = None):
    """A one-click action: commit and thank, or roll back and say why (with `conflict`: what to say when
    someone changed the subject meanwhile)."""
    def say_why(exc: DomainError):
        flash(conflict if conflict and isinstance(exc, EditConflict) else exc.message, "error")
        return redirect(then)

    return commit_or_show(action, then=then, success=success, show_again=say_why)


def _refused(form: Any, render):
    """A one-click form with a field that cannot be right (too long, an unknown choice): nothing saved,
    the page shown again with a 400 and the first problem as a message."""
    errors = [str(error) for errors in form.errors.values() for error in errors]
    flash(errors[0] if errors else _("Er klopt iets niet in uw verzoek."), "error")
    return render(400)


def _decision() -> bool:
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        abort(400)
    return decision == "accept"


def mine():
    data = services.my_places(current_user)
    return render_template("stewardship/mine.html", subject_url=subject_url, **data)


# --- suggestions, history, revert, confirm ---------------------------------------------------

def fill_form(form: Any, subject: Any) -> None:
    """Put the subject's current values in the form's fields that a co-owner may edit."""
    for name in registry.of(subject).editable_fields:
        if name in form:
            value = getattr(subject, name)
            form[name].data = "" if value is None else value


def suggest(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    edit_url = subject_edit_url(subject)
    if edit_url and services.can_edit(current_user, subject):
        return redirect(edit_url)
    if services.is_closed(subject):
        return _refuse_closed(subject)
    form: Any = SUGGEST_FORMS[subject_type]()  # each subject domain registers its own
    for name in _NOT_SUGGESTED:
        if name in form:
            delattr(form, name)

    def render(general_error: str | None = None, status: int = 200):
        return render_template("stewardship/suggest.html", form=form, subject=subject,
                               is_place=subject_type == "place", general_error=general_error,
                               subject_url=subject_url, title=services.subject_title(subject)), status

    if request.method == "GET":
        fill_form(form, subject)
    elif form.validate_on_submit():
        return commit_or_show(lambda: services.suggest_edit(current_user, subject, form.values(),
                                                            note=form.note.data or ""),
                              then=subject_url(subject),
                              success=_("Dank u wel! De beheerders kijken naar uw voorstel."),
                              show_again=lambda exc: render(exc.message, 400))
    return render(status=400 if form.errors else 200)


def decide_suggestion(subject_type: str, subject_id: int, suggestion_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    suggestion = _row_of_subject_or_404(Suggestion, suggestion_id, subject_type, subject_id)
    accept = _decision()
    return one_click(lambda: services.decide_suggestion(current_user, suggestion, accept), _back_url(subject),
                      _("Overgenomen.") if accept else _("Afgewezen."),
                      conflict=_("De plek is net veranderd. Probeer het opnieuw."))


def history(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    revisions = services.history(subject)
    return render_template("stewardship/history.html", subject=subject, revisions=revisions, display=display,
                           can_revert=services.can_moderate(current_user, subject),
                           title=services.subject_title(subject), subject_url=subject_url)


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
    return one_click(lambda: services.revert_to(current_user, subject, revision, expected),
                      url_for("stewardship.history", subject_type=subject_type, subject_id=subject_id),
                      _("Teruggezet. Dit staat nu ook in de geschiedenis."),
                      conflict=_("Iemand heeft dit net veranderd. "
                                 "Bekijk de geschiedenis opnieuw en probeer het nog eens."))


def confirm(subject_type: str, subject_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    return one_click(lambda: services.confirm_attributes(current_user, subject), _back_url(subject),
                      _("Dank u wel! We laten zien dat de informatie vandaag is gecontroleerd."),
                      conflict=_("Iemand heeft dit net veranderd. Probeer het opnieuw."))


# --- co-ownership ----------------------------------------------------------------------------

def manage(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    if not services.can_manage(current_user, subject):
        abort(403)
    return _render_manage(subject)


def _render_manage(subject: Any, status: int = 200, leave_form: LeaveForm | None = None):
    owners = services.active_owners(subject)
    return render_template(
        "stewardship/manage.html", subject=subject, title=services.subject_title(subject), owners=owners,
        requests=services.join_requests(subject), suggestions=services.suggestions(subject),
        reports=services.visible_reports(current_user, subject), display=display,
        is_owner=services.is_owner(current_user, subject), moderator=services.can_moderate(current_user, subject),
        last_owner=len(owners) == 1 and services.is_owner(current_user, subject),
        leave_form=leave_form or LeaveForm(formdata=None), add_form=AddOwnerForm(formdata=None),
        subject_url=subject_url, edit_url=subject_edit_url(subject), is_place=can_confirm(subject)), status


def join(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    if services.is_closed(subject):
        return _refuse_closed(subject)
    form = JoinForm()

    def render(general_error: str | None = None, status: int = 200):
        return render_template("stewardship/join.html", form=form, subject=subject, general_error=general_error,
                               title=services.subject_title(subject), subject_url=subject_url), status

    if form.validate_on_submit():
        return commit_or_show(lambda: services.request_join(current_user, subject, form.motivation.data or ""),
                              then=subject_url(subject),
                              success=_("Uw vraag is verstuurd. U krijgt bericht als de beheerders beslissen."),
                              show_again=lambda exc: render(exc.message, 400))
    return render(status=400 if form.errors else 200)


def decide_join(subject_type: str, subject_id: int, request_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    join_request = _row_of_subject_or_404(JoinRequest, request_id, subject_type, subject_id)
    accept = _decision()
    return one_click(lambda: services.decide_join(current_user, join_request, accept), _back_url(subject),
                      _("Welkom geheten als mede-beheerder.") if accept else _("Verzoek afgewezen."))


def withdraw_join(subject_type: str, subject_id: int, request_id: int):
    _subject_or_404(subject_type, subject_id)
    join_request = _row_of_subject_or_404(JoinRequest, request_id, subject_type, subject_id)
    return one_click(lambda: services.withdraw_join(current_user, join_request), url_for("stewardship.mine"),
                      _("Uw vraag is ingetrokken."))


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
            flash(_("We vinden geen account met dit e-mailadres. Vraag de persoon eerst een account te maken."),
                  "error")
            return redirect(_back_url(subject))

    def after(_result: Any) -> str:
        if services.can_view(current_user, subject):
            return subject_url(subject)
        return url_for("stewardship.mine")

    back = _back_url(subject)

    def say_why(exc: DomainError):
        flash(exc.message, "error")
        return redirect(back)

    return commit_or_show(
        lambda: services.leave(current_user, subject, successor=successor, to_moderators=to_moderators),
        then=after, success=_("U beheert dit niet meer. Dank u wel voor uw hulp!"), show_again=say_why)


def add_owner(subject_type: str, subject_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    if not services.can_moderate(current_user, subject):
        abort(403)
    form = AddOwnerForm()
    user = find_by_email(form.email.data or "") if form.validate_on_submit() else None
    if user is None:
        flash(_("We vinden geen account met dit e-mailadres."), "error")
        return redirect(_back_url(subject))
    return one_click(lambda: services.moderator_add_owner(current_user, subject, user), _back_url(subject),
                      _("Mede-beheerder toegevoegd."))


def remove_owner(subject_type: str, subject_id: int, user_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    if not services.can_moderate(current_user, subject):
        abort(403)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return one_click(lambda: services.moderator_remove_owner(current_user, subject, user), _back_url(subject),
                      _("Mede-beheerder weggehaald."))


# --- reports ---------------------------------------------------------------------------------

def report(subject_type: str, subject_id: int):
    subject = _visible_subject_or_404(subject_type, subject_id)
    if services.is_closed(subject):
        return _refuse_closed(subject)
    form = ReportForm()
    form.set_attributes(services.reportable_fields(subject))
    if request.method == "GET":   # a link may choose the kind of problem and the attribute ahead
        if request.args.get("categorie") in REPORT_LABELS:
            form.category.data = request.args["categorie"]
        if request.args.get("attribute") in services.reportable_fields(subject):
            form.attribute.data = request.args["attribute"]

    def render(general_error: str | None = None, status: int = 200):
        return render_template("stewardship/report.html", form=form, subject=subject, general_error=general_error,
                               title=services.subject_title(subject), subject_url=subject_url,
                               with_attribute=len(form.attribute.choices) > 1), status

    def after(_row: Any) -> str:
        if services.can_view(current_user, subject):
            return subject_url(subject)
        return url_for("core.home")

    if form.validate_on_submit():
        return commit_or_show(lambda: services.report(current_user, subject, form.category.data or "",
                                                      form.text.data or "", form.attribute.data or None),
                              then=after,
                              success=_("Dank u wel voor uw melding. U krijgt bericht als er een antwoord is."),
                              show_again=lambda exc: render(exc.message, 400))
    return render(status=400 if form.errors else 200)


def close_report(subject_type: str, subject_id: int, report_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    row = _row_of_subject_or_404(Report, report_id, subject_type, subject_id)
    if row not in services.visible_reports(current_user, subject, status=row.status):
        abort(403)
    form = CloseReportForm()
    if not form.validate_on_submit():
        return _refused(form, lambda status: _render_manage(subject, status))
    return one_click(lambda: services.close_report(current_user, row, form.answer.data), _back_url(subject),
                      _("Melding gesloten. De melder krijgt uw antwoord."))


# --- moderation ------------------------------------------------------------------------------

def moderation():
    if not services.is_moderator_anywhere(current_user):
        abort(403)
    return render_moderation()


def render_moderation(status: int = 200):
    gemeente = request.args.get("gemeente") or None
    queue = services.moderation_queue(current_user, gemeente)
    names = dict(list_gemeenten())
    mine = gemeenten_with_role(current_user, Role.MODERATOR)
    choices = sorted(((code, names.get(code, code)) for code in (names if mine is None else mine)),
                     key=lambda item: item[1])
    return render_template("stewardship/moderation.html", queue=queue, gemeente=gemeente, names=names,
                           choices=choices, display=display, subject_url=subject_url), status


def refused(form: Any, render):
    """For the subject domains' one-click moderation forms (e.g. rejecting a proposal)."""
    return _refused(form, render)


def decide_hidden(subject_type: str, subject_id: int):
    subject = _subject_or_404(subject_type, subject_id)
    show = request.form.get("decision")
    if show not in ("show", "hide"):
        abort(400)
    if not services.can_moderate(current_user, subject):
        abort(403)
    form = HiddenDecisionForm()
    if not form.validate_on_submit():
        return _refused(form, render_moderation)
    return one_click(lambda: services.decide_hidden(current_user, subject, show == "show", form.reason.data),
                      url_for("stewardship.moderation"), _("Besluit opgeslagen."))
