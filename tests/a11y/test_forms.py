"""forms.html: every control labelled, hints and errors linked with aria-describedby, the error summary
links to the fields and gets the focus, valid ARIA (no aria-invalid="None")."""
from __future__ import annotations

import re

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired

from tests.fixtures.browser import axe_violations

PAGE = """{% extends "base.html" %}{% from "forms.html" import field, error_summary %}
{% block title %}Formulier{% endblock %}{% block content %}<h1>Plek voorstellen</h1>
{{ error_summary(form) }}<form method="post" novalidate>
{{ field(form.name, hint="Zoals buren de plek kennen.", autocomplete="off") }}
{{ field(form.address) }}{{ field(form.agree) }}{{ field(form.cost) }}
<button type="submit">Plek voorstellen</button></form>{% endblock %}"""


class PlaceForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Naam van de plek", validators=[DataRequired("Vul de naam van de plek in.")])
    address = StringField("Adres")
    agree = BooleanField("Ik ken de spelregels", validators=[DataRequired("Zet een vinkje.")])
    cost = RadioField("Wat kost het?", choices=[SelectChoice("free", "Gratis"), SelectChoice("paid", "Betaald")],
                      validators=[DataRequired("Kies wat het kost.")])


def _render(app, data: dict | None) -> str:
    from werkzeug.datastructures import MultiDict

    with app.test_request_context("/", method="POST" if data is not None else "GET", data=data or {}):
        form = PlaceForm(formdata=MultiDict(data) if data is not None else None)
        if data is not None:
            form.validate()
        return render_template_string(PAGE, form=form)


def test_fields_without_errors_have_valid_aria(app):
    html = _render(app, None)
    assert '"None"' not in html and "aria-invalid" not in html
    assert 'aria-describedby="name-hint"' in html and 'id="name-hint"' in html
    assert 'autocomplete="off"' in html
    assert 'id="error-summary"' not in html


def test_errors_are_linked_to_their_fields(app):
    html = _render(app, {"address": "Dorpsstraat 1"})
    assert 'aria-describedby="name-hint name-error"' in html and 'aria-invalid="true"' in html
    assert 'value="Dorpsstraat 1"' in html  # what the user typed stays
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    for field_id in ("name", "agree", "cost"):
        assert f'href="#{field_id}"' in summary
    assert '<p class="error" id="agree-error">' in html


@pytest.mark.browser
def test_form_with_errors_is_accessible_and_the_summary_gets_the_focus(app, page):
    html = _render(app, {})
    page.goto("/offline")
    page.set_content(html)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Vul de naam van de plek in.").click()
    assert page.evaluate("location.hash") == "#name"
    assert page.get_by_label("Naam van de plek").get_attribute("aria-invalid") == "true"
