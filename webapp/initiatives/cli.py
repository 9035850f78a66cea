"""`flask initiatives remind`: the daily staleness job (cron)."""
from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.initiatives.staleness import remind_stale

initiatives_cli = AppGroup("initiatives", help="Buurtinitiatieven.")


@initiatives_cli.command("remind")
@click.option("--now", "now_text", default="", help="Pretend it is this moment (ISO 8601, for testing).")
def remind(now_text: str) -> None:
    """Remind owners once after 6 months without an update; pause after 12 months without reaction."""
    now = datetime.fromisoformat(now_text) if now_text else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    result = remind_stale(now)
    db.session.commit()
    click.echo(f"reminded: {result.reminded}, paused: {result.paused}")


def register(app: Flask) -> None:
    app.cli.add_command(initiatives_cli)
