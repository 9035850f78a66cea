"""`flask users create/grant/revoke/list`."""
from __future__ import annotations

from datetime import UTC

import pytest

from webapp.accounts import services
from webapp.accounts.models import User
from webapp.extensions import db


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def roles_of(email):
    user = services.find_by_email(email)
    db.session.refresh(user)
    return sorted((g.role, g.gemeente_code) for g in user.roles)


def test_create_admin_with_password_prompt(runner):
    result = runner.invoke(args=["users", "create", "--email", "beheer@example.org", "--name", "Beheer",
                                 "--role", "admin"], input="een sterk wachtwoord\neen sterk wachtwoord\n")
    assert result.exit_code == 0, result.output
    user = services.find_by_email("beheer@example.org")
    assert user.email_confirmed_at is not None
    assert services.check_password(user, "een sterk wachtwoord")
    assert roles_of("beheer@example.org") == [("admin", None)]


def test_create_staff_for_a_gemeente(runner):
    result = runner.invoke(args=["users", "create", "--email", "staf@example.org", "--name", "Samira E.",
                                 "--role", "staff", "--gemeente", "gm0363", "--password", "een sterk wachtwoord"])
    assert result.exit_code == 0, result.output
    assert roles_of("staf@example.org") == [("staff", "GM0363")]


@pytest.mark.parametrize("extra, message", [
    (["--role", "moderator"], "--gemeente is required"),
    (["--role", "staff", "--gemeente", "GM9999"], "does not exist"),
    (["--role", "admin", "--gemeente", "GM0363"], "leave out --gemeente"),
    (["--role", "resident", "--password", "kort"], "minstens 10 tekens"),
])
def test_create_refuses_bad_arguments(runner, extra, message):
    args = ["users", "create", "--email", "x@example.org", "--name", "X Y"]
    if "--password" not in extra:
        extra = [*extra, "--password", "een sterk wachtwoord"]
    result = runner.invoke(args=args + extra)
    assert result.exit_code != 0
    assert message in result.output
    assert services.find_by_email("x@example.org") is None


def test_create_refuses_an_existing_address(runner, make_user):
    user = make_user()
    result = runner.invoke(args=["users", "create", "--email", user.email, "--name", "Dubbel",
                                 "--password", "een sterk wachtwoord"])
    assert result.exit_code != 0 and "users grant" in result.output


def test_grant_and_revoke(runner, make_user):
    user = make_user()
    result = runner.invoke(args=["users", "grant", "--email", user.email, "--role", "moderator",
                                 "--gemeente", "GM0344"])
    assert result.exit_code == 0, result.output
    assert roles_of(user.email) == [("moderator", "GM0344")]
    listed = runner.invoke(args=["users", "list", "--gemeente", "GM0344"])
    assert user.email in listed.output
    result = runner.invoke(args=["users", "revoke", "--email", user.email, "--role", "moderator",
                                 "--gemeente", "GM0344"])
    assert result.exit_code == 0, result.output
    assert roles_of(user.email) == []
    again = runner.invoke(args=["users", "revoke", "--email", user.email, "--role", "moderator",
                                "--gemeente", "GM0344"])
    assert again.exit_code != 0 and "does not have" in again.output


def test_grant_to_unknown_address(runner):
    result = runner.invoke(args=["users", "grant", "--email", "niemand@example.org", "--role", "admin"])
    assert result.exit_code != 0 and "no account" in result.output


def test_purge_unconfirmed(runner, make_user):
    from datetime import datetime, timedelta

    old_unconfirmed, new_unconfirmed = make_user(confirmed=False), make_user(confirmed=False)
    old_confirmed = make_user()
    long_ago = datetime.now(UTC) - timedelta(days=31)
    old_unconfirmed.created_at = long_ago
    old_confirmed.created_at = long_ago
    db.session.commit()
    ids = (old_unconfirmed.id, new_unconfirmed.id, old_confirmed.id)
    result = runner.invoke(args=["users", "purge-unconfirmed"])
    assert result.exit_code == 0 and "1 unconfirmed" in result.output
    db.session.expire_all()
    assert [db.session.get(User, i) is not None for i in ids] == [False, True, True]
