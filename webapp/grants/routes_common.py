"""What the startbijdragen pages share: status and audit labels, loading or 404, the application page and
the one shape of its POST actions."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from webapp.domain_errors import DomainError
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants.forms import AnswerForm, DecisionForm, PayoutForm, QuestionForm, RefundForm, RevokeForm
from webapp.grants.models import GrantApplication, GrantRound
from webapp.grants.services import next_steps
from webapp.media import image_size
from webapp.transactions import commit_or_show, put_on_form

STATUS_LABELS = {
    m.DRAFT: (_l("Concept"), "warn", "✎"),
    m.SUBMITTED: (_l("Ingediend, wacht op besluit"), "warn", "⏳"),
    m.PROVISIONAL: (_l("Voorlopig goedgekeurd, wacht op tweede medewerker"), "warn", "⏳"),
    m.APPROVED: (_l("Toegekend"), "ok", "✓"),
    m.REJECTED: (_l("Afgewezen"), "bad", "✗"),
    m.WITHDRAWN: (_l("Ingetrokken door de aanvrager"), "bad", "✗"),
    m.REVOKED: (_l("Toekenning ingetrokken"), "bad", "✗"),
    m.IN_PAYMENT: (_l("In betaling"), "ok", "⏳"),
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
    "bank_details_given": _l("Rekeningnummer gegeven"),
    "bank_change_proposed": _l("Nieuw rekeningnummer gegeven, wacht op bevestiging"),
    "bank_change_confirmed": _l("Nieuw rekeningnummer bevestigd"),
    "bank_change_rejected": _l("Nieuw rekeningnummer afgewezen"),
    "bank_details_viewed": _l("Rekeningnummer bekeken"),
    "bank_details_removed": _l("Rekeningnummer verwijderd (bewaartermijn voorbij)"),
    "payment_batch_added": _l("In een betaling gezet"),
    "payment_batch_cancelled": _l("Betaling ingetrokken"),
}

MONEY_LABELS = {
    "budget_cents": _l("Totaal budget"), "max_amount_cents": _l("Hoogste bedrag per aanvraag"),
    "four_eyes_cents": _l("Twee medewerkers beslissen boven"), "quick_lane_cents": _l("Snelle route tot en met"),
}


def number(value: float | int) -> str:
    """A number in the reader's language (3,5 in Dutch, 3.5 in English), at most one decimal."""
    return str(format_decimal(round(value, 1), format="#,##0.#"))


def percent(share: float) -> str:
    """A share (0..1) as a whole percentage in the reader's language (Dutch: 67%)."""
    return str(format_percent(share, format="#,##0%"))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def short_status(status: str | None) -> str:
    return str(STATUS_LABELS[status][0]) if status in STATUS_LABELS else "—"


def status_label(status: str) -> tuple[str, str, str]:
    text, tone, icon = STATUS_LABELS[status]
    return str(text), tone, icon


def round_or_404(round_id: int) -> GrantRound:
    return db.session.get(GrantRound, round_id) or abort(404)


def application_or_404(application_id: int) -> GrantApplication:
    return db.session.get(GrantApplication, application_id) or abort(404)


def gemeente_or_404(code: str) -> Any:
    return svc.gemeente(code) or abort(404)


def require_staff(code: str) -> None:
    if not svc.is_staff(current_user, code):
        abort(403)


def summary(form: FlaskForm, loose: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """The error summary at the top of a form: loose messages first, then each field's."""
    items = [(form[name].id, error) for name, errs in form.errors.items() if name in form._fields
             for error in (errs if isinstance(errs, list) else [errs])]
    return (loose or []) + items


def render_application(application: GrantApplication, status: int = 200, **forms: Any) -> ResponseReturnValue:
    staff = svc.is_staff(current_user, application.round.gemeente_code)
    applicant = svc.is_applicant_side(current_user, application)
    decision_form = forms.get("decision_form") or DecisionForm(
        formdata=None, amount=application.granted_cents if application.status == m.PROVISIONAL
        else application.amount_cents)
    if application.status == m.PROVISIONAL:  # four eyes: the second person confirms or rejects
        decision_form.decision.label.text = str(_l("Bevestigen of afwijzen"))
        decision_form.decision.choices = [SelectChoice("approve", str(_l("Bevestigen"))),
                                          SelectChoice("reject", str(_l("Afwijzen")))]
    payout_form = forms.get("payout_form") or PayoutForm(formdata=None, paid_on=svc.local_today())
    loose = forms.pop("loose", None) or []
    full_account = forms.pop("full_account", None)
    errors = list(loose)
    for form in forms.values():
        errors += summary(form)
    report = svc.report_of(application)
    return render_template(
        "grants/application.html", application=application, grant_round=application.round,
        staff=staff, applicant=applicant, can_decide=svc.can_decide(current_user, application),
        thread=svc.thread(application), audit=svc.audit_log(application) if staff else [],
        report=report, photo_size=image_size(report.photo if report else None), status_label=status_label,
        action_label=action_label, short_status=short_status,
        days_left=svc.days_left(application), receipts_needed=svc.receipts_needed(application),
        decision_form=decision_form, question_form=forms.get("question_form") or QuestionForm(formdata=None),
        answer_form=forms.get("answer_form") or AnswerForm(formdata=None),
        revoke_form=forms.get("revoke_form") or RevokeForm(formdata=None), payout_form=payout_form,
        refund_form=forms.get("refund_form") or RefundForm(formdata=None),
        errors=errors, today=svc.local_today(), account=svc.bank.account_of(application),
        waiting_account=svc.bank.account_of(application, m.BANK_PENDING), full_account=full_account,
        mask=svc.bank.mask, formatted_iban=svc.bank.formatted, decision_reason=next_steps.decision_reason,
        steps=next_steps.next_steps(application, svc.bank.account_of(application) is not None),
        may_change_bank=svc.bank.may_change(current_user, application),
        payment_batch=svc.batches.open_batch_of(application) if staff else None), status


def post_action(application_id: int, form_cls: type[FlaskForm], form_key: str,
                action: Callable[[GrantApplication, Any], object], success: str,
                field_map: dict[str, str] | None = None,
                allowed: Callable[[Any, GrantApplication], bool] = svc.can_view) -> ResponseReturnValue:
    """The one shape of the POST actions on an application page: check, act, commit and redirect, or
    roll back and show the page again with the message at its field."""
    application = application_or_404(application_id)
    if not allowed(current_user, application):
        abort(403)
    form = form_cls()
    if not form.validate_on_submit():
        return render_application(application, 400, **{form_key: form})

    def show_again(exc: DomainError) -> ResponseReturnValue:
        errors = {(field_map or {}).get(key, key): message for key, message in exc.errors.items()}
        return render_application(application_or_404(application_id), 400,
                                  **{form_key: form, "loose": put_on_form(form, errors)})

    return commit_or_show(lambda: action(application, form), success=success, show_again=show_again,
                          then=url_for("grants.application_page", application_id=application_id))
