from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

SCALE = [SelectChoice("1", _l("1 · helemaal niet mee eens")), SelectChoice("2", _l("2 · niet mee eens")),
         SelectChoice("3", _l("3 · neutraal")), SelectChoice("4", _l("4 · mee eens")),
         SelectChoice("5", _l("5 · helemaal mee eens"))]
PICK_ONE = _l("Kies een antwoord van 1 tot en met 5.")


class ScaleField(RadioField):
    """1 to 5; anything else (missing, 0, 6, text) gets one plain message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "RadioField"  # forms.html draws a fieldset with a legend for this type

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in SCALE}:
            raise ValidationError(PICK_ONE)


def _statement(label):
    return ScaleField(label, choices=SCALE)


class CheckInForm(FlaskForm):
    """Three statements from the SCP's measures of inclusion, each on a five-point scale. No free text."""

    pleasant = _statement(_l("Mensen gaan hier prettig met elkaar om"))
    welcome = _statement(_l("Ik voelde me hier welkom"))
    open_to_me = _statement(_l("Anderen stonden open voor mij"))
    submit = SubmitField(_l("Versturen"))

    def answers(self) -> dict[str, int]:
        return {key: int(getattr(self, key).data) for key in ("pleasant", "welcome", "open_to_me")}


class RemoveCheckInsForm(FlaskForm):
    email = EmailField(_l("E-mailadres van het account"),
                       validators=[DataRequired(message=_l("Vul het e-mailadres in.")),
                                   Length(max=254, message=_l("Dit e-mailadres is te lang."))])
    submit = SubmitField(_l("Antwoorden van dit account verwijderen"))
