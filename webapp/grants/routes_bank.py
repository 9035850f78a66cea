"""The bank account of a grant: the applicant side gives or changes it after approval; staff of the gemeente
see it in full (logged) and confirm a change."""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.domain_errors import DomainError
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants.forms import BankForm
from webapp.grants.models import GrantApplication
from webapp.grants.routes_common import application_or_404, render_application, summary
from webapp.transactions import commit_or_raise, commit_or_show, put_on_form


def _render_bank_form(application: GrantApplication, form: BankForm,
                      loose: list[tuple[str, str]]) -> ResponseReturnValue:
    errors = summary(form, loose)
    return render_template("grants/bank.html", application=application, form=form, errors=errors,
                           account=svc.bank.account_of(application),
                           waiting=svc.bank.account_of(application, m.BANK_PENDING),
                           mask=svc.bank.mask), 400 if errors else 200


@login_required
def bank(application_id: int) -> ResponseReturnValue:
    application = application_or_404(application_id)
    if not svc.bank.may_change(current_user, application):
        abort(403)
    form = BankForm()
    if form.validate_on_submit():
        had_account = svc.bank.account_of(application) is not None
        return commit_or_show(
            lambda: svc.bank.save(current_user, application, form.iban.data or "", form.holder.data or ""),
            success=_("Het nieuwe rekeningnummer is bewaard. Een medewerker van de gemeente controleert het eerst; "
                      "tot dan betalen we naar het oude nummer.") if had_account
            else _("Dank u wel. Het rekeningnummer is bewaard."),
            then=url_for("grants.application_page", application_id=application_id),
            show_again=lambda exc: _render_bank_form(application, form, put_on_form(form, exc)))
    return _render_bank_form(application, form, [])


@login_required
def bank_reveal(application_id: int) -> ResponseReturnValue:
    """Staff see the full account; the view is written in the audit log first."""
    application = application_or_404(application_id)
    if not svc.is_staff(current_user, application.round.gemeente_code):
        abort(403)
    account = commit_or_raise(lambda: svc.bank.reveal(current_user, application))
    return render_application(application_or_404(application_id), full_account=account)


def _decide_change(application_id: int, act_name: str, success: str) -> ResponseReturnValue:
    application = application_or_404(application_id)
    if not svc.can_decide(current_user, application):
        abort(403)
    act = getattr(svc.bank, act_name)

    def show_again(exc: DomainError) -> ResponseReturnValue:
        return render_application(application_or_404(application_id), 400, loose=[("bank", exc.message)])

    return commit_or_show(lambda: act(current_user, application), success=success, show_again=show_again,
                          then=url_for("grants.application_page", application_id=application_id))


@login_required
def bank_confirm(application_id: int) -> ResponseReturnValue:
    return _decide_change(application_id, "confirm_change", _("Het nieuwe rekeningnummer is bevestigd."))


@login_required
def bank_reject(application_id: int) -> ResponseReturnValue:
    return _decide_change(application_id, "reject_change",
                          _("Het nieuwe rekeningnummer is afgewezen. Het oude nummer blijft staan."))
