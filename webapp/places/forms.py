"""Forms for proposing, editing and suggesting a place (the place lifecycle's forms; webapp/places/services.py
has its rules). The place's suggestion form is registered with stewardship, which shows it."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from webapp.places.attributes import ATTRIBUTES, CATEGORIES, COSTS
from webapp.places.services import opening_hours_error
from webapp.stewardship.forms import register_suggest_form

ANSWERS = [SelectChoice("yes", _l("Ja")), SelectChoice("limited", _l("Deels")), SelectChoice("no", _l("Nee")),
           SelectChoice("unknown", _l("Weet ik niet"))]

# Text fields of a place (attributes come from ATTRIBUTES).
PLACE_TEXT_FIELDS = ("name", "category", "description", "address", "website", "phone", "opening_hours",
                     "house_rules", "cost")


def _opening_hours(form: Any, field: Any) -> None:
    error = opening_hours_error(field.data or "")
    if error:
        raise ValidationError(error)


def _number(field_name: str) -> Callable[[Any, Any], None]:
    limit = 90 if field_name == "lat" else 180

    def check(form: Any, field: Any) -> None:
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

    def attribute_fields(self, group: str) -> list[Any]:
        return [self[a.key] for a in ATTRIBUTES if a.group == group]

    def values(self) -> dict[str, Any]:
        """The editable place values from the form."""
        out: dict[str, Any] = {name: (self[name].data or "").strip() for name in PLACE_TEXT_FIELDS}
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
    # A point found from the address: what it was found as, and whether the proposer said it is right.
    point_label = HiddenField()
    point_confirmed = HiddenField()
    move_to = StringField(_l("Nee, de plek ligt bij"), validators=[Length(max=200)])


class EditForm(PlaceForm):
    version = HiddenField()
    note = StringField(_l("Wat heeft u veranderd? (mag leeg blijven)"), validators=[Length(max=300)])


class SuggestPlaceForm(PlaceForm):
    note = TextAreaField(_l("Toelichting voor de beheerders (mag leeg blijven)"), validators=[Length(max=1000)])


register_suggest_form("place", SuggestPlaceForm)


class _StepForm(FlaskForm):
    """One later step of proposing (accessibility, safety and house rules, opening hours): only its own
    fields; the proposal itself was saved in step 1."""

    version = HiddenField()
    STEP_FIELDS: tuple[str, ...] = ()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.STEP_FIELDS:
            out[name] = (self[name].data or "").strip()
        if "cost" in out:
            out["cost"] = out["cost"] or None
        for attribute in ATTRIBUTES:
            if attribute.key in out:
                out[attribute.key] = out[attribute.key] or "unknown"
        if out.get("toilets") == "no":
            out["toilets_wheelchair"] = "no"
        return out


def _step_form(name: str, fields: tuple[str, ...], base: type[_StepForm] = _StepForm) -> type[_StepForm]:
    members: dict[str, Any] = {"STEP_FIELDS": fields}
    for field_name in fields:
        members[field_name] = getattr(PlaceForm, field_name)
    if base is not _StepForm:  # the hours step: a start and end time per weekday
        for code, _label in WEEKDAYS:
            members[f"{code}_from"] = StringField(_l("Van"), validators=[Optional(), _TIME])
            members[f"{code}_to"] = StringField(_l("Tot"), validators=[Optional(), _TIME])
    return type(name, (base,), members)


WEEKDAYS = (("Mo", _l("maandag")), ("Tu", _l("dinsdag")), ("We", _l("woensdag")), ("Th", _l("donderdag")),
            ("Fr", _l("vrijdag")), ("Sa", _l("zaterdag")), ("Su", _l("zondag")))
_TIME = Regexp(r"^$|^([01]\d|2[0-3]):[0-5]\d$", message=_l("Vul een tijd in zoals 09:30."))


def hours_from_days(times: dict[str, tuple[str, str]]) -> str:
    """OSM opening_hours from a time per weekday: days in a row with the same times are joined
    ({"Mo": ("09:00", "17:00"), ..., "Fr": (...)} -> "Mo-Fr 09:00-17:00"). Days without both times are closed."""
    rules: list[str] = []
    run: list[str] = []
    order = [code for code, _label in WEEKDAYS]

    def flush() -> None:
        if run:
            days = run[0] if len(run) == 1 else (f"{run[0]},{run[1]}" if len(run) == 2 else f"{run[0]}-{run[-1]}")
            start, end = times[run[0]]
            rules.append(f"{days} {start}-{end}")

    for code in order:
        opening = times.get(code)
        if not opening or not opening[0] or not opening[1]:
            flush()
            run = []
            continue
        if run and times[run[-1]] != opening:
            flush()
            run = []
        run.append(code)
    flush()
    return "; ".join(rules)


class _HoursStep(_StepForm):
    """Step 4: a start and end time per weekday (works without JavaScript) or, for those who know it,
    the OpenStreetMap text itself; the result is checked by the hours parser."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not (self.opening_hours.data or "").strip():
            built = hours_from_days({code: ((self[f"{code}_from"].data or "").strip(),
                                            (self[f"{code}_to"].data or "").strip()) for code, _l2 in WEEKDAYS})
            error = opening_hours_error(built) if built else None
            if error:
                self.opening_hours.errors = [*self.opening_hours.errors, error]
                return False
            self.opening_hours.data = built
        return valid


ACCESS_KEYS = tuple(a.key for a in ATTRIBUTES if a.group == "access")
SAFETY_KEYS = tuple(a.key for a in ATTRIBUTES if a.group == "safety")

# The steps after the essentials: number -> (form class, heading). Each is optional and can be skipped.
PROPOSE_STEPS: dict[int, tuple[type[_StepForm], Any]] = {
    2: (_step_form("AccessStepForm", ACCESS_KEYS), _l("Toegankelijkheid")),
    3: (_step_form("SafetyStepForm", (*SAFETY_KEYS, "house_rules", "cost")), _l("Veiligheid en spelregels")),
    4: (_step_form("HoursStepForm", ("opening_hours", "website", "phone"), _HoursStep), _l("Openingstijden")),
}
LAST_STEP = max(PROPOSE_STEPS)
