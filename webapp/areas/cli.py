from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.areas import names, services

areas_cli = AppGroup("areas", help="Gemeenten and districts.")


def _load(what: str, loader: Callable[..., services.LoadReport], *args: Any) -> None:
    """Run one loader; a file it refuses is a clear error on the command line, not a traceback."""
    try:
        report = loader(*args)
    except services.LoadError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_report(what, report)


def _print_report(what: str, report: services.LoadReport) -> None:
    click.echo(f"{what}: {report.inserted} added, {report.updated} updated, {report.unchanged} unchanged, "
               f"{len(report.repaired)} repaired, {len(report.rejected)} rejected")
    for line in report.repaired:
        click.echo(f"  repaired {line}")
    for line in report.rejected:
        click.echo(f"  rejected {line}", err=True)


@areas_cli.command("load")
@click.argument("file", type=click.Path(path_type=Path))
def load(file: Path) -> None:
    """Load gemeenten (CBS/PDOK GeoJSON) idempotently."""
    _load("gemeenten", services.load_gemeenten, file)


@areas_cli.command("load-districts")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--gemeente", "gemeente_code", required=True, help="e.g. GM0363")
@click.option("--code-field", default="Stadsdeelcode")
@click.option("--name-field", default="Stadsdeel")
def load_districts(file: Path, gemeente_code: str, code_field: str, name_field: str) -> None:
    """Load the districts of one gemeente idempotently."""
    _load("districts", services.load_districts, file, gemeente_code, code_field, name_field)


def register(app: Flask) -> None:
    app.cli.add_command(areas_cli)


@areas_cli.command("load-postcodes")
@click.argument("file", type=click.Path(path_type=Path))
def load_postcodes(file: Path) -> None:
    """Load the 4-digit postcodes (GeoNames CSV) idempotently."""
    _load("postcodes", names.load_postcodes, file)


@areas_cli.command("load-places")
@click.argument("file", type=click.Path(path_type=Path))
def load_places(file: Path) -> None:
    """Load woonplaatsen with alternate names (GeoNames CSV) and the gemeente names, idempotently."""
    _load("place names", names.load_place_names, file)
