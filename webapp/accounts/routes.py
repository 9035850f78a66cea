"""Thin controllers for logging in and out, signing up, confirming the address and a forgotten password.
The account page is in `account_routes.py`, the admins' roles page in `role_routes.py`."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp.accounts import services
from webapp.accounts.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from webapp.accounts.web import add_error, log_in, log_out, logged_out_to, no_store, safe_next, token_invalid
from webapp.domain_errors import DomainError
from webapp.extensions import limiter
from webapp.transactions import commit_or_raise, commit_or_show

# Rate limits (per IP address unless a key says otherwise). Only POSTs count: reading a form is free.
# Logging in is slowed down per (address, client), never per address alone: whoever guesses someone's
# password gets "try again later" for that address from their own connection, while the owner (and
# everyone else) can still log in. A known and an unknown address count the same way.
LOGIN_LIMIT_IP = "10 per minute;100 per hour"
LOGIN_LIMIT_ACCOUNT_CLIENT = "5 per minute;20 per hour"  # failed attempts per (address, IP address)
REGISTER_LIMIT_IP = "5 per minute;30 per hour"
RESET_LIMIT_IP = "5 per minute;30 per hour"
RESET_LIMIT_EMAIL = "5 per hour"


def _address_digest() -> str:
    """The address typed into the form, normalised and hashed (rate-limit keys hold no addresses)."""
    address = request.form.get("email", "").strip().lower()
    secret = str(current_app.config.get("SECRET_KEY", ""))
    return hashlib.sha256(f"{secret}:{address}".encode()).hexdigest()[:32]


def _email_key() -> str:
    return "email:" + _address_digest()


def _email_client_key() -> str:
    return f"login:{_address_digest()}:{request.remote_addr or '-'}"


def _failed(response: Response) -> bool:
    """Only failed logins (the form shown again) count towards the per-address limit."""
    return response.status_code != 302


# --- login, logout, registration -------------------------------------------------------------------

@limiter.limit(LOGIN_LIMIT_IP, methods=["POST"])
@limiter.limit(LOGIN_LIMIT_ACCOUNT_CLIENT, key_func=_email_client_key, methods=["POST"], deduct_when=_failed)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if form.validate_on_submit():
        # committed: a re-sent confirmation mail is kept
        result = commit_or_raise(lambda: services.authenticate(form.email.data, form.password.data))
        if result.ok and result.user is not None:
            log_in(result.user, remember=form.remember.data)
            flash(_("U bent ingelogd."), "success")
            return redirect(safe_next())
        if result.error == "unconfirmed":
            form.email.errors.append(_(
                "Bevestig eerst uw e-mailadres. We hebben u opnieuw een mail gestuurd met een link."))
        else:
            form.password.errors.append(_("Het e-mailadres of wachtwoord klopt niet."))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        commit_or_raise(lambda: services.end_session(user, user.session_token))
    log_out()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("core.home"))


@login_required
def logout_everywhere() -> ResponseReturnValue:
    """End every session of this account: this browser, other devices and remember-me cookies."""
    user = current_user._get_current_object()
    commit_or_raise(lambda: services.end_all_sessions(user))
    log_out()
    flash(_("U bent overal uitgelogd, ook op andere apparaten."), "success")
    return redirect(url_for("accounts.login"))


@limiter.limit(REGISTER_LIMIT_IP, methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            commit_or_raise(lambda: services.register(form.email.data, form.password.data,
                                                      form.display_name.data, locale=str(get_locale() or "nl")))
        except services.AccountError as exc:
            add_error(form, exc, "email")
        else:
            # The same page whether the address was new or known: nobody learns who has an account.
            return render_template("accounts/register_sent.html", email=form.email.data.strip())
    status = 400 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


def confirm_by_token(confirm: Callable[[str], Any], token: str, purpose: str, success: str) -> ResponseReturnValue:
    """Use a link from a mail: an invalid or expired one gets a page that says so (400)."""
    return commit_or_show(lambda: confirm(token), success=success,
                          then=url_for("accounts.account" if current_user.is_authenticated else "accounts.login"),
                          show_again=lambda exc: token_invalid(exc, purpose))


@no_store
def confirm_email(token: str) -> ResponseReturnValue:
    return confirm_by_token(services.confirm_email, token, "confirm",
                            _("Uw e-mailadres is bevestigd. U kunt nu inloggen."))


# --- password reset --------------------------------------------------------------------------------

@limiter.limit(RESET_LIMIT_IP, methods=["POST"])
@limiter.limit(RESET_LIMIT_EMAIL, key_func=_email_key, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        commit_or_raise(lambda: services.request_password_reset(form.email.data))
        return render_template("accounts/forgot_sent.html", email=form.email.data.strip())
    status = 400 if form.errors else 200
    return render_template("accounts/forgot.html", form=form), status


@no_store
@limiter.limit(RESET_LIMIT_IP, methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    try:
        services.user_for_reset_token(token)
    except services.TokenError as exc:
        return token_invalid(exc, "reset")
    form = ResetPasswordForm()

    def show_again(exc: DomainError) -> ResponseReturnValue:
        if isinstance(exc, services.TokenError):
            return token_invalid(exc, "reset")
        add_error(form, exc, "password")
        return render_template("accounts/reset.html", form=form), 400

    if form.validate_on_submit():
        return commit_or_show(lambda: services.reset_password(token, form.password.data), show_again=show_again,
                              then=logged_out_to("accounts.login", _(
                                  "Uw wachtwoord is veranderd. Log in met uw nieuwe wachtwoord.")))
    status = 400 if form.errors else 200
    return render_template("accounts/reset.html", form=form), status
