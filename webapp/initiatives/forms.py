"""Forms of the initiatives pages. Labels and messages are plain Dutch msgids."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.i18n import local_today
from webapp.initiatives.models import STATUSES
from webapp.initiatives.vocab import (
    FREQUENCY_LABELS,
    LANGUAGES,
    MONTH_WEEK_LABELS,
    PARTICIPATION_LABELS,
    STATUS_LABELS,
    THEME_LABELS,
)
from webapp.places.attributes import AUDIENCES, COSTS

FIRST_YEAR = 2000          # activities before this year are typing errors (year 1, 0202...)
YEARS_AHEAD = 5            # and so are activities that start or end further ahead than this


class PlausibleDate:
    """A date from FIRST_YEAR up to YEARS_AHEAD years from today (year 1 or 9999 would overflow later)."""

    def __call__(self, form, field):
        if field.data is None:
            return
        last = local_today() + timedelta(days=365 * YEARS_AHEAD)
        if not date(FIRST_YEAR, 1, 1) <= field.data <= last:
            raise ValidationError(_l("Kies een datum tussen 1 januari %(first)s en %(last)s.", first=FIRST_YEAR,
                                     last=last.strftime("%d-%m-%Y")))


def _options(labels: Mapping[Any, Any]) -> list[SelectChoice]:
    """{value: label} as the options of a select, radio or checkbox list, in order."""
    return [SelectChoice(value, label) for value, label in labels.items()]


def _choice_value(choice: SelectChoice | tuple | str) -> Any:
    """The submitted value of one choice, however it was given (routes may still set (value, label) pairs)."""
    if isinstance(choice, SelectChoice):
        return choice.value
    return choice if isinstance(choice, str) else choice[0]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (forms.html renders it as a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """Every value must be one of the choices (no choices: no value is valid): a form error, not a 500."""
        allowed = {_choice_value(choice) for choice in self.choices or []}
        for value in self.data or []:
            if value not in allowed:
                raise ValidationError(_l("Deze keuze kennen we niet: %(value)s. Kies uit de lijst.",
                                         value=str(value)[:40]))


class Finite:
    """Stops at NaN and infinity (Decimal('NaN') < 50 raises instead of saying False)."""

    def __call__(self, form, field):
        if field.data is not None and not field.data.is_finite():
            field.errors[:] = []
            raise StopValidation(_l("Vul een getal in, zoals 52.37."))


class InitiativeForm(FlaskForm):
    title = StringField(_l("Naam van het initiatief"), validators=[DataRequired(_l("Geef het initiatief een naam.")),
                                                                  Length(max=160)])
    summary = StringField(_l("In één zin: wat doet u?"), validators=[DataRequired(_l("Schrijf in één zin wat u doet.")),
                                                                   Length(max=300)])
    description = TextAreaField(_l("Meer uitleg (mag leeg blijven)"), validators=[Optional(), Length(max=5000)])
    themes = MultiCheckboxField(_l("Thema's"), choices=_options(THEME_LABELS))
    audience = MultiCheckboxField(_l("Voor wie?"), choices=_options(AUDIENCES))
    languages = MultiCheckboxField(_l("In welke talen?"), choices=_options(LANGUAGES))
    cost = RadioField(_l("Wat kost het?"), choices=_options(COSTS), validators=[Optional()])
    cost_note = StringField(_l("Uitleg over de kosten (mag leeg blijven)"), validators=[Optional(), Length(max=160)])
    status = RadioField(_l("Hoe staat het ervoor?"), choices=[SelectChoice(s, STATUS_LABELS[s]) for s in STATUSES],
                        default="active", validators=[InputRequired(_l("Kies hoe het ervoor staat."))])
    volunteer_roles = TextAreaField(_l("Open taken voor vrijwilligers (één per regel, mag leeg blijven)"),
                                    validators=[Optional(), Length(max=2000)])
    place_ids = MultiCheckboxField(_l("Plekken op Buurtplek"), coerce=int, choices=[])
    place_query = StringField(_l("Zoek een plek op naam of adres"), validators=[Optional(), Length(max=100)])
    location_name = StringField(_l("Of: een eigen plek buiten (beschrijving)"),
                                validators=[Optional(), Length(max=160)])
    location_place = StringField(_l("Waar is de eigen plek? Adres met postcode, postcode of plaats"),
                                 validators=[Optional(), Length(max=200)])
    # The point itself: hidden inputs that the map, "Gebruik mijn locatie" or location_place fill in.
    lat = DecimalField(_l("Breedtegraad (bijvoorbeeld 52.37)"), places=None,
                       validators=[Optional(), Finite(), NumberRange(min=50.6, max=53.7,
                                                           message=_l("Deze plek ligt niet in Nederland."))])
    lon = DecimalField(_l("Lengtegraad (bijvoorbeeld 4.89)"), places=None,
                       validators=[Optional(), Finite(), NumberRange(min=3.2, max=7.3,
                                                           message=_l("Deze plek ligt niet in Nederland."))])
    version = HiddenField()

    def roles_list(self) -> list[str]:
        return [line.strip() for line in (self.volunteer_roles.data or "").splitlines() if line.strip()]

    def point_errors_on_place_field(self) -> None:
        """The point is not a visible field: show its errors at the field residents type the place in."""
        moved = [*self.lat.errors, *self.lon.errors]
        if moved:
            self.location_place.errors = [*self.location_place.errors, *moved]
            self.lat.errors, self.lon.errors = [], []

    def own_location(self):
        if self.lat.data is None or self.lon.data is None:
            return None
        return float(self.lon.data), float(self.lat.data)


class ActivityForm(FlaskForm):
    title = StringField(_l("Naam van de activiteit"), validators=[DataRequired(_l("Geef de activiteit een naam.")),
                                                                 Length(max=160)])
    place_id = SelectField(_l("Waar?"), coerce=int, choices=[])
    starts_on = DateField(_l("Datum (de eerste keer)"), validators=[InputRequired(_l("Vul de datum in.")),
                                                                    PlausibleDate()])
    start_time = TimeField(_l("Begintijd"), validators=[InputRequired(_l("Vul de begintijd in."))])
    end_time = TimeField(_l("Eindtijd"), validators=[InputRequired(_l("Vul de eindtijd in."))])
    frequency = RadioField(_l("Hoe vaak?"), choices=_options(FREQUENCY_LABELS), default="once",
                           validators=[InputRequired(_l("Kies hoe vaak het is."))])
    month_week = SelectField(_l("Bij elke maand: welke week?"), coerce=int,
                             choices=[SelectChoice(0, _l("Zoals de eerste datum")), *_options(MONTH_WEEK_LABELS)],
                             default=0)
    ends_on = DateField(_l("Laatste datum (mag leeg blijven)"), validators=[Optional(), PlausibleDate()])


class CancelForm(FlaskForm):
    on_date = SelectField(_l("Welke datum gaat niet door?"), choices=[],
                          validators=[DataRequired(_l("Kies een datum."))])
    reason = StringField(_l("Waarom? (mag leeg blijven)"), validators=[Optional(), Length(max=200)])


class ParticipateForm(FlaskForm):
    kind = RadioField(_l("Wat wilt u?"), choices=_options(PARTICIPATION_LABELS), default="join",
                      validators=[InputRequired(_l("Kies of u wilt meedoen of wilt helpen."))])
    role = SelectField(_l("Welke taak? (als u wilt helpen)"), choices=[], validators=[Optional()])
    message = TextAreaField(_l("Bericht aan de organisatoren (mag leeg blijven)"),
                            validators=[Optional(), Length(max=1000)])


class ContactForm(FlaskForm):
    message = TextAreaField(_l("Uw bericht"), validators=[DataRequired(_l("Schrijf uw bericht.")),
                                                         Length(min=5, max=2000)])
    share_email = BooleanField(_l("Stuur mijn e-mailadres mee, zodat ze mij kunnen antwoorden"), default=True)


class SimpleForm(FlaskForm):
    """A form with only the CSRF token (for one-button actions)."""
