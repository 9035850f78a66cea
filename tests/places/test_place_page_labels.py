"""The place page translates the attributes' names and values once per language (not twice per attribute per
page): each language still gets its own words, in the same markup."""
from __future__ import annotations

import re

import pytest


def _attribute(page: str, name: str) -> str:
    found = re.search(r'<span class="attribute-name">' + re.escape(name) + r'</span>\s*<span class="badge ([^"]*)">'
                      r'<span aria-hidden="true">([^<]*)</span> ([^<]*)</span>', page)
    assert found, name
    return " ".join(found.groups())


def test_the_attributes_are_named_in_the_visitors_language(client, make_place):
    place = make_place(wheelchair="limited")
    url = f"/plekken/{place.id}"
    for _round in range(2):       # and again: what is kept for the next page stays per language
        dutch = client.get(url, headers={"Accept-Language": "nl"}).get_data(as_text=True)
        english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert _attribute(dutch, "Toegankelijk met rolstoel") == "badge-warn ◐ deels"
        assert _attribute(english, "Wheelchair accessible") == "badge-warn ◐ partly"
        assert "Toegankelijk met rolstoel" not in english and "Wheelchair accessible" not in dutch


def test_the_pages_texts_and_its_panels_are_in_the_visitors_language(client, make_place):
    place = make_place()
    english = client.get(f"/plekken/{place.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    dutch = client.get(f"/plekken/{place.id}", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "When it is open" in english and "Wanneer open" not in english
    assert "Managed by residents" in english and "Beheer door bewoners" in dutch      # an included panel


TEMPLATE = ("{{ _('Wanneer open') }}|{{ _('bron: %(source)s', source='<b>osm</b>') }}|{{ _('100%% zeker') }}|"
            "{{ gettext('Kosten') }}|{% trans %}Talen{% endtrans %}|{% trans n=3 %}{{ n }} plekken{% endtrans %}")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_gettext_once_does_what_the_installed_gettext_does(app, language):
    from flask import render_template_string

    from webapp.places.detail_view import gettext_once

    with app.test_request_context("/", headers={"Accept-Language": language}):
        installed = render_template_string(TEMPLATE)
        once = render_template_string(TEMPLATE, gettext=gettext_once())
    assert once == installed
    assert "&lt;b&gt;osm&lt;/b&gt;" in once and "100% zeker" in once
