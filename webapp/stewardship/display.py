"""Readable labels for fields, values and revision kinds (history, suggestions, conflicts)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from webapp.places.attributes import ATTRIBUTES_BY_KEY, CATEGORIES, COSTS, TRI_STATE_LABELS
from webapp.stewardship.forms import REPORT_SHORT

FIELD_LABELS = {
    "name": _l("Naam"), "title": _l("Naam"), "summary": _l("Samenvatting"), "category": _l("Soort plek"),
    "description": _l("Beschrijving"), "address": _l("Adres"), "location": _l("Plek op de kaart"),
    "gemeente_code": _l("Gemeente"), "website": _l("Website"), "phone": _l("Telefoonnummer"),
    "email": _l("E-mailadres"), "opening_hours": _l("Openingstijden"), "house_rules": _l("Spelregels"),
    "cost": _l("Kosten"), "status": _l("Status"), "status_reason": _l("Reden"), "hidden": _l("Verborgen"),
    "attributes_confirmed_on": _l("Informatie gecontroleerd op"), "owners": _l("Mede-beheerders"),
    "themes": _l("Thema's"), "audience": _l("Voor wie"), "languages": _l("Talen"),
}

KIND_LABELS = {
    "create": _l("Voorgesteld"), "edit": _l("Gewijzigd"), "suggestion": _l("Voorstel overgenomen"),
    "revert": _l("Teruggezet"), "status": _l("Status veranderd"), "confirm": _l("Gecontroleerd"),
    "owner": _l("Beheerders veranderd"),
}

STATUS_LABELS = {
    "proposed": _l("Wacht op een moderator"), "published": _l("Gepubliceerd"), "closed": _l("Gesloten"),
    "rejected": _l("Niet geplaatst"),
    "open": _l("Open"), "accepted": _l("Aangenomen"), "declined": _l("Afgewezen"), "withdrawn": _l("Ingetrokken"),
}

YES_NO = {True: _l("ja"), False: _l("nee")}


def field_label(name: str) -> str:
    if name in ATTRIBUTES_BY_KEY:
        return str(ATTRIBUTES_BY_KEY[name].label)
    return str(FIELD_LABELS.get(name, name))


def value(name: str, raw) -> str:
    """A stored value as text for people (the template escapes it)."""
    if raw is None or raw == "" or raw == []:
        return "—"
    if name in ATTRIBUTES_BY_KEY:
        return str(TRI_STATE_LABELS.get(raw, raw))
    if name == "category":
        return str(CATEGORIES.get(raw, raw))
    if name == "cost":
        return str(COSTS.get(raw, raw))
    if name == "status":
        return str(STATUS_LABELS.get(raw, raw))
    if isinstance(raw, bool):
        return str(YES_NO[raw])
    if isinstance(raw, list):
        return ", ".join(str(v) for v in raw)
    return str(raw)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def report_label(category: str) -> str:
    return str(REPORT_SHORT.get(category, category))
