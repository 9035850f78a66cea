"""Forms for rounds, applications and decisions. Euro amounts are typed as text and parsed exactly."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from webapp.grants import models as m
from webapp.grants.money import MoneyError, euros_input, parse_euros
from webapp.initiatives.forms import (
    MultiCheckboxField,
    PlausibleDate,  # from 1 January 2000 up to five years from today
)

MONEY_KW = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}


class EuroField(StringField):
    """A text field for euros: `.cents` holds the exact amount (int) or None when empty."""

    def __init__(self, *args, required_message=None, **kwargs):
        kwargs.setdefault("render_kw", dict(MONEY_KW))
        super().__init__(*args, **kwargs)
        self.cents: int | None = None
        self._parse_error: str | None = None
        self.required_message = required_message

    def process_data(self, value):
        self.cents = value if isinstance(value, int) else None
        self.data = euros_input(value) if isinstance(value, int) else (value or "")

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.cents, self._parse_error = None, None
        try:
            self.cents = parse_euros(self.data)
        except MoneyError as exc:
            self._parse_error = str(exc)

    def pre_validate(self, form):
        if self._parse_error:
            raise StopValidation(self._parse_error)
        if self.required_message and self.cents is None:
            raise StopValidation(str(self.required_message))


class CheckboxField(BooleanField):
    """A checkbox that is on (the value the page sends, or "on"/"1"/"true") or off (not sent). Any other
    value is a form error, not silently "on" as WTForms' BooleanField would have it."""

    ON_VALUES = ("y", "on", "1", "true")
    false_values = ("", "false", "n", "off", "0")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "BooleanField"  # drawn as a checkbox by the form macros (templates/forms.html)

    def process_formdata(self, valuelist):
        self.raw_value = valuelist[0] if valuelist else None
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        raw = getattr(self, "raw_value", None)
        if raw is not None and raw not in self.ON_VALUES + self.false_values:
            self.data = False
            raise StopValidation(str(_l("Zet het vinkje aan of uit. Een andere waarde kennen we niet.")))


def _int_field(label, default=None, minimum=0, maximum=None, message=None, required=True):
    validators = [InputRequired(_l("Vul een getal in.")) if required else Optional(),
                  NumberRange(min=minimum, max=maximum, message=message or _l("Vul een geldig getal in."))]
    return IntegerField(label, default=default, validators=validators,
                        render_kw={"inputmode": "numeric"})


class RoundForm(FlaskForm):
    name = StringField(_l("Naam van de regeling"), validators=[DataRequired(_l("Geef de regeling een naam.")),
                                                              Length(max=160)])
    criteria = TextAreaField(_l("Voorwaarden, in gewone woorden"), validators=[Length(max=4000)])
    opens_on = DateField(_l("Open vanaf"), validators=[InputRequired(_l("Vul een datum in.")), PlausibleDate()])
    closes_on = DateField(_l("Open tot en met"), validators=[InputRequired(_l("Vul een datum in.")), PlausibleDate()])
    budget_cents = EuroField(_l("Totaal budget (euro)"), required_message=_l("Vul het budget in."))
    max_amount_cents = EuroField(_l("Hoogste bedrag per aanvraag (euro)"), default=m.DEFAULT_MAX_CENTS,
                                 required_message=_l("Vul het hoogste bedrag in."))
    four_eyes_cents = EuroField(_l("Twee medewerkers beslissen boven (euro)"), default=m.DEFAULT_FOUR_EYES_CENTS,
                                required_message=_l("Vul een bedrag in."))
    quick_lane_cents = EuroField(_l("Snelle route tot en met (euro)"), default=m.DEFAULT_QUICK_LANE_CENTS,
                                 required_message=_l("Vul een bedrag in (0 zet de snelle route uit)."))
    answer_days = _int_field(_l("Antwoord binnen (dagen)"), m.DEFAULT_ANSWER_DAYS, 1, 365,
                             _l("Kies 1 tot 365 dagen."))
    own_contribution_percent = _int_field(_l("Eigen bijdrage nodig (procent van het bedrag)"), 0, 0, 100,
                                          _l("Kies een percentage van 0 tot 100."))
    min_supporters = _int_field(_l("Minimaal aantal buren dat steunt"), 0, 0, 10000)
    ask_supporters = CheckboxField(_l("Vraag hoeveel buren het plan steunen"), default=True)
    district_id = SelectField(_l("Gebied"), coerce=int, default=0)
    priority_buurten = MultiCheckboxField(_l("Buurten met voorrang"), choices=[])
    debtor_name = StringField(_l("Naam van de rekening van de gemeente"), validators=[Length(max=70)])
    debtor_iban = StringField(_l("IBAN van de gemeente (hiervan wordt betaald)"), validators=[Length(max=50)],
                              render_kw={"autocomplete": "off", "spellcheck": "false"})

    def values(self) -> dict:
        return {
            "name": self.name.data or "", "criteria": self.criteria.data or "",
            "opens_on": self.opens_on.data, "closes_on": self.closes_on.data,
            "budget_cents": self.budget_cents.cents, "max_amount_cents": self.max_amount_cents.cents,
            "four_eyes_cents": self.four_eyes_cents.cents, "quick_lane_cents": self.quick_lane_cents.cents,
            "answer_days": self.answer_days.data, "own_contribution_percent": self.own_contribution_percent.data,
            "min_supporters": self.min_supporters.data, "ask_supporters": bool(self.ask_supporters.data),
            "district_id": self.district_id.data or None,
            "priority_buurten": list(self.priority_buurten.data or []),
            "debtor_name": self.debtor_name.data or "", "debtor_iban": self.debtor_iban.data or "",
        }


