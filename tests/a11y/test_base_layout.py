"""The shared layout (base.html, app.css, app.js): skip link, landmarks, visible focus, 44x44 targets,
a header that fits 320px with many menu items (with and without JavaScript), colour contrast of every
shared class, reduced motion and print styles."""
from __future__ import annotations

import pytest
from flask import render_template_string

from tests.a11y.keyboard import Keyboard
from tests.fixtures.browser import DESKTOP, axe_violations

NARROW = {"width": 320, "height": 640}

MANY_ITEMS = """{% extends "base.html" %}{% block title %}Menu{% endblock %}
{% block nav_items %}{% for label in labels %}<li><a href="/offline?{{ loop.index }}">{{ label }}</a></li>{% endfor %}{% endblock %}
{% block content %}<h1>Een pagina met een lang menu</h1><p>Tekst.</p>{% endblock %}"""
LABELS = ["Plekken zoeken", "Plek voorstellen", "Wat is er te doen", "Mijn plekken", "Mijn initiatieven",
          "Startbijdragen", "Startbijdragen beheren", "Meldingen bekijken", "Rollen", "Mijn account",
          "Hulp en uitleg", "Uitloggen van dit apparaat"]

SHARED_CLASSES = """{% extends "base.html" %}{% block title %}Stijlvoorbeeld{% endblock %}
{% block content %}
<h1>Stijlvoorbeeld</h1>
<div class="flashes" role="status"><p class="flash flash-success">Gelukt.</p><p class="flash flash-error">Mislukt.</p>
<p class="flash flash-warning">Let op.</p><p class="flash flash-info">Goed om te weten.</p></div>
<p class="offline-note">U bent offline.</p>
<div class="error-summary" role="alert"><h2>Er ging iets mis</h2><ul><li><a href="#naam">Vul uw naam in.</a></li></ul></div>
<form>
<div class="field field-error"><label for="naam">Naam</label>
<input id="naam" type="text" aria-describedby="naam-hint naam-error" aria-invalid="true">
<p class="hint" id="naam-hint">Zoals buren u kennen.</p><p class="error" id="naam-error">Vul uw naam in.</p></div>
<div class="field"><label for="soort">Soort</label><select id="soort"><option>Buurthuis</option></select></div>
<div class="field"><label for="uitleg">Uitleg</label><textarea id="uitleg"></textarea></div>
<div class="choice"><input type="checkbox" id="c1"><label for="c1">Gratis</label></div>
<fieldset><legend>Voor wie</legend><div class="choice"><input type="radio" name="r" id="r1"><label for="r1">Iedereen</label></div></fieldset>
<div class="actions"><button type="submit">Opslaan</button><a class="button" href="#a">Verder</a>
<a class="button button-secondary" href="#b">Terug</a><button class="button-danger" type="button">Verwijderen</button>
<button class="secondary" type="button">Annuleren</button><button class="link-button" type="button">Wijzigen</button></div>
</form>
<section class="card"><h2>Buurthuis De Linde</h2><p class="meta">Buurthuis · 400 m · 5 minuten lopen</p>
<p><span class="badge badge-ok">✓ Open</span> <span class="badge badge-warn">! Bijna dicht</span>
<span class="badge badge-bad">✗ Dicht</span> <span class="badge">€ Gratis</span></p></section>
<ul class="plain-list"><li><a href="#c">Een link in een lijst</a></li></ul>
<p>Tekst met <a href="#d">een link</a> erin.</p>
<div class="table-scroll" tabindex="0" role="region" aria-label="Tabel"><table><caption>Bedragen</caption>
<thead><tr><th scope="col">Post</th><th scope="col">Bedrag</th></tr></thead><tbody><tr><td>Koffie</td><td>€ 12,50</td></tr></tbody></table></div>
<div class="table-scroll" tabindex="0" role="region" aria-label="Brede tabel"><table><caption>Rollen</caption>
<thead><tr><th scope="col">Naam</th><th scope="col">Rol</th><th scope="col">Gemeente</th><th scope="col">Sinds</th><th scope="col">Actie</th></tr></thead>
<tbody><tr><td>Fatima el Amrani</td><td>Medewerker gemeente</td><td>Amsterdam</td><td>23 november 2026</td>
<td><button type="button">Intrekken <span class="visually-hidden">voor Fatima el Amrani, medewerker gemeente</span></button></td></tr></tbody></table></div>
<ul class="plain-list"><li class="card" style="display: flex; flex-wrap: wrap; justify-content: space-between">Helper
<span class="meta">heel.lang.emailadres.van.een.helper@demo.buurtplek.example</span></li></ul>
<div class="two-col"><p>Links</p><p>Rechts</p></div>
{% endblock %}"""

TARGETS = ("button:not(.link-button), .button, summary, .nav-list a, .choice, .brand, .skip-link:focus, "
           "input:not([type=checkbox]):not([type=radio]), select")


