"""What happens after approval, said plainly (B1): how much, what to do now, when the money comes, and the
report that is due. Shown on the application page and sent in the approval mail. Also the texts the system
writes itself (the quick lane's reason), stored in Dutch and shown in the reader's language."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.grants import models as m
from webapp.grants.models import GrantApplication
from webapp.i18n import money

PAYOUT_WORKING_DAYS = 10   # the finance department pays in batches: about two weeks
REPORT_MONTHS = 3          # the report is due within three months after the payment


def quick_lane_reason() -> str:
    return str(_("Snelle route: kleine startbijdragen krijgen het voordeel van de twijfel."))


def stored_quick_lane_reason() -> str:
    """The reason as stored (Dutch, whatever the applicant's language), so it can be recognised later."""
    with force_locale("nl"):
        return quick_lane_reason()


def decision_reason(application: GrantApplication) -> str:
    """The reason as the reader should see it: a reason the system wrote is translated, staff's own words not."""
    if application.quick_lane and application.decision_reason == stored_quick_lane_reason():
        return quick_lane_reason()
    return application.decision_reason


def next_steps(application: GrantApplication, has_account: bool) -> list[str]:
    if application.status not in (m.APPROVED, m.IN_PAYMENT, m.PAID):
        return []
    steps = [_("U krijgt %(amount)s van de gemeente.", amount=money(application.granted_cents))]
    if application.status == m.APPROVED and not has_account:
        steps.append(_("Wat u nu doet: geef het rekeningnummer (IBAN) waarop het geld moet komen, en de naam die "
                       "bij de rekening hoort. Dat doet u op de pagina van uw aanvraag."))
    if application.status == m.PAID:
        steps.append(_("Het geld is betaald op %(date)s.", date=application.paid_on.strftime("%d-%m-%Y")
                       if application.paid_on else "—"))
    else:
        steps.append(_("Wanneer komt het geld: binnen ongeveer %(n)s werkdagen nadat u uw rekeningnummer heeft "
                       "gegeven.", n=PAYOUT_WORKING_DAYS))
    report = _("Na afloop: schrijf binnen %(n)s maanden na de betaling een kort verslag op de pagina van uw "
               "aanvraag. Wat gebeurde er en hoeveel mensen kwamen er? Een foto mag.", n=REPORT_MONTHS)
    if (application.granted_cents or 0) > application.round.four_eyes_cents:
        report += " " + _("Bewaar de bonnetjes: voor dit bedrag vragen wij een foto ervan.")
    steps.append(report)
    return steps


def mail_text(application: GrantApplication, has_account: bool) -> str:
    return "\n".join(f"- {step}" for step in next_steps(application, has_account))
