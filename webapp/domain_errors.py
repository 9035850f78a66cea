"""The one family of errors a domain's services raise; `webapp/errors.py` maps it to HTTP in one place.

- `NotFound` (404): what was asked for does not exist (or is not shown to this user).
- `NotAllowed` (403): the acting user may not do this.
- `Conflict` (409): the state changed meanwhile or forbids it now (e.g. someone saved first, the budget is spent).
- `Invalid` (400): the input breaks a rule; the message is for the user.

Every error carries a message for the user (in their language) and `errors`: form field -> message
(`"_"` for the whole form), so a route can show the form again with each message next to its field.
Services raise these (or a domain subclass of them); routes never catch them one by one: they use
`webapp.transactions.commit_or_show`, and whatever escapes is answered by the handler in `webapp.errors`.
A domain may subclass them for its own needs (e.g. `EditConflict` keeps what changed meanwhile).
"""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain was not met. `status` is the HTTP status it maps to."""

    status = 400
    code = "bad_request"

    def __init__(self, message: Any = "", field: str | None = None, errors: dict[str, str] | None = None):
        if errors:
            self.errors = {key: str(value) for key, value in errors.items()}
            message = message or next(iter(self.errors.values()))
        else:
            self.errors = {field or "_": str(message)} if str(message) else {}
        super().__init__(str(message))
        self.field = field

    @property
    def message(self) -> str:
        return str(self)


class Invalid(DomainError, ValueError):
    """The input breaks a rule (400)."""

    status = 400
    code = "invalid"


class NotAllowed(DomainError):
    """The acting user may not do this (403)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """It does not exist, or is not shown to this user (404)."""

    status = 404
    code = "not_found"


class Conflict(DomainError, ValueError):
    """The current state forbids it (409): changed meanwhile, already decided, budget spent."""

    status = 409
    code = "conflict"
