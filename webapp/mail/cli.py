"""`flask outbox send` (cron, every minute) and `flask outbox purge` (daily)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.mail import services

outbox_cli = AppGroup("outbox", help="Mail waiting in the outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=200, show_default=True, help="At most this many mails per run.")
def send(limit: int) -> None:
    """Send waiting mails. Several runs at once are safe (rows are locked, skipped when taken)."""
    sent, failed = services.send_pending(limit=limit)
    click.echo(f"{sent} sent, {failed} failed")


@outbox_cli.command("purge")
@click.option("--days", default=90, show_default=True, help="Keep sent mails this many days.")
def purge(days: int) -> None:
    """Delete sent mails older than --days."""
    from datetime import timedelta

    removed = services.purge_sent(keep=timedelta(days=days))
    db.session.commit()
    click.echo(f"{removed} old mails deleted")


@outbox_cli.command("status")
def status() -> None:
    """How many mails wait, were sent, or failed for good."""
    c = services.counts()
    click.echo(f"{c['waiting']} waiting, {c['sent']} sent, {c['failed']} failed for good")


def register(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
