"""The security tests use the accessibility crawl's demo world (demo data and a user of every kind)."""
from tests.a11y.conftest import demo_world  # noqa: F401  (the fixture)
