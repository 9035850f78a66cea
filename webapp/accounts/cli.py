"""`flask users create/grant/revoke/list`: the first admin, moderators and gemeente staff."""
from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from webapp.accounts import services
from webapp.accounts.models import Role, User
from webapp.extensions import db
from webapp.transactions import commit_or_raise

users_cli = AppGroup("users", help="Accounts and roles.")
ROLE_NAMES = [r.value for r in Role]


def _text(message: object) -> str:
    """A (lazy) translated message as text: there is no request, so name the language."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")):
        return str(message)


def _check_role_args(role: str, gemeente: str | None) -> None:
    if Role(role) in services.PER_GEMEENTE_ROLES:
        if not gemeente:
            raise click.UsageError(f"--gemeente is required for the role {role} (e.g. --gemeente GM0363)")
        if not services.gemeente_exists(gemeente):
            raise click.UsageError(f"gemeente {gemeente} does not exist (load the gemeenten first?)")
    elif gemeente:
        raise click.UsageError(f"the role {role} applies everywhere: leave out --gemeente")


def _user(email: str) -> User:
    user = services.find_by_email(email)
    if user is None:
        raise click.UsageError(f"no account with email {email}")
    return user


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True, help="Display name, e.g. 'Fatima K.'")
@click.option("--role", type=click.Choice(ROLE_NAMES), default="resident", show_default=True)
@click.option("--gemeente", help="CBS code, e.g. GM0363 (moderator, staff and helper)")
@click.option("--password", help="Asked for when left out (better: it stays out of your shell history).")
def create(email: str, name: str, role: str, gemeente: str | None, password: str | None) -> None:
    """Create a confirmed account, optionally with a role."""
    gemeente = gemeente.upper() if gemeente else None
    _check_role_args(role, gemeente)
    if services.find_by_email(email) is not None:
        raise click.UsageError(f"an account with email {email} exists; use `flask users grant`")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    def create_confirmed() -> User:
        user = services.create_user(email, password, name)
        user.email_confirmed_at = datetime.now(UTC)
        services.grant_role(user, Role(role), gemeente)
        return user

    try:
        user = commit_or_raise(create_confirmed)
    except services.AccountError as exc:
        raise click.UsageError(_text(exc)) from exc
    click.echo(f"created user {user.id} <{user.email}> as {role}{' in ' + gemeente if gemeente else ''}")


@users_cli.command("grant")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r for r in ROLE_NAMES if r != "resident"]), required=True)
@click.option("--gemeente")
def grant(email: str, role: str, gemeente: str | None) -> None:
    """Give an existing account a role."""
    gemeente = gemeente.upper() if gemeente else None
    _check_role_args(role, gemeente)
    user = _user(email)
    services.grant_role(user, Role(role), gemeente)
    db.session.commit()
    click.echo(f"{email} is {role}{' in ' + gemeente if gemeente else ''}")


@users_cli.command("revoke")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r for r in ROLE_NAMES if r != "resident"]), required=True)
@click.option("--gemeente")
def revoke(email: str, role: str, gemeente: str | None) -> None:
    """Take a role away."""
    gemeente = gemeente.upper() if gemeente else None
    user = _user(email)
    if not services.revoke_role(user, Role(role), gemeente):
        raise click.UsageError(f"{email} does not have the role {role}{' in ' + gemeente if gemeente else ''}")
    db.session.commit()
    click.echo(f"{email} is no longer {role}{' in ' + gemeente if gemeente else ''}")


@users_cli.command("list")
@click.option("--gemeente")
def list_roles(gemeente: str | None) -> None:
    """Everyone with a role (admin, moderator, staff, helper)."""
    for g in services.list_grants(gemeente.upper() if gemeente else None):
        click.echo(f"{g.role:10} {g.gemeente_code or '-':7} {g.user.email or '(deleted)'}  {g.user.display_name}")


@users_cli.command("purge-unconfirmed")
@click.option("--days", default=30, show_default=True, help="Keep unconfirmed sign-ups this many days.")
def purge_unconfirmed(days: int) -> None:
    """Remove sign-ups that never confirmed their address (run daily)."""
    from datetime import timedelta

    removed = services.purge_unconfirmed(keep=timedelta(days=days))
    db.session.commit()
    click.echo(f"{removed} unconfirmed sign-ups removed")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
