"""Gemeente staff's pages: their rounds, a round's settings and money changes, the work list, the figures,
decisions on an application, payouts and refunds, and helpers."""
from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache, partial
from typing import Any

from flask import abort, flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.accounts import helper_roles
from webapp.accounts.models import User
from webapp.converters import parse_id
from webapp.extensions import db
from webapp.grants import charts, priority, settings_changes
from webapp.grants import services as svc
from webapp.grants.forms import DecisionForm, HelperForm, PayoutForm, QuestionForm, RefundForm, RevokeForm, RoundForm
from webapp.grants.models import GrantApplication, GrantRound, GrantRoundChange
from webapp.grants.routes_common import (
    application_or_404,
    gemeente_or_404,
    post_action,
    require_staff,
    round_or_404,
    status_label,
    summary,
)
from webapp.grants.services.queue import waits_for
from webapp.i18n import current_locale, money
from webapp.transactions import commit_or_show, put_on_form


@login_required
def staff_home(code: str) -> ResponseReturnValue:
    gemeente = gemeente_or_404(code)
    require_staff(code)
    rounds = svc.rounds_of(code)
    return render_template("grants/staff_home.html", gemeente=gemeente, rounds=rounds,
                           totals={r.id: svc.round_totals(r) for r in rounds}, state=svc.round_state)


# ---------------------------------------------------------------- rounds

def _round_form(code: str, grant_round: GrantRound | None) -> RoundForm:
    form = RoundForm(obj=grant_round)
    form.district_id.choices = [(0, _("Hele gemeente"))] + [(d.id, d.name) for d in svc.districts_of(code)]
    form.priority_buurten.choices = priority.choices(code)
    return form


def _render_round_form(form: RoundForm, gemeente: Any, grant_round: GrantRound | None,
                       loose: list[tuple[str, str]]) -> ResponseReturnValue:
    status = 400 if form.errors or loose else 200
    return render_template("grants/round_form.html", form=form, gemeente=gemeente, grant_round=grant_round,
                           errors=summary(form, loose)), status


@login_required
def round_new(code: str) -> ResponseReturnValue:
    gemeente = gemeente_or_404(code)
    require_staff(code)
    form = _round_form(code, None)
    if form.validate_on_submit():
        return commit_or_show(
            lambda: svc.create_round(current_user, code, form.values()),
            success=_("De regeling is gemaakt. Ze gaat open als een andere medewerker het geld heeft bevestigd."),
            then=lambda grant_round: url_for("grants.round_page", round_id=grant_round.id),
            show_again=lambda exc: _render_round_form(form, gemeente, None, put_on_form(form, exc)))
    return _render_round_form(form, gemeente, None, [])


@login_required
def round_edit(round_id: int) -> ResponseReturnValue:
    grant_round = round_or_404(round_id)
    require_staff(grant_round.gemeente_code)
    form = _round_form(grant_round.gemeente_code, grant_round)
    if request.method == "GET":
        form.district_id.data = grant_round.district_id or 0
    gemeente = svc.gemeente(grant_round.gemeente_code)
    if form.validate_on_submit():
        waiting_before = settings_changes.pending_change(grant_round)

        def then(_result: object) -> str:
            if waiting_before is None and settings_changes.pending_change(grant_round) is not None:
                flash(_("Het nieuwe geld geldt pas als een andere medewerker het bevestigt."), "info")
            return url_for("grants.round_page", round_id=round_id)

        return commit_or_show(
            lambda: svc.update_round(current_user, grant_round, form.values()),
            success=_("De regeling is bijgewerkt."), then=then,
            show_again=lambda exc: _render_round_form(form, gemeente, grant_round, put_on_form(form, exc)))
    return _render_round_form(form, gemeente, grant_round, [])


def _round_change(round_id: int, change_id: int, act: Callable[[User, GrantRoundChange], object],
                  success: str) -> ResponseReturnValue:
    grant_round = round_or_404(round_id)
    change = db.session.get(GrantRoundChange, change_id)
    if change is None or change.round_id != grant_round.id:
        abort(404)
    require_staff(grant_round.gemeente_code)
    return commit_or_show(lambda: act(current_user, change), success=success,
                          then=url_for("grants.round_page", round_id=round_id))


@login_required
def round_change_confirm(round_id: int, change_id: int) -> ResponseReturnValue:
    return _round_change(round_id, change_id, settings_changes.confirm,
                         _("Bevestigd. Het nieuwe geld van de regeling geldt nu."))


@login_required
def round_change_reject(round_id: int, change_id: int) -> ResponseReturnValue:
    return _round_change(round_id, change_id, settings_changes.reject,
                         _("De wijziging is niet doorgegaan. Het geld van de regeling blijft zoals het was."))


@lru_cache(maxsize=4096)
def _amount(locale: str, cents: int | None) -> str:
    """`money` of the current request's language (`locale`, part of the key), kept: amounts repeat a lot and
    formatting one costs more than the rest of a row of the work list."""
    return money(cents)


