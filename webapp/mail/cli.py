"""`flask outbox send` (cron, every minute; `--loop` keeps it running for `make run`) and
`flask outbox purge` (daily)."""
from __future__ import annotations

import logging
import time

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.mail import services

log = logging.getLogger(__name__)

outbox_cli = AppGroup("outbox", help="Mail waiting in the outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=200, show_default=True, help="At most this many mails per run.")
@click.option("--loop", is_flag=True, help="Keep running: send, wait --interval seconds, send again.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between runs with --loop.")
@click.option("--rounds", default=0, hidden=True, help="With --loop: stop after this many runs (tests).")
def send(limit: int, loop: bool, interval: float, rounds: int) -> None:
    """Send waiting mails. Several runs at once are safe (rows are locked, skipped when taken)."""
    if not loop:
        sent, failed = services.send_pending(limit=limit)
        click.echo(f"{sent} sent, {failed} failed")
        return
    click.echo(f"outbox: sending every {interval:g} s (Ctrl+C stops)")
    done = 0
    try:
        while True:
            try:
                services.send_pending(limit=limit)
            except Exception:  # e.g. the database restarting: say so and try again next round
                log.exception("outbox: sending failed, trying again in %s s", interval)
                db.session.rollback()
            db.session.remove()
            done += 1
            if rounds and done >= rounds:
                break
            time.sleep(max(interval, 0.1))
    except KeyboardInterrupt:
        pass


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
