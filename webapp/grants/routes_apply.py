"""The applicant's pages: filling in and sending an application, its page, answering a question,
withdrawing, and the report after payout."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.converters import parse_id
from webapp.domain_errors import Conflict, DomainError, Invalid
from webapp.grants import models as m
from webapp.grants import priority
from webapp.grants import services as svc
from webapp.grants.forms import AnswerForm, ApplicationForm, ReportForm
from webapp.grants.models import GrantApplication, GrantRound
from webapp.grants.money import MoneyError, euros_input, parse_euros
from webapp.grants.routes_common import application_or_404, post_action, render_application, round_or_404, summary
from webapp.i18n import money
from webapp.initiatives import queries as initiatives
from webapp.initiatives.models import Initiative
from webapp.transactions import commit_or_raise, commit_or_show, put_on_form

MAX_LINES = 30
EXTRA_LINES = 3


def _read_lines() -> tuple[list[dict[str, Any]], list[tuple[str, int]], dict[str, str]]:
    """The budget rows as typed, the parsed (description, cents) lines, and per-row errors."""
    rows: list[dict[str, Any]] = []
    lines: list[tuple[str, int]] = []
    errors: dict[str, str] = {}
    count_text = request.form.get("line_count", "0")
    if count_text.isascii() and count_text.isdigit() and int(count_text) <= MAX_LINES:
        count = int(count_text)
    else:  # not what the page sent: say so, and keep the rows that came with the form
        errors["lines"] = _("De regels van uw begroting kwamen niet goed aan. Kijk ze na en probeer het opnieuw.")
        count = sum(1 for i in range(MAX_LINES) if f"line-{i}-description" in request.form)
    for i in range(count):
        description = (request.form.get(f"line-{i}-description") or "").strip()[:400]
        amount_text = (request.form.get(f"line-{i}-amount") or "").strip()[:40]
        row: dict[str, Any] = {"description": description, "amount": amount_text}
        rows.append(row)
        if not description and not amount_text:
            continue
        try:
            cents = parse_euros(amount_text)
        except MoneyError as exc:
            errors[f"line-{i}-amount"] = str(exc)
            continue
        if cents is None:
            errors[f"line-{i}-amount"] = _("Vul het bedrag van deze regel in.")
            continue
        row["index"] = len(lines)
        lines.append((description, cents))
    return rows, lines, errors


def _map_line_errors(errors: dict[str, str], rows: list[dict[str, Any]]) -> dict[str, str]:
    """Service errors name lines by their position among the filled rows; map back to the row shown."""
    position = {row["index"]: i for i, row in enumerate(rows) if "index" in row}
    mapped = {}
    for key, message in errors.items():
        if key.startswith("line-"):
            _prefix, n, part = key.split("-", 2)
            key = f"line-{position.get(int(n), int(n))}-{part}"
        mapped[key] = message
    return mapped


def _split_errors(form: ApplicationForm, exc: DomainError,
                  rows: list[dict[str, Any]]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A service error on the application form: (errors of budget rows, loose messages for the summary)."""
    line_errors = _map_line_errors({k: v for k, v in exc.errors.items() if k.startswith("line-")}, rows)
    loose = put_on_form(form, {k: v for k, v in exc.errors.items() if not k.startswith("line-")})
    return line_errors, loose


def _rows_for(application: GrantApplication | None) -> list[dict[str, Any]]:
    rows = [{"description": line.description, "amount": euros_input(line.amount_cents)}
            for line in (application.lines if application else [])]
    return rows + [{"description": "", "amount": ""} for _ in range(EXTRA_LINES if len(rows) < 2 else 1)]


def _application_data(form: ApplicationForm, lines: list[tuple[str, int]]) -> svc.ApplicationData:
    return svc.ApplicationData(
        title=form.title.data or "", audience=form.audience.data or "", timing=form.timing.data or "",
        description=form.description.data or "", amount_cents=form.amount_cents.cents,
        own_contribution_cents=form.own_contribution_cents.cents or 0, cofunding=form.cofunding.data or "",
        supporters=form.supporters.data, lines=lines)


