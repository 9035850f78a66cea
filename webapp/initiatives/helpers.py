"""Presentation helpers: dates for people, QR codes, iCalendar feeds, links to places."""
from __future__ import annotations

from datetime import UTC, date, datetime

import qrcode
import qrcode.image.svg
from flask import url_for
from flask_babel import format_date, format_datetime, format_time
from flask_babel import gettext as _
from markupsafe import Markup

from webapp.initiatives import place_picker, vocab
from webapp.initiatives.finding import initiatives_at_place
from webapp.places.attributes import ATTRIBUTES_BY_KEY, AUDIENCES, COSTS


def instance_when(instance) -> str:
    """'dinsdag 24 november, 19:30 – 21:00' in the user's language and in Europe/Amsterdam."""
    return f"{format_datetime(instance.start, 'EEEE d MMMM, HH:mm')} – {format_time(instance.end, 'HH:mm')}"


def instance_time(instance) -> str:
    """'19:30 – 21:00' (Europe/Amsterdam)."""
    return f"{format_time(instance.start, 'HH:mm')} – {format_time(instance.end, 'HH:mm')}"


def cancel_reason(instance) -> str:
    """Why a cancelled date does not go ahead (empty when no reason was given)."""
    for cancellation in instance.activity.cancellations:
        if cancellation.on_date == instance.local_date:
            return cancellation.reason
    return ""


def short_date(value) -> str:
    return format_date(value, "EEEE d MMMM yyyy") if value else ""


def place_url(place) -> str:
    """The place's own page (site-relative)."""
    return url_for("places.detail", place_id=place.id)


def qr_svg(url: str, label: str) -> Markup:
    """A QR code as inline SVG (no image request), scalable for print."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(label)}" class="qr" ', 1)
    svg = svg.replace('width="', 'data-w="', 1).replace('height="', 'data-h="', 1)
    return Markup(svg)


def listed_places(initiative) -> list:
    """The initiative's places that everyone may see (place_picker.shown_places)."""
    return place_picker.shown_places(initiative.places)


def activity_where(activity) -> str:
    place = place_picker.shown_place(activity.place)
    if place is not None:
        return place.name
    return activity.initiative.location_name or ""


def rule_text(activity) -> str:
    """'Elke week op dinsdag', 'Elke maand op de eerste zaterdag', 'Eén keer'."""
    weekday = format_date(activity.starts_on, "EEEE")
    if activity.frequency == "weekly":
        return _("Elke week op %(day)s", day=weekday)
    if activity.frequency == "biweekly":
        return _("Om de week op %(day)s", day=weekday)
    if activity.frequency == "monthly":
        return _("Elke maand op %(week)s %(day)s", week=vocab.MONTH_WEEK_LABELS.get(activity.month_week, ""),
                 day=weekday)
    return _("Eén keer, op %(date)s", date=short_date(activity.starts_on))


AMSTERDAM = "Europe/Amsterdam"


def ical_feed(name: str, found, url_of) -> bytes:
    """An iCalendar document (RFC 5545): one VEVENT per date (UID per instance), cancelled dates left out.

    DTSTART/DTEND are local times with TZID=Europe/Amsterdam, defined by one VTIMEZONE (made by icalendar
    from the tz database) covering the year before the first date to the year after the last, so calendar
    apps show the right local time on both sides of a clock change without guessing.
    `found`: iterable of (instance, initiative, place_or_None).
    """
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event, Timezone, vText

    zone = ZoneInfo(AMSTERDAM)
    calendar = Calendar()
    calendar.add("prodid", "-//Buurtplek//Buurtinitiatieven//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", AMSTERDAM)
    stamp = datetime.now(UTC).replace(microsecond=0)
    days = [stamp.date()]
    events = []
    for instance, initiative, place in found:
        if instance.cancelled:
            continue
        event = Event()
        event.add("uid", instance.uid)
        event.add("dtstamp", stamp)   # DTSTAMP is UTC by the standard
        start, end = instance.start.astimezone(zone), instance.end.astimezone(zone)
        event.add("dtstart", start)
        event.add("dtend", end)
        days += [start.date(), end.date()]
        event.add("summary", f"{initiative.title}: {instance.activity.title}")
        where = (f"{place.name}, {place.address}".strip(", ") if place is not None else initiative.location_name)
        if where:
            event.add("location", vText(where))
        if initiative.summary:
            event.add("description", initiative.summary)
        event.add("url", url_of(initiative))
        events.append(event)
    calendar.add_component(Timezone.from_tzinfo(zone, tzid=AMSTERDAM, first_date=date(min(days).year - 1, 1, 1),
                                                last_date=date(max(days).year + 2, 1, 1)))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def template_context() -> dict:
    """Globals for the initiatives templates (and the place page's panel)."""
    return {
        "audience_label": lambda key: AUDIENCES.get(key, key),
        "audience_choices": lambda: list(AUDIENCES.items()),
        "cost_label": lambda key: COSTS.get(key) or _("Niet opgegeven"),
        "attribute_label": lambda key: ATTRIBUTES_BY_KEY[key].label,
        "initiative_vocab": vocab,
        "instance_when": instance_when,
        "instance_time": instance_time,
        "cancel_reason": cancel_reason,
        "short_date": short_date,
        "initiative_place_url": place_url,
        "activity_where": activity_where,
        "listed_places": listed_places,
        "activity_rule_text": rule_text,
        "initiatives_at_place": initiatives_at_place,
    }
