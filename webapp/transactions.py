"""The one transaction path of a route that changes something.

    return commit_or_show(lambda: services.do_it(current_user, thing, form.data),
                          success=saved_message, then=url_for("domain.page", thing_id=thing.id),
                          show_again=lambda exc: render_form(form, exc, status=400))

The action runs; when it raises nothing, the session is committed, the success message flashed and
the browser redirected (`then`: a URL, or a function of the action's result giving one). When it raises
`Invalid` or `Conflict`, everything it did is rolled back and the form is shown again with the message
(`show_again`), or, without a form, the message is flashed on the redirect. `NotAllowed` and `NotFound`
roll back and go up to the one handler in `webapp.errors` (403 / 404 page or JSON). Nothing is ever
half-saved. Services never commit; routes never call `commit()` or `rollback()` themselves.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect
from flask.typing import ResponseReturnValue

from webapp.domain_errors import DomainError, NotAllowed, NotFound
from webapp.extensions import db

T = TypeVar("T")


def commit_or_show(action: Callable[[], T], *, then: str | Callable[[T], str], success: str | None = None,
                   show_again: Callable[[DomainError], ResponseReturnValue] | None = None,
                   error_category: str = "error") -> ResponseReturnValue:
    """Run `action`; commit, flash `success` and redirect to `then` — or roll back and show why."""
    try:
        result = action()
    except (NotAllowed, NotFound):
        db.session.rollback()
        raise
    except DomainError as exc:
        db.session.rollback()
        if show_again is not None:
            return show_again(exc)
        flash(exc.message, error_category)
        return redirect(then if isinstance(then, str) else _fallback(then))
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    if success:
        flash(str(success), "success")
    return redirect(then if isinstance(then, str) else then(result))


def commit_or_raise(action: Callable[[], T]) -> T:
    """Run `action` and commit; on any error roll back and let it go up (JSON API routes: the handler in
    `webapp.errors` answers a `DomainError` with its status and message)."""
    try:
        result = action()
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return result


def _fallback(then: Callable[[Any], str]) -> str:
    """Where to go back to when the action failed and `then` needs its result: `then(None)`."""
    return then(None)


def put_on_form(form: Any, exc: DomainError | dict[str, str]) -> list[tuple[str, str]]:
    """Put the error's messages on their form fields; the rest become (anchor, message) pairs for the
    error summary at the top of the form ("_" -> the summary itself)."""
    errors = exc.errors if isinstance(exc, DomainError) else exc
    loose: list[tuple[str, str]] = []
    for key, message in errors.items():
        if key in getattr(form, "_fields", {}):
            form[key].errors = list(form[key].errors) + [message]
        else:
            loose.append(("error-summary" if key == "_" else key, message))
    return loose
