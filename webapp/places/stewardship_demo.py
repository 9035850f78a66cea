"""Demo co-beheer of places (run by the stewardship demo through the subject registry): co-owners from the
demo residents, proposals in Amsterdam's and Utrecht's moderation queues, revisions, suggestions, join
requests and open reports. All fictional.

Runs after the accounts and places demos; looks users and places up and skips what is absent.
"""
from __future__ import annotations

import logging

from sqlalchemy import func, select

from webapp.accounts.models import User
from webapp.areas.services import gemeente_centre
from webapp.extensions import db
from webapp.places import services as place_services
from webapp.places.models import Place
from webapp.stewardship import services

log = logging.getLogger(__name__)
DOMAIN = "demo.buurtplek.example"

PROPOSALS = [
    # (gemeente, name, category, description, address, offset lon, offset lat)
    ("GM0363", "Buurtkamer Het Zonnetje", "community_centre",
     "Elke ochtend koffie en thee. Iedereen mag binnenlopen.", "Zonnebloemstraat 4", 0.010, 0.004),
    ("GM0363", "Moestuin De Regenworm", "garden",
     "Samen groente kweken. Op zaterdag zijn er altijd mensen.", "Pierenpad 12", -0.012, 0.006),
    ("GM0363", "Repair Café De Schroevendraaier", "other",
     "Samen spullen maken in plaats van weggooien.", "Moerstraat 9", 0.004, -0.008),
    ("GM0344", "Leeshoek De Boekenwurm", "library",
     "Een rustige hoek met boeken in veel talen.", "Bladzijdeweg 3", 0.006, 0.003),
    ("GM0344", "Speeltuin De Klimrek", "playground",
     "Een speeltuin met bankjes in de schaduw voor ouders en grootouders.", "Glijbaanlaan 7", -0.005, -0.004),
]

SUGGESTIONS = [
    {"step_free_entrance": "yes"}, {"hearing_loop": "yes"}, {"seating": "yes"}, {"quiet_space": "limited"},
    {"well_lit": "yes"}, {"toilets": "yes"},
]
REPORTS = [
    ("access_barrier", "De oprit bij de ingang is weggehaald. Met een rolstoel kom je niet meer binnen."),
    ("wrong_info", "Op dinsdag is het tegenwoordig al om 16:00 dicht."),
    ("building_safety", "Een stoeptegel voor de deur ligt los. Je kunt erover struikelen."),
    ("access_barrier", "De lift is al twee weken kapot."),
]


def _user(local: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == f"{local}@{DOMAIN}")).first()


def load(rng) -> str:
    residents = [u for u in (_user(f"bewoner{n:02d}") for n in range(1, 31)) if u is not None]
    moderators = {code: _user(local) for code, local in (("GM0363", "moderator.amsterdam"),
                                                          ("GM0344", "moderator.utrecht"))}
    if not residents:
        return "skipped (no demo residents)"
    places = list(db.session.scalars(select(Place).where(Place.status == "published").order_by(Place.id)))
    owned = revisions = suggestions = reports = requests = proposals = 0

    # Co-owners: about two thirds of the places get one to three residents.
    for place in places:
        if rng.random() < 0.66:
            for owner in rng.sample(residents, k=min(len(residents), rng.choice((1, 1, 2, 3)))):
                services.add_owner(place, owner)
                owned += 1
    db.session.flush()

    # Some owners improve their place: revisions and "confirm still correct".
    with_owners = [p for p in places if services.owners_of(p)]
    for place in rng.sample(with_owners, k=min(len(with_owners), 40)):
        owner = services.owners_of(place)[0].user
        key = rng.choice(("wheelchair", "step_free_entrance", "hearing_loop", "seating", "well_lit", "host_present"))
        new = rng.choice(("yes", "limited", "no"))
        if services.apply_edit(place, owner, {key: new}, place.version,
                               note=rng.choice(("Zelf nagekeken", "Na de verbouwing", ""))) is not None:
            revisions += 1
        if rng.random() < 0.5:
            services.confirm_attributes(owner, place)

    # Suggestions and join requests from other residents.
    for place in rng.sample(with_owners, k=min(len(with_owners), 12)):
        owner_ids = {o.user_id for o in services.owners_of(place)}
        outsider = rng.choice([r for r in residents if r.id not in owner_ids])
        values = rng.choice(SUGGESTIONS)
        if any(getattr(place, k) != v for k, v in values.items()):
            services.suggest_edit(outsider, place, values, note="Ik was er vorige week")
            suggestions += 1
        if rng.random() < 0.5 and services.open_join_request(outsider, place) is None:
            services.request_join(outsider, place, "Ik kom hier elke week en help graag mee.")
            requests += 1

    # Open reports.
    for place in rng.sample(places, k=min(len(places), 10)):
        category, text = rng.choice(REPORTS)
        services.report(rng.choice(residents), place, category, text)
        reports += 1

    # Proposals waiting in Amsterdam's and Utrecht's queues.
    for code, name, category, description, address, dlon, dlat in PROPOSALS:
        centre = gemeente_centre(code)
        if centre is None:
            continue
        proposer = rng.choice(residents)
        lon, lat = (4.8952, 52.3702) if code == "GM0363" else (5.1214, 52.0907)
        values = {"name": name, "category": category, "description": description, "address": address,
                  "house_rules": "Iedereen is welkom. We zijn vriendelijk tegen elkaar.",
                  "opening_hours": rng.choice(("Mo-Fr 09:00-17:00; PH off", "Sa 10:00-16:00", "")),
                  "toilets": rng.choice(("yes", "no", "unknown")),
                  "wheelchair": rng.choice(("yes", "limited", "unknown"))}
        place_services.propose_place(proposer, values, lon + dlon, lat + dlat, gemeente_code=code)
        proposals += 1
    # One proposal was already rejected, so "Mijn plekken" shows a reason.
    moderator = moderators.get("GM0363")
    if moderator is not None:
        rejected = place_services.propose_place(residents[0], {"name": "Mijn achtertuin", "category": "garden",
                                                         "description": "Een tuin achter mijn huis."},
                                          4.90, 52.36, gemeente_code="GM0363")
        place_services.reject_place(moderator, rejected, "Dit is een privétuin. Die kunnen we niet op de kaart zetten.")
    db.session.flush()
    log.info("places co-beheer demo loaded")
    return (f"{owned} co-owners, {revisions} revisions, {suggestions} suggestions, {requests} join requests, "
            f"{reports} reports, {proposals} proposals")