class ApplicationForm(FlaskForm):
    title = StringField(_l("Wat wilt u doen?"), validators=[Length(max=160)])
    audience = TextAreaField(_l("Voor wie is het?"), validators=[Length(max=4000)])
    timing = StringField(_l("Wanneer is het?"), validators=[Length(max=200)])
    description = TextAreaField(_l("Vertel er meer over (mag kort)"), validators=[Length(max=8000)])
    amount_cents = EuroField(_l("Welk bedrag vraagt u? (euro)"))
    own_contribution_cents = EuroField(_l("Eigen bijdrage (euro)"))
    cofunding = StringField(_l("Geld van anderen (bijvoorbeeld een fonds)"), validators=[Length(max=300)])
    supporters = IntegerField(_l("Hoeveel buren steunen het plan?"), validators=[
        Optional(), NumberRange(min=0, max=100000, message=_l("Vul 0 of meer in."))],
        render_kw={"inputmode": "numeric"})


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Besluit"),
                          choices=[SelectChoice("approve", _l("Toekennen")), SelectChoice("reject", _l("Afwijzen"))],
                          validators=[InputRequired(_l("Kies: toekennen of afwijzen."))])
    amount = EuroField(_l("Bedrag dat u toekent (euro)"))
    reason = TextAreaField(_l("Reden (de aanvrager leest dit)"), validators=[
        DataRequired(_l("Schrijf de reden op. De aanvrager leest die.")), Length(max=4000)])


class QuestionForm(FlaskForm):
    question = TextAreaField(_l("Vraag aan de aanvrager"), validators=[
        DataRequired(_l("Schrijf uw vraag op.")), Length(max=4000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Uw antwoord"), validators=[
        DataRequired(_l("Schrijf uw antwoord op.")), Length(max=4000)])


class RevokeForm(FlaskForm):
    revoke_reason = TextAreaField(_l("Reden van intrekken (de aanvrager leest dit)"), validators=[
        DataRequired(_l("Schrijf de reden op. De aanvrager leest die.")), Length(max=4000)])


class PayoutForm(FlaskForm):
    paid_on = DateField(_l("Datum van betaling"), validators=[InputRequired(_l("Vul de datum van de betaling in."))])
    reference = StringField(_l("Kenmerk van de betaling"), validators=[
        DataRequired(_l("Vul het kenmerk van de betaling in.")), Length(max=80)])


class RefundForm(FlaskForm):
    refund_amount = EuroField(_l("Bedrag dat terugkwam (euro)"))
    refunded_on = DateField(_l("Datum waarop het geld terugkwam"),
                            validators=[InputRequired(_l("Vul de datum in waarop het geld terugkwam."))])
    refund_reason = TextAreaField(_l("Waarom komt het geld terug?"), validators=[
        DataRequired(_l("Schrijf op waarom het geld terugkomt.")), Length(max=4000)])


class ReportForm(FlaskForm):
    what_happened = TextAreaField(_l("Wat is er gebeurd?"), validators=[
        DataRequired(_l("Vertel kort wat er is gebeurd.")), Length(max=4000)])
    attendees = IntegerField(_l("Hoeveel mensen kwamen er ongeveer?"), validators=[
        Optional(), NumberRange(min=0, max=1000000, message=_l("Vul 0 of meer in."))],
        render_kw={"inputmode": "numeric"})
    spent_cents = EuroField(_l("Hoeveel heeft u uitgegeven? (euro)"))
    photo = FileField(_l("Eén foto (mag, hoeft niet)"), render_kw={"accept": "image/jpeg,image/png"})
    receipts = FileField(_l("Foto van de bonnetjes"), render_kw={"accept": "image/jpeg,image/png"})


class HelperForm(FlaskForm):
    email = StringField(_l("E-mailadres van de helper"), validators=[
        DataRequired(_l("Vul een e-mailadres in.")), Length(max=254)], render_kw={"type": "email",
                                                                                   "autocomplete": "off"})


class BankForm(FlaskForm):
    iban = StringField(_l("Rekeningnummer (IBAN)"), validators=[
        DataRequired(_l("Vul het rekeningnummer (IBAN) in.")), Length(max=50)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})
    holder = StringField(_l("Naam bij de rekening (tenaamstelling)"), validators=[
        DataRequired(_l("Vul de naam in die bij de rekening hoort (de tenaamstelling).")), Length(max=70)],
        render_kw={"autocomplete": "off"})


class BatchForm(FlaskForm):
    execution_date = DateField(_l("Datum waarop de bank betaalt"),
                               validators=[InputRequired(_l("Vul de datum in waarop de bank moet betalen."))])


class BatchPaidForm(FlaskForm):
    paid_on = DateField(_l("Datum waarop de bank betaalde"),
                        validators=[InputRequired(_l("Vul de datum in waarop de bank betaalde."))])
