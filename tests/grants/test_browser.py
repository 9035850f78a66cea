"""The whole flow in a real browser at phone size, with axe-core on every page:
apply → staff asks a question → applicant answers → approve with four-eyes (two staff) → paid → report
→ visible on the public page."""
import re

import pytest
from PIL import Image

from tests.fixtures.browser import PHONE
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.grants import models as m


@pytest.mark.browser
def test_grant_flow_on_a_phone(new_page, browser_login, assert_accessible, make_user, make_initiative, make_round,
                               tmp_path):
    from playwright.sync_api import expect

    staff = make_user("Medewerker Een", Role.STAFF, "GM0363")
    staff2 = make_user("Medewerker Twee", Role.STAFF, "GM0363")
    owner = make_user("Fatima de Vries")
    make_initiative(owner, title="Taalcafé De Brug")
    grant_round = make_round(by=staff, name="Startbijdragen Amsterdam 2026", max_amount_cents=250_000,
                             four_eyes_cents=100_000, quick_lane_cents=25_000)
    round_id = grant_round.id
    db.session.commit()

    # The applicant applies on a phone.
    applicant = new_page(viewport=PHONE)
    browser_login(applicant, owner)
    applicant.goto("/startbijdragen")
    assert_accessible(applicant)
    applicant.get_by_role("link", name="Startbijdragen Amsterdam 2026").click()
    assert_accessible(applicant)
    applicant.get_by_role("link", name=re.compile("Vraag aan")).first.click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Startbijdrage aanvragen")
    assert_accessible(applicant)
    applicant.get_by_label("Wat wilt u doen?").fill("Zaalhuur voor het taalcafé")
    applicant.get_by_label("Voor wie is het?").fill("Nieuwe buren die Nederlands oefenen")
    applicant.get_by_label("Wanneer is het?").fill("Elke donderdagavond")
    applicant.get_by_label("Welk bedrag vraagt u? (euro)").fill("1.200")
    applicant.get_by_label("Waarvoor (regel 1)").fill("Huur zaal, 30 avonden")
    applicant.get_by_label("Bedrag (regel 1)").fill("1.000")
    applicant.get_by_label("Waarvoor (regel 2)").fill("Lesmateriaal")
    applicant.get_by_label("Bedrag (regel 2)").fill("150")
    # The live total (JavaScript) helps; the server checks again.
    expect(applicant.locator("#line-total")).to_contain_text("€ 1.150,00")
    expect(applicant.locator("#line-total")).to_contain_text("U vraagt € 1.200,00")
    applicant.get_by_role("button", name="Versturen").click()
    # The lines do not add up: a clear, linked error; the draft is kept.
    expect(applicant.locator("#error-summary")).to_contain_text("1.150,00")
    assert_accessible(applicant)
    applicant.get_by_label("Bedrag (regel 2)").fill("200")
    applicant.get_by_role("button", name="Versturen").click()
    expect(applicant.get_by_text("Uw aanvraag is verstuurd.")).to_be_visible()
    expect(applicant.locator(".grant-due")).to_contain_text("U krijgt uiterlijk")
    assert_accessible(applicant)
    application_url = applicant.url
    application_id = int(application_url.rstrip("/").rsplit("/", 1)[1])

    # Staff: the queue, then a question.
    first = new_page(viewport=PHONE)
    browser_login(first, staff)
    first.goto(f"/startbijdragen/regeling/{round_id}/wachtrij")
    expect(first.get_by_text("Nog 14 dagen")).to_be_visible()
    assert_accessible(first)
    first.get_by_role("link", name="Zaalhuur voor het taalcafé").click()
    first.get_by_label("Vraag aan de aanvrager").fill("Is de zaal goed bereikbaar met een rolstoel?")
    first.get_by_role("button", name="Vraag stellen").click()
    expect(first.get_by_text("Uw vraag is verstuurd.")).to_be_visible()
    assert_accessible(first)

    # The applicant answers in the same thread.
    applicant.goto(application_url)
    expect(applicant.get_by_text("Is de zaal goed bereikbaar met een rolstoel?")).to_be_visible()
    applicant.get_by_label("Uw antwoord").fill("Ja, er is een lift en een ruim toilet.")
    applicant.get_by_role("button", name="Antwoord versturen").click()
    expect(applicant.get_by_text("Uw antwoord is verstuurd.")).to_be_visible()
    assert_accessible(applicant)

    # First staff member approves: above € 1.000, so provisional.
    first.goto(application_url)
    expect(first.get_by_text("Ja, er is een lift")).to_be_visible()
    first.get_by_label("Toekennen").check()
    first.get_by_label("Reden (de aanvrager leest dit)").fill("Past goed bij de regeling: open voor iedereen.")
    first.get_by_role("button", name="Besluit opslaan").click()
    expect(first.get_by_text("Een andere medewerker moet bevestigen.")).to_be_visible()
    assert_accessible(first)

    # The second staff member confirms, then records the payout.
    second = new_page(viewport=PHONE)
    browser_login(second, staff2)
    second.goto(application_url)
    expect(second.get_by_text("Wacht op uw bevestiging")).to_be_visible()  # four-eyes handover
    second.get_by_label("Bevestigen", exact=True).check()
    second.get_by_label("Reden (de aanvrager leest dit)").fill("Bevestigd.")
    second.get_by_role("button", name="Besluit opslaan").click()
    expect(second.get_by_role("heading", name=re.compile("Toegekend"))).to_be_visible()
    second.get_by_label("Kenmerk van de betaling").fill("BP-2026-0042")
    second.get_by_role("button", name="Betaald").click()
    expect(second.get_by_text("De betaling is vastgelegd.")).to_be_visible()
    assert_accessible(second)
    second.goto(f"/startbijdragen/regeling/{round_id}/cijfers")
    assert_accessible(second)

    # The applicant sees it and reports, with one photo.
    photo = tmp_path / "foto.jpg"
    Image.new("RGB", (120, 80), (30, 120, 90)).save(photo, "JPEG")
    applicant.goto(application_url)
    expect(applicant.locator(".grant-status")).to_contain_text("Uitbetaald")
    applicant.get_by_role("link", name="Vertel hoe het ging").click()
    assert_accessible(applicant)
    applicant.get_by_label("Wat is er gebeurd?").fill("Dertig avonden taalcafé, elke keer vol.")
    applicant.get_by_label("Hoeveel mensen kwamen er ongeveer?").fill("25")
    applicant.get_by_label("Foto van de bonnetjes").set_input_files(str(photo))
    applicant.get_by_label("Eén foto (mag, hoeft niet)").set_input_files(str(photo))
    applicant.get_by_role("button", name="Verslag versturen").click()
    expect(applicant.get_by_text("Dank u wel voor uw verslag!")).to_be_visible()
    applicant.locator("img.grant-photo").scroll_into_view_if_needed()  # lazy: loads when near the viewport
    expect(applicant.locator("img.grant-photo")).to_be_visible()
    assert_accessible(applicant)

    # Visible on the public page, to anyone.
    visitor = new_page(viewport=PHONE)
    visitor.goto("/startbijdragen/gemeente/GM0363")
    row = visitor.get_by_role("row", name=re.compile("Taalcafé De Brug"))
    expect(row).to_contain_text("1.200,00")
    expect(row).to_contain_text("Zaalhuur voor het taalcafé")
    expect(visitor.locator("main")).not_to_contain_text("Fatima")
    assert_accessible(visitor)
    # No horizontal scrolling at phone width.
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    db.session.expire_all()
    stored = db.session.get(m.GrantApplication, application_id)
    assert stored.status == m.PAID and stored.granted_cents == 120_000
    assert db.session.get(m.GrantRound, round_id).paid_cents == 120_000


