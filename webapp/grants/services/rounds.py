"""Rounds (regelingen): their settings, checked; creating and changing them; which are open.

Money settings (budget, maximum, four-eyes amount, quick lane) change only when a second staff member
confirms (`webapp/grants/settings_changes.py`); the other settings change at once.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.accounts.models import User
from webapp.areas.services import list_gemeenten
from webapp.domain_errors import NotAllowed
from webapp.extensions import db
from webapp.grants import models as m
from webapp.grants import priority, settings_changes
from webapp.grants.models import GrantRound
from webapp.grants.services import areas, audit, bank
from webapp.grants.services.budget import lock_round
from webapp.grants.services.errors import BudgetExceeded, GrantError
from webapp.grants.services.permissions import is_staff
from webapp.i18n import local_today, money

ROUND_FIELDS = ("name", "criteria", "opens_on", "closes_on", "budget_cents", "max_amount_cents",
                "four_eyes_cents", "answer_days", "quick_lane_cents", "own_contribution_percent",
                "min_supporters", "ask_supporters", "district_id", "priority_buurten", "debtor_name",
                "debtor_iban", "debtor_bic")


def _check_debtor(data: dict[str, Any], errors: dict[str, str]) -> None:
    """The gemeente's own account (the debtor of the SEPA files): both or neither; the IBAN is checked and
    kept compact, with its BIC. Not a money setting: the bank only accepts a file from the gemeente's own
    account, so it changes at once (and is in the audit log)."""
    if "debtor_iban" not in data and "debtor_name" not in data:
        return
    name = " ".join((data.get("debtor_name") or "").split())
    data["debtor_name"] = name
    if len(name) > 70:
        errors["debtor_name"] = _("Dit is te lang: hoogstens %(n)s tekens.", n=70)
    if not (data.get("debtor_iban") or "").strip():
        data["debtor_iban"], data["debtor_bic"] = "", ""
        if name:
            errors["debtor_iban"] = _("Vul ook het rekeningnummer (IBAN) van de gemeente in.")
        return
    try:
        checked = bank.check_iban(data["debtor_iban"])
    except GrantError as exc:
        errors["debtor_iban"] = exc.message
        return
    data["debtor_iban"], data["debtor_bic"] = checked.iban, checked.bic
    if not name:
        errors["debtor_name"] = _("Vul de naam van de rekening van de gemeente in.")


def validate_round(data: dict[str, Any], gemeente_code: str, committed_cents: int = 0) -> dict[str, str]:
    """Every broken rule of a round's settings, per field (empty when all is well)."""
    errors: dict[str, str] = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("Geef de regeling een naam.")
    if "priority_buurten" in data:
        problem = priority.validate(data["priority_buurten"], gemeente_code)
        if problem:
            errors["priority_buurten"] = problem
    if not data.get("opens_on"):
        errors["opens_on"] = _("Vul de datum in waarop de regeling opent.")
    if not data.get("closes_on"):
        errors["closes_on"] = _("Vul de datum in waarop de regeling sluit.")
    if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
        errors["closes_on"] = _("De sluitdatum moet na de openingsdatum liggen.")
    budget = data.get("budget_cents")
    if budget is None or budget <= 0:
        errors["budget_cents"] = _("Vul een budget groter dan € 0 in.")
    elif budget < committed_cents:
        errors["budget_cents"] = _("Er is al %(amount)s toegekend of gereserveerd. Het budget kan niet lager.",
                                   amount=money(committed_cents))
    maximum = data.get("max_amount_cents")
    if maximum is None or maximum <= 0:
        errors["max_amount_cents"] = _("Vul een maximum groter dan € 0 in.")
    elif maximum > m.MAX_MAX_CENTS:
        errors["max_amount_cents"] = _("Het maximum per aanvraag is hoogstens %(max)s.", max=money(m.MAX_MAX_CENTS))
    elif budget and maximum > budget:
        errors["max_amount_cents"] = _("Het maximum per aanvraag kan niet hoger zijn dan het budget.")
    if data.get("four_eyes_cents") is None or data["four_eyes_cents"] < 0:
        errors["four_eyes_cents"] = _("Vul een bedrag van € 0 of meer in.")
    quick = data.get("quick_lane_cents")
    if quick is None or quick < 0:
        errors["quick_lane_cents"] = _("Vul een bedrag van € 0 of meer in (0 zet de snelle route uit).")
    elif maximum and quick > maximum:
        errors["quick_lane_cents"] = _("De snelle route kan niet hoger zijn dan het maximum per aanvraag.")
    elif data.get("four_eyes_cents") is not None and quick > data["four_eyes_cents"]:
        errors["quick_lane_cents"] = _("De snelle route kan niet boven de grens voor twee medewerkers liggen.")
    if "quick_lane_cents" not in errors:
        errors.update(settings_changes.ceiling_error(data))
    days = data.get("answer_days")
    if days is None or not 1 <= days <= 365:
        errors["answer_days"] = _("Kies een antwoordtermijn van 1 tot 365 dagen.")
    pct = data.get("own_contribution_percent") or 0
    if not 0 <= pct <= 100:
        errors["own_contribution_percent"] = _("Kies een percentage van 0 tot 100.")
    if (data.get("min_supporters") or 0) < 0:
        errors["min_supporters"] = _("Vul 0 of meer in.")
    _check_debtor(data, errors)
    district_id = data.get("district_id")
    if district_id:
        district = areas.district(district_id)
        if district is None or district.gemeente_code != gemeente_code:
            errors["district_id"] = _("Kies een stadsdeel van deze gemeente.")
    return errors


