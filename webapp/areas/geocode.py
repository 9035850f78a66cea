"""The one lookup from what a person types to a point: `resolve(text)`.

Sources, in order:
1. A postcode: `1234`, `1234 AB` or `1234AB` uses its first four digits (PC4, GeoNames, offline).
2. An exact address ("Oudegracht 1 Utrecht") through PDOK's Locatieserver, only when the setting
   `GEOCODER_PDOK_ENABLED` is on (default off; base URL `GEOCODER_PDOK_URL`). The call has a short
   timeout; any failure falls back to the offline sources.
3. A woonplaats or gemeente name, case- and accent-insensitive, including alternate names
   (Ljouwert -> Leeuwarden). A woonplaats that has the same name as its own gemeente is given once.

This module is the lowest layer: it imports no other domain and needs no Flask request.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select

from webapp.areas.models import PlaceName, Postcode4
from webapp.extensions import db

log = logging.getLogger(__name__)

POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*(?:[A-Za-z]{2})?\s*$")
PDOK_DEFAULT_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
PDOK_TIMEOUT_S = 2.0
MAX_TEXT = 120


@dataclass(frozen=True)
class Candidate:
    """One place a text may mean.

    kind: "pc4" | "woonplaats" | "gemeente" | "address"; label: what to show ("Leeuwarden (Friesland)");
    name: the plain name for "vanaf ..." sentences ("Utrecht", "3511"); lon/lat: WGS84 point distances are
    measured from; gemeente: the gemeente's name ("" when unknown).
    """

    kind: str
    label: str
    lon: float
    lat: float
    gemeente: str
    name: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "name": self.name, "lon": self.lon, "lat": self.lat,
                "gemeente": self.gemeente}


def fold(text: str) -> str:
    """The matching key of a name: lower case, accents removed, only letters and digits kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def postcode4(text: str) -> str | None:
    """The PC4 of `1234`, `1234 AB` or `1234ab`; None when the text is not a postcode."""
    found = POSTCODE.match(text or "")
    return found.group(1) if found else None


def resolve(text: str) -> list[Candidate]:
    """Every place `text` may mean, best first; [] when nothing matches.

    One candidate: search there. Several: ask "Bedoelt u ...?". None: say so and keep the form.
    Never raises for odd input (empty, very long, symbols): it just finds nothing.
    """
    text = (text or "").strip()[:MAX_TEXT]
    if not text:
        return []
    pc4 = postcode4(text)
    if pc4 is not None:
        row = db.session.get(Postcode4, pc4)
        if row is None:
            return []
        return [_pc4(row)]
    if _looks_like_address(text) and _pdok_enabled():
        found = _pdok(text)
        if found:
            return found
    found = _names(fold(text), exact=True)
    if found:
        return found
    return _labelled(text)


LABELLED = re.compile(r"^(?P<name>[^()]+)\((?:gemeente\s+)?(?P<gemeente>[^()]+)\)$", re.IGNORECASE)


def _labelled(text: str) -> list[Candidate]:
    """A label given back as typed: "Hengelo (gemeente Bronckhorst)" or "gemeente Súdwest-Fryslân"."""
    if text.casefold().startswith("gemeente "):
        return [c for c in _names(fold(text[9:]), exact=True) if c.kind == "gemeente" or c.name == c.gemeente]
    found = LABELLED.match(text)
    if found is None:
        return []
    gemeente = fold(found.group("gemeente"))
    return [c for c in _names(fold(found.group("name")), exact=True) if fold(c.gemeente) == gemeente][:1]


def suggest(text: str, limit: int = 8) -> list[Candidate]:
    """Suggestions while typing: postcodes or names that start with `text`, biggest places first."""
    text = (text or "").strip()[:MAX_TEXT]
    if len(text) < 2:
        return []
    digits = text.replace(" ", "")
    if digits[:1].isdigit():
        prefix = digits[:4]
        if not prefix.isdigit():
            return []
        rows = db.session.scalars(
            select(Postcode4).where(Postcode4.pc4.startswith(prefix, autoescape=True))
            .order_by(Postcode4.pc4).limit(limit)
        )
        return [_pc4(r) for r in rows]
    key = fold(text)
    return _names(key, exact=False, limit=limit) if key else []