@pytest.mark.browser
def test_staff_pages_accessible_on_a_phone(new_page, browser_login, assert_accessible, make_user, make_round,
                                           make_initiative, make_application):
    from playwright.sync_api import expect

    staff = make_user("Medewerker Een", Role.STAFF, "GM0363")
    owner = make_user("Bewoner Een")
    grant_round = make_round(by=staff)
    make_application(owner, grant_round, make_initiative(owner), 20_000)
    round_id = grant_round.id
    db.session.commit()
    page = new_page(viewport=PHONE)
    browser_login(page, staff)
    for url in ("/startbijdragen", "/startbijdragen/beheer/GM0363", "/startbijdragen/beheer/GM0363/helpers",
                f"/startbijdragen/regeling/{round_id}", f"/startbijdragen/regeling/{round_id}/bewerken",
                f"/startbijdragen/regeling/{round_id}/wachtrij?status=all",
                f"/startbijdragen/regeling/{round_id}?q=buurt"):
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    # A new round with mistakes: the errors are listed, linked and announced.
    page.goto("/startbijdragen/beheer/GM0363/regeling/nieuw")
    assert_accessible(page)
    page.get_by_label("Naam van de regeling").fill("Buurtbudget Oost")
    page.get_by_label("Totaal budget (euro)").fill("veel")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_label("Totaal budget (euro)")).to_have_value("veel")
    assert_accessible(page)
    page.locator("#error-summary a[href='#budget_cents']").click()
    expect(page.get_by_label("Totaal budget (euro)")).to_be_focused()
    # The helper page with an unknown address.
    page.goto("/startbijdragen/beheer/GM0363/helpers")
    page.get_by_label("E-mailadres van de helper").fill("onbekend@example.test")
    page.get_by_role("button", name="Helper maken").click()
    expect(page.locator("#error-summary")).to_contain_text("geen account")
    assert_accessible(page)


@pytest.mark.browser
def test_money_change_waits_for_a_second_staff_member_on_a_phone(new_page, browser_login, assert_accessible,
                                                                 make_user, make_round):
    """Staff proposes a higher budget; a colleague sees 'wacht op bevestiging' on the round page and confirms."""
    from playwright.sync_api import expect

    staff = make_user("Medewerker Een", Role.STAFF, "GM0363")
    colleague = make_user("Medewerker Twee", Role.STAFF, "GM0363")
    round_id = make_round(by=staff).id
    db.session.commit()
    page = new_page(viewport=PHONE)
    browser_login(page, staff)
    page.goto(f"/startbijdragen/regeling/{round_id}/bewerken")
    page.get_by_label("Totaal budget (euro)").fill("45.000")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Wijziging van het geld: wacht op bevestiging")).to_be_visible()
    expect(page.get_by_role("button", name="Bevestigen")).to_have_count(0)  # not by the proposer
    assert_accessible(page)
    page.context.clear_cookies()
    browser_login(page, colleague)
    page.goto(f"/startbijdragen/regeling/{round_id}")
    expect(page.get_by_role("row", name=re.compile("Totaal budget"))).to_contain_text("45.000,00")
    assert_accessible(page)
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Het nieuwe geld van de regeling geldt nu.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(m.GrantRound, round_id).budget_cents == 4_500_000
