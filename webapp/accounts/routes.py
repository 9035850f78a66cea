"""Thin controllers: parse the form, call the service, render or redirect."""
from __future__ import annotations

import hashlib
import json
from functools import wraps

from flask import (abort, current_app, flash, g, make_response, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import get_locale
from flask_login import current_user, login_required, login_user, logout_user

from webapp.accounts import services
from webapp.accounts.export import export_user_data
from webapp.accounts.forms import (ChangeEmailForm, ChangePasswordForm, DeleteAccountForm, ForgotPasswordForm, GrantRoleForm,
                                   LoginForm, ProfileForm, RegisterForm, ResetPasswordForm)
from webapp.accounts.models import Role
from webapp.accounts.permissions import is_admin
from webapp.extensions import db, limiter
from webapp.i18n import LANG_COOKIE
from webapp.redirects import safe_next_url

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


def _failed(response) -> bool:
    """Only failed logins (the form shown again) count towards the per-address limit."""
    return response.status_code != 302


def _add_error(form, exc: Exception, default: str, rename: dict | None = None) -> None:
    """Show a service's AccountError at the field it is about (or `default`)."""
    name = getattr(exc, "field", None) or default
    name = (rename or {}).get(name, name)
    field = form[name] if name in form else form[default]
    field.errors = [*field.errors, str(exc)]


def safe_next(default_endpoint: str = "core.home") -> str:
    return safe_next_url(request.values.get("next"), url_for(default_endpoint))


def _log_in(user, remember: bool) -> None:
    """Start a new session for `user` in this browser. Nothing of the session from before the login is
    kept (no session fixation), the CSRF token included: a token someone saw before the login is useless."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF keeps the token of this request in g as well
    services.start_session(user, request.headers.get("User-Agent", ""))
    db.session.commit()
    login_user(user, remember=remember)


def _log_out() -> None:
    """Forget the login in this browser (the server-side session must be ended by the caller)."""
    session.clear()
    g.pop("csrf_token", None)
    logout_user()


def no_store(view):
    """Pages with personal data or tokens: never cached, never sent on as referrer."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    return wrapper


# --- login, logout, registration -------------------------------------------------------------------

@limiter.limit(LOGIN_LIMIT_IP, methods=["POST"])
@limiter.limit(LOGIN_LIMIT_ACCOUNT_CLIENT, key_func=_email_client_key, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        db.session.commit()  # a re-sent confirmation mail is kept
        if result.ok:
            _log_in(result.user, remember=form.remember.data)
            flash(_("U bent ingelogd."), "success")
            return redirect(safe_next())
        if result.error == "unconfirmed":
            form.email.errors.append(_(
                "Bevestig eerst uw e-mailadres. We hebben u opnieuw een mail gestuurd met een link."))
        else:
            form.password.errors.append(_("Het e-mailadres of wachtwoord klopt niet."))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


def logout():
    if current_user.is_authenticated:
        services.end_session(current_user, current_user.session_token)
        db.session.commit()
    _log_out()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("core.home"))


@login_required
def logout_everywhere():
    """End every session of this account: this browser, other devices and remember-me cookies."""
    services.end_all_sessions(current_user._get_current_object())
    db.session.commit()
    _log_out()
    flash(_("U bent overal uitgelogd, ook op andere apparaten."), "success")
    return redirect(url_for("accounts.login"))


@limiter.limit(REGISTER_LIMIT_IP, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(form.email.data, form.password.data, form.display_name.data,
                              locale=str(get_locale() or "nl"))
        except services.AccountError as exc:
            db.session.rollback()
            _add_error(form, exc, "email")
        else:
            db.session.commit()
            # The same page whether the address was new or known: nobody learns who has an account.
            return render_template("accounts/register_sent.html", email=form.email.data.strip())
    status = 400 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


def _confirm_by_token(confirm, token: str, purpose: str, success: str):
    """Use a link from a mail: an invalid or expired one gets a page that says so (400)."""
    try:
        confirm(token)
    except services.TokenError as exc:
        db.session.rollback()
        return render_template("accounts/token_invalid.html", message=str(exc), purpose=purpose,
                               expired=exc.expired), 400
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))


