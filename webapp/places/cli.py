"""`flask places import FILE` / `flask places export`: OpenStreetMap data in, OpenStreetMap-tagged GeoJSON out."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.places import opening_windows, osm
from webapp.places.models import Place
from webapp.places.osm_readers import FORMATS
from webapp.places.visibility import listed_filter

places_cli = AppGroup("places", help="Meeting places: import from OpenStreetMap data, export OSM-tagged GeoJSON.")


@places_cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--status", type=click.Choice(["proposed", "published"]), default="proposed", show_default=True,
              help="Status of NEW places (existing places keep theirs).")
@click.option("--dry-run", is_flag=True, help="Report what would happen; change nothing.")
def import_command(file: Path, status: str, dry_run: bool) -> None:
    """Create or update places by OSM id from FILE: GeoJSON with OSM tags as properties, Overpass JSON,
    OSM XML (.osm, .osm.gz, .osm.bz2) or PBF (.osm.pbf). The format is read from the file's content."""
    try:
        fmt, features_iter = osm.iter_features(file)
        with click.progressbar(features_iter, label=f"Reading {FORMATS[fmt]}", show_pos=True,
                               file=sys.stderr) as bar:
            features = list(bar)
    except osm.ImportError_ as exc:
        raise click.ClickException(str(exc)) from exc
    with click.progressbar(length=len(features), label="Importing", show_pos=True, show_eta=True,
                           file=sys.stderr) as bar:
        report = osm.import_features(features, status=status, dry_run=dry_run, progress=bar.update)
    prefix = "(dry run) " if dry_run else ""
    click.echo(f"{prefix}{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
               f"{len(report.skipped)} skipped")
    for line in report.skipped:
        click.echo(f"  skipped {line}", err=True)
    for line in report.warnings:
        click.echo(f"  warning {line}", err=True)


@places_cli.command("export")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: standard output).")
@click.option("--gemeente", help="Only this gemeente (CBS code, e.g. GM0363).")
@click.option("--all-statuses", is_flag=True, help="Also proposed, closed and hidden places (default: public only).")
def export_command(output: Path | None, gemeente: str | None, all_statuses: bool) -> None:
    """Write places as GeoJSON with OpenStreetMap tags (the reverse of import)."""
    stmt = select(Place, func.ST_X(Place.location), func.ST_Y(Place.location)).order_by(Place.id)
    if not all_statuses:
        stmt = stmt.where(listed_filter())
    if gemeente:
        stmt = stmt.where(Place.gemeente_code == gemeente.upper())
    collection = osm.export_collection(db.session.execute(stmt).all())
    text = json.dumps(collection, ensure_ascii=False, indent=1)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"{len(collection['features'])} places written to {output}", err=True)


@places_cli.command("refresh-opening-windows")
@click.option("--batch", type=click.IntRange(1000, 1_000_000), default=opening_windows.BATCH, show_default=True,
              help="Places per transaction.")
def refresh_opening_windows_command(batch: int) -> None:
    """Recompute every place's opening intervals for the coming days ("open now" in the search).
    Run nightly, e.g. from cron: 15 3 * * * cd /srv/buurtplek && .venv/bin/flask --app webapp places
    refresh-opening-windows"""
    result = opening_windows.refresh_all(db.session.connection, batch=batch,
                                         batch_done=lambda _done: db.session.commit())
    db.session.commit()
    start, end = opening_windows.window()
    click.echo(f"{result.places} places refreshed ({result.texts} distinct opening hours, {result.per_place} "
               f"evaluated at their own location) in {result.seconds:.1f} s; window {start:%Y-%m-%d %H:%M} to "
               f"{end:%Y-%m-%d %H:%M} UTC")


def register(app: Flask) -> None:
    app.cli.add_command(places_cli)
