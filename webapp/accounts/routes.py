"""Thin controllers: parse the form, call the service, render or redirect."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from webapp.accounts import services
from webapp.accounts.forms import LoginForm, RegisterForm
from webapp.extensions import db


def safe_next(default_endpoint: str = "core.home") -> str:
    target = request.values.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for(default_endpoint)


def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if form.validate_on_submit():
        user = services.find_by_email(form.email.data)
        if user is not None and services.check_password(user, form.password.data):
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(_("U bent ingelogd."), "success")
            return redirect(safe_next())
        form.password.errors.append(_("Het e-mailadres of wachtwoord klopt niet."))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


def logout():
    logout_user()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("core.home"))


def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(form.email.data, form.password.data, form.display_name.data)
        except services.AccountError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welkom bij Buurtplek!"), "success")
            return redirect(safe_next())
    status = 400 if form.errors else 200
    return render_template("accounts/register.html", form=form), status
