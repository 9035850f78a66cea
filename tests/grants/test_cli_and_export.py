"""The reminder command and the account data download."""
from datetime import timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.grants import cli
from webapp.grants import services as svc
from webapp.mail.models import OutboxMail


def test_remind_mails_staff_about_overdue(owner, staff, staff_utrecht, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative)
    assert cli.remind(2) == 0  # due in 14 days: nothing yet
    application.due_on = svc.local_today() - timedelta(days=3)
    db.session.commit()
    # One mail per staff member of the gemeente: `staff` and the colleague who confirmed the round's money.
    assert cli.remind(2) == 2
    mails = {mail.to_address: mail for mail in db.session.scalars(
        select(OutboxMail).where(OutboxMail.kind == "grants.reminder"))}
    mail = mails[staff.email]
    assert staff_utrecht.email not in mails
    assert "3 dagen te laat" in mail.body and application.title in mail.body


def test_remind_command_runs(app, owner, staff, grant_round, initiative, make_application):
    result = app.test_cli_runner().invoke(args=["grants", "remind"])
    assert result.exit_code == 0 and "reminder mails queued" in result.output


def test_export_holds_my_applications(owner, staff, grant_round, initiative, make_application):
    application = make_application(staff, grant_round, initiative)
    svc.ask_question(staff, application, "Vraag?")
    data = svc.export_for(staff)
    assert data["applications"][0]["title"] == application.title and data["applications"][0]["on_behalf"]
    assert data["messages"][0]["body"] == "Vraag?"
    assert svc.export_for(owner)["applications"] == []


def test_export_is_registered():
    from webapp.accounts.export import exporters

    assert "grants" in exporters()
