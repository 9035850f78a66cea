import pytest

from tests.areas.search_data import search_data, search_data_committed  # noqa: F401
from webapp.areas import geocode

pytestmark = pytest.mark.usefixtures("search_data")


@pytest.mark.parametrize("text", ["3511", "3511 AB", "3511ab", " 3511AB "])
def test_a_postcode_uses_its_four_digits(text):
    [found] = geocode.resolve(text)
    assert (found.kind, found.name, found.gemeente) == ("pc4", "3511", "Utrecht")
    assert abs(found.lat - 52.0886) < 0.001 and abs(found.lon - 5.1174) < 0.001


def test_an_unknown_postcode_finds_nothing():
    assert geocode.resolve("0999") == [] and geocode.resolve("3510") == []


@pytest.mark.parametrize("text", ["Leeuwarden", "leeuwarden", "LJOUWERT", "Ljouwert"])
def test_names_and_alternate_names_find_the_town(text):
    found = geocode.resolve(text)
    assert [c.name for c in found] == ["Leeuwarden"]
    assert found[0].kind == "woonplaats" and found[0].gemeente == "Leeuwarden"


def test_accents_do_not_matter():
    assert geocode.fold("Ljoüwert") == geocode.fold("ljouwert")
    assert [c.name for c in geocode.resolve("Den Haag")] == [c.name for c in geocode.resolve("dén haag")]


def test_a_town_and_its_own_gemeente_are_one_candidate():
    found = geocode.resolve("Utrecht")
    assert len(found) == 1 and found[0].gemeente == "Utrecht"


def test_a_gemeente_without_a_town_of_that_name_is_found():
    found = geocode.resolve("Súdwest-Fryslân")
    assert [c.kind for c in found] == ["gemeente"]


def test_an_ambiguous_name_gives_several_labelled_candidates():
    found = geocode.resolve("Hengelo")
    assert len(found) >= 2
    assert len({c.label for c in found}) == len(found)


@pytest.mark.parametrize("text", ["", "   ", "x" * 5000, "'; drop table x; --", "%", "_", "\x00"])
def test_odd_input_finds_nothing_and_does_not_fail(text):
    assert geocode.resolve(text) == []


def test_suggestions_start_with_the_text():
    assert "Leeuwarden" in [c.name for c in geocode.suggest("leeuw")]
    assert [c.name for c in geocode.suggest("351")][:2] == ["3511", "3512"]
    assert geocode.suggest("l") == []


def test_every_label_of_an_ambiguous_name_resolves_to_one_place():
    for cand in geocode.resolve("Hengelo"):
        assert geocode.resolve(cand.label) == [cand]
    [gemeente] = geocode.resolve("Súdwest-Fryslân")
    assert geocode.resolve(gemeente.label) == [gemeente]
