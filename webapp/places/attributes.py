"""The vocabularies of a place: categories, audiences, and the accessibility and safety attributes.

Each attribute is tri-state (yes / limited / no) plus unknown. `osm` names the OpenStreetMap tag
where one exists, so import and export are a mapping table.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

TRI_STATES = ("yes", "limited", "no", "unknown")
TRI_STATE_LABELS = {"yes": _l("ja"), "limited": _l("deels"), "no": _l("nee"), "unknown": _l("onbekend")}

CATEGORIES = {
    "community_centre": _l("Buurthuis"),
    "library": _l("Bibliotheek"),
    "sports": _l("Sportclub of sporthal"),
    "park": _l("Park of plein"),
    "playground": _l("Schoolplein of speeltuin"),
    "garden": _l("Tuin of moestuin"),
    "religious_cultural": _l("Religieus of cultureel centrum"),
    "cafe": _l("Café of winkel met een tafel om samen te zitten"),
    "other": _l("Anders"),
}

AUDIENCES = {
    "everyone": _l("Iedereen"),
    "youth": _l("Jongeren"),
    "elderly": _l("Ouderen"),
    "women": _l("Vrouwen"),
    "lgbti": _l("LHBTI+"),
    "newcomers": _l("Nieuwkomers"),
    "disability": _l("Mensen met een beperking"),
}

COSTS = {"free": _l("Gratis"), "contribution": _l("Vrijwillige bijdrage"), "paid": _l("Betaald")}

ACTIVITIES = {
    "walk_in": _l("Binnenlopen voor koffie, zonder afspraak"),
    "join_activity": _l("Meedoen aan een activiteit"),
    "sit_quietly": _l("Rustig zitten of even terugtrekken"),
}

STATUSES = ("proposed", "published", "closed", "rejected")


@dataclass(frozen=True)
class Attribute:
    key: str
    group: str          # "access" or "safety"
    label: object       # lazy string
    osm: str | None     # OpenStreetMap tag, when one exists


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("wheelchair", "access", _l("Toegankelijk met rolstoel"), "wheelchair"),
    Attribute("step_free_entrance", "access", _l("Ingang zonder drempel of trap"), "entrance:step_free"),
    Attribute("toilets", "access", _l("Toilet aanwezig"), "toilets"),
    Attribute("toilets_wheelchair", "access", _l("Toilet voor rolstoel"), "toilets:wheelchair"),
    Attribute("hearing_loop", "access", _l("Ringleiding"), "hearing_loop"),
    Attribute("quiet_space", "access", _l("Rustige ruimte (prikkelarm)"), "quiet"),
    Attribute("seating", "access", _l("Zitplaatsen"), "seating"),
    Attribute("disabled_parking", "access", _l("Invalidenparkeerplaats dichtbij"), "capacity:disabled"),
    Attribute("public_transport_nearby", "access", _l("Bus, tram of trein binnen 500 meter"),
              "public_transport:nearby"),
    Attribute("assistance_dogs", "access", _l("Hulphonden welkom"), "dog:assistance"),
    Attribute("easy_language", "access", _l("Informatie in eenvoudige taal"), "information:easy_language"),
    Attribute("well_lit", "safety", _l("Goed verlichte route"), "lit"),
    Attribute("host_present", "safety", _l("Gastvrouw of gastheer aanwezig"), "host"),
    Attribute("house_rules_published", "safety", _l("Spelregels staan online"), "house_rules"),
    Attribute("confidential_contact", "safety", _l("Vertrouwenspersoon"), "confidential_contact"),
    Attribute("safe_space", "safety", _l("Veilige plek voor een groep"), "safe_space"),
)

ATTRIBUTE_KEYS = tuple(a.key for a in ATTRIBUTES)
ATTRIBUTES_BY_KEY = {a.key: a for a in ATTRIBUTES}

# Languages offered in the search filter (ISO 639 codes; any 2-3 letter code is accepted in the API).
LANGUAGES = {
    "nl": _l("Nederlands"), "en": _l("Engels"), "ar": _l("Arabisch"), "tr": _l("Turks"), "pl": _l("Pools"),
    "uk": _l("Oekraïens"), "ti": _l("Tigrinya"), "so": _l("Somalisch"), "fa": _l("Perzisch (Farsi)"),
    "prs": _l("Dari"), "es": _l("Spaans"), "de": _l("Duits"), "fr": _l("Frans"), "pap": _l("Papiaments"),
    "zgh": _l("Berbers (Tamazight)"), "ru": _l("Russisch"), "bg": _l("Bulgaars"), "ro": _l("Roemeens"),
    "zh": _l("Chinees"), "fry": _l("Fries"), "ngt": _l("Nederlandse Gebarentaal"),
}

# What a badge in the results list shows: 'yes' and 'limited' always; 'no' only for these.
SHOW_NO_IN_LIST = ("wheelchair", "step_free_entrance")