def _edit_application(grant_round: GrantRound, initiative: Initiative,
                      application: GrantApplication | None) -> ResponseReturnValue:
    """The application form. "Save" keeps a draft; "send" keeps the draft first, then sends it: when
    sending fails, the draft is kept and the form says why."""
    form = ApplicationForm(obj=application)
    rows = _rows_for(application)
    loose: list[tuple[str, str]] = []
    line_errors: dict[str, str] = {}
    draft_kept = False
    if request.method == "POST":
        action = request.form.get("action", "save")
        rows, lines, line_errors = _read_lines()
        if action == "more_lines":
            rows += [{"description": "", "amount": ""} for _ in range(EXTRA_LINES)]
            rows = rows[:MAX_LINES]
        elif form.validate() and not line_errors:
            data = _application_data(form, lines)
            try:
                application = commit_or_raise(
                    lambda: svc.save_draft(current_user, grant_round, initiative, data, application))
            except (Invalid, Conflict) as exc:
                line_errors, loose = _split_errors(form, exc, rows)
            else:
                if action != "submit":
                    flash(_("Uw concept is bewaard. U kunt later verder gaan."), "success")
                    return redirect(url_for("grants.application_page", application_id=application.id))
                saved = application
                try:
                    commit_or_raise(lambda: svc.submit(current_user, saved))
                except (Invalid, Conflict) as exc:
                    draft_kept = True
                    line_errors, loose = _split_errors(form, exc, rows)
                else:
                    if saved.status == m.APPROVED:
                        flash(_("Toegekend! U krijgt %(amount)s.", amount=money(saved.granted_cents)), "success")
                    else:
                        flash(_("Uw aanvraag is verstuurd."), "success")
                    return redirect(url_for("grants.application_page", application_id=saved.id))
        if len(rows) < 1:
            rows = [{"description": "", "amount": ""}]
    errors = summary(form, loose) + list(line_errors.items())
    status = 400 if errors else 200
    return render_template("grants/apply.html", form=form, grant_round=grant_round, initiative=initiative,
                           application=application, rows=rows, line_errors=line_errors, errors=errors,
                           draft_kept=draft_kept, area=svc.area_name(grant_round),
                           on_behalf=not svc.is_initiative_owner(current_user, initiative),
                           buurt_notice=priority.notice(grant_round, initiative)), status


@login_required
def apply(round_id: int) -> ResponseReturnValue:
    grant_round = round_or_404(round_id)
    initiative_id = parse_id(request.args.get("initiatief")) or abort(404)  # not digits or above 2^31-1: 404
    initiative = initiatives.by_id(initiative_id) or abort(404)
    if not svc.can_apply(current_user, grant_round, initiative):
        abort(403)
    existing = svc.open_application_for(grant_round, initiative)
    if existing is not None:
        flash(_("Dit initiatief heeft al een open aanvraag in deze regeling."), "info")
        return redirect(url_for("grants.application_page", application_id=existing.id))
    return _edit_application(grant_round, initiative, None)


@login_required
def application_edit(application_id: int) -> ResponseReturnValue:
    application = application_or_404(application_id)
    if not svc.is_applicant_side(current_user, application):
        abort(403)
    if application.status != m.DRAFT:
        flash(_("Deze aanvraag is al verstuurd."), "info")
        return redirect(url_for("grants.application_page", application_id=application.id))
    return _edit_application(application.round, application.initiative, application)


@login_required
def application_page(application_id: int) -> ResponseReturnValue:
    application = application_or_404(application_id)
    if not svc.can_view(current_user, application):
        abort(403)
    return render_application(application)


@login_required
def answer(application_id: int) -> ResponseReturnValue:
    return post_action(application_id, AnswerForm, "answer_form",
                       lambda a, f: svc.answer_question(current_user, a, f.answer.data),
                       _("Uw antwoord is verstuurd."), {"body": "answer"}, allowed=svc.is_applicant_side)


@login_required
def withdraw(application_id: int) -> ResponseReturnValue:
    application = application_or_404(application_id)
    if not svc.is_applicant_side(current_user, application):
        abort(403)
    return commit_or_show(lambda: svc.withdraw(current_user, application),
                          success=_("Uw aanvraag is ingetrokken."),
                          then=url_for("grants.application_page", application_id=application_id))


@login_required
def report(application_id: int) -> ResponseReturnValue:
    application = application_or_404(application_id)
    if not svc.is_applicant_side(current_user, application):
        abort(403)
    if svc.report_of(application) is not None or application.status != m.PAID:
        flash(_("U kunt een verslag geven nadat het geld is uitbetaald, en één keer.") if
              svc.report_of(application) is None else _("U heeft al een verslag gegeven. Dank u wel!"), "info")
        return redirect(url_for("grants.application_page", application_id=application_id))
    form = ReportForm()

    def render(loose: list[tuple[str, str]]) -> ResponseReturnValue:
        errors = summary(form, loose)
        return render_template("grants/report.html", form=form, application=application, errors=errors,
                               receipts_needed=svc.receipts_needed(application)), 400 if errors else 200

    if form.validate_on_submit():
        photo = form.photo.data.read() if form.photo.data else None
        receipts = form.receipts.data.read() if form.receipts.data else None
        return commit_or_show(
            lambda: svc.submit_report(current_user, application, form.what_happened.data or "", form.attendees.data,
                                      form.spent_cents.cents, photo, receipts),
            success=_("Dank u wel voor uw verslag!"),
            then=url_for("grants.application_page", application_id=application_id),
            show_again=lambda exc: render(put_on_form(form, exc)))
    return render([])