@no_store
def confirm_email(token: str):
    return _confirm_by_token(services.confirm_email, token, "confirm",
                             _("Uw e-mailadres is bevestigd. U kunt nu inloggen."))


# --- password reset --------------------------------------------------------------------------------

@limiter.limit(RESET_LIMIT_IP, methods=["POST"])
@limiter.limit(RESET_LIMIT_EMAIL, key_func=_email_key, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/forgot_sent.html", email=form.email.data.strip())
    status = 400 if form.errors else 200
    return render_template("accounts/forgot.html", form=form), status


@no_store
@limiter.limit(RESET_LIMIT_IP, methods=["POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except services.TokenError as exc:
        return render_template("accounts/token_invalid.html", message=str(exc), purpose="reset",
                               expired=exc.expired), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.TokenError as exc:
            db.session.rollback()
            return render_template("accounts/token_invalid.html", message=str(exc), purpose="reset",
                                   expired=exc.expired), 400
        except services.AccountError as exc:
            db.session.rollback()
            _add_error(form, exc, "password")
        else:
            db.session.commit()
            _log_out()
            flash(_("Uw wachtwoord is veranderd. Log in met uw nieuwe wachtwoord."), "success")
            return redirect(url_for("accounts.login"))
    status = 400 if form.errors else 200
    return render_template("accounts/reset.html", form=form), status


# --- the account page ------------------------------------------------------------------------------

def _account_page(profile_form=None, password_form=None, email_form=None, status=200):
    user = current_user._get_current_object()
    if profile_form is None:
        profile_form = ProfileForm(formdata=None, prefix="profile", display_name=user.display_name,
                                   preferred_locale=user.preferred_locale or "")
    password_form = password_form or ChangePasswordForm(formdata=None, prefix="pw")
    email_form = email_form or ChangeEmailForm(formdata=None, prefix="em")
    return render_template("accounts/account.html", user=user, profile_form=profile_form,
                           password_form=password_form, email_form=email_form,
                           sessions=services.list_sessions(user),
                           this_session=user.current_session), status


@login_required
@no_store
def account():
    return _account_page()


@login_required
@no_store
def update_profile():
    form = ProfileForm(prefix="profile")
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, form.display_name.data, form.preferred_locale.data or None)
        except services.AccountError as exc:
            db.session.rollback()
            _add_error(form, exc, "display_name")
        else:
            db.session.commit()
            flash(_("Uw gegevens zijn opgeslagen."), "success")
            response = redirect(url_for("accounts.account"))
            if current_user.preferred_locale:  # the pages follow the chosen language too
                response.set_cookie(LANG_COOKIE, current_user.preferred_locale, max_age=365 * 24 * 3600,
                                    samesite="Lax", httponly=True,
                                    secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
            return response
    return _account_page(profile_form=form, status=400)


@login_required
@no_store
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.AccountError as exc:
            db.session.rollback()
            _add_error(form, exc, "new_password", rename={"password": "new_password"})
        else:
            db.session.commit()
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            _log_in(user, remember=remembered)  # every session ended: this browser gets a new one
            flash(_("Uw wachtwoord is veranderd. Op andere apparaten moet u opnieuw inloggen."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form, status=400)


@login_required
@no_store
@limiter.limit(RESET_LIMIT_IP, methods=["POST"])
def change_email():
    form = ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user._get_current_object(), form.new_email.data,
                                          form.password.data)
        except services.AccountError as exc:
            db.session.rollback()
            _add_error(form, exc, "new_email", rename={"email": "new_email"})
        else:
            db.session.commit()
            flash(_("We hebben een mail gestuurd naar %(email)s. Klik op de link in die mail. "
                    "Tot dan blijft uw oude adres gelden.", email=form.new_email.data.strip()), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(email_form=form, status=400)


@no_store
def confirm_email_change(token: str):
    return _confirm_by_token(services.confirm_email_change, token, "email", _("Uw nieuwe e-mailadres is bevestigd."))


@no_store
def undo_email_change(token: str):
    try:
        services.user_for_email_undo(token)
    except services.TokenError as exc:
        return render_template("accounts/token_invalid.html", message=str(exc), purpose="email",
                               expired=exc.expired), 400
    if request.method == "POST":
        try:
            services.undo_email_change(token)
        except services.TokenError as exc:
            db.session.rollback()
            return render_template("accounts/token_invalid.html", message=str(exc), purpose="email",
                                   expired=exc.expired), 400
        db.session.commit()
        _log_out()
        flash(_("Uw account heeft zijn oude e-mailadres terug. Kies nu een nieuw wachtwoord."), "success")
        return redirect(url_for("accounts.forgot_password"))
    return render_template("accounts/undo_email.html")


@login_required
@no_store
def download_data():
    data = export_user_data(current_user._get_current_object())
    response = make_response(json.dumps(data, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="buurtplek-mijn-gegevens.json"'
    return response


@login_required
@no_store
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user._get_current_object(), form.password.data)
        except services.AccountError as exc:
            db.session.rollback()
            form.password.errors = [*form.password.errors, str(exc)]
        else:
            db.session.commit()
            _log_out()
            flash(_("Uw account is verwijderd. Wat u heeft bijgedragen, blijft staan onder de naam "
                    "‘Oud-bewoner’."), "success")
            return redirect(url_for("core.home"))
    status = 400 if form.errors else 200
    return render_template("accounts/delete.html", form=form), status


# --- roles (admin) ---------------------------------------------------------------------------------

def _admin_only() -> None:
    if not is_admin(current_user):
        abort(403)


def _grant_form(formdata=True) -> GrantRoleForm:
    from webapp.areas.services import list_gemeenten

    form = GrantRoleForm() if formdata else GrantRoleForm(formdata=None)
    form.gemeente.choices = [("", _("Kies een gemeente"))] + [(code, name) for code, name in list_gemeenten()]
    return form


def _roles_page(form, status=200):
    gemeente = request.args.get("gemeente", "").strip() or None
    grants = services.list_grants(gemeente)
    return render_template("accounts/roles.html", form=form, grants=grants, gemeente=gemeente,
                           grantable={r.value for r in services.ADMIN_GRANTABLE_ROLES}), status


@login_required
@no_store
def roles():
    _admin_only()
    return _roles_page(_grant_form(formdata=False))


@login_required
def grant_role():
    _admin_only()
    form = _grant_form()
    if form.validate_on_submit():
        try:
            grant = services.admin_grant(current_user, form.email.data, Role(form.role.data), form.gemeente.data)
        except services.PermissionDenied:
            db.session.rollback()
            abort(403)
        except services.AccountError as exc:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("%(name)s is nu %(role)s in %(gemeente)s.", name=grant.user.display_name,
                    role=role_label(grant.role), gemeente=grant.gemeente_code), "success")
            return redirect(url_for("accounts.roles"))
    return _roles_page(form, status=400)


@login_required
def revoke_role(grant_id: int):
    _admin_only()
    try:
        revoked = services.admin_revoke(current_user, grant_id)
    except services.PermissionDenied:
        db.session.rollback()
        abort(403)
    except services.AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("accounts.roles"))
    db.session.commit()
    flash(_("De rol %(role)s in %(gemeente)s is afgenomen van %(name)s.", role=role_label(revoked["role"]),
            gemeente=revoked["gemeente"], name=revoked["name"]), "success")
    return redirect(url_for("accounts.roles"))


def role_label(role: str) -> str:
    return {
        "admin": _("beheerder"),
        "moderator": _("moderator"),
        "staff": _("medewerker gemeente"),
        "helper": _("helper"),
        "resident": _("bewoner"),
    }.get(role, role)
