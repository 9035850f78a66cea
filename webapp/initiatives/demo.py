"""Demo initiatives: fictional knitting clubs, repair cafés, language cafés, moestuinen and walking groups.

They are held at demo places in five gemeenten, owned by the demo residents (bewoner01 … bewoner30),
with weekly, every-other-week and monthly activities, a few "doe mee" entries, and a few initiatives
that have not been updated for a long time (one reminded, one paused automatically).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from webapp.accounts.models import User
from webapp.areas.models import Gemeente
from webapp.extensions import db
from webapp.initiatives import services
from webapp.initiatives.models import Activity, Participation
from webapp.places.models import Place
from webapp.stewardship import services as stewardship

DOMAIN = "demo.buurtplek.example"
CITIES = {"Amsterdam": (4.8952, 52.3702), "Utrecht": (5.1214, 52.0907), "Zwolle": (6.0830, 52.5168),
          "Venlo": (6.1681, 51.3704), "Groningen": (6.5665, 53.2194)}

# title, summary, themes, audience, languages, cost, cost note, place categories, roles, activities
# activity: (title, weekday 0=Mon, start, end, frequency, month_week)
TEMPLATES: list[tuple[Any, ...]] = [
    ("Breiclub De Steek", "Elke week samen breien en haken, met koffie. Beginners zijn welkom: wij leren het u.",
     ["ontmoeting", "elderly"], ["everyone", "elderly"], ["nl"], "free", "", ["library", "community_centre"],
     ["Koffie zetten"], [("Brei-ochtend", 1, time(10), time(12), "weekly", None)]),
    ("Repair Café", "Kapotte fiets, broek of broodrooster? Samen maken we het weer heel.",
     ["green", "ontmoeting"], ["everyone"], ["nl", "en"], "contribution", "Een vrijwillige bijdrage voor koffie",
     ["other", "community_centre"], ["Fietsen maken", "Kleding naaien", "Apparaten repareren", "Koffie zetten"],
     [("Repareren", 5, time(10), time(13), "monthly", 1)]),
    ("Taalcafé voor nieuwkomers", "Oefen Nederlands in een rustige groep. Praten over gewone dingen, zonder huiswerk.",
     ["language", "ontmoeting"], ["newcomers"], ["nl", "ar", "ti", "uk"], "free", "",
     ["library", "community_centre"], ["Taalmaatje", "Gespreksleider"],
     [("Taalcafé", 3, time(19), time(20, 30), "weekly", None)]),
    ("Buurtmoestuin", "Samen groente kweken en oogsten. Geen ervaring nodig, wel zin in buiten zijn.",
     ["green"], ["everyone"], ["nl", "tr"], "free", "", ["garden", "park"], ["Water geven in de vakantie"],
     [("Tuinochtend", 5, time(10), time(12), "weekly", None), ("Oogstfeest", 6, time(14), time(17), "monthly", -1)]),
    ("Wandelgroep 65+", "Elke woensdag een rustige wandeling van een uur, daarna koffie. Met rollator kan ook.",
     ["sport", "elderly"], ["elderly"], ["nl"], "free", "", ["park", "community_centre"], [],
     [("Wandelen", 2, time(10), time(11, 15), "weekly", None)]),
    ("Samen eten", "Om de week koken we met buren en eten we samen. Iedereen neemt een verhaal mee.",
     ["ontmoeting", "care"], ["everyone"], ["nl", "ar", "en"], "contribution", "€ 4 per maaltijd",
     ["community_centre", "religious_cultural", "cafe"], ["Koken", "Afwassen"],
     [("Samen eten", 4, time(18), time(20), "biweekly", None)]),
    ("Huiswerkklas", "Kinderen maken samen huiswerk. Vrijwilligers helpen met rekenen en taal.",
     ["youth"], ["youth"], ["nl"], "free", "", ["library", "community_centre"], ["Huiswerkbegeleider"],
     [("Huiswerk maken", 0, time(15, 30), time(17), "weekly", None)]),
]


def _user(n: int) -> User | None:
    return db.session.scalar(select(User).where(User.email == f"bewoner{n:02d}@{DOMAIN}"))


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    if n == -1:
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return _first_on_or_after(first, weekday) + timedelta(weeks=n - 1)


def _place_for(code: str, categories: list[str], used: set[int], rng) -> Place | None:
    for category in categories:
        places = [p for p in db.session.scalars(
            select(Place).where(Place.gemeente_code == code, Place.category == category,
                                Place.status == "published", Place.hidden.is_(False)).order_by(Place.id))
            if p.id not in used]
        if places:
            return rng.choice(places)
    return None


def load(rng) -> str:
    now = datetime.now(UTC)
    today = now.date()
    residents = [u for u in (_user(n) for n in range(1, 31)) if u is not None]
    if not residents:
        return "skipped (no demo residents)"
    count = activities = joins = stale = 0
    used: set[int] = set()
    for city, centre in CITIES.items():
        gemeente = db.session.scalar(select(Gemeente).where(Gemeente.name == city))
        if gemeente is None:
            continue
        for index, (title, summary, themes, audience, languages, cost, cost_note, categories, roles,
                    acts) in enumerate(TEMPLATES):
            if city != "Amsterdam" and rng.random() < 0.3:
                continue
            owner = rng.choice(residents)
            place = _place_for(gemeente.code, categories, used, rng)
            values = {"title": f"{title} {city}" if index in (1, 3) else title, "summary": summary,
                      "description": "", "themes": themes, "audience": audience, "languages": languages,
                      "cost": cost, "cost_note": cost_note, "status": "active", "volunteer_roles": roles}
            if place is not None:
                used.add(place.id)
                initiative = services.create_initiative(owner, values, [place.id], now=now)
            else:  # no demo places loaded: meet outside, near the town centre
                lon = centre[0] + rng.uniform(-0.01, 0.01)
                lat = centre[1] + rng.uniform(-0.006, 0.006)
                values["location_name"] = "Bij het grasveld naast de speeltuin"
                initiative = services.create_initiative(owner, values, [], own_location=(lon, lat), now=now)
            if rng.random() < 0.3:
                co_owner = rng.choice([r for r in residents if r.id != owner.id])
                stewardship.add_owner(initiative, co_owner, added_by=owner)
            for act_title, weekday, start, end, frequency, month_week in acts:
                if frequency == "monthly":
                    first = _nth_weekday(today.year, today.month, weekday, month_week)
                else:
                    first = _first_on_or_after(today - timedelta(weeks=6), weekday)
                activity = Activity(initiative=initiative, title=act_title, starts_on=first, start_time=start,
                                    end_time=end, frequency=frequency, month_week=month_week,
                                    place_id=place.id if place is not None else None)
                db.session.add(activity)
                activities += 1
            for joiner in rng.sample([r for r in residents if r.id != owner.id], k=rng.randint(0, 4)):
                volunteer = bool(roles) and rng.random() < 0.4
                db.session.add(Participation(
                    initiative_id=initiative.id, user_id=joiner.id, kind="volunteer" if volunteer else "join",
                    role=rng.choice(roles) if volunteer else "",
                    message=rng.choice(["", "", "Ik kom graag een keer kijken.", "Kan ik ook later instromen?"])))
                joins += 1
            count += 1
            # Some were left alone by their owners for a long time.
            roll = rng.random()
            if roll < 0.12:
                initiative.owners_touched_at = now - timedelta(days=200)
                stale += 1
            elif roll < 0.17:
                initiative.owners_touched_at = now - timedelta(days=400)
                initiative.stale_reminded_at = now - timedelta(days=210)
                stale += 1
    db.session.flush()
    paused = services.remind_stale(now)
    return (f"{count} initiatives, {activities} activities, {joins} doe-mee entries, {stale} stale "
            f"({paused.reminded} reminded, {paused.paused} paused)")
