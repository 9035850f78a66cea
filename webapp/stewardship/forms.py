"""Forms for proposing, editing and suggesting, asking to join, reporting and moderating."""
from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError

from webapp.places.attributes import ATTRIBUTES, CATEGORIES, COSTS
from webapp.stewardship import services

ANSWERS = [SelectChoice("yes", _l("Ja")), SelectChoice("limited", _l("Deels")), SelectChoice("no", _l("Nee")),
           SelectChoice("unknown", _l("Weet ik niet"))]

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

# Text fields of a place (attributes come from ATTRIBUTES).
PLACE_TEXT_FIELDS = ("name", "category", "description", "address", "website", "phone", "opening_hours",
                     "house_rules", "cost")


def _opening_hours(form, field):
    error = services.opening_hours_error(field.data or "")
    if error:
        raise ValidationError(error)


def _number(field_name):
    limit = 90 if field_name == "lat" else 180

    def check(form, field):
        if field.data and field.data.strip():
            try:
                number = float(field.data.strip().replace(",", "."))
            except ValueError as exc:
                raise ValidationError(_l("Vul een getal in, bijvoorbeeld 52.37.")) from exc
            if not math.isfinite(number) or abs(number) > limit:
                raise ValidationError(_l("Dit getal ligt niet op de kaart."))
    return check


class PlaceForm(FlaskForm):
    name = StringField(_l("Naam van de plek"), validators=[
        InputRequired(_l("Vul de naam van de plek in.")), Length(max=160)])
    category = SelectField(_l("Soort plek"), choices=[SelectChoice("", _l("Kies een soort plek"))]
                           + [SelectChoice(value, label) for value, label in CATEGORIES.items()],
                           validators=[InputRequired(_l("Kies een soort plek."))])
    description = TextAreaField(_l("Wat kun je hier doen?"), validators=[Length(max=4000)])
    address = StringField(_l("Adres"), validators=[Length(max=200)])
    gemeente_code = SelectField(_l("Gemeente"), choices=[], validate_choice=False, default="")
    lat = StringField(_l("Breedtegraad"), validators=[_number("lat")])
    lon = StringField(_l("Lengtegraad"), validators=[_number("lon")])
    website = StringField(_l("Website"), validators=[Length(max=300)])
    phone = StringField(_l("Telefoonnummer"), validators=[Length(max=40)])
    opening_hours = StringField(_l("Openingstijden"), validators=[Length(max=500), _opening_hours])
    house_rules = TextAreaField(_l("Spelregels (huisregels)"), validators=[Length(max=4000)])
    cost = SelectField(_l("Kost het geld?"), default="", choices=[SelectChoice("", _l("Weet ik niet"))]
                       + [SelectChoice(value, label) for value, label in COSTS.items()])

    def attribute_fields(self, group: str):
        return [self[a.key] for a in ATTRIBUTES if a.group == group]

    def values(self) -> dict:
        """The editable place values from the form."""
        out = {name: (self[name].data or "").strip() for name in PLACE_TEXT_FIELDS}
        out["cost"] = out["cost"] or None
        for attribute in ATTRIBUTES:
            out[attribute.key] = self[attribute.key].data or "unknown"
        if out["toilets"] == "no":
            out["toilets_wheelchair"] = "no"
        return out

    def location(self) -> tuple[float, float] | None:
        """(lon, lat) when both are filled in."""
        lat, lon = (self.lat.data or "").strip(), (self.lon.data or "").strip()
        if not lat or not lon:
            return None
        try:
            return float(lon.replace(",", ".")), float(lat.replace(",", "."))
        except ValueError:
            return None


for _attribute in ATTRIBUTES:
    setattr(PlaceForm, _attribute.key,
            RadioField(_attribute.label, choices=ANSWERS, default="unknown", validators=[Optional()]))


class ProposeForm(PlaceForm):
    confirm_new = HiddenField()


class EditForm(PlaceForm):
    version = HiddenField()
    note = StringField(_l("Wat heeft u veranderd? (mag leeg blijven)"), validators=[Length(max=300)])


class SuggestPlaceForm(PlaceForm):
    note = TextAreaField(_l("Toelichting voor de beheerders (mag leeg blijven)"), validators=[Length(max=1000)])


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
