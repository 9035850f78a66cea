from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

INVALID_EMAIL = _l("Dit is geen geldig e-mailadres. Een e-mailadres ziet eruit als naam@voorbeeld.nl.")
_ROUGH_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# Reserved for examples and tests (RFC 2606): never real, but our demo and test accounts use them.
_RESERVED_TLDS = (".example", ".test")


class EmailAddress:
    """A real, deliverable-looking address (email-validator, no DNS lookup). In development and tests
    the reserved .example and .test domains of the demo and test accounts are allowed as well."""

    def __init__(self, message=INVALID_EMAIL):
        self.message = message

    def __call__(self, form, field):
        value = (field.data or "").strip()
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as invalid:
            lenient = current_app.config.get("TESTING") or current_app.config.get("DEV_MODE")
            if not (lenient and _ROUGH_EMAIL.match(value) and value.lower().endswith(_RESERVED_TLDS)):
                raise ValidationError(self.message) from invalid


class RoughEmail:
    """Looks like an address at all: enough for logging in and asking for a reset link."""

    def __call__(self, form, field):
        if not _ROUGH_EMAIL.match((field.data or "").strip()):
            raise ValidationError(INVALID_EMAIL)


def _email_field(label=None, autocomplete="email", strict=False):
    return EmailField(label or _l("E-mailadres"),
                      validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                                  EmailAddress() if strict else RoughEmail(),
                                  Length(max=254)],
                      render_kw={"autocomplete": autocomplete, "spellcheck": "false", "autocapitalize": "none"})


def _new_password_field(label=None):
    return PasswordField(label or _l("Wachtwoord"), validators=[
        DataRequired(_l("Kies een wachtwoord.")),
        Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
               message=_l("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"})


def _current_password_field(label=None):
    return PasswordField(label or _l("Wachtwoord"),
                         validators=[DataRequired(_l("Vul uw wachtwoord in."))],
                         render_kw={"autocomplete": "current-password"})


def _display_name_field():
    return StringField(_l("Uw naam (zo zien anderen u)"),
                       validators=[DataRequired(_l("Vul een naam in.")),
                                   Length(min=2, max=80, message=_l("Kies een naam van 2 tot 80 tekens."))],
                       render_kw={"autocomplete": "nickname"})


class LoginForm(FlaskForm):
    email = _email_field()
    password = _current_password_field()
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class RegisterForm(FlaskForm):
    display_name = _display_name_field()
    email = _email_field(strict=True)
    password = _new_password_field()


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("Nieuw wachtwoord"))


class ChangePasswordForm(FlaskForm):
    current_password = _current_password_field(_l("Huidig wachtwoord"))
    new_password = _new_password_field(_l("Nieuw wachtwoord"))


class ChangeEmailForm(FlaskForm):
    new_email = _email_field(_l("Nieuw e-mailadres"), strict=True)
    password = _current_password_field(_l("Uw wachtwoord"))


LOCALE_CHOICES = [SelectChoice("", _l("Zoals mijn browser")), SelectChoice("nl", "Nederlands"),
                  SelectChoice("en", "English")]


class ProfileForm(FlaskForm):
    display_name = _display_name_field()
    preferred_locale = SelectField(_l("Taal van de mails die wij u sturen"), choices=LOCALE_CHOICES,
                                   validate_choice=True)


class DeleteAccountForm(FlaskForm):
    password = _current_password_field(_l("Uw wachtwoord"))
    understood = BooleanField(_l("Ik begrijp dat dit niet terug te draaien is."),
                              validators=[DataRequired(_l("Zet een vinkje om te laten zien dat u dit begrijpt."))])


class GrantRoleForm(FlaskForm):
    email = _email_field(_l("E-mailadres van de persoon"), autocomplete="off")
    role = SelectField(_l("Rol"), choices=[SelectChoice("moderator", _l("Moderator")),
                                            SelectChoice("staff", _l("Medewerker gemeente"))],
                       validators=[DataRequired(_l("Kies een rol."))])
    gemeente = SelectField(_l("Gemeente"), choices=[], validators=[DataRequired(_l("Kies een gemeente."))],
                           validate_choice=True)
