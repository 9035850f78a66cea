"""Issue 10, finding 9: nobody learns who has an account. Registering a known address and a new one, and
logging in with a wrong password for a known or an unknown address, give the same answer and run the same
slow step (argon2). The timing itself is measured in bench/auth_timing.py (figures in docs/accounts.md):
a test on wall-clock times would be flaky on a shared machine, so these tests check the code path."""
from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pytest

from tests.accounts.helpers import main_of
from tests.fixtures.users import PASSWORD
from webapp.accounts import passwords, services
from webapp.extensions import db

NEW_PASSWORD = "een lang wachtwoord"


@contextmanager
def argon2_calls():
    """Counts argon2 hashing and verifying (the real functions still run)."""
    passwords._dummy_hash()  # made once per process, before counting
    spy = mock.Mock(wraps=passwords._hasher)
    with mock.patch.object(passwords, "_hasher", spy):
        calls = {}
        yield calls
    calls.update(hash=spy.hash.call_count, verify=spy.verify.call_count)


def register(client, email):
    return client.post("/account/nieuw", data={"display_name": "Fatima K.", "email": email,
                                                "password": NEW_PASSWORD})


def login(client, email, password="fout wachtwoord"):
    return client.post("/inloggen", data={"email": email, "password": password})


def test_registering_a_known_address_hashes_the_password_like_a_new_one(client, make_user):
    existing = make_user()
    with argon2_calls() as new:
        new_answer = register(client, "nog-niemand@example.org")
    with argon2_calls() as known:
        known_answer = register(client, existing.email)
    assert new["hash"] == known["hash"] == 1
    assert new_answer.status_code == known_answer.status_code == 200
    assert (main_of(new_answer).replace("nog-niemand@example.org", "X")
            == main_of(known_answer).replace(existing.email, "X"))


def test_a_known_address_gets_a_mail_instead_of_a_second_account(client, make_user):
    from tests.accounts.helpers import mails_to

    existing = make_user()
    register(client, existing.email)
    [mail] = mails_to(existing.email)
    assert mail.kind == "account.exists"
    assert "Iemand wilde een account maken" in mail.body


@pytest.mark.parametrize("kind", ["known", "unknown", "no password", "deleted"])
def test_a_wrong_login_verifies_one_argon2_hash_whoever_the_address_belongs_to(client, make_user, kind):
    user = make_user()
    email = user.email
    if kind == "unknown":
        email = "niemand@example.org"
    elif kind == "no password":  # after "that was not me" on an email change
        user.password_hash = None
        db.session.commit()
    elif kind == "deleted":
        services.delete_account(user, PASSWORD)  # its former address is typed
        db.session.commit()
    with argon2_calls() as calls:
        response = login(client, email)
    assert response.status_code == 400
    assert calls == {"hash": 0, "verify": 1}


def test_a_wrong_login_answers_the_same_for_known_and_unknown_addresses_every_time(client, make_user):
    """Also after many attempts: there is no lock-out that only known addresses would get."""
    user = make_user()
    for attempt in range(8):
        known = login(client, user.email)
        unknown = login(client, "niemand@example.org")
        assert known.status_code == unknown.status_code == 400, attempt
        assert (main_of(known).replace(user.email, "X")
                == main_of(unknown).replace("niemand@example.org", "X")), attempt
    assert login(client, user.email, PASSWORD).status_code == 302


def test_a_right_login_also_verifies_exactly_once(client, make_user):
    user = make_user()
    with argon2_calls() as calls:
        assert login(client, user.email, PASSWORD).status_code == 302
    assert calls["verify"] == 1
