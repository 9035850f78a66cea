"""The canary crawl's parts: the canary, which stored text gets it, how it is written, and how each kind
of answer (HTML, JSON, iCalendar, CSV, mail) is checked for it. Used by tests/security/test_canary.py.

The canary is text that does something wherever text is mistaken for code: a Jinja expression and an
unclosed raw block (server-side templates), a script element and an attribute break-out with an image
(HTML), and a formula (spreadsheets). Wherever it is shown it must be the same text, never evaluated.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import escape

CANARY = '=1+1 {{7*7}} {% raw %} <script>alert(1)</script> "><img src=x onerror=alert(1)>'
EVALUATED = "=1+1 49"             # what the canary's start becomes when {{7*7}} runs as a template
RAW_MARKUP = ("<script>alert(1)", "<img src=x")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATA_BLOCK = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)

# Every free-text column residents, owners or staff can fill (through a form, a service or the API).
# test_canary writes the canary into all of their rows after the services have written theirs.
FREE_TEXT: dict[str, list[str]] = {
    "users": ["display_name"],
    "places": ["name", "description", "house_rules", "address", "host_name", "status_reason"],
    "initiatives": ["title", "summary", "description", "location_name", "cost_note"],
    "initiative_activities": ["title"],
    "initiative_activity_cancellations": ["reason"],
    "initiative_participations": ["message", "role"],
    "join_requests": ["motivation"],
    "suggestions": ["note"],
    "revisions": ["note"],
    "reports": ["text", "answer"],
    "grant_rounds": ["name", "criteria", "debtor_name"],
    "grant_applications": ["title", "description", "audience", "cofunding", "timing", "decision_reason",
                           "first_reason", "revoked_reason", "payment_reference"],
    "grant_budget_lines": ["description"],
    "grant_messages": ["body"],
    "grant_reports": ["what_happened"],
    "grant_bank_accounts": ["holder"],
    "grant_payment_batches": ["debtor_name"],
    "user_sessions": ["user_agent"],   # from the User-Agent header: hostile input, shown on /account
}
# Free-text lists (Postgres arrays): each element gets the canary.
FREE_TEXT_LISTS: dict[str, list[str]] = {
    "initiatives": ["volunteer_roles"],
}

# Text columns that are not free text, each with the reason. A text column in neither FREE_TEXT nor
# here fails test_every_text_column_is_classified: decide whether people can type into it.
NOT_FREE_TEXT_PREFIXES = {
    "geography_columns.": "PostGIS catalogue view",
    "geometry_columns.": "PostGIS catalogue view",
}
NOT_FREE_TEXT: dict[str, str] = {
    "place_names.gemeente": "reference data loaded from data/ (GeoNames), never typed by users",
    "place_names.key": "reference data loaded from data/ (GeoNames), never typed by users",
    "place_names.kind": "reference data loaded from data/ (GeoNames), never typed by users",
    "place_names.label": "reference data loaded from data/ (GeoNames), never typed by users",
    "place_names.name": "reference data loaded from data/ (GeoNames), never typed by users",
    "place_names.province": "reference data loaded from data/ (GeoNames), never typed by users",
    "place_names.ref": "reference data loaded from data/ (GeoNames), never typed by users",
    "postcodes_pc4.gemeente": "reference data loaded from data/ (GeoNames), never typed by users",
    "postcodes_pc4.gemeente_code": "reference data loaded from data/ (GeoNames), never typed by users",
    "postcodes_pc4.pc4": "reference data loaded from data/ (GeoNames), never typed by users",
    "postcodes_pc4.places": "reference data loaded from data/ (GeoNames), never typed by users",
    "places.category": "a choice from a fixed list",
    "places.cost": "a choice from a fixed list",
    "places.status": "a state set by the app",
    "places.gemeente_code": "a gemeente code, checked against the table",
    "places.osm_id": "an OpenStreetMap id from the import",
    "places.website": "a URL, validated (its own tests)",
    "places.phone": "a phone number, validated",
    "places.email": "an e-mail address, validated",
    "places.opening_hours": "OpenStreetMap opening_hours syntax, parsed and refused when invalid",
    "places.attribute_meta": "source and date per attribute, set by the app",
    "places.osm_tags": "OpenStreetMap tags from an import file (command line); only written back into the export",
    "places.osm_values": "our field values as the OpenStreetMap import read them, set by the app",
    "places.languages": "choices from a fixed list",
    "places.audience": "choices from a fixed list",
    "places.activities": "choices from a fixed list",
    "places.safe_space_for": "choices from a fixed list",
    "initiatives.cost": "a choice from a fixed list",
    "initiatives.status": "a state set by the app",
    "initiatives.status_before_pause": "a state set by the app",
    "initiatives.gemeente_code": "a gemeente code",
    "initiatives.themes": "choices from a fixed list",
    "grant_rounds.priority_buurten": "buurt codes chosen from the loaded buurten (checked against them)",
    "initiatives.audience": "choices from a fixed list",
    "initiatives.languages": "choices from a fixed list",
    "initiative_activities.frequency": "a choice from a fixed list",
    "initiative_activities.timezone": "always Europe/Amsterdam",
    "initiative_participations.kind": "a choice from a fixed list",
    "join_requests.status": "a state set by the app",
    "join_requests.subject_type": "place or initiative",
    "ownership_history.subject_type": "place or initiative",
    "reports.category": "a choice from a fixed list",
    "reports.attribute": "a field name from the subject type's fixed list",
    "saved_items.subject_type": "place or initiative",
    "reports.status": "a state set by the app",
    "reports.subject_type": "place or initiative",
    "revisions.kind": "set by the app",
    "revisions.subject_type": "place or initiative",
    "revisions.changes": "old and new values of other fields (the canary arrives through the services)",
    "suggestions.status": "a state set by the app",
    "suggestions.subject_type": "place or initiative",
    "suggestions.values": "proposed values of other fields (the canary arrives through the services)",
    "suggestions.base": "the values a suggestion started from",
    "grant_rounds.gemeente_code": "a gemeente code",
    "grant_applications.status": "a state set by the app",
    "grant_audit_log.action": "set by the app",
    "grant_audit_log.details": "set by the app from other fields",
    "grant_audit_log.gemeente_code": "a gemeente code",
    "grant_audit_log.old_status": "a state",
    "grant_audit_log.new_status": "a state",
    "grant_round_changes.kind": "set by the app",
    "grant_round_changes.status": "a state set by the app",
    "grant_round_changes.old_values": "money settings (numbers)",
    "grant_round_changes.new_values": "money settings (numbers)",
    "grant_messages.kind": "question or answer",
    "grant_reports.photo_type": "an image type detected by the app",
    "grant_rounds.debtor_iban": "an IBAN, checked by schwifty and stored compact",
    "grant_rounds.debtor_bic": "a BIC looked up by schwifty from the IBAN",
    "grant_bank_accounts.iban": "an IBAN, checked by schwifty and stored compact",
    "grant_bank_accounts.bic": "a BIC looked up by schwifty from the IBAN",
    "grant_bank_accounts.status": "a state set by the app",
    "grant_payment_batches.debtor_iban": "copied from the round (an IBAN checked by schwifty)",
    "grant_payment_batches.debtor_bic": "copied from the round (a BIC looked up by schwifty)",
    "grant_payment_batches.gemeente_code": "a gemeente code",
    "grant_payment_batches.msg_id": "the SEPA message id made by sepaxml",
    "grant_payment_batches.status": "a state set by the app",
    "grant_payment_items.end_to_end_id": "made by the app from two ids",
    "grant_reports.receipts_type": "an image type detected by the app",
    "outbox.to_address": "an e-mail address",
    "outbox.subject": "written by the app (checked as mail output)",
    "outbox.body": "written by the app (checked as mail output)",
    "outbox.kind": "set by the app",
    "outbox.last_error": "the mail server's answer",
    "role_grants.gemeente_code": "a gemeente code",
    "role_grants.role": "a choice from a fixed list",
    "users.email": "an e-mail address, validated",
    "users.password_hash": "an argon2 hash",
    "users.preferred_locale": "a choice from a fixed list",
    "buurten.code": "a CBS buurtcode (BU + 8 digits), checked by the loader",
    "buurten.name": "from a CBS-style open-data file an administrator loads (tests/insight: shown as text)",
    "buurten.gemeente_code": "a gemeente code, checked against the table",
    "welcome_checkin_guards.key": "an HMAC made by the app",
}
REFERENCE_TABLES = {"gemeenten", "districts", "alembic_version", "spatial_ref_sys"}


def _not_free_text() -> dict[str, str]:
    from webapp.places.attributes import ATTRIBUTE_KEYS

    return {**NOT_FREE_TEXT, **{f"places.{key}": "an attribute: yes, limited, no or unknown" for key in ATTRIBUTE_KEYS},
            "user_sessions.id": "a random session token"}


def text_columns(session) -> list[str]:
    """Every text, varchar, text[] and json(b) column of the app's tables, as table.column."""
    rows = session.execute(sa.text(
        "select table_name, column_name from information_schema.columns where table_schema = 'public' "
        "and (data_type in ('text', 'character varying', 'json', 'jsonb') or udt_name in ('_text', '_varchar')) "
        "order by 1, 2"))
    return [f"{t}.{c}" for t, c in rows if t not in REFERENCE_TABLES]


