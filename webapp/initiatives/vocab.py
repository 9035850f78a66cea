"""Labels for the initiative vocabularies (plain Dutch msgids; English comes from the catalog)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

THEME_LABELS = {
    "ontmoeting": _l("Ontmoeting"),
    "sport": _l("Sport en bewegen"),
    "culture": _l("Cultuur"),
    "language": _l("Taal en nieuwkomers"),
    "green": _l("Groen en tuin"),
    "care": _l("Zorg en burenhulp"),
    "youth": _l("Kinderen en jongeren"),
    "elderly": _l("Ouderen"),
    "other": _l("Anders"),
}

STATUS_LABELS = {
    "idea": _l("Idee"),
    "active": _l("Actief"),
    "paused": _l("Gepauzeerd"),
    "ended": _l("Gestopt"),
}
STATUS_BADGES = {"idea": "badge-warn", "active": "badge-ok", "paused": "badge-warn", "ended": "badge-bad"}

FREQUENCY_LABELS = {
    "once": _l("Eén keer"),
    "weekly": _l("Elke week"),
    "biweekly": _l("Om de week"),
    "monthly": _l("Elke maand"),
}

MONTH_WEEK_LABELS = {
    1: _l("de eerste"),
    2: _l("de tweede"),
    3: _l("de derde"),
    4: _l("de vierde"),
    -1: _l("de laatste"),
}

# Languages people can take part in (ISO 639-1; 'pap' for Papiamentu).
LANGUAGES = {
    "nl": _l("Nederlands"),
    "en": _l("Engels"),
    "ar": _l("Arabisch"),
    "tr": _l("Turks"),
    "ber": _l("Berbers"),
    "pl": _l("Pools"),
    "uk": _l("Oekraïens"),
    "ti": _l("Tigrinya"),
    "fa": _l("Perzisch"),
    "so": _l("Somalisch"),
    "es": _l("Spaans"),
    "pap": _l("Papiaments"),
    "ngt": _l("Nederlandse Gebarentaal"),
}

PARTICIPATION_LABELS = {"join": _l("Meedoen"), "volunteer": _l("Helpen als vrijwilliger")}

# Accessibility filters offered in "Wat is er te doen?" (place attributes that must be "yes").
ACCESS_FILTERS = ("wheelchair", "step_free_entrance", "toilets_wheelchair", "hearing_loop", "quiet_space")

RADII = (1000, 2000, 5000, 10000, 25000)
