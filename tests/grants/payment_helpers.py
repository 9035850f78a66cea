"""Helpers for the bank-account and payment-batch tests: approved grants with an account, a round with the
gemeente's own account."""
from __future__ import annotations

from webapp.extensions import db
from webapp.grants import services as svc

GEMEENTE_IBAN = "NL91ABNA0417164300"
IBANS = ["NL20INGB0001234567", "NL39RABO0300065264", "NL86INGB0002445588", "NL44RABO0123456789"]


def with_debtor(grant_round, name="Gemeente Amsterdam", iban=GEMEENTE_IBAN, bic="ABNANL2A"):
    grant_round.debtor_name, grant_round.debtor_iban, grant_round.debtor_bic = name, iban, bic
    db.session.commit()
    return grant_round


def approved_grant(make_initiative, make_application, owner, staff, grant_round, amount=30_000, iban=None,
                   holder="Stichting Buurtsoep", title="Buurtsoep"):
    initiative = make_initiative(owner, title=title)
    application = make_application(owner, grant_round, initiative, amount)
    svc.decide(staff, application, "approve", "Goed plan.")
    db.session.commit()
    if iban is not None:
        svc.bank.save(owner, application, iban, holder)
        db.session.commit()
    return application
