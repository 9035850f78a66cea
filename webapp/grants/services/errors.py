"""The errors of startbijdragen: domain errors of the one family (`webapp.domain_errors`)."""
from __future__ import annotations

from webapp.domain_errors import Conflict, Invalid


class GrantError(Invalid):
    """A rule of startbijdragen was broken (400). `errors` maps a form field ("_": the whole form) to a message."""

    code = "rule_broken"


class BudgetExceeded(Conflict, GrantError):
    """Approving would spend more than the round's budget (409)."""

    code = "budget_exceeded"
