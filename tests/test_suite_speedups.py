"""The test suite's own shortcuts never reach production: argon2's cheap test parameters are used only by a
TESTING app that asks for them, and a hash made with them is upgraded to the strong ones on login."""
from __future__ import annotations

import pytest
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


def test_the_crawls_shards_check_every_visit_exactly_once():
    from tests.a11y import test_every_page as crawl

    for length in (0, 1, crawl.SHARDS - 1, crawl.SHARDS, 7 * crawl.SHARDS + 3, 250):
        visits = list(range(length))
        parts = [crawl.shard_of(visits, shard) for shard in range(crawl.SHARDS)]
        assert sorted(v for part in parts for v in part) == visits
        assert max(map(len, parts)) - min(map(len, parts)) <= 1
    marks = [m for m in crawl.test_every_page_is_accessible.pytestmark if m.name == "parametrize"]
    assert [list(m.args[1]) for m in marks] == [list(range(crawl.SHARDS))]


def test_a_run_fails_when_the_crawls_shards_miss_a_visit():
    from tests.fixtures.crawl_shards import crawl_problem

    def report(shard, checked, planned=10, shards=3):
        return {"shard": shard, "shards": shards, "checked": checked, "planned": planned}

    assert crawl_problem({}) is None
    assert crawl_problem({0: report(0, 3), 1: report(1, 3), 2: report(2, 4)}) is None
    assert crawl_problem({0: report(0, 3), 2: report(2, 4)}) is None  # a shard left out on purpose (-k)
    assert "checked 9 page visits" in crawl_problem({0: report(0, 3), 1: report(1, 3), 2: report(2, 3)})
    assert "different lengths" in crawl_problem({0: report(0, 3), 1: report(1, 3, planned=11), 2: report(2, 4)})


@pytest.mark.committed
def test_the_demo_data_copied_back_equals_what_load_all_wrote(app):
    """Tests share one load of the demo data per process (tests/fixtures/demo_snapshot.py): what is copied
    back in is every row and sequence value load_all() left, as read right after it ran."""
    from tests.conftest import _truncate_all
    from tests.fixtures import demo_snapshot
    from webapp.extensions import db

    demo_snapshot.load_demo()  # loads for real when no test in this process did before
    db.session.commit()
    snapshot = demo_snapshot._snapshot
    assert snapshot is not None and snapshot.rows["places"][0] > 0
    _truncate_all(app)
    assert demo_snapshot.load_demo() == "copied"
    db.session.commit()
    tables = list(snapshot.rows)
    assert demo_snapshot.digest(db.session.connection(), tables) == snapshot.digest


@pytest.fixture(scope="module")
def _one_per_module():
    return object()


def test_a_module_fixtures_tests_share_one_parallel_worker(_one_per_module, request):
    """tests/conftest.py groups the tests of a module-wide fixture, and their test ids carry the group, which
    is what pytest-xdist's scheduler sends to one worker (otherwise each test of such a module can land on
    another worker, and the fixture, e.g. the backup drill, is set up on both)."""
    marks = [m.args[0] for m in request.node.iter_markers("xdist_group")]
    assert marks == ["tests/test_suite_speedups.py::_one_per_module"]
    if hasattr(request.config, "workerinput") and request.config.getvalue("loadgroup"):
        assert request.node.nodeid.endswith("@tests/test_suite_speedups.py::_one_per_module")


def test_the_crawls_probes_are_reused_only_for_the_same_url_and_never_for_token_links(monkeypatch):
    """The crawl's shards on one worker find the pages once (tests/a11y/test_every_page.py `Probes`): an
    answer is reused for the same URL on the same data as the same users; a signed link is asked every time."""
    from tests.a11y import test_every_page as crawl
    from tests.a11y.crawl import World

    asked = []
    monkeypatch.setattr(crawl, "_client_for", lambda app, user: f"client {user}")
    monkeypatch.setattr(crawl, "_probe", lambda clients, url, login: asked.append(url) or [("anonymous", 200, "page")])
    world = World()
    cache: dict = {}
    first = crawl.Probes(None, world, "/inloggen", cache)
    assert first.first_page("/plekken/1", fresh=False) == [("anonymous", 200, "page")]
    first.first_page("/bevestig/abc", fresh=True)
    second = crawl.Probes(None, world, "/inloggen", cache)
    second.first_page("/plekken/1", fresh=False)
    second.first_page("/plekken/2", fresh=False)
    second.first_page("/bevestig/abc", fresh=True)
    assert asked == ["/plekken/1", "/bevestig/abc", "/plekken/2", "/bevestig/abc"]
    assert (second.asked, second.reused) == (2, 1)
    assert crawl.plan_key(None, world) is None  # data not known to be the copied-back demo: nothing reused
