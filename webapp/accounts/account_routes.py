"""Thin controllers for the account page: name and language, password, email address (and undoing a
change of it), where I am logged in, my data, deleting the account."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import after_this_request, current_app, flash, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from webapp.accounts import services
from webapp.accounts.export import export_user_data
from webapp.accounts.forms import ChangeEmailForm, ChangePasswordForm, DeleteAccountForm, ProfileForm
from webapp.accounts.models import User
from webapp.accounts.routes import RESET_LIMIT_IP, confirm_by_token
from webapp.accounts.web import add_error, logged_out_to, no_store, renew_browser_session, token_invalid, user_agent
from webapp.domain_errors import DomainError
from webapp.extensions import limiter
from webapp.i18n import LANG_COOKIE
from webapp.transactions import commit_or_show


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


def _account_page(profile_form: FlaskForm | None = None, password_form: FlaskForm | None = None,
                  email_form: FlaskForm | None = None, status: int = 200) -> ResponseReturnValue:
    user = _me()
    if profile_form is None:
        profile_form = ProfileForm(formdata=None, prefix="profile", display_name=user.display_name,
                                   preferred_locale=user.preferred_locale or "")
    password_form = password_form or ChangePasswordForm(formdata=None, prefix="pw")
    email_form = email_form or ChangeEmailForm(formdata=None, prefix="em")
    return render_template("accounts/account.html", user=user, profile_form=profile_form,
                           password_form=password_form, email_form=email_form,
                           sessions=services.list_sessions(user),
                           this_session=user.current_session), status


def _account_page_with(name: str, form: FlaskForm, default: str,
                       rename: dict[str, str] | None = None) -> Callable[[DomainError], ResponseReturnValue]:
    """For `show_again`: the account page with the service's message at its field of `form`."""
    def show(exc: DomainError) -> ResponseReturnValue:
        add_error(form, exc, default, rename)
        return _account_page(**{name: form}, status=400)
    return show


@login_required
@no_store
def account() -> ResponseReturnValue:
    return _account_page()


def _remember_language(_result: Any) -> str:
    """After the profile is saved: the pages follow the chosen language too (a cookie)."""
    locale = _me().preferred_locale
    if locale:
        @after_this_request
        def set_cookie(response: Response) -> Response:
            response.set_cookie(LANG_COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                                secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
            return response
    return url_for("accounts.account")


@login_required
@no_store
def update_profile() -> ResponseReturnValue:
    form = ProfileForm(prefix="profile")
    if form.validate_on_submit():
        return commit_or_show(
            lambda: services.update_profile(_me(), form.display_name.data, form.preferred_locale.data or None),
            success=_("Uw gegevens zijn opgeslagen."), then=_remember_language,
            show_again=_account_page_with("profile_form", form, "display_name"))
    return _account_page(profile_form=form, status=400)


@login_required
@no_store
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        user = _me()
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies

        def change() -> None:
            services.change_password(user, form.current_password.data, form.new_password.data)
            services.start_session(user, user_agent())  # every session ended: this browser gets a new one

        def logged_in_again(_result: Any) -> str:
            renew_browser_session(user, remember=remembered)
            flash(_("Uw wachtwoord is veranderd. Op andere apparaten moet u opnieuw inloggen."), "success")
            return url_for("accounts.account")

        return commit_or_show(change, then=logged_in_again, show_again=_account_page_with(
            "password_form", form, "new_password", rename={"password": "new_password"}))
    return _account_page(password_form=form, status=400)


@login_required
@no_store
@limiter.limit(RESET_LIMIT_IP, methods=["POST"])
def change_email() -> ResponseReturnValue:
    form = ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        return commit_or_show(
            lambda: services.request_email_change(_me(), form.new_email.data, form.password.data),
            success=_("We hebben een mail gestuurd naar %(email)s. Klik op de link in die mail. "
                      "Tot dan blijft uw oude adres gelden.", email=form.new_email.data.strip()),
            then=url_for("accounts.account"),
            show_again=_account_page_with("email_form", form, "new_email", rename={"email": "new_email"}))
    return _account_page(email_form=form, status=400)


@no_store
def confirm_email_change(token: str) -> ResponseReturnValue:
    return confirm_by_token(services.confirm_email_change, token, "email", _("Uw nieuwe e-mailadres is bevestigd."))


@no_store
def undo_email_change(token: str) -> ResponseReturnValue:
    try:
        services.user_for_email_undo(token)
    except services.TokenError as exc:
        return token_invalid(exc, "email")
    if request.method == "POST":
        return commit_or_show(
            lambda: services.undo_email_change(token), show_again=lambda exc: token_invalid(exc, "email"),
            then=logged_out_to("accounts.forgot_password",
                               _("Uw account heeft zijn oude e-mailadres terug. Kies nu een nieuw wachtwoord.")))
    return render_template("accounts/undo_email.html")


@login_required
@no_store
def download_data() -> ResponseReturnValue:
    data = export_user_data(_me())
    response = make_response(json.dumps(data, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="buurtplek-mijn-gegevens.json"'
    return response


@login_required
@no_store
def delete_account() -> ResponseReturnValue:
    form = DeleteAccountForm()

    def show_again(exc: DomainError) -> ResponseReturnValue:
        form.password.errors = [*form.password.errors, exc.message]
        return render_template("accounts/delete.html", form=form), 400

    if form.validate_on_submit():
        return commit_or_show(lambda: services.delete_account(_me(), form.password.data), show_again=show_again,
                              then=logged_out_to("core.home", _(
                                  "Uw account is verwijderd. Wat u heeft bijgedragen, blijft staan onder de naam "
                                  "‘Oud-bewoner’.")))
    status = 400 if form.errors else 200
    return render_template("accounts/delete.html", form=form), status