def _pc4(row: Postcode4) -> Candidate:
    """A postcode; its places and gemeenten may be several ("a|b"): the first is shown."""
    place = row.places.split("|")[0]
    return Candidate("pc4", f"{row.pc4} {place}".strip(), row.lon, row.lat, row.gemeente.split("|")[0], row.pc4)


def _names(key: str, *, exact: bool, limit: int = 12) -> list[Candidate]:
    if not key:
        return []
    where = PlaceName.key == key if exact else PlaceName.key.startswith(key, autoescape=True)
    stmt = (
        select(PlaceName).where(where)
        .order_by(PlaceName.is_primary.desc(), PlaceName.population.desc(), PlaceName.label, PlaceName.id)
        .limit(limit * 4)
    )
    rows = list(db.session.scalars(stmt))
    seen: set[tuple[str, str]] = set()
    town_gemeenten = {fold(r.gemeente) for r in rows if r.kind == "woonplaats" and fold(r.label) == fold(r.gemeente)}
    out: list[Candidate] = []
    for row in rows:
        if (row.kind, row.ref) in seen:
            continue
        if row.kind == "gemeente" and fold(row.label) in town_gemeenten:
            continue  # "Utrecht" the town and "Utrecht" the gemeente: one candidate
        seen.add((row.kind, row.ref))
        out.append(_candidate(row))
    _disambiguate(out)
    return out[:limit]


def _candidate(row: PlaceName) -> Candidate:
    if row.kind == "gemeente":
        return Candidate("gemeente", f"gemeente {row.label}", row.lon, row.lat, row.label, row.label)
    return Candidate("woonplaats", row.label, row.lon, row.lat, row.gemeente, row.label)


def _disambiguate(found: list[Candidate]) -> None:
    """Two places with the same label get their gemeente added: "Hengelo (gemeente Bronckhorst)"."""
    labels = [c.label for c in found]
    for i, cand in enumerate(found):
        if labels.count(cand.label) > 1 and cand.kind == "woonplaats" and cand.gemeente:
            found[i] = Candidate(cand.kind, f"{cand.label} (gemeente {cand.gemeente})", cand.lon, cand.lat,
                                 cand.gemeente, cand.name)


def _looks_like_address(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and any(ch.isalpha() for ch in text)


def _pdok_enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("GEOCODER_PDOK_ENABLED", False))


def _pdok(text: str) -> list[Candidate]:
    """Addresses from PDOK's Locatieserver `free` endpoint; [] on any failure (the caller falls back)."""
    base = str(current_app.config.get("GEOCODER_PDOK_URL") or PDOK_DEFAULT_URL).rstrip("/")
    query = urllib.parse.urlencode({"q": text, "fq": "type:adres", "rows": 5,
                                    "fl": "weergavenaam,centroide_ll,gemeentenaam,type"})
    try:
        with urllib.request.urlopen(f"{base}/free?{query}", timeout=PDOK_TIMEOUT_S) as answer:  # noqa: S310
            data = json.loads(answer.read(1_000_000).decode("utf-8"))
        docs = data["response"]["docs"]
        out = []
        for doc in docs:
            point = re.match(r"POINT\(([-0-9.]+) ([-0-9.]+)\)", str(doc.get("centroide_ll", "")))
            if point is None:
                continue
            label = str(doc.get("weergavenaam", ""))[:200]
            out.append(Candidate("address", label, float(point.group(1)), float(point.group(2)),
                                 str(doc.get("gemeentenaam", "")), label))
        return out
    except Exception:  # noqa: BLE001 - an outside service: any failure means "use the offline data"
        log.warning("PDOK Locatieserver unavailable; using postcodes and names", exc_info=True)
        return []
