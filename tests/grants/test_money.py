"""Euro input parsed exactly to cents; cents shown in Dutch format."""
import pytest

from webapp.grants.money import MoneyError, euros_input, parse_euros
from webapp.i18n import money


@pytest.mark.parametrize("text, cents", [
    ("250", 25_000), ("250,00", 25_000), ("250,-", 25_000), ("1.234,50", 123_450), ("€ 1.234,50", 123_450),
    ("12,5", 1_250), ("12.50", 1_250), ("0,01", 1), ("1.250", 125_000), ("1,250.75", 125_075),
    ("5000", 500_000), (" 40.000 ", 4_000_000), ("0,10", 10), ("19,99", 1_999), ("-5", -500), ("", None),
    ("1.000.000", 100_000_000), ("0,29", 29), ("1,15", 115), ("4.35", 435),
])
def test_parse_euros_exact(app, text, cents):
    with app.test_request_context():
        assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["abc", "12,345", "1.2345", "12,34,5", "1..0", "€", "1.23.4", "12e3", "99999999",
                                  "1,2,3.4"])
def test_parse_euros_rejects(app, text):
    with app.test_request_context(), pytest.raises(MoneyError):
        parse_euros(text)


def test_float_trap_is_exact(app):
    # 0.29 * 100 is 28.999999999999996 in floating point; Decimal keeps it exact.
    with app.test_request_context():
        assert sum(parse_euros(x) for x in ["0,10", "0,20", "0,29", "1,15"]) == 174


@pytest.mark.parametrize("cents, shown", [(123_450, "€\xa01.234,50"), (25_000, "€\xa0250,00"), (1, "€\xa00,01"),
                                          (4_000_000, "€\xa040.000,00")])
def test_money_filter_dutch(app, cents, shown):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert money(cents).replace(" ", "\xa0") == shown


def test_euros_input_round_trip(app):
    with app.test_request_context():
        for cents in (1, 99, 100, 123_450, 4_000_000, 500_000):
            assert parse_euros(euros_input(cents)) == cents
