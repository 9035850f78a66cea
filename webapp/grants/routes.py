"""Thin controllers for startbijdragen: parse the form, call the service, commit or roll back, render."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.areas.models import Gemeente
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants import priority, settings_changes
from webapp.grants.forms import (AnswerForm, ApplicationForm, DecisionForm, HelperForm, PayoutForm, QuestionForm,
                                 RefundForm, ReportForm, RevokeForm, RoundForm)
from webapp.grants.money import MoneyError, euros_input, parse_euros
from webapp.grants.models import GrantApplication, GrantRound, GrantRoundChange
from webapp.initiatives.models import Initiative

MAX_LINES = 30
EXTRA_LINES = 3

STATUS_LABELS = {
    m.DRAFT: (_l("Concept"), "warn", "✎"),
    m.SUBMITTED: (_l("Ingediend, wacht op besluit"), "warn", "⏳"),
    m.PROVISIONAL: (_l("Voorlopig goedgekeurd, wacht op tweede medewerker"), "warn", "⏳"),
    m.APPROVED: (_l("Toegekend"), "ok", "✓"),
    m.REJECTED: (_l("Afgewezen"), "bad", "✗"),
    m.WITHDRAWN: (_l("Ingetrokken door de aanvrager"), "bad", "✗"),
    m.REVOKED: (_l("Toekenning ingetrokken"), "bad", "✗"),
    m.PAID: (_l("Uitbetaald"), "ok", "✓"),
}


ACTION_LABELS = {
    "round_created": _l("Regeling gemaakt"), "round_updated": _l("Regeling veranderd"),
    "draft_created": _l("Concept gemaakt"), "draft_saved": _l("Concept bewaard"), "submitted": _l("Verstuurd"),
    "quick_lane_approved": _l("Toegekend via de snelle route"), "question_asked": _l("Vraag gesteld"),
    "question_answered": _l("Vraag beantwoord"),
    "approved_provisionally": _l("Voorlopig goedgekeurd (eerste medewerker)"), "approved": _l("Toegekend"),
    "rejected": _l("Afgewezen"), "revoked": _l("Toekenning ingetrokken"),
    "withdrawn": _l("Ingetrokken door de aanvrager"), "paid": _l("Uitbetaling vastgelegd"),
    "report_submitted": _l("Verslag gegeven"), "helper_granted": _l("Helper gemaakt"),
    "helper_removed": _l("Helper-rol weggehaald"), "refunded": _l("Geld terugbetaald aan de regeling"),
    "round_change_proposed": _l("Wijziging van het geld voorgesteld"),
    "round_change_confirmed": _l("Wijziging van het geld bevestigd"),
    "round_change_rejected": _l("Wijziging van het geld afgewezen"),
    "round_change_withdrawn": _l("Wijziging van het geld ingetrokken"),
}

MONEY_LABELS = {
    "budget_cents": _l("Totaal budget"), "max_amount_cents": _l("Hoogste bedrag per aanvraag"),
    "four_eyes_cents": _l("Twee medewerkers beslissen boven"), "quick_lane_cents": _l("Snelle route tot en met"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def short_status(status: str | None) -> str:
    return str(STATUS_LABELS[status][0]) if status in STATUS_LABELS else "—"


def status_label(status: str) -> tuple[str, str, str]:
    text, tone, icon = STATUS_LABELS[status]
    return str(text), tone, icon


# ---------------------------------------------------------------- helpers

def _round_or_404(round_id: int) -> GrantRound:
    return db.session.get(GrantRound, round_id) or abort(404)


def _application_or_404(application_id: int) -> GrantApplication:
    return db.session.get(GrantApplication, application_id) or abort(404)


def _gemeente_or_404(code: str) -> Gemeente:
    gemeente = db.session.get(Gemeente, code)
    if gemeente is None:
        abort(404)
    return gemeente


def _require_staff(code: str) -> None:
    if not svc.is_staff(current_user, code):
        abort(403)


def _apply_errors(form, errors: dict[str, str]) -> list[tuple[str, str]]:
    """Put service errors on their form fields; the rest become (anchor, message) pairs."""
    loose = []
    for key, message in errors.items():
        if key in form._fields:
            form[key].errors = list(form[key].errors) + [message]
        else:
            loose.append(("error-summary" if key == "_" else key, message))
    return loose


def _summary(form, loose: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    items = [(form[name].id, error) for name, errs in form.errors.items() if name in form._fields
             for error in (errs if isinstance(errs, list) else [errs])]
    return (loose or []) + items


# ---------------------------------------------------------------- overview pages

def index():
    gemeente_codes = None
    my_apps = svc.my_applications(current_user)
    rounds = svc.open_rounds(gemeente_codes)
    with_rounds = db.session.execute(
        db.select(Gemeente.code, Gemeente.name).where(Gemeente.code.in_(db.select(GrantRound.gemeente_code)))
        .order_by(Gemeente.name)).all()
    return render_template("grants/index.html", rounds=rounds, my_apps=my_apps, gemeenten=with_rounds,
                           staff_gemeenten=svc.staff_gemeenten(current_user),
                           helper_codes=svc.helper_gemeenten(current_user), status_label=status_label,
                           state=svc.round_state)


@login_required
def staff_home(code: str):
    gemeente = _gemeente_or_404(code)
    _require_staff(code)
    rounds = svc.rounds_of(code)
    return render_template("grants/staff_home.html", gemeente=gemeente, rounds=rounds,
                           totals={r.id: svc.round_totals(r) for r in rounds}, state=svc.round_state)


def _district_choices(code: str):
    return [(0, _("Hele gemeente"))] + [(d.id, d.name) for d in svc.districts_of(code)]


@login_required
def round_new(code: str):
    gemeente = _gemeente_or_404(code)
    _require_staff(code)
    form = RoundForm()
    form.district_id.choices = _district_choices(code)
    form.priority_buurten.choices = priority.choices(code)
    loose = []
    if form.validate_on_submit():
        try:
            grant_round = svc.create_round(current_user, code, form.values())
        except svc.GrantError as exc:
            db.session.rollback()
            loose = _apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("De regeling is gemaakt. Ze gaat open als een andere medewerker het geld heeft bevestigd."),
                  "success")
            return redirect(url_for("grants.round_page", round_id=grant_round.id))
    status = 400 if form.errors or loose else 200
    return render_template("grants/round_form.html", form=form, gemeente=gemeente, grant_round=None,
                           errors=_summary(form, loose)), status


@login_required
def round_edit(round_id: int):
    grant_round = _round_or_404(round_id)
    _require_staff(grant_round.gemeente_code)
    form = RoundForm(obj=grant_round)
    form.district_id.choices = _district_choices(grant_round.gemeente_code)
    form.priority_buurten.choices = priority.choices(grant_round.gemeente_code)
    if request.method == "GET":
        form.district_id.data = grant_round.district_id or 0
    loose = []
    if form.validate_on_submit():
        waiting_before = settings_changes.pending_change(grant_round)
        try:
            svc.update_round(current_user, grant_round, form.values())
        except svc.GrantError as exc:
            db.session.rollback()
            loose = _apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("De regeling is bijgewerkt."), "success")
            if waiting_before is None and settings_changes.pending_change(grant_round) is not None:
                flash(_("Het nieuwe geld geldt pas als een andere medewerker het bevestigt."), "info")
            return redirect(url_for("grants.round_page", round_id=round_id))
    status = 400 if form.errors or loose else 200
    gemeente = db.session.get(Gemeente, grant_round.gemeente_code)
    return render_template("grants/round_form.html", form=form, gemeente=gemeente, grant_round=grant_round,
                           errors=_summary(form, loose)), status


def round_page(round_id: int):
    grant_round = _round_or_404(round_id)
    query = request.args.get("q", "")[:80]
    owned = svc.owned_initiatives(current_user)
    may_apply_for_others = (svc.is_staff(current_user, grant_round.gemeente_code)
                            or svc.is_helper(current_user, grant_round.gemeente_code))
    others = svc.initiatives_in(grant_round.gemeente_code, query) if may_apply_for_others and query else []
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


def _pending_for_staff(grant_round: GrantRound) -> dict:
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


def _round_change(round_id: int, change_id: int, act, success: str):
    grant_round = _round_or_404(round_id)
    change = db.session.get(GrantRoundChange, change_id)
    if change is None or change.round_id != grant_round.id:
        abort(404)
    _require_staff(grant_round.gemeente_code)
    try:
        act(current_user, change)
    except svc.Forbidden:
        db.session.rollback()
        abort(403)
    except svc.GrantError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for("grants.round_page", round_id=round_id))


@login_required
def round_change_confirm(round_id: int, change_id: int):
    return _round_change(round_id, change_id, settings_changes.confirm,
                         _("Bevestigd. Het nieuwe geld van de regeling geldt nu."))


@login_required
def round_change_reject(round_id: int, change_id: int):
    return _round_change(round_id, change_id, settings_changes.reject,
                         _("De wijziging is niet doorgegaan. Het geld van de regeling blijft zoals het was."))


# ---------------------------------------------------------------- applying

def _read_lines() -> tuple[list[dict], list[tuple[str, int]], dict[str, str]]:
    """The budget rows as typed, the parsed (description, cents) lines, and per-row errors."""
    rows, lines, errors = [], [], {}
    count_text = request.form.get("line_count", "0")
    if count_text.isascii() and count_text.isdigit() and int(count_text) <= MAX_LINES:
        count = int(count_text)
    else:  # not what the page sent: say so, and keep the rows that came with the form
        errors["lines"] = _("De regels van uw begroting kwamen niet goed aan. Kijk ze na en probeer het opnieuw.")
        count = sum(1 for i in range(MAX_LINES) if f"line-{i}-description" in request.form)
    for i in range(count):
        description = (request.form.get(f"line-{i}-description") or "").strip()[:400]
        amount_text = (request.form.get(f"line-{i}-amount") or "").strip()[:40]
        row = {"description": description, "amount": amount_text}
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


def _map_line_errors(errors: dict[str, str], rows: list[dict]) -> dict[str, str]:
    """Service errors name lines by their position among the filled rows; map back to the row shown."""
    position = {row["index"]: i for i, row in enumerate(rows) if "index" in row}
    mapped = {}
    for key, message in errors.items():
        if key.startswith("line-"):
            _prefix, n, part = key.split("-", 2)
            key = f"line-{position.get(int(n), int(n))}-{part}"
        mapped[key] = message
    return mapped


def _rows_for(application: GrantApplication | None) -> list[dict]:
    rows = [{"description": line.description, "amount": euros_input(line.amount_cents)}
            for line in (application.lines if application else [])]
    return rows + [{"description": "", "amount": ""} for _ in range(EXTRA_LINES if len(rows) < 2 else 1)]


def _application_data(form: ApplicationForm, lines) -> svc.ApplicationData:
    return svc.ApplicationData(
        title=form.title.data or "", audience=form.audience.data or "", timing=form.timing.data or "",
        description=form.description.data or "", amount_cents=form.amount_cents.cents,
        own_contribution_cents=form.own_contribution_cents.cents or 0, cofunding=form.cofunding.data or "",
        supporters=form.supporters.data, lines=lines)


def _edit_application(grant_round: GrantRound, initiative: Initiative, application: GrantApplication | None):
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
            try:
                application = svc.save_draft(current_user, grant_round, initiative, _application_data(form, lines),
                                             application)
            except svc.Forbidden:
                db.session.rollback()
                abort(403)
            except svc.GrantError as exc:
                db.session.rollback()
                line_errors = {k: v for k, v in _map_line_errors(exc.errors, rows).items() if k.startswith("line-")}
                loose = _apply_errors(form, {k: v for k, v in exc.errors.items() if not k.startswith("line-")})
            else:
                db.session.commit()
                if action != "submit":
                    flash(_("Uw concept is bewaard. U kunt later verder gaan."), "success")
                    return redirect(url_for("grants.application_page", application_id=application.id))
                try:
                    svc.submit(current_user, application)
                except svc.GrantError as exc:
                    db.session.rollback()
                    draft_kept = True
                    line_errors = _map_line_errors({k: v for k, v in exc.errors.items() if k.startswith("line-")}, rows)
                    loose = _apply_errors(form, {k: v for k, v in exc.errors.items() if not k.startswith("line-")})
                else:
                    db.session.commit()
                    if application.status == m.APPROVED:
                        flash(_("Toegekend! U krijgt %(amount)s.", amount=_money(application.granted_cents)), "success")
                    else:
                        flash(_("Uw aanvraag is verstuurd."), "success")
                    return redirect(url_for("grants.application_page", application_id=application.id))
        if len(rows) < 1:
            rows = [{"description": "", "amount": ""}]
    errors = _summary(form, loose) + [(k, v) for k, v in line_errors.items()]
    status = 400 if errors else 200
    return render_template("grants/apply.html", form=form, grant_round=grant_round, initiative=initiative,
                           application=application, rows=rows, line_errors=line_errors, errors=errors,
                           draft_kept=draft_kept, area=svc.area_name(grant_round),
                           on_behalf=not svc.is_owner(current_user, initiative),
                           buurt_notice=priority.notice(grant_round, initiative)), status


def _money(cents):
    from webapp.i18n import money

    return money(cents)


@login_required
def apply(round_id: int):
    grant_round = _round_or_404(round_id)
    from webapp.converters import parse_id

    initiative_id = parse_id(request.args.get("initiatief")) or abort(404)  # not digits or above 2^31-1: 404
    initiative = db.session.get(Initiative, initiative_id) or abort(404)
    if not svc.can_apply(current_user, grant_round, initiative):
        abort(403)
    existing = svc.open_application_for(grant_round, initiative)
    if existing is not None:
        flash(_("Dit initiatief heeft al een open aanvraag in deze regeling."), "info")
        return redirect(url_for("grants.application_page", application_id=existing.id))
    return _edit_application(grant_round, initiative, None)


@login_required
def application_edit(application_id: int):
    application = _application_or_404(application_id)
    if not svc.is_applicant_side(current_user, application):
        abort(403)
    if application.status != m.DRAFT:
        flash(_("Deze aanvraag is al verstuurd."), "info")
        return redirect(url_for("grants.application_page", application_id=application.id))
    return _edit_application(application.round, application.initiative, application)


def _render_application(application: GrantApplication, status: int = 200, **forms):
    staff = svc.is_staff(current_user, application.round.gemeente_code)
    applicant = svc.is_applicant_side(current_user, application)
    decision_form = forms.get("decision_form") or DecisionForm(
        formdata=None, amount=application.granted_cents if application.status == m.PROVISIONAL
        else application.amount_cents)
    payout_form = forms.get("payout_form") or PayoutForm(formdata=None, paid_on=svc.local_today())
    loose = forms.pop("loose", None) or []
    errors = list(loose)
    for form in forms.values():
        errors += _summary(form)
    report = svc.report_of(application)
    return render_template(
        "grants/application.html", application=application, grant_round=application.round,
        staff=staff, applicant=applicant, can_decide=svc.can_decide(current_user, application),
        thread=svc.thread(application), audit=svc.audit_log(application) if staff else [],
        report=report, photo_size=svc.image_size(report.photo if report else None), status_label=status_label, action_label=action_label,
        short_status=short_status,
        days_left=svc.days_left(application), receipts_needed=svc.receipts_needed(application),
        decision_form=decision_form, question_form=forms.get("question_form") or QuestionForm(formdata=None),
        answer_form=forms.get("answer_form") or AnswerForm(formdata=None),
        revoke_form=forms.get("revoke_form") or RevokeForm(formdata=None), payout_form=payout_form,
        refund_form=forms.get("refund_form") or RefundForm(formdata=None),
        errors=errors, today=svc.local_today()), status


@login_required
def application_page(application_id: int):
    application = _application_or_404(application_id)
    if not svc.can_view(current_user, application):
        abort(403)
    return _render_application(application)


def _post_action(application_id: int, form_cls, form_key: str, action, success: str, field_map=None,
                 allowed=svc.can_view):
    """Common shape of the POST actions on an application page."""
    application = _application_or_404(application_id)
    if not allowed(current_user, application):
        abort(403)
    form = form_cls()
    if form.validate_on_submit():
        try:
            action(application, form)
        except svc.Forbidden:
            db.session.rollback()
            abort(403)
        except svc.GrantError as exc:
            db.session.rollback()
            application = _application_or_404(application_id)
            loose = _apply_errors(form, {(field_map or {}).get(k, k): v for k, v in exc.errors.items()})
            return _render_application(application, 400, **{form_key: form, "loose": loose})
        db.session.commit()
        flash(success, "success")
        return redirect(url_for("grants.application_page", application_id=application_id))
    return _render_application(application, 400, **{form_key: form})


@login_required
def ask(application_id: int):
    return _post_action(application_id, QuestionForm, "question_form",
                        lambda a, f: svc.ask_question(current_user, a, f.question.data),
                        _("Uw vraag is verstuurd. De aanvrager krijgt een e-mail."), {"body": "question"},
                        allowed=lambda user, a: svc.is_staff(user, a.round.gemeente_code))


@login_required
def answer(application_id: int):
    return _post_action(application_id, AnswerForm, "answer_form",
                        lambda a, f: svc.answer_question(current_user, a, f.answer.data),
                        _("Uw antwoord is verstuurd."), {"body": "answer"}, allowed=svc.is_applicant_side)


@login_required
def decide(application_id: int):
    application = _application_or_404(application_id)
    if not svc.can_decide(current_user, application):
        abort(403)

    def act(application, form):
        svc.decide(current_user, application, form.decision.data, form.reason.data, form.amount.cents)
    return _post_action(application_id, DecisionForm, "decision_form", act, _("Uw besluit is opgeslagen."))


@login_required
def revoke(application_id: int):
    return _post_action(application_id, RevokeForm, "revoke_form",
                        lambda a, f: svc.revoke(current_user, a, f.revoke_reason.data),
                        _("De toekenning is ingetrokken. Het geld gaat terug naar de regeling."),
                        {"reason": "revoke_reason"}, allowed=svc.can_decide)


@login_required
def payout(application_id: int):
    return _post_action(application_id, PayoutForm, "payout_form",
                        lambda a, f: svc.record_payout(current_user, a, f.paid_on.data, f.reference.data),
                        _("De betaling is vastgelegd."), allowed=svc.can_decide)


@login_required
def refund(application_id: int):
    return _post_action(application_id, RefundForm, "refund_form",
                        lambda a, f: svc.record_refund(current_user, a, f.refund_amount.cents, f.refunded_on.data,
                                                       f.refund_reason.data),
                        _("Het teruggekregen geld is vastgelegd. Het is weer beschikbaar in de regeling."),
                        allowed=svc.can_decide)


@login_required
def withdraw(application_id: int):
    application = _application_or_404(application_id)
    if not svc.is_applicant_side(current_user, application):
        abort(403)
    try:
        svc.withdraw(current_user, application)
    except svc.GrantError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Uw aanvraag is ingetrokken."), "success")
    return redirect(url_for("grants.application_page", application_id=application_id))


@login_required
def report(application_id: int):
    application = _application_or_404(application_id)
    if not svc.is_applicant_side(current_user, application):
        abort(403)
    if svc.report_of(application) is not None or application.status != m.PAID:
        flash(_("U kunt een verslag geven nadat het geld is uitbetaald, en één keer.") if
              svc.report_of(application) is None else _("U heeft al een verslag gegeven. Dank u wel!"), "info")
        return redirect(url_for("grants.application_page", application_id=application_id))
    form = ReportForm()
    loose = []
    if form.validate_on_submit():
        photo = form.photo.data.read() if form.photo.data else None
        receipts = form.receipts.data.read() if form.receipts.data else None
        try:
            svc.submit_report(current_user, application, form.what_happened.data, form.attendees.data,
                              form.spent_cents.cents, photo, receipts)
        except svc.GrantError as exc:
            db.session.rollback()
            loose = _apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Dank u wel voor uw verslag!"), "success")
            return redirect(url_for("grants.application_page", application_id=application_id))
    errors = _summary(form, loose)
    return render_template("grants/report.html", form=form, application=application, errors=errors,
                           receipts_needed=svc.receipts_needed(application)), 400 if errors else 200


@login_required
def report_image(application_id: int, kind: str):
    application = _application_or_404(application_id)
    if not svc.can_view(current_user, application):
        abort(403)
    found = svc.report_of(application)
    data, mime = (found.photo, found.photo_type) if found and kind == "foto" else (
        (found.receipts, found.receipts_type) if found and kind == "bonnetjes" else (None, None))
    if not data:
        abort(404)
    response = current_app_response(data, mime)
    return response


def current_app_response(data: bytes, mime: str):
    from flask import make_response

    response = make_response(data)
    response.headers["Content-Type"] = mime
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Disposition"] = "inline"
    return response


# ---------------------------------------------------------------- staff pages

@login_required
def queue(round_id: int):
    grant_round = _round_or_404(round_id)
    _require_staff(grant_round.gemeente_code)
    status = request.args.get("status", "open")
    if status not in svc.QUEUE_FILTERS:
        status = "open"
    from webapp.converters import parse_id

    district_id = parse_id(request.args.get("stadsdeel")) or 0  # not digits or above 2^31-1: all districts
    items = svc.queue(grant_round, status, district_id or None)
    today = svc.local_today()
    return render_template("grants/queue.html", grant_round=grant_round, items=items, status=status,
                           district_id=district_id, districts=svc.districts_of(grant_round.gemeente_code),
                           days_left=lambda a: svc.days_left(a, today), status_label=status_label,
                           totals=svc.round_totals(grant_round))


@login_required
def dashboard(round_id: int):
    grant_round = _round_or_404(round_id)
    _require_staff(grant_round.gemeente_code)
    total, rows = svc.dashboard(grant_round)
    chart = svc.bar_chart(rows or [total], _("Gevraagd en toegekend geld per stadsdeel"),
                          _("Per stadsdeel twee balken: het gevraagde bedrag en het toegekende bedrag. "
                            "De getallen staan ook in de tabel hieronder."))
    return render_template("grants/dashboard.html", grant_round=grant_round, total=total, rows=rows, chart=chart,
                           totals=svc.round_totals(grant_round))


@login_required
def helpers(code: str):
    gemeente = _gemeente_or_404(code)
    _require_staff(code)
    form = HelperForm()
    loose = []
    if form.validate_on_submit():
        try:
            helper = svc.grant_helper(current_user, code, form.email.data)
        except svc.GrantError as exc:
            db.session.rollback()
            loose = _apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("%(name)s is nu helper en kan aanvragen namens bewoners.", name=helper.display_name), "success")
            return redirect(url_for("grants.helpers", code=code))
    errors = _summary(form, loose)
    return render_template("grants/helpers.html", gemeente=gemeente, form=form, errors=errors,
                           helpers=svc.helpers_of(code)), 400 if errors else 200


@login_required
def helper_remove(code: str, user_id: int):
    _gemeente_or_404(code)
    _require_staff(code)
    try:
        svc.remove_helper(current_user, code, user_id)
    except svc.GrantError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("De helper-rol is weggehaald."), "success")
    return redirect(url_for("grants.helpers", code=code))


# ---------------------------------------------------------------- transparency

def public_page(code: str):
    gemeente = _gemeente_or_404(code)
    return render_template("grants/public.html", gemeente=gemeente, overview=svc.public_overview(code))
