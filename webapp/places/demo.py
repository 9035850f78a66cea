"""Demo places: a few hundred realistic, clearly fictional meeting places in ten gemeenten.

Names are made up from a small vocabulary ("Buurthuis De Linde"); hosts have a first name only;
addresses are fictional streets. Every point lies inside its gemeente (checked with gemeente_at).
"""
from __future__ import annotations

import math
import random
from datetime import date, timedelta

from sqlalchemy import func, select

from webapp.areas.models import Gemeente
from webapp.areas.services import gemeente_at, gemeente_centre
from webapp.extensions import db
from webapp.places.attributes import ATTRIBUTE_KEYS
from webapp.places.models import Place

# gemeente name -> (number of places, spread in km around the town centre)
GEMEENTEN = {
    "Amsterdam": (80, 5.0), "Utrecht": (50, 3.5), "Zwolle": (30, 3.0), "Venlo": (25, 3.0),
    "Groningen": (35, 3.0), "Rotterdam": (40, 5.0), "'s-Gravenhage": (30, 4.0), "Eindhoven": (20, 3.5),
    "Nijmegen": (15, 3.0), "Leeuwarden": (12, 2.5),
}
# The town centres (lon, lat); gemeente_centre() (a point on the surface) is the fallback.
TOWN_CENTRES = {
    "Amsterdam": (4.8952, 52.3702), "Utrecht": (5.1214, 52.0907), "Zwolle": (6.0830, 52.5168),
    "Venlo": (6.1681, 51.3704), "Groningen": (6.5665, 53.2194), "Rotterdam": (4.4777, 51.9244),
    "'s-Gravenhage": (4.3007, 52.0705), "Eindhoven": (5.4697, 51.4416), "Nijmegen": (5.8528, 51.8126),
    "Leeuwarden": (5.7999, 53.2012),
}
TREES = ["De Linde", "De Eik", "De Kastanje", "De Wilg", "De Beuk", "De Esdoorn", "De Hazelaar", "De Vlier",
         "De Meidoorn", "De Populier", "De Berk", "De Plataan", "Het Lindeblad", "De Notenboom"]
PLACES = ["Het Trefpunt", "De Ontmoeting", "Het Buurtnest", "De Brug", "Het Anker", "De Kajuit", "De Tussenruimte",
          "Het Open Huis", "De Huiskamer", "Het Pleintje", "De Kring", "De Waaier", "Samen", "De Overkant"]
STREETS = ["Lindelaan", "Vlinderstraat", "Zonnewijzerplein", "Klaprooslaan", "Spreeuwenhof", "Merelstraat",
           "Kastanjeplein", "Dahliastraat", "Wilgenweg", "Rietzangerhof", "Zwaluwlaan", "Heemtuinpad"]
HOSTS = ["Ans", "Fatima", "Mohammed", "Joke", "Priya", "Kees", "Yasmina", "Henk", "Olena", "Sanne", "Tariq",
         "Marieke", "Dewi", "Bram", "Nour", "Ingrid", "Samira", "Wim"]
CATEGORY_WEIGHTS = {"community_centre": 30, "library": 10, "sports": 8, "park": 12, "playground": 6, "garden": 8,
                    "religious_cultural": 8, "cafe": 12, "other": 6}
PREFIX = {"community_centre": ["Buurthuis", "Wijkcentrum", "Buurtkamer"], "library": ["Bibliotheek", "Leespunt"],
          "sports": ["Sporthal", "Sportclub"], "park": ["Park", "Plein"], "playground": ["Speeltuin", "Schoolplein"],
          "garden": ["Buurttuin", "Moestuin"],
          "religious_cultural": ["Cultuurhuis", "Ontmoetingskerk", "Moskee-ontmoetingsruimte"],
          "cafe": ["Buurtcafé", "Koffiehoek"], "other": ["Repair Café", "Ruilwinkel", "Inloophuis"]}
