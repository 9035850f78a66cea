"""`flask demo load`: generated, clearly fictional demo data, loaded once.

Each domain that has demo data provides `webapp/<domain>/demo.py` with `load(rng) -> str`
(a one-line summary). They run in DOMAINS order inside one transaction; a marker row makes a second
run a no-op.
"""
from __future__ import annotations

import importlib
import random

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import text

from webapp.extensions import db

demo_cli = AppGroup("demo", help="Demo data (fictional).")
MARKER_TABLE = "demo_marker"


def _already_loaded() -> bool:
    db.session.execute(text(f"create table if not exists {MARKER_TABLE} (loaded_at timestamptz not null)"))
    return db.session.execute(text(f"select 1 from {MARKER_TABLE}")).first() is not None


def load_all(seed: int = 2026) -> list[str]:
    from webapp import DOMAIN_MODULES, DOMAINS

    rng = random.Random(seed)
    summaries = []
    for name in DOMAINS:
        if "demo" in DOMAIN_MODULES[name]:
            module = importlib.import_module(f"webapp.{name}.demo")
            summaries.append(f"{name}: {module.load(rng)}")
    return summaries


@demo_cli.command("load")
@click.option("--force", is_flag=True, help="Load even when demo data was loaded before.")
def load(force: bool) -> None:
    """Load the demo data once."""
    # One advisory lock: two `make run`s at once cannot both load.
    db.session.execute(text("select pg_advisory_xact_lock(424242)"))
    if _already_loaded() and not force:
        click.echo("Demo data already loaded.")
        db.session.commit()
        return
    for line in load_all():
        click.echo(line)
    db.session.execute(text(f"insert into {MARKER_TABLE} values (now())"))
    db.session.commit()


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
