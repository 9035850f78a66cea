"""The report after payout: what happened, how many came, what was spent, a photo and the receipts."""
from __future__ import annotations

from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.domain_errors import Invalid, NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants.models import GrantApplication, GrantReport
from webapp.grants.services import audit
from webapp.grants.services.errors import GrantError
from webapp.grants.services.permissions import is_applicant_side
from webapp.media import clean_image


def receipts_needed(application: GrantApplication) -> bool:
    return bool((application.granted_cents or 0) > application.round.four_eyes_cents)


def submit_report(user: User, application: GrantApplication, what_happened: str, attendees: int | None,
                  spent_cents: int | None, photo: bytes | None = None,
                  receipts: bytes | None = None) -> GrantReport:
    if not is_applicant_side(user, application):
        raise NotAllowed()
    errors: dict[str, str] = {}
    what_happened = (what_happened or "").strip()
    if application.status != m.PAID:
        raise GrantError(_("U kunt een verslag geven nadat het geld is uitbetaald."))
    if db.session.get(GrantReport, application.id) is not None:
        raise GrantError(_("U heeft al een verslag gegeven. Dank u wel!"))
    if not what_happened:
        errors["what_happened"] = _("Vertel kort wat er is gebeurd.")
    elif len(what_happened) > 4000:
        errors["what_happened"] = _("Dit is te lang: hoogstens %(n)s tekens.", n=4000)
    if attendees is not None and attendees < 0:
        errors["attendees"] = _("Vul 0 of meer in.")
    if spent_cents is not None and spent_cents < 0:
        errors["spent_cents"] = _("Vul € 0 of meer in.")
    report = GrantReport(application_id=application.id, what_happened=what_happened, attendees=attendees,
                         spent_cents=spent_cents, created_by_id=user.id)
    if photo:
        try:
            report.photo, report.photo_type = clean_image(photo)
        except Invalid as exc:
            errors["photo"] = exc.message
    if receipts:
        try:
            report.receipts, report.receipts_type = clean_image(receipts)
        except Invalid as exc:
            errors["receipts"] = exc.message
    elif receipts_needed(application):
        errors["receipts"] = _("Voor dit bedrag hebben wij een foto van de bonnetjes nodig.")
    if errors:
        raise GrantError(errors=errors)
    db.session.add(report)
    audit.record(user, "report_submitted", application=application, old=m.PAID, new=m.PAID, attendees=attendees,
                 spent_cents=spent_cents, photo=bool(report.photo))
    return report


def report_of(application: GrantApplication) -> GrantReport | None:
    return db.session.get(GrantReport, application.id)
