"""CSV cells that a spreadsheet would run as a formula are made plain text (CSV/formula injection).

Shared by every CSV download (places, startbijdragen, insight).

Following OWASP's CSV Injection guidance (https://owasp.org/www-community/attacks/CSV_Injection): a cell
that starts with `=`, `+`, `-`, `@`, tab or carriage return (also after leading spaces, and the full-width
forms some spreadsheets accept) is prefixed with a single quote, which spreadsheets show as text. The
csv module quotes the cell and doubles embedded quotes.

Only what a spreadsheet would evaluate is changed: a plain number ("-5", "+1.234,50") or a phone number
("+31 20 612 3456", "+31 (0)20 612 3456") contains no operator after its sign, no function and no cell
reference, so it stays as it was and remains usable.
"""
from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@\t\r" + "\uff1d\uff0b\uff0d\uff20")  # ＝ ＋ － ＠
# A sign, then digits with the separators numbers and phone numbers use; nothing a formula needs.
PLAIN_NUMBER = re.compile(r"[+-]\d[\d .,]*\Z")
PHONE_NUMBER = re.compile(r"\+\d[\d ]*(\(\d+\)[\d ]*)?[\d ]*\Z")


def spreadsheet_safe(value: str) -> str:
    if not value:
        return value
    start = value.lstrip(" \u00a0")
    if not start or start[0] not in TRIGGERS:
        return value
    if len(start) == len(value) and (PLAIN_NUMBER.match(value) or PHONE_NUMBER.match(value)):
        return value
    return "'" + value