def create_round(user: User, gemeente_code: str, data: dict[str, Any]) -> GrantRound:
    if not is_staff(user, gemeente_code):
        raise NotAllowed()
    if areas.gemeente(gemeente_code) is None:
        raise GrantError(_("Deze gemeente bestaat niet."))
    errors = validate_round(data, gemeente_code)
    if errors:
        raise GrantError(errors=errors)
    grant_round = GrantRound(gemeente_code=gemeente_code, created_by_id=user.id,
                             **{k: data.get(k) for k in ROUND_FIELDS if k in data})
    grant_round.name = grant_round.name.strip()
    grant_round.district_id = data.get("district_id") or None
    # Not open until a second staff member confirms its money settings (settings_changes).
    grant_round.settings_confirmed = False
    db.session.add(grant_round)
    db.session.flush()
    audit.record(user, "round_created", grant_round=grant_round, budget_cents=grant_round.budget_cents,
                 name=grant_round.name)
    settings_changes.propose(user, grant_round, settings_changes.money_values(grant_round), kind="create")
    return grant_round


def update_round(user: User, grant_round: GrantRound, data: dict[str, Any]) -> GrantRound:
    if not is_staff(user, grant_round.gemeente_code):
        raise NotAllowed()
    grant_round = lock_round(grant_round.id)
    errors = validate_round(data, grant_round.gemeente_code, grant_round.committed_cents)
    if errors:
        raise GrantError(errors=errors)
    # Money settings change only when a second staff member confirms (settings_changes); the rest at once.
    proposed = {key: data[key] for key in m.MONEY_SETTINGS if key in data and data[key] != getattr(grant_round, key)}
    if proposed or (not grant_round.settings_confirmed and settings_changes.pending_change(grant_round) is None):
        if grant_round.settings_confirmed:
            settings_changes.propose(user, grant_round, proposed)
        else:  # a new round whose settings were turned down: propose them all again
            settings_changes.propose(user, grant_round, {**settings_changes.money_values(grant_round), **proposed},
                                     kind="create")
    changes = {}
    for key in ROUND_FIELDS:
        if key not in data or key in m.MONEY_SETTINGS:
            continue
        value = data[key] or None if key == "district_id" else data[key]
        old = getattr(grant_round, key)
        if old != value:
            changes[key] = {"old": old.isoformat() if isinstance(old, date) else old,
                            "new": value.isoformat() if isinstance(value, date) else value}
            setattr(grant_round, key, value)
    if changes:
        try:
            db.session.flush()
        except IntegrityError as exc:
            raise BudgetExceeded(_("Het budget kan niet lager dan wat al is toegekend."), field="budget_cents") from exc
        audit.record(user, "round_updated", grant_round=grant_round, changes=changes)
    return grant_round


def round_state(grant_round: GrantRound, today: date | None = None) -> str:
    """'upcoming', 'open' or 'closed'; 'pending' while a new round's money settings wait for a second
    staff member (not open)."""
    today = today or local_today()
    if not grant_round.settings_confirmed and today <= grant_round.closes_on:
        return "pending"
    if today < grant_round.opens_on:
        return "upcoming"
    if today > grant_round.closes_on:
        return "closed"
    return "open"


def rounds_of(gemeente_code: str) -> list[GrantRound]:
    return list(db.session.scalars(select(GrantRound).where(GrantRound.gemeente_code == gemeente_code)
                                   .order_by(GrantRound.opens_on.desc(), GrantRound.id.desc())))


def open_rounds(gemeente_codes: set[str] | None = None, today: date | None = None) -> list[GrantRound]:
    today = today or local_today()
    stmt = (select(GrantRound).where(GrantRound.opens_on <= today, GrantRound.closes_on >= today,
                                     GrantRound.settings_confirmed.is_(True))
            .order_by(GrantRound.closes_on, GrantRound.id))
    if gemeente_codes is not None:
        stmt = stmt.where(GrantRound.gemeente_code.in_(gemeente_codes))
    return list(db.session.scalars(stmt))


def gemeenten_with_rounds() -> list[tuple[str, str]]:
    """(code, name) of every gemeente that has a round, by name: for the public index."""
    codes = set(db.session.scalars(select(GrantRound.gemeente_code)))
    return [(code, name) for code, name in list_gemeenten() if code in codes]
