"""The bank account of a grant: checked IBAN, masked for everyone but the gemeente's staff, a change after
approval confirmed by another person, every view and change in the audit log, removed after retention."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.grants.conftest import audit_actions
from tests.grants.payment_helpers import IBANS, approved_grant
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants.services import bank


@pytest.mark.parametrize("typed, words", [
    ("NL20INGB0001234568", "tikfout"),           # one digit wrong: checksum
    ("NL20INGB000123456", "te veel of te weinig"),
    ("XX20INGB0001234567", "code van het land"),
    ("hallo!", "geen geldig"),
    ("", "Vul het rekeningnummer"),
])
def test_an_iban_typo_is_refused_with_a_clear_message(typed, words):
    with pytest.raises(svc.GrantError) as info:
        bank.check_iban(typed)
    assert words in info.value.errors["iban"]


def test_iban_is_kept_compact_with_its_bic():
    checked = bank.check_iban(" nl20 ingb 0001 2345 67 ")
    assert checked.iban == "NL20INGB0001234567" and checked.bic == "INGBNL2A"


def test_mask_shows_country_and_last_four():
    assert bank.mask("NL91ABNA0417164300") == "NL** **** **** **43 00"
    assert bank.mask("NL20 INGB 0001 2345 67") == "NL** **** **** **45 67"


def test_account_only_after_approval(owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, 30_000)
    with pytest.raises(svc.GrantError):
        bank.save(owner, application, IBANS[0], "J. de Vries")
    db.session.rollback()
    assert bank.account_of(application) is None


def test_first_account_counts_at_once_and_is_logged_masked(owner, staff, grant_round, make_initiative,
                                                           make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    account = bank.account_of(application)
    assert account.iban == IBANS[0] and account.bic == "INGBNL2A" and account.holder == "Stichting Buurtsoep"
    entry = [e for e in svc.audit_log(application) if e.action == "bank_details_given"][0]
    assert entry.details["iban"] == "NL** **** **** **45 67" and IBANS[0] not in str(entry.details)


def test_a_stranger_cannot_give_an_account(owner, staff, resident, staff_utrecht, grant_round, make_initiative,
                                           make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round)
    for person in (resident, staff_utrecht):
        with pytest.raises(NotAllowed):
            bank.save(person, application, IBANS[0], "Boef")
        db.session.rollback()
    assert bank.account_of(application) is None


def test_a_change_waits_for_another_staff_member(owner, staff, staff2, grant_round, make_initiative,
                                                 make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    bank.save(owner, application, IBANS[1], "Boef B.V.")
    db.session.commit()
    assert bank.account_of(application).iban == IBANS[0]  # still the old one
    assert bank.account_of(application, m.BANK_PENDING).iban == IBANS[1]
    bank.confirm_change(staff2, application)
    db.session.commit()
    assert bank.account_of(application).iban == IBANS[1]
    assert bank.account_of(application, m.BANK_PENDING) is None
    assert {"bank_change_proposed", "bank_change_confirmed"} <= set(audit_actions(application))


def test_staff_who_changed_it_cannot_confirm_it_themselves(owner, staff, staff2, grant_round, make_initiative,
                                                           make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    bank.save(staff2, application, IBANS[1], "Nieuwe naam")
    db.session.commit()
    with pytest.raises(NotAllowed):
        bank.confirm_change(staff2, application)
    db.session.rollback()
    assert bank.account_of(application).iban == IBANS[0]
    # The database refuses it as well.
    waiting = bank.account_of(application, m.BANK_PENDING)
    current = bank.account_of(application)
    current.status = m.BANK_REPLACED
    db.session.flush()
    waiting.status, waiting.decided_by_id = m.BANK_ACTIVE, staff2.id
    with pytest.raises(Exception, match="confirmed_by_another"):
        db.session.flush()
    db.session.rollback()


def test_rejecting_a_change_keeps_the_old_account(owner, staff, grant_round, make_initiative, make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    bank.save(owner, application, IBANS[1], "Boef B.V.")
    db.session.commit()
    bank.reject_change(staff, application)
    db.session.commit()
    assert bank.account_of(application).iban == IBANS[0] and bank.account_of(application, m.BANK_PENDING) is None


def test_only_staff_of_the_gemeente_see_it_in_full_and_it_is_logged(owner, staff, staff_utrecht, grant_round,
                                                                    make_initiative, make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    assert bank.reveal(staff, application).iban == IBANS[0]
    db.session.commit()
    assert "bank_details_viewed" in audit_actions(application)
    for person in (owner, staff_utrecht):
        with pytest.raises(NotAllowed):
            bank.reveal(person, application)


def test_months_before():
    assert bank.months_before(date(2026, 8, 31), 18) == date(2025, 2, 28)
    assert bank.months_before(date(2026, 11, 28), 18) == date(2025, 5, 28)


def test_purge_removes_bank_details_after_the_retention(owner, staff, grant_round, make_initiative,
                                                        make_application):
    old = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0], title="Oud")
    recent = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[1],
                            title="Nieuw")
    today = svc.local_today()
    limit = bank.months_before(today, 18)
    for application, paid_on in ((old, limit - timedelta(days=1)), (recent, limit)):
        svc.record_payout(staff, application, today, "REF")
        application.paid_on = paid_on
    db.session.commit()
    assert bank.purge(today, months=18) == 1
    db.session.commit()
    assert bank.account_of(old).iban is None and bank.account_of(old).purged_at is not None
    assert bank.account_of(recent).iban == IBANS[1]
    assert "bank_details_removed" in audit_actions(old)


def test_purge_command_uses_the_setting(app, owner, staff, grant_round, make_initiative, make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    svc.record_payout(staff, application, svc.local_today(), "REF")
    application.paid_on = date(2020, 1, 1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["grants", "purge-bank-details"])
    assert result.exit_code == 0, result.output
    assert "1 grants" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(m.GrantBankAccount.iban)) is None


def test_export_of_the_applicant_holds_no_full_iban(owner, staff, grant_round, make_initiative, make_application):
    application = approved_grant(make_initiative, make_application, owner, staff, grant_round, iban=IBANS[0])
    assert application.created_by_id == owner.id
    assert IBANS[0] not in str(svc.export_for(owner)) and IBANS[0] not in str(svc.export_for(staff))
