from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from webapp.accounts.services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                                                       Email(_l("Dit is geen geldig e-mailadres."))])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in."))])
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class RegisterForm(FlaskForm):
    display_name = StringField(_l("Uw naam (zo zien anderen u)"),
                               validators=[DataRequired(_l("Vul een naam in.")), Length(max=80)])
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                                                       Email(_l("Dit is geen geldig e-mailadres.")),
                                                       Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[
        DataRequired(_l("Kies een wachtwoord.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200,
               message=_l("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH))])
