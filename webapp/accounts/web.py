"""What the accounts routes share: logging a browser in and out, pages that are never cached, a form
shown again with a service's message at its field, and the page for a link that does not work."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import flash, g, make_response, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm

from webapp.accounts import services
from webapp.accounts.models import User
from webapp.domain_errors import DomainError
from webapp.redirects import safe_next_url
from webapp.transactions import commit_or_raise


def safe_next(default_endpoint: str = "core.home") -> str:
    return safe_next_url(request.values.get("next"), url_for(default_endpoint))


def user_agent() -> str:
    return request.headers.get("User-Agent", "")


def renew_browser_session(user: User, remember: bool) -> None:
    """Log this browser in as `user`, whose server-side session has just been started and committed.
    Nothing of the session from before the login is kept (no session fixation), the CSRF token included:
    a token someone saw before the login is useless."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF keeps the token of this request in g as well
    login_user(user, remember=remember)


def log_in(user: User, remember: bool) -> None:
    """Start a new server-side session for `user` and log this browser in with it."""
    commit_or_raise(lambda: services.start_session(user, user_agent()))
    renew_browser_session(user, remember)


def log_out() -> None:
    """Forget the login in this browser (the server-side session must be ended by the caller)."""
    session.clear()
    g.pop("csrf_token", None)
    logout_user()


def logged_out_to(endpoint: str, message: str) -> Callable[[Any], str]:
    """For `commit_or_show(then=...)`: after the commit, log this browser out, then say `message` on the
    page `endpoint` (the flash after the log-out: logging out empties the session). Only with
    `show_again`, so that it runs after a success only."""
    def go(_result: Any) -> str:
        log_out()
        flash(message, "success")
        return url_for(endpoint)
    return go


def no_store(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Pages with personal data or tokens: never cached, never sent on as referrer."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    return wrapper


def add_error(form: FlaskForm, exc: DomainError, default: str, rename: dict[str, str] | None = None) -> None:
    """Show a service's error at the field it is about (or `default`)."""
    name = exc.field or default
    name = (rename or {}).get(name, name)
    field = form[name] if name in form else form[default]
    field.errors = [*field.errors, exc.message]


def token_invalid(exc: DomainError, purpose: str) -> ResponseReturnValue:
    """A link from a mail that does not work (invalid, expired, used): a page that says so (400)."""
    return render_template("accounts/token_invalid.html", message=exc.message, purpose=purpose,
                           expired=getattr(exc, "expired", False)), 400