def unclassified(session) -> list[str]:
    known = {f"{t}.{c}" for t, cols in FREE_TEXT.items() for c in cols}
    known |= {f"{t}.{c}" for t, cols in FREE_TEXT_LISTS.items() for c in cols}
    not_free = _not_free_text()
    return [col for col in text_columns(session)
            if col not in known and col not in not_free
            and not col.startswith(tuple(NOT_FREE_TEXT_PREFIXES))]


def write_everywhere(session) -> list[str]:
    """Put the canary into every FREE_TEXT column of every row (each column in its own savepoint).
    Returns the columns the database refused, with the reason."""
    problems = []
    existing = set(text_columns(session))
    for table, columns in FREE_TEXT.items():
        for column in columns:
            if f"{table}.{column}" not in existing and table == "user_sessions":
                continue   # server-side sessions (issue 10, finding 6) are not merged everywhere yet
            try:
                with session.begin_nested():
                    session.execute(sa.text(f'UPDATE "{table}" SET "{column}" = :c'), {"c": CANARY})
            except sa.exc.DBAPIError as exc:
                problems.append(f"{table}.{column}: {exc.orig}")
    for table, columns in FREE_TEXT_LISTS.items():
        for column in columns:
            try:
                with session.begin_nested():
                    session.execute(sa.text(f'UPDATE "{table}" SET "{column}" = ARRAY[:c]'), {"c": CANARY})
            except sa.exc.DBAPIError as exc:
                problems.append(f"{table}.{column}: {exc.orig}")
    return problems