def _show(app, page, template: str, **context) -> None:
    """Render `template` as the app would and put it into `page` (on the live server's origin)."""
    with app.test_request_context("/"):
        html = render_template_string(template, **context)
    page.goto("/offline")
    page.set_content(html)
    page.wait_for_load_state()


def _small_targets(page) -> list[str]:
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
      .filter(el => el.offsetParent !== null)
      .map(el => [el, el.getBoundingClientRect()])
      .filter(([el, r]) => r.width < 44 || r.height < 44)
      .map(([el, r]) => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`)""",
                         TARGETS)


@pytest.mark.browser
def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/offline")
    kb = Keyboard(page)
    page.keyboard.press("Tab")
    info = kb.assert_focus_visible()
    assert info["text"] == "Naar de inhoud"
    box = page.get_by_role("link", name="Naar de inhoud").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["height"] >= 44, "the skip link must show when it has the focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.browser
def test_landmarks_once_each(page):
    page.goto("/offline")
    for role in ("banner", "navigation", "main", "contentinfo"):
        assert page.get_by_role(role).count() == 1, role


@pytest.mark.browser
def test_header_with_many_items_fits_320px(app, new_page):
    page = new_page(viewport=NARROW)
    _show(app, page, MANY_ITEMS, labels=LABELS)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    toggle = page.locator("summary.menu-toggle")
    assert toggle.is_visible()
    assert not page.get_by_role("link", name=LABELS[0]).is_visible(), "the menu starts closed on a phone"
    assert _small_targets(page) == []
    # Keyboard: Tab to the toggle, open it, every item can be reached and is large enough.
    kb = Keyboard(page)
    kb.tab_to("Menu")
    page.keyboard.press("Enter")
    for label in LABELS:
        assert page.get_by_role("link", name=label, exact=True).is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    assert _small_targets(page) == []
    kb.tab_to(LABELS[-1], role="link", exact=True)
    # Escape closes the menu and gives the focus back to the toggle.
    page.keyboard.press("Escape")
    assert not page.get_by_role("link", name=LABELS[0]).is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert axe_violations(page) == []


@pytest.mark.browser
def test_header_menu_works_without_javascript(app, new_page):
    # Without JavaScript page.evaluate is not available: only the locator API (its own world) is used.
    page = new_page(viewport=NARROW, java_script_enabled=False)
    _show(app, page, MANY_ITEMS, labels=LABELS)
    first = page.get_by_role("link", name=LABELS[0], exact=True)
    assert not first.is_visible()
    page.locator("summary.menu-toggle").click()
    for label in LABELS:
        assert page.get_by_role("link", name=label, exact=True).is_visible()
    for element in page.locator("header *").all():
        box = element.bounding_box()
        if box:
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320.5, f"{element} sticks out at 320px"
    page.locator("summary.menu-toggle").click()
    assert not first.is_visible()


@pytest.mark.browser
def test_header_on_a_wide_screen_shows_the_items_in_a_row(app, new_page):
    page = new_page(viewport=DESKTOP)
    _show(app, page, MANY_ITEMS, labels=LABELS)
    assert not page.locator("summary.menu-toggle").is_visible()
    boxes = [page.get_by_role("link", name=label).bounding_box() for label in LABELS[:3]]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"], "menu items side by side"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= DESKTOP["width"]
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["320", "desktop"])
def test_shared_classes_contrast_targets_and_focus(app, new_page, viewport):
    page = new_page(viewport=viewport)
    _show(app, page, SHARED_CLASSES)
    assert axe_violations(page) == []  # includes color-contrast >= 4.5:1 for every class shown
    assert _small_targets(page) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    kb = Keyboard(page)
    for name, role in (("Naam", None), ("Gratis", "checkbox"), ("Opslaan", "button"), ("Verder", "link"),
                       ("Wijzigen", "button"), ("een link", "link")):
        kb.tab_to(name, role=role)  # every stop on the way must show the focus


@pytest.mark.browser
def test_focus_ring_is_visible_on_the_dark_header(page):
    page.goto("/offline")
    kb = Keyboard(page)
    kb.tab_to("Buurtplek", role="link")
    style = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert style == "rgb(255, 191, 71)"  # the yellow ring, with a dark shadow around it


@pytest.mark.browser
def test_reduced_motion_is_respected(app, new_page):
    page = new_page()
    page.emulate_media(reduced_motion="reduce")
    _show(app, page, """{% extends "base.html" %}{% block title %}x{% endblock %}{% block content %}
<h1 id="t" style="transition: color 2s; animation: none 3s">Beweging</h1>{% endblock %}""")
    duration = page.evaluate("parseFloat(getComputedStyle(document.getElementById('t')).transitionDuration)")
    assert duration < 0.01


@pytest.mark.browser
def test_print_hides_navigation_and_keeps_content(app, new_page):
    page = new_page(viewport=DESKTOP)
    _show(app, page, MANY_ITEMS, labels=LABELS)
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".lang-switch").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.get_by_role("heading", level=1).is_visible()
