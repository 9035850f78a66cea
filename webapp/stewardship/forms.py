"""Forms for proposing, editing and suggesting, asking to join, reporting and moderating."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from webapp.stewardship import services

REPORT_LABELS = {
    "access_barrier": _l("Iets is niet (meer) toegankelijk, bijvoorbeeld de oprit is weg"),
    "building_safety": _l("Het gebouw of de plek is niet veilig"),
    "people_safety": _l("Ik voel me niet veilig door mensen (alleen de moderatoren lezen dit)"),
    "wrong_info": _l("De informatie klopt niet"),
    "inappropriate": _l("Ongepaste tekst of foto"),
}
REPORT_SHORT = {
    "access_barrier": _l("Toegankelijkheid"),
    "building_safety": _l("Veiligheid van de plek"),
    "people_safety": _l("Veiligheid door mensen"),
    "wrong_info": _l("Verkeerde informatie"),
    "inappropriate": _l("Ongepast"),
}

class SuggestInitiativeForm(FlaskForm):
    title = StringField(_l("Naam"), validators=[InputRequired(_l("Vul een naam in.")), Length(max=160)])
    summary = StringField(_l("Korte samenvatting"), validators=[Length(max=300)])
    description = TextAreaField(_l("Beschrijving"), validators=[Length(max=8000)])
    note = TextAreaField(_l("Toelichting voor de beheerders (mag leeg blijven)"), validators=[Length(max=1000)])

    def values(self) -> dict:
        return {name: (self[name].data or "").strip() for name in ("title", "summary", "description")}


# The suggestion form of each subject type (the fields a resident may suggest): each subject domain registers
# its own when its forms are imported (webapp/places/forms.py); stewardship shows the one of the subject's type.
SUGGEST_FORMS: dict[str, type[FlaskForm]] = {"initiative": SuggestInitiativeForm}


def register_suggest_form(subject_type: str, form: type[FlaskForm]) -> None:
    SUGGEST_FORMS[subject_type] = form


class JoinForm(FlaskForm):
    motivation = TextAreaField(_l("Waarom wilt u mee beheren?"), validators=[
        InputRequired(_l("Schrijf kort waarom u mee wilt beheren.")), Length(max=1000)])


class ReportForm(FlaskForm):
    category = RadioField(_l("Wat is het probleem?"),
                          choices=[SelectChoice(value, label) for value, label in REPORT_LABELS.items()],
                          validators=[InputRequired(_l("Kies wat voor probleem het is."))])
    # Only for a barrier report: which attribute is wrong. Choices are the subject's reportable fields
    # (set by the route); the service checks the value again.
    attribute = SelectField(_l("Wat klopt er niet?"), choices=[], validate_choice=False,
                            validators=[Optional(), Length(max=32)])
    text = TextAreaField(_l("Beschrijf het probleem"), validators=[
        InputRequired(_l("Beschrijf het probleem in een paar woorden.")), Length(max=2000)])

    def set_attributes(self, fields: dict[str, str]) -> None:
        self.attribute.choices = [SelectChoice("", _l("Iets anders of weet ik niet"))] + [
            SelectChoice(key, label) for key, label in fields.items()]


class LeaveForm(FlaskForm):
    successor_email = EmailField(_l("E-mailadres van wie het overneemt"), validators=[
        Optional(), Length(max=254, message=_l("Dit e-mailadres is te lang."))])
    # validate_choice=False: AnyOf says what is wrong in plain Dutch (an empty choice is fine: not the last owner).
    handover = RadioField(_l("Wie beheert het na u?"), choices=[
        SelectChoice("successor", _l("Iemand anders neemt het over")),
        SelectChoice("moderators", _l("Geef het aan de moderatoren"))], validate_choice=False,
        validators=[Optional(), AnyOf(("successor", "moderators"),
                                      message=_l("Kies wie het na u beheert: iemand anders of de moderatoren."))])


# Reasons and answers that a moderator or co-owner writes to a resident (mailed and shown; text columns).
MAX_REASON = services.MAX_REASON


def _reason_field(label, required_message):
    return TextAreaField(label, validators=[
        InputRequired(required_message),
        Length(max=MAX_REASON, message=_l("Dit is te lang: hoogstens %(n)s tekens.", n=MAX_REASON))])


class RejectForm(FlaskForm):
    reason = _reason_field(_l("Reden om niet te plaatsen (de bewoner ziet dit)"),
                           _l("Schrijf de reden op. De bewoner ziet die reden."))


class HiddenDecisionForm(FlaskForm):
    reason = _reason_field(_l("Uw besluit, kort uitgelegd (beheerders en melders lezen dit)"),
                           _l("Schrijf kort uw besluit op. De beheerders en melders krijgen dit te lezen."))


class CloseReportForm(FlaskForm):
    answer = _reason_field(_l("Uw antwoord aan de melder"),
                           _l("Schrijf een kort antwoord. De melder krijgt dit te lezen."))


class AddOwnerForm(FlaskForm):
    email = EmailField(_l("E-mailadres van de nieuwe mede-beheerder"), validators=[
        InputRequired(_l("Vul een e-mailadres in.")), Length(max=254)])
