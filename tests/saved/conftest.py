from tests.initiatives.conftest import make_initiative  # noqa: F401
from tests.stewardship.conftest import act_as, make_place, other, resident  # noqa: F401
