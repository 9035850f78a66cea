"""Readable labels for fields, values and revision kinds (history, suggestions, conflicts)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from webapp.stewardship import registry
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
    """The subject domains' own label for their fields first (e.g. accessibility attributes), then ours."""
    for kind in registry.all_types():
        label = kind.field_label(name) if kind.field_label is not None else None
        if label is not None:
            return label
    return str(FIELD_LABELS.get(name, name))


def value(name: str, raw) -> str:
    """A stored value as text for people (the template escapes it)."""
    if raw is None or raw == "" or raw == []:
        return "—"
    for kind in registry.all_types():
        text = kind.value_label(name, raw) if kind.value_label is not None else None
        if text is not None:
            return text
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
