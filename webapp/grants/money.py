"""Euro amounts typed by people ("250", "1.234,50", "€ 12,5", "12.50") parsed exactly to integer cents."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_CENTS = 1_000_000_000  # € 10 million: far above any budget, safely inside a 32-bit integer


class MoneyError(ValueError):
    """The text is not an amount of euros; the message says so in plain words."""


_GROUPED = {".": re.compile(r"\d{1,3}(\.\d{3})+"), ",": re.compile(r"\d{1,3}(,\d{3})+")}


def parse_euros(value: str | None) -> int | None:
    """Cents for a euro amount in Dutch (or English) notation; None for an empty field.

    Dutch: "." groups thousands and "," is the decimal sign ("1.234,50"). A lone "." followed by one
    or two digits is read as a decimal sign ("12.50"), followed by groups of three as thousands
    ("1.250"). At most two decimals. Negative amounts are returned as such (the caller says why
    they are not allowed). Decimal arithmetic only: no float rounding.
    """
    from flask_babel import gettext as _

    if value is None:
        return None
    if not str(value).strip():
        return None
    text = str(value).strip().replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "")
    sign = 1
    if text[:1] in ("+", "-"):
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if text.endswith((",-", ".-")):
        text = text[:-2]
    not_amount = MoneyError(_("Vul een bedrag in euro's in, bijvoorbeeld 250 of 1.234,50."))
    if not text or not re.fullmatch(r"[\d.,]+", text):
        raise not_amount
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text:
        decimal_sep = "," if not (_GROUPED[","].fullmatch(text) and text.count(",") > 1) else ""
    elif "." in text:
        decimal_sep = "" if _GROUPED["."].fullmatch(text) else "."
    else:
        decimal_sep = ""
    thousands_sep = {",": ".", ".": ","}.get(decimal_sep, "." if "." in text else ",")
    whole, _sep, fraction = text.rpartition(decimal_sep) if decimal_sep else (text, "", "")
    if decimal_sep and (not whole or text.count(decimal_sep) > 1):
        if not whole and fraction.isdigit():
            whole = "0"
        else:
            raise not_amount
    if thousands_sep in whole:
        if not _GROUPED[thousands_sep].fullmatch(whole):
            raise not_amount
        whole = whole.replace(thousands_sep, "")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise not_amount
    if len(fraction) > 2:
        raise MoneyError(_("Gebruik hoogstens twee cijfers na de komma."))
    try:
        cents = int(Decimal(f"{whole}.{fraction or '0'}") * 100)
    except InvalidOperation as exc:  # pragma: no cover - the checks above leave only digits
        raise not_amount from exc
    if cents >= MAX_CENTS:
        raise MoneyError(_("Dit bedrag is te groot."))
    return sign * cents


def euros_input(cents: int | None) -> str:
    """Cents as a form value in Dutch notation without the euro sign: 123450 -> "1.234,50"."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", ".")
    return f"{sign}{grouped}" if part == 0 else f"{sign}{grouped},{part:02d}"
