"""The test suite's own shortcuts never reach production: argon2's cheap test parameters are used only by a
TESTING app that asks for them, and a hash made with them is upgraded to the strong ones on login."""
from __future__ import annotations

from argon2 import PasswordHasher
from flask import Flask

from tests.fixtures.users import PASSWORD
from webapp.accounts import passwords


def _production_app() -> Flask:
    """An app as production configures it (not TESTING), with the test-only setting stray in its config."""
    production = Flask(__name__)
    production.config["PASSWORD_HASH_FAST_FOR_TESTS"] = True
    assert not production.testing
    return production


def test_production_hashes_with_argon2s_strong_defaults():
    strong = PasswordHasher()
    assert (strong.time_cost, strong.memory_cost, strong.parallelism) == (3, 65536, 4)
    with _production_app().app_context():
        made = passwords.hash_password(PASSWORD)
    assert "m=65536,t=3,p=4" in made
    assert not strong.check_needs_rehash(made)


def test_the_suite_hashes_cheaply_and_production_upgrades_such_a_hash_on_login(app, make_user):
    cheap = passwords.hash_password(PASSWORD)
    assert "m=8,t=1,p=1" in cheap
    user = make_user()
    user.password_hash = cheap
    with _production_app().app_context():
        assert passwords.check_password(user, PASSWORD)
    assert user.password_hash != cheap
    assert "m=65536,t=3,p=4" in user.password_hash
