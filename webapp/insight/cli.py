"""`flask insight load-buurten FILE [--gemeente GM0344]` and `flask insight unlink-checkins` (nightly)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.areas.services import LoadError
from webapp.extensions import db
from webapp.insight import services

insight_cli = AppGroup("insight", help="Buurten, the gap analysis and welcome check-ins.")


@insight_cli.command("load-buurten")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--gemeente", "gemeente_code", default=None, help="only this gemeente's buurten, e.g. GM0344")
def load_buurten(file: Path, gemeente_code: str | None) -> None:
    """Load buurten with inhabitants (CBS-style GeoJSON: buurtcode, buurtnaam, aantal_inwoners) idempotently."""
    try:
        report = services.load_buurten(file, gemeente_code)
    except LoadError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"buurten: {report.inserted} added, {report.updated} updated, {report.unchanged} unchanged, "
               f"{report.skipped} of other gemeenten, {len(report.repaired)} repaired, {len(report.rejected)} rejected")
    for line in report.repaired:
        click.echo(f"  repaired {line}")
    for line in report.notes:
        click.echo(f"  note {line}")
    for line in report.rejected:
        click.echo(f"  rejected {line}", err=True)


@insight_cli.command("unlink-checkins")
def unlink_checkins() -> None:
    """Unlink welcome check-ins older than a month from their accounts (run nightly)."""
    unlinked, guards = services.unlink_checkins()
    db.session.commit()
    click.echo(f"welcome check-ins: {unlinked} unlinked, {guards} old guards removed")


def register(app: Flask) -> None:
    app.cli.add_command(insight_cli)
