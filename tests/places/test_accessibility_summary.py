"""The one wheelchair-summary rule (webapp/places/accessibility.py; the table in docs/places.md)."""
from __future__ import annotations

import pytest

from webapp.places import accessibility

TABLE = [
    ("no", "yes", "no"), ("no", "unknown", "no"),
    ("yes", "yes", "yes"), ("yes", "limited", "yes"), ("yes", "unknown", "yes"), ("yes", "no", "limited"),
    ("limited", "yes", "limited"), ("limited", "no", "limited"),
    ("unknown", "no", "no"), ("unknown", "yes", "limited"), ("unknown", "limited", "limited"),
    ("unknown", "unknown", "unknown"),
]


@pytest.mark.parametrize(("wheelchair", "entrance", "expected"), TABLE)
def test_the_rule(app, wheelchair, entrance, expected):
    s = accessibility.summary({"wheelchair": wheelchair, "step_free_entrance": entrance})
    assert s.wheelchair.level == expected


def test_the_toilet_is_its_own_line_and_unknown_stays_unknown(app):
    with app.test_request_context():
        assert accessibility.summary({}).toilet.level == "unknown"
        assert str(accessibility.summary({}).wheelchair.text) == "onbekend"
        no_toilet = accessibility.summary({"toilets": "no", "toilets_wheelchair": "yes"}).toilet
        assert (no_toilet.level, str(no_toilet.text)) == ("no", "geen toilet")
        assert accessibility.summary({"toilets": "yes", "toilets_wheelchair": "limited"}).toilet.level == "limited"


def test_rows_objects_and_flags(app):
    class Row:
        wheelchair = "yes"
        step_free_entrance = "garbage"

    with app.test_request_context():
        s = accessibility.summary(Row(), {"step_free_entrance", "seating"})
        assert s.wheelchair.level == "yes"
        assert [str(label) for label in s.flagged] == ["Ingang zonder drempel of trap"]


def test_the_place_page_shows_the_summary(client, make_place):
    place = make_place(wheelchair="yes", toilets="yes", toilets_wheelchair="unknown")
    page = client.get(f"/plekken/{place.id}").text
    assert "access-yes" in page and "Rolstoeltoilet" in page and "access-unknown" in page


def test_the_macro_renders_from_a_search_rows_values(app):
    from flask import render_template_string

    source = '{% from "places/_access.html" import access_box %}{{ access_box(row, flags) }}'
    with app.test_request_context():
        html = render_template_string(source, row={"wheelchair": "unknown", "toilets": "no"},
                                      flags={"wheelchair"})
    assert "access-unknown" in html and "onbekend" in html
    assert "geen toilet" in html and "access-no" in html
    assert "Toegankelijk met rolstoel" in html and "gemeld: mogelijk niet juist" in html
