"""`flask grants remind`: mail staff about applications whose promised answer date is near or past.
`flask grants purge-bank-details`: remove bank details N months after payout (services/bank.py).

Meant for a daily timer (cron/systemd). Staff get one mail per gemeente, listing what is due.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.accounts import services as accounts
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import services as svc
from webapp.grants.services.notify import application_url
from webapp.mail.services import queue_mail_to_user

grants_cli = AppGroup("grants", help="Startbijdragen (grants).")


def due_applications(within_days: int = 2) -> dict[str, list[m.GrantApplication]]:
    """Undecided applications due within `within_days` (or overdue), per gemeente code, oldest first."""
    limit = svc.local_today() + timedelta(days=within_days)
    stmt = (select(m.GrantApplication).join(m.GrantRound, m.GrantRound.id == m.GrantApplication.round_id)
            .where(m.GrantApplication.status.in_(m.UNDECIDED_STATUSES), m.GrantApplication.due_on <= limit)
            .order_by(m.GrantApplication.due_on, m.GrantApplication.id))
    result: dict[str, list[m.GrantApplication]] = defaultdict(list)
    for application in db.session.scalars(stmt).unique():
        result[application.round.gemeente_code].append(application)
    return dict(result)


def remind(within_days: int = 2) -> int:
    """Queue one reminder mail per staff member per gemeente. Returns the number of mails. Caller commits."""
    mails = 0
    for code, applications in due_applications(within_days).items():
        today = svc.local_today()
        lines = []
        for a in applications:
            if a.due_on is None:  # not in the list: due_applications selects by due date
                continue
            left = (a.due_on - today).days
            when = _("%(n)s dagen te laat", n=-left) if left < 0 else _("nog %(n)s dagen", n=left)
            lines.append(f"- {a.title} ({a.initiative.title}): {when}\n  {application_url(a)}")
        staff = [grant.user for grant in accounts.list_grants(code)
                 if grant.role == Role.STAFF.value and grant.user.deleted_at is None]
        for person in staff:
            queue_mail_to_user(person, _("Aanvragen die bijna of te laat zijn"),
                               _("Deze aanvragen wachten op een besluit:") + "\n\n" + "\n".join(lines),
                               "grants.reminder")
            mails += 1
    return mails


@grants_cli.command("remind")
@click.option("--days", default=2, show_default=True, help="Remind about answers due within this many days.")
def remind_command(days: int) -> None:
    """Mail staff about applications due soon or overdue."""
    with current_app.test_request_context(headers={"Accept-Language": "nl"}):
        count = remind(days)
        db.session.commit()
    click.echo(f"{count} reminder mails queued.")


@grants_cli.command("purge-bank-details")
@click.option("--months", type=int, default=None,
              help="Months to keep bank details after payout "
                   "(default: GRANTS_BANK_DETAILS_RETENTION_MONTHS, 18).")
def purge_bank_details_command(months: int | None) -> None:
    """Remove IBANs and account holders (and the SEPA files) of grants paid longer ago than the retention."""
    with current_app.test_request_context(headers={"Accept-Language": "nl"}):
        count = svc.bank.purge(svc.local_today(), months)
        db.session.commit()
    click.echo(f"Bank details removed for {count} grants.")


def register(app: Flask) -> None:
    app.cli.add_command(grants_cli)