HOURS = {
    "community_centre": ["Mo-Fr 09:00-17:00; PH off", "Mo-Th 09:30-21:30; Fr 09:30-17:00; PH off",
                         "Tu,Th 10:00-16:00; Sa 10:00-13:00; PH off", "Mo-Fr 10:00-22:00; Sa 10:00-17:00"],
    "library": ["Mo-Fr 10:00-18:00; Sa 10:00-17:00; PH off", "Tu-Fr 10:00-17:30; Sa 10:00-14:00; PH off"],
    "sports": ["Mo-Fr 08:00-23:00; Sa-Su 09:00-18:00", "Mo-Su 07:00-22:00; PH off"],
    "park": ["24/7", "", "sunrise-sunset"],
    "playground": ["Mo-Su 08:00-20:00", "", "24/7"],
    "garden": ["We 13:00-17:00; Sa 10:00-16:00", "Apr-Oct: Sa 10:00-16:00", ""],
    "religious_cultural": ["Mo-Sa 10:00-17:00", "Fr 12:00-22:00; Su 10:00-16:00", ""],
    "cafe": ["Mo-Sa 08:00-18:00", "We-Su 11:00-23:00", "Fr-Sa 17:00-01:00; Su 14:00-22:00"],
    "other": ["Sa 10:00-13:00", "Tu,Th 13:00-16:00; PH off", ""],
}
DESCRIPTIONS = {
    "community_centre": "Een huiskamer voor de buurt. Kom binnen voor koffie, een spelletje of een praatje.",
    "library": "Lezen, de krant, hulp met de computer en een tafel om samen te zitten.",
    "sports": "Sporten en daarna samen iets drinken in de kantine.",
    "park": "Een groene plek met bankjes. In de zomer zijn er buurtactiviteiten.",
    "playground": "Voor kinderen om te spelen en voor ouders om elkaar te leren kennen.",
    "garden": "Samen tuinieren, oogsten en koffie drinken tussen de bedden.",
    "religious_cultural": "Open voor iedereen die wil ontmoeten, ook als u niet gelovig bent.",
    "cafe": "Een café met een grote tafel waar buren aanschuiven.",
    "other": "Samen repareren, ruilen of gewoon even binnenlopen.",
}
RULES = "1. Iedereen is welkom.\n2. We zijn vriendelijk tegen elkaar.\n3. Geen alcohol of drugs.\n" \
        "4. Zit u iets dwars? Praat met de gastvrouw of gastheer."
EXTRA_LANGUAGES = ["en", "ar", "tr", "pl", "uk", "ti", "so", "fa", "es", "pap", "zgh"]
AUDIENCE_CHOICES = [["everyone"], ["everyone"], ["everyone"], ["elderly"], ["youth"], ["women"], ["newcomers"],
                    ["everyone", "disability"], ["lgbti"], ["everyone", "newcomers"], ["elderly", "disability"]]
# Probability of yes / limited / no (the rest is unknown), by attribute.
KNOWN = {"wheelchair": (.45, .15, .1), "step_free_entrance": (.45, .1, .15), "toilets": (.6, 0, .15),
         "toilets_wheelchair": (.35, .1, .15), "hearing_loop": (.15, .05, .3), "quiet_space": (.25, .1, .2),
         "seating": (.7, .1, .05), "disabled_parking": (.3, .05, .2), "public_transport_nearby": (.65, 0, .1),
         "assistance_dogs": (.4, 0, .05), "easy_language": (.2, .1, .15), "well_lit": (.5, .15, .1),
         "host_present": (.4, .15, .15), "house_rules_published": (.35, 0, .2), "confidential_contact": (.15, 0, .2),
         "safe_space": (.15, .05, .1)}


def _tri(rng: random.Random, key: str) -> str:
    yes, limited, no = KNOWN[key]
    x = rng.random()
    if x < yes:
        return "yes"
    if x < yes + limited:
        return "limited"
    if x < yes + limited + no:
        return "no"
    return "unknown"


