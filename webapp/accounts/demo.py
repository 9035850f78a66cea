"""Demo accounts (fictional people; password `buurtplek-demo`, development only)."""
from __future__ import annotations

import random
from datetime import UTC, datetime

from webapp.accounts import services
from webapp.accounts.models import Role, User
from webapp.extensions import db

DEMO_PASSWORD = "buurtplek-demo"
DOMAIN = "demo.buurtplek.example"

STAFF_ACCOUNTS = [
    ("admin", "Beheer Buurtplek", Role.ADMIN, None),
    ("moderator.amsterdam", "Mirjam B.", Role.MODERATOR, "GM0363"),
    ("moderator.utrecht", "Koen van D.", Role.MODERATOR, "GM0344"),
    ("medewerker.amsterdam", "Samira E.", Role.STAFF, "GM0363"),
    ("medewerker2.amsterdam", "Pieter de G.", Role.STAFF, "GM0363"),
    ("medewerker.utrecht", "Ingrid H.", Role.STAFF, "GM0344"),
    ("helper.amsterdam", "Yusuf A.", Role.HELPER, "GM0363"),
]

FIRST_NAMES = ["Fatima", "Jan", "Anouk", "Mohamed", "Sanne", "Kees", "Aylin", "Daan", "Esther", "Rachid",
               "Lotte", "Henk", "Priya", "Bram", "Noor", "Wim", "Chantal", "Tariq", "Marieke", "Joost",
               "Ilse", "Emre", "Greet", "Sven", "Naima", "Ruud", "Femke", "Kwame", "Annelies", "Thijs",
               "Zeynep", "Gerrit", "Mei", "Ricardo", "Wendy", "Ahmed"]
INITIALS = ["K.", "de V.", "B.", "van D.", "M.", "el A.", "J.", "S.", "de B.", "T.", "van der M.", "P.",
            "O.", "H.", "R.", "Y."]


def load(rng: random.Random) -> str:
    now = datetime.now(UTC)
    password_hash = services.hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose

    def make(local: str, name: str) -> User:
        user = User(email=f"{local}@{DOMAIN}", display_name=name, password_hash=password_hash,
                    email_confirmed_at=now, preferred_locale="nl")
        db.session.add(user)
        return user

    for local, name, role, gemeente in STAFF_ACCOUNTS:
        user = make(local, name)
        db.session.flush()
        services.grant_role(user, role, gemeente)
    names = rng.sample(FIRST_NAMES, 30)
    for n, first in enumerate(names, start=1):
        make(f"bewoner{n:02d}", f"{first} {rng.choice(INITIALS)}")
    db.session.flush()
    return (f"{len(STAFF_ACCOUNTS) + 30} accounts (admin@{DOMAIN}, moderator.amsterdam@…, bewoner01@… "
            f"… bewoner30@…), password '{DEMO_PASSWORD}'")
