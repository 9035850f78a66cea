"""The place page translates the attributes' names and values once per language (not twice per attribute per
page): each language still gets its own words, in the same markup."""
from __future__ import annotations

import re


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
