"""At 320 px the public list, the dashboard and the payment pages are stacked cards: no column is cut off
(every cell's right edge inside the viewport) and the chart's labels stay readable."""
import pytest

from tests.grants.payment_helpers import IBANS, approved_grant, with_debtor
from webapp.accounts.models import Role
from webapp.extensions import db

NARROW = {"width": 320, "height": 640}
CELLS_INSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const cells = [...document.querySelectorAll('table td, table th')].filter(c => c.offsetParent !== null
      && c.closest('thead') === null  // the column names: visually hidden, read from data-label
      && c.getBoundingClientRect().width > 2);
  return {count: cells.length, outside: cells.filter(c => c.getBoundingClientRect().right > width + 0.5
      || c.getBoundingClientRect().left < -0.5).map(c => c.textContent.trim().slice(0, 40))};
}"""


@pytest.mark.browser
def test_tables_are_stacked_cards_at_320_px(new_page, browser_login, assert_accessible, make_user, make_round,
                                            make_initiative, make_application):
    staff = make_user("Medewerker Een", Role.STAFF, "GM0363")
    owner = make_user("Bewoner Een")
    grant_round = with_debtor(make_round(by=staff, name="Startbijdragen Amsterdam 2026 voor alle buurten"))
    for i in range(3):
        approved_grant(make_initiative, make_application, owner, staff, grant_round, amount=12_345 * (i + 1),
                       iban=IBANS[i], title=f"Taalcafé en repaircafé in de Van Ostadestraat nummer {i}")
    round_id = grant_round.id
    db.session.commit()
    page = new_page(viewport=NARROW)
    logged_in = False
    for url, login in (("/startbijdragen/gemeente/GM0363", False),
                       (f"/startbijdragen/regeling/{round_id}/cijfers", True),
                       ("/startbijdragen/beheer/GM0363/betalingen", True),
                       ("/startbijdragen/beheer/GM0363", True)):
        if login and not logged_in:
            browser_login(page, staff)
            logged_in = True
        page.goto(url)
        assert page.url.endswith(url), page.url
        result = page.evaluate(CELLS_INSIDE)
        assert result["outside"] == [], (url, result)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
        if "cijfers" in url:
            assert result["count"] > 0
            sizes = page.evaluate("[...document.querySelectorAll('.chart-label')]"
                                  ".map(t => t.getBoundingClientRect().height)")
            assert sizes and min(sizes) >= 11, sizes  # readable: at least 11 px high on screen
        assert_accessible(page)