@login_required
def queue(round_id: int) -> ResponseReturnValue:
    grant_round = round_or_404(round_id)
    require_staff(grant_round.gemeente_code)
    status = request.args.get("status", "open")
    if status not in svc.QUEUE_FILTERS:
        status = "open"
    district_id = parse_id(request.args.get("stadsdeel")) or 0  # not digits or above 2^31-1: all districts
    page = parse_id(request.args.get("pagina")) or 1   # not a number or 0: the first page; past the end: the last
    found = svc.queue_page(grant_round, status, district_id or None, viewer_id=current_user.id, page=page)
    today = svc.local_today()
    return render_template("grants/queue.html", grant_round=grant_round, found=found, items=found.items,
                           status=status, district_id=district_id,
                           districts=svc.districts_of(grant_round.gemeente_code),
                           days_left=lambda a: svc.days_left(a, today), status_label=cache(status_label),
                           waits_for=lambda a: waits_for(a, current_user.id),
                           amount=partial(_amount, current_locale()),
                           totals=svc.round_totals(grant_round))


@login_required
def dashboard(round_id: int) -> ResponseReturnValue:
    grant_round = round_or_404(round_id)
    require_staff(grant_round.gemeente_code)
    total, rows = svc.dashboard(grant_round)
    chart = charts.bar_chart(rows or [total], _("Gevraagd en toegekend geld per stadsdeel"),
                             _("Per stadsdeel twee balken: het gevraagde bedrag en het toegekende bedrag. "
                               "De getallen staan ook in de tabel hieronder."))
    return render_template("grants/dashboard.html", grant_round=grant_round, total=total, rows=rows, chart=chart,
                           totals=svc.round_totals(grant_round))


# ---------------------------------------------------------------- on an application

@login_required
def ask(application_id: int) -> ResponseReturnValue:
    return post_action(application_id, QuestionForm, "question_form",
                       lambda a, f: svc.ask_question(current_user, a, f.question.data),
                       _("Uw vraag is verstuurd. De aanvrager krijgt een e-mail."), {"body": "question"},
                       allowed=lambda user, a: svc.is_staff(user, a.round.gemeente_code))


@login_required
def decide(application_id: int) -> ResponseReturnValue:
    application = application_or_404(application_id)
    if not svc.can_decide(current_user, application):
        abort(403)

    def act(application: GrantApplication, form: DecisionForm) -> object:
        return svc.decide(current_user, application, form.decision.data or "", form.reason.data or "",
                          form.amount.cents)
    return post_action(application_id, DecisionForm, "decision_form", act, _("Uw besluit is opgeslagen."))


@login_required
def revoke(application_id: int) -> ResponseReturnValue:
    return post_action(application_id, RevokeForm, "revoke_form",
                       lambda a, f: svc.revoke(current_user, a, f.revoke_reason.data),
                       _("De toekenning is ingetrokken. Het geld gaat terug naar de regeling."),
                       {"reason": "revoke_reason"}, allowed=svc.can_decide)


@login_required
def payout(application_id: int) -> ResponseReturnValue:
    return post_action(application_id, PayoutForm, "payout_form",
                       lambda a, f: svc.record_payout(current_user, a, f.paid_on.data, f.reference.data),
                       _("De betaling is vastgelegd."), allowed=svc.can_decide)


@login_required
def refund(application_id: int) -> ResponseReturnValue:
    return post_action(application_id, RefundForm, "refund_form",
                       lambda a, f: svc.record_refund(current_user, a, f.refund_amount.cents, f.refunded_on.data,
                                                      f.refund_reason.data),
                       _("Het teruggekregen geld is vastgelegd. Het is weer beschikbaar in de regeling."),
                       allowed=svc.can_decide)


# ---------------------------------------------------------------- helpers (the role is managed by accounts)

@login_required
def helpers(code: str) -> ResponseReturnValue:
    gemeente = gemeente_or_404(code)
    require_staff(code)
    form = HelperForm()

    def render(loose: list[tuple[str, str]]) -> ResponseReturnValue:
        errors = summary(form, loose)
        return render_template("grants/helpers.html", gemeente=gemeente, form=form, errors=errors,
                               helpers=helper_roles.helpers_of(code)), 400 if errors else 200

    def done(helper: User) -> str:
        flash(_("%(name)s is nu helper en kan aanvragen namens bewoners.", name=helper.display_name), "success")
        return url_for("grants.helpers", code=code)

    if form.validate_on_submit():
        return commit_or_show(lambda: helper_roles.grant_helper(current_user, code, form.email.data or ""), then=done,
                              show_again=lambda exc: render(put_on_form(form, exc)))
    return render([])


@login_required
def helper_remove(code: str, user_id: int) -> ResponseReturnValue:
    gemeente_or_404(code)
    require_staff(code)
    return commit_or_show(lambda: helper_roles.remove_helper(current_user, code, user_id),
                          success=_("De helper-rol is weggehaald."), then=url_for("grants.helpers", code=code))
