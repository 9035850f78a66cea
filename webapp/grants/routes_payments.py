"""Payment batches for the gemeente's finance department: choose approved grants, download the SEPA file
for the bank, and (another staff member) record that the bank paid."""
from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.converters import parse_id
from webapp.extensions import db
from webapp.grants import services as svc
from webapp.grants.forms import BatchForm, BatchPaidForm
from webapp.grants.models import GrantPaymentBatch
from webapp.grants.routes_common import gemeente_or_404, require_staff, summary
from webapp.transactions import commit_or_raise, commit_or_show, put_on_form


def _batch_or_404(batch_id: int) -> GrantPaymentBatch:
    batch = db.session.get(GrantPaymentBatch, batch_id) or abort(404)
    require_staff(batch.gemeente_code)
    return batch


def _chosen_ids() -> list[int] | None:
    """The ticked grants; None when a value is not an id the page could have sent."""
    ids = [parse_id(value) for value in request.form.getlist("application")[:1000]]
    return None if any(i is None for i in ids) else [i for i in ids if i is not None]


@login_required
def payments(code: str) -> ResponseReturnValue:
    gemeente = gemeente_or_404(code)
    require_staff(code)
    rounds = svc.rounds_of(code)
    round_id = parse_id(request.values.get("regeling")) or None
    if round_id is not None and round_id not in {r.id for r in rounds}:
        round_id = None
    form = BatchForm(formdata=None, execution_date=svc.local_today()) if request.method == "GET" else BatchForm()

    def render(loose: list[tuple[str, str]]) -> ResponseReturnValue:
        errors = summary(form, loose)
        candidates = svc.batches.payable(code, round_id)
        return render_template(
            "grants/payments.html", gemeente=gemeente, rounds=rounds, round_id=round_id, form=form, errors=errors,
            candidates=candidates, accounts={a.id: svc.bank.account_of(a) for a in candidates},
            waiting={a.id for a in candidates if svc.bank.account_of(a, "pending") is not None},
            batches=svc.batches.batches_of(code), mask=svc.bank.mask), 400 if errors else 200

    if request.method == "POST":
        ids = _chosen_ids()
        if not form.validate() or ids is None:
            return render([("applications", _("Kies de startbijdragen opnieuw."))] if ids is None else [])
        chosen = ids
        return commit_or_show(
            lambda: svc.batches.create_batch(current_user, code, chosen, form.execution_date.data, round_id),
            success=_("De betaling is klaargezet. Download het bestand en zet het in de bank-app van de gemeente."),
            then=lambda batch: url_for("grants.batch_page", batch_id=batch.id) if batch
            else url_for("grants.payments", code=code),
            show_again=lambda exc: render(put_on_form(form, exc)))
    return render([])


def _render_batch(batch: GrantPaymentBatch, form: BatchPaidForm, loose: list[tuple[str, str]]) -> ResponseReturnValue:
    errors = summary(form, loose)
    accounts = {item.application_id: svc.bank.account_of(item.application) for item in batch.items}
    return render_template("grants/batch.html", batch=batch, form=form, errors=errors, accounts=accounts,
                           mask=svc.bank.mask, gemeente=svc.gemeente(batch.gemeente_code)), 400 if errors else 200


@login_required
def batch_page(batch_id: int) -> ResponseReturnValue:
    batch = _batch_or_404(batch_id)
    return _render_batch(batch, BatchPaidForm(formdata=None, paid_on=svc.local_today()), [])


@login_required
def batch_file(batch_id: int) -> ResponseReturnValue:
    batch = _batch_or_404(batch_id)
    content = commit_or_raise(lambda: svc.batches.batch_file(current_user, batch))
    return Response(content, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="startbijdragen-betaling-{batch.id}.xml"',
        "Cache-Control": "no-store"})


@login_required
def batch_paid(batch_id: int) -> ResponseReturnValue:
    batch = _batch_or_404(batch_id)
    if batch.created_by_id == current_user.id:
        abort(403)  # four eyes: the one who made the file does not record the payment
    form = BatchPaidForm()
    if not form.validate_on_submit():
        return _render_batch(batch, form, [])
    return commit_or_show(lambda: svc.batches.mark_batch_paid(current_user, batch, form.paid_on.data),
                          success=_("Vastgelegd: de bank heeft betaald. De startbijdragen staan op betaald."),
                          then=url_for("grants.batch_page", batch_id=batch_id),
                          show_again=lambda exc: _render_batch(batch, form, put_on_form(form, exc)))


@login_required
def batch_cancel(batch_id: int) -> ResponseReturnValue:
    batch = _batch_or_404(batch_id)
    return commit_or_show(lambda: svc.batches.cancel_batch(current_user, batch),
                          success=_("De betaling is ingetrokken. De startbijdragen kunnen in een nieuwe betaling."),
                          then=url_for("grants.batch_page", batch_id=batch_id))