def _point_in(rng: random.Random, code: str, centre: tuple[float, float], spread_km: float) -> tuple[float, float]:
    lon0, lat0 = centre
    for _ in range(40):
        distance = spread_km * 1000 * math.sqrt(rng.random())
        angle = rng.random() * 2 * math.pi
        lat = lat0 + distance * math.cos(angle) / 111_320
        lon = lon0 + distance * math.sin(angle) / (111_320 * math.cos(math.radians(lat0)))
        found = gemeente_at(lon, lat)
        if found is not None and found.code == code:
            return lon, lat
        spread_km *= 0.9
    return centre


def make_place(rng: random.Random, code: str, town: str, lon: float, lat: float, n: int) -> Place:
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    name = f"{rng.choice(PREFIX[category])} {rng.choice(TREES if rng.random() < .5 else PLACES)}"
    values = {key: _tri(rng, key) for key in ATTRIBUTE_KEYS}
    if values["toilets"] == "no":
        values["toilets_wheelchair"] = "unknown"   # not asked where there are no toilets
    today = date(2026, 11, 1)
    meta = {key: {"source": rng.choice(["owner", "owner", "resident", "osm"]),
                  "checked": (today - timedelta(days=rng.randint(5, 700))).isoformat()}
            for key, value in values.items() if value != "unknown"}
    activities = sorted(rng.sample(["walk_in", "join_activity", "sit_quietly"], rng.randint(1, 3)))
    has_host = values["host_present"] == "yes" or rng.random() < .2
    status = "published"
    x = rng.random()
    if x < 0.04:
        status = "proposed"
    elif x < 0.05:
        status = "closed"
    return Place(
        name=name, category=category, description=DESCRIPTIONS[category],
        address=f"{rng.choice(STREETS)} {rng.randint(1, 180)}, {town}",
        location=f"SRID=4326;POINT({lon:.6f} {lat:.6f})", gemeente_code=code,
        website=f"https://voorbeeld.buurtplek.example/plek-{n}" if rng.random() < .5 else "",
        phone=f"0{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}" if rng.random() < .4 else "",
        email=f"plek{n}@voorbeeld.buurtplek.example" if rng.random() < .5 else "",
        opening_hours=rng.choice(HOURS[category]),
        cost=(rng.choice(["free", "free", "contribution", "paid", None]) if category not in ("park", "playground")
              else "free"),
        languages=["nl"] + sorted(rng.sample(EXTRA_LANGUAGES, rng.choice([0, 0, 1, 1, 2, 3]))),
        audience=rng.choice(AUDIENCE_CHOICES), activities=activities,
        host_name=rng.choice(HOSTS) if has_host else "",
        house_rules=RULES if values["house_rules_published"] == "yes" else "",
        safe_space_for=(["women"] if values["safe_space"] == "yes" and rng.random() < .5 else
                        ["lgbti"] if values["safe_space"] == "yes" else []),
        status=status, attribute_meta=meta,
        attributes_confirmed_on=today - timedelta(days=rng.randint(5, 400)) if meta else None,
        **values,
    )


def load(rng: random.Random) -> str:
    by_name = {name: code for code, name in db.session.execute(select(Gemeente.code, Gemeente.name))}
    total = 0
    towns = 0
    for town, (count, spread) in GEMEENTEN.items():
        code = by_name.get(town)
        if code is None:
            continue
        centre = TOWN_CENTRES.get(town)
        found = gemeente_at(*centre) if centre else None
        if found is None or found.code != code:
            centre = gemeente_centre(code)
        if centre is None:
            continue
        towns += 1
        for _ in range(count):
            lon, lat = _point_in(rng, code, centre, spread)
            display_town = "Den Haag" if town == "'s-Gravenhage" else town
            db.session.add(make_place(rng, code, display_town, lon, lat, total + 1))
            total += 1
    db.session.flush()
    published = db.session.scalar(select(func.count()).select_from(Place).where(Place.status == "published"))
    return f"{total} fictional places in {towns} gemeenten ({published} published)"