# ------------------------------------------------------------------------------------- the checks

@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)       # endpoints where the canary appeared intact

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def check_value(self, value: str, where: str, endpoint: str, changed: str) -> None:
        """One value of an answer: where it holds the canary, intact (shown) or not (`changed` says how)."""
        if "{{7*7}}" not in value:
            return
        if CANARY in value:
            self.shown.add(endpoint)
        else:
            self.fail(where, f"{changed}: {value[:160]!r}")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def check_html(text: str, where: str, endpoint: str, found: Findings) -> None:
    if EVALUATED in text:
        found.fail(where, f"{{{{7*7}}}} was evaluated: {_around(text, EVALUATED)}")
    for markup in RAW_MARKUP:
        if markup in text:
            found.fail(where, f"the canary is markup, not text: {_around(text, markup)}")
    if str(escape(CANARY)) in text:
        found.shown.add(endpoint)
    for block in DATA_BLOCK.findall(text):   # JSON data blocks (the map's markers): exact values
        check_json(block, f"{where} (JSON data block)", endpoint, found)


def check_json(text: str, where: str, endpoint: str, found: Findings) -> None:
    if EVALUATED in text:
        found.fail(where, "{{7*7}} was evaluated")
    try:
        document = json.loads(text)
    except ValueError as exc:
        found.fail(where, f"not JSON: {exc}")
        return
    for value in _strings(document):
        found.check_value(value, where, endpoint, "the canary changed on its way into JSON")


def check_ical(body: bytes, where: str, endpoint: str, found: Findings) -> None:
    from icalendar import Calendar

    text = body.decode("utf-8")
    if EVALUATED in text:
        found.fail(where, "{{7*7}} was evaluated")
    calendar = Calendar.from_ical(body)
    for component in calendar.walk():
        for name, value in component.items():
            found.check_value(str(value), where, endpoint, f"{name} changed the canary")


def check_csv(text: str, where: str, endpoint: str, found: Findings) -> None:
    if EVALUATED in text:
        found.fail(where, "{{7*7}} was evaluated")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0] if rows else []
    for row in rows[1:]:
        for i, cell in enumerate(row):
            if "{{7*7}}" not in cell:
                continue
            column = header[i] if i < len(header) else str(i)
            if cell.startswith(FORMULA_START):
                found.fail(where, f"column {column!r}: a spreadsheet runs it as a formula: {cell[:40]!r}")
            else:
                found.check_value(cell, where, endpoint, f"column {column!r} changed the canary")


def check_mail(subject: str, body: str, where: str, found: Findings) -> bool:
    """A plain-text mail shows the canary exactly (no HTML escaping, nothing evaluated)."""
    text = f"{subject}\n{body}"
    if EVALUATED in text:
        found.fail(where, f"{{{{7*7}}}} was evaluated: {_around(text, EVALUATED)}")
    if "&lt;script&gt;" in text or "&#34;&gt;" in text:
        found.fail(where, "the canary is HTML-escaped in a plain-text mail")
    return CANARY in text


def _around(text: str, needle: str, width: int = 80) -> str:
    at = text.find(needle)
    return repr(text[max(0, at - width):at + len(needle) + width])
