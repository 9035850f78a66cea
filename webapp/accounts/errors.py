"""The errors of the accounts domain: both belong to the one family in `webapp/domain_errors.py`."""
from __future__ import annotations

from typing import Any

from webapp.domain_errors import Invalid


class AccountError(Invalid):
    """A rule was broken (400); the message is for the user; `field` names the form field it is about."""


class TokenError(AccountError):
    """A link from a mail is invalid, expired or already used."""

    def __init__(self, message: Any, expired: bool = False):
        super().__init__(message)
        self.expired = expired
