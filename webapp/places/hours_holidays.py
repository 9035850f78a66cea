"""What `PH` (public holiday) means in the Netherlands for Buurtplek's opening hours.

The official list of Rijksoverheid ("Officiële feestdagen"): Nieuwjaarsdag, Goede Vrijdag, Eerste en Tweede
Paasdag, Koningsdag, Bevrijdingsdag, Hemelvaartsdag, Eerste en Tweede Pinksterdag, Eerste en Tweede Kerstdag.
`PH` is every one of those that is not a Sunday by definition: Eerste Paasdag and Eerste Pinksterdag are
always Sundays, so "Su" rules already cover them. This is exactly the list opening_hours.js (the evaluator
OpenStreetMap's own tools use, so the one a mapper checked the tag with) uses for the Netherlands:

- Bevrijdingsdag (5 May) counts every year: it is an official holiday every year; whether employees get
  the day off (every year or every five years) is a matter of their CAO, not of the calendar.
- Koningsdag is 27 April, or Saturday 26 April when the 27th is a Sunday.

Why our own list: opening-hours-py's built-in "NL" calendar leaves out Goede Vrijdag and (outside lustrum
years) Bevrijdingsdag, and counts the two Sundays; see docs/places.md.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """The Dutch public holidays of `year` that `PH` matches, with their Dutch names."""
    paschal = easter(year)
    kingsday = date(year, 4, 27)
    if kingsday.weekday() == 6:  # Sunday: celebrated on Saturday the 26th
        kingsday -= timedelta(days=1)
    days = {
        date(year, 1, 1): "Nieuwjaarsdag",
        paschal - timedelta(days=2): "Goede Vrijdag",
        paschal + timedelta(days=1): "Tweede Paasdag",
        kingsday: "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag",
        paschal + timedelta(days=39): "Hemelvaartsdag",
        paschal + timedelta(days=50): "Tweede Pinksterdag",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }
    return dict(sorted(days.items()))


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)
