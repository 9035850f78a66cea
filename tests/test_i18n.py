"""Dutch and English complete, locale formats, and the language switch (without JavaScript).

The catalog check extracts the messages afresh from the code (babel's extract API with babel.cfg, the same
keywords as scripts/i18n.sh), so a new string without an English translation fails here even before
anyone ran the extraction. Fill the catalog with `scripts/i18n.sh` and translate in
webapp/translations/en/LC_MESSAGES/messages.po.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import render_template_string

ROOT = Path(__file__).resolve().parent.parent
EN_PO = ROOT / "webapp" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# Keep in step with scripts/i18n.sh (-k options).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "_n": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}


def _only_webapp(dirpath: str) -> bool:
    """Walk webapp/ only (not .venv, var/pg, bench/node_modules ...)."""
    relative = Path(dirpath).resolve().relative_to(ROOT).parts
    return bool(relative) and relative[0] == "webapp" and not any(p.startswith((".", "__")) for p in relative)


def _extracted() -> dict:
    """{msgid (str, or (singular, plural)): [locations]} for every message in the code and templates."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True,
            directory_filter=_only_webapp):
        msgid = message if isinstance(message, str) else tuple(message[:2])
        if not (msgid if isinstance(msgid, str) else msgid[0]):
            continue
        found.setdefault((context, msgid), []).append(f"{filename}:{lineno}")
    return found


def test_extraction_finds_the_strings_of_code_and_templates():
    keys = {msgid for _context, msgid in _extracted()}
    assert "Naar de inhoud" in keys  # base.html
    assert "U bent offline" in keys  # offline.html
    assert "Deze pagina bestaat niet (meer)." in keys  # errors.py, lazy_gettext
    assert len(keys) > 50


def test_babel_cfg_covers_every_file_with_messages():
    """A file kind babel.cfg does not know (e.g. mail templates) would never be translated."""
    located = {where.rsplit(":", 1)[0] for wheres in _extracted().values() for where in wheres}
    marker = re.compile(r"(?<![\w.])(_|_l|gettext|ngettext|lazy_gettext)\(\s*['\"]")
    missing = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "webapp").rglob("*"))
               if path.is_file() and path.suffix in (".py", ".html", ".txt", ".xml", ".ics", ".md")
               and "__pycache__" not in path.parts and marker.search(path.read_text(encoding="utf-8", errors="ignore"))
               and str(path.relative_to(ROOT)) not in located]
    assert not missing, "files with messages that babel.cfg does not extract:\n" + "\n".join(missing)


def test_every_message_has_an_english_translation():
    with open(EN_PO, "rb") as fileobj:
        catalog = read_po(fileobj, locale="en")
    problems = []
    for (context, msgid), where in sorted(_extracted().items(), key=lambda item: item[1][0]):
        entry = catalog.get(msgid, context=context)
        label = f"{where[0]}: {msgid!r}"
        if entry is None:
            problems.append(f"{label} is not in messages.po (run scripts/i18n.sh, then translate)")
        elif entry.fuzzy:
            problems.append(f"{label} is fuzzy (check the translation, then remove the fuzzy flag)")
        elif not all(entry.string) if isinstance(entry.string, (list, tuple)) else not entry.string:
            problems.append(f"{label} has no English text")
    more = f"\n... and {len(problems) - 60} more" if len(problems) > 60 else ""
    assert not problems, (f"{len(problems)} messages without a finished English translation:\n"
                          + "\n".join(problems[:60]) + more)


def _render(app, template: str, lang: str, **context) -> str:
    from flask_babel import refresh

    with app.test_request_context("/", headers={"Accept-Language": lang}):
        refresh()  # the locale is cached in `g`, which this test's app context shares between renders
        return render_template_string(template, **context).replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("lang, expected", [("nl", "€ 1.234,50"), ("en", "€1,234.50")])
def test_money_in_the_locale_format(app, lang, expected):
    assert _render(app, "{{ 123450|money }}", lang) == expected


@pytest.mark.parametrize("lang, expected", [("nl", "€ 0,05 · € 1.000.000,00"), ("en", "€0.05 · €1,000,000.00")])
def test_small_and_large_amounts(app, lang, expected):
    assert _render(app, "{{ 5|money }} · {{ 100000000|money }}", lang) == expected


@pytest.mark.parametrize("lang, expected", [("nl", "850 m · 1,2 km"), ("en", "850 m · 1.2 km")])
def test_distances_in_the_locale_format(app, lang, expected):
    assert _render(app, "{{ 853|distance }} · {{ 1234|distance }}", lang) == expected


def test_dates_in_amsterdam_time_and_the_locale_language(app):
    winter = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)  # 15:30 in Amsterdam (CET)
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)   # 14:00 in Amsterdam (CEST)
    nl = _render(app, "{{ w|local_datetime }} | {{ s|local_datetime }}", "nl", w=winter, s=summer)
    assert "mrt" in nl and "15:30" in nl and "14:00" in nl and "jul" in nl
    en = _render(app, "{{ w|local_datetime }} | {{ s|local_datetime }}", "en", w=winter, s=summer)
    assert "Mar" in en and ("15:30" in en or "3:30" in en) and ("14:00" in en or "2:00" in en) and "Jul" in en


def test_language_switch_keeps_the_page_and_its_query(client):
    response = client.post("/taal", data={"lang": "en", "next": "/offline?van=kop"})
    assert response.status_code == 302 and response.headers["Location"] == "/offline?van=kop"
    html = client.get("/offline").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert 'lang="nl">Nederlands</button>' in html  # the switch now offers the way back


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "/\t/evil.example/", "https://evil.example/"])
def test_language_switch_only_goes_back_to_our_own_pages(client, target):
    response = client.post("/taal", data={"lang": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_language_switch_ignores_unknown_languages(client):
    response = client.post("/taal", data={"lang": "xx", "next": "/offline"})
    assert response.status_code == 302 and "lang=" not in response.headers.get("Set-Cookie", "")
    assert '<html lang="nl">' in client.get("/offline").get_data(as_text=True)


@pytest.mark.browser
def test_language_switch_in_the_header_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False, locale="nl-NL")
    page.goto("/offline")
    assert page.locator("html").get_attribute("lang") == "nl"
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.url.endswith("/offline")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/inloggen")  # remembered on the next page
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.get_by_role("button", name="Nederlands").click()
    assert page.url.endswith("/inloggen")
    assert page.locator("html").get_attribute("lang") == "nl"
