""""Hoe voelde het?": one check-in per resident per place per month, aggregates from 10 residents on,
unlinking after a month, the data download, owners' figures and moderators' removal."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from webapp.accounts.export import export_user_data
from webapp.domain_errors import Conflict, NotAllowed
from webapp.extensions import db
from webapp.insight import services
from webapp.insight.models import CheckInGuard, WelcomeCheckIn
from webapp.stewardship import services as stewardship

ANSWERS = {"pleasant": "4", "welcome": "5", "open_to_me": "3"}
JAN = datetime(2027, 1, 2, 9, 0, tzinfo=UTC)


def _count(**where) -> int:
    stmt = sa.select(sa.func.count()).select_from(WelcomeCheckIn)
    for key, value in where.items():
        stmt = stmt.where(getattr(WelcomeCheckIn, key) == value)
    return db.session.scalar(stmt)


def _residents(make_user, n):
    return [make_user(f"Bewoner Geheim{i}") for i in range(n)]


def _check_in_all(users, place, now=JAN, answers=None):
    for i, user in enumerate(users):
        services.check_in(user, place.id, answers or {"pleasant": 4, "welcome": 5 - i % 2, "open_to_me": 3}, now=now)
    db.session.commit()


@pytest.fixture
def place(make_place):
    return make_place(name="Buurthuis De Linde")


def test_resident_checks_in_from_the_place_page(client, login, make_user, place):
    user = make_user()
    login(client, user)
    page = client.get(f"/plekken/{place.id}")
    assert page.status_code == 200 and "Ik voelde me hier welkom" in page.text
    response = client.post(f"/plekken/{place.id}/hoe-voelde-het", data=ANSWERS)
    assert response.status_code == 302
    row = db.session.scalars(sa.select(WelcomeCheckIn)).one()
    assert (row.user_id, row.place_id, row.pleasant, row.welcome, row.open_to_me) == (user.id, place.id, 4, 5, 3)


def test_second_check_in_within_the_month_is_refused(client, login, make_user, place):
    login(client, make_user())
    assert client.post(f"/plekken/{place.id}/hoe-voelde-het", data=ANSWERS).status_code == 302
    again = client.post(f"/plekken/{place.id}/hoe-voelde-het", data={**ANSWERS, "welcome": "1"})
    assert again.status_code == 409
    assert "deze maand al verteld" in again.text
    assert _count(place_id=place.id) == 1 and _count(welcome=1) == 0


def test_one_check_in_per_month_is_a_database_constraint(make_user, place):
    user = make_user()
    services.check_in(user, place.id, {"pleasant": 3, "welcome": 3, "open_to_me": 3}, now=JAN)
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(WelcomeCheckIn(place_id=place.id, user_id=user.id, month=JAN.date().replace(day=1),
                                      pleasant=1, welcome=1, open_to_me=1))
        db.session.flush()


def test_next_month_a_resident_can_check_in_again(make_user, place):
    user = make_user()
    services.check_in(user, place.id, {"pleasant": 3, "welcome": 3, "open_to_me": 3}, now=JAN)
    with pytest.raises(Conflict):
        services.check_in(user, place.id, {"pleasant": 3, "welcome": 3, "open_to_me": 3},
                          now=datetime(2027, 1, 31, 22, 30, tzinfo=UTC))  # 23:30 on 31 January in Amsterdam
    services.check_in(user, place.id, {"pleasant": 3, "welcome": 3, "open_to_me": 3},
                      now=datetime(2027, 1, 31, 23, 30, tzinfo=UTC))  # 00:30 on 1 Feb in Amsterdam
    assert _count(user_id=user.id) == 2


@pytest.mark.parametrize("data", [
    {}, {**ANSWERS, "welcome": "0"}, {**ANSWERS, "welcome": "6"}, {**ANSWERS, "pleasant": "vijf"},
    {**ANSWERS, "open_to_me": "3.5"}, {"pleasant": "4", "welcome": "5"},
])
def test_hostile_answers_get_a_message_and_save_nothing(client, login, make_user, place, data):
    login(client, make_user())
    response = client.post(f"/plekken/{place.id}/hoe-voelde-het", data=data)
    assert response.status_code == 400
    assert "Kies een antwoord van 1 tot en met 5" in response.text
    assert _count() == 0


def test_anonymous_visitors_cannot_check_in(client, place):
    response = client.post(f"/plekken/{place.id}/hoe-voelde-het", data=ANSWERS)
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert _count() == 0


def test_no_check_in_at_a_place_that_is_not_public(client, login, make_user, make_place):
    hidden = make_place(status="proposed")
    login(client, make_user())
    assert client.post(f"/plekken/{hidden.id}/hoe-voelde-het", data=ANSWERS).status_code == 404
    assert _count() == 0


def test_aggregate_stays_hidden_at_9_residents_and_shows_at_10(client, make_user, place):
    users = _residents(make_user, 10)
    _check_in_all(users[:9], place)
    page = client.get(f"/plekken/{place.id}").text
    assert services.place_figures(place.id).shown is False
    assert "Nog te weinig antwoorden" in page and "Gemiddeld, van 1" not in page
    _check_in_all(users[9:], place)
    figures = services.place_figures(place.id)
    assert figures.shown and (figures.answers, figures.residents) == (10, 10)
    # welcome: 5, 4, 5, 4, 5, 4, 5, 4, 5 and 5 again: 4.6
    assert (figures.pleasant, figures.welcome, figures.open_to_me) == (4.0, 4.6, 3.0)
    page = client.get(f"/plekken/{place.id}").text
    assert "Gemiddeld, van 1" in page and "4,6" in page


def test_buurt_and_gemeente_figures_on_the_insight_page(client, make_user, place):
    _check_in_all(_residents(make_user, 10), place)
    buurt = services.buurt_of_place(place)
    assert buurt is not None
    assert services.buurt_figures("GM0344")[buurt.code].shown
    assert services.gemeente_figures("GM0344").shown
    page = client.get("/inzicht/GM0344").text
    assert "10 antwoorden van minstens 10" in page


def test_many_answers_of_few_residents_stay_hidden(make_user, make_place, place):
    """5 residents at two places (10 answers): fewer than 10 different residents, so nothing is shown,
    also after the answers are unlinked."""
    other = make_place(name="Bibliotheek")
    users = _residents(make_user, 5)
    _check_in_all(users, place)
    _check_in_all(users, other)
    assert services.gemeente_figures("GM0344").answers == 10
    assert not services.gemeente_figures("GM0344").shown
    services.unlink_checkins(now=datetime(2027, 3, 1, tzinfo=UTC))
    assert _count(user_id=None) == 10
    assert not services.gemeente_figures("GM0344").shown


def test_figures_survive_unlinking_when_10_answered_at_one_place_in_a_month(make_user, place):
    _check_in_all(_residents(make_user, 10), place)
    services.unlink_checkins(now=datetime(2027, 3, 1, tzinfo=UTC))
    assert services.place_figures(place.id).shown


def test_public_figures_hold_nothing_personal(client, make_user, place):
    users = _residents(make_user, 10)
    _check_in_all(users, place)
    bodies = [client.get(url).text for url in (f"/plekken/{place.id}", "/inzicht/GM0344", "/inzicht/GM0344/buurten.csv",
                                               "/inzicht/GM0344/buurten.geojson", f"/api/v1/places/{place.id}")]
    for user in users:
        for body in bodies:
            assert user.display_name not in body and user.email not in body
    assert all("Geheim" not in body for body in bodies)


def test_unlink_checkins_after_a_month_keeps_only_the_guard(app, make_user, place):
    user = make_user()
    services.check_in(user, place.id, {"pleasant": 2, "welcome": 2, "open_to_me": 2}, now=JAN)
    db.session.commit()
    assert services.unlink_checkins(now=datetime(2027, 1, 30, tzinfo=UTC)) == (0, 0)
    assert _count(user_id=user.id) == 1
    assert services.unlink_checkins(now=datetime(2027, 2, 3, tzinfo=UTC)) == (1, 1)
    row = db.session.scalars(sa.select(WelcomeCheckIn)).one()
    assert (row.user_id, row.answered_at, row.month.isoformat(), row.welcome) == (None, None, "2027-01-01", 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckInGuard)) == 0


def test_guard_stops_a_second_check_in_after_unlinking_within_the_month(make_user, place):
    """Even when the answer itself has been unlinked (e.g. by a moderator), the guard still refuses."""
    user = make_user()
    services.check_in(user, place.id, {"pleasant": 2, "welcome": 2, "open_to_me": 2}, now=JAN)
    db.session.execute(sa.update(WelcomeCheckIn).values(user_id=None, answered_at=None))
    with pytest.raises(Conflict):
        services.check_in(user, place.id, {"pleasant": 5, "welcome": 5, "open_to_me": 5}, now=JAN)


def test_unlink_command_for_the_nightly_cron(app, make_user, place):
    user = make_user()
    services.check_in(user, place.id, {"pleasant": 2, "welcome": 2, "open_to_me": 2},
                      now=datetime(2020, 1, 2, tzinfo=UTC))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["insight", "unlink-checkins"])
    assert result.exit_code == 0 and "1 unlinked" in result.output
    assert _count(user_id=user.id) == 0


def test_data_download_shows_own_linked_answers_only(make_user, place, make_place):
    user, other = make_user(), make_user()
    services.check_in(user, place.id, {"pleasant": 1, "welcome": 2, "open_to_me": 3}, now=JAN)
    services.check_in(other, place.id, {"pleasant": 5, "welcome": 5, "open_to_me": 5}, now=JAN)
    services.check_in(user, make_place().id, {"pleasant": 4, "welcome": 4, "open_to_me": 4},
                      now=datetime(2026, 11, 1, tzinfo=UTC))
    services.unlink_checkins(now=datetime(2027, 1, 20, tzinfo=UTC))  # unlinks the November answer
    exported = export_user_data(user)["welcome_checkins"]
    assert exported == [{"place_id": place.id, "place": "Buurthuis De Linde", "month": "2027-01",
                         "answered_at": JAN.isoformat(), "pleasant": 1, "welcome": 2, "open_to_me": 3}]


def test_owner_sees_figures_per_month_others_get_403(client, login, make_user, place):
    owner, resident = make_user(), make_user()
    stewardship.add_owner(place, owner)
    db.session.commit()
    _check_in_all(_residents(make_user, 10), place)
    _check_in_all(_residents(make_user, 3), place, now=datetime(2027, 2, 5, tzinfo=UTC))
    login(client, resident)
    refused = client.get(f"/inzicht/plek/{place.id}")
    assert refused.status_code == 403 and "U mag dit niet doen" in refused.text
    login(client, owner)
    page = client.get(f"/inzicht/plek/{place.id}")
    assert page.status_code == 200
    assert "januari 2027" in page.text and "4,5" in page.text
    assert "februari 2027" in page.text and "te weinig antwoorden" in page.text


def test_anonymous_cannot_see_owner_figures(client, place):
    assert client.get(f"/inzicht/plek/{place.id}").status_code == 302


def test_moderator_removes_check_ins_of_an_abused_account(client, login, make_user, place):
    abused = make_user()
    services.check_in(abused, place.id, {"pleasant": 1, "welcome": 1, "open_to_me": 1})
    db.session.commit()
    login(client, make_user(role="moderator", gemeente="GM0344"))
    response = client.post("/inzicht/GM0344/antwoorden-verwijderen", data={"email": abused.email})
    assert response.status_code == 302
    assert _count(user_id=abused.id) == 0


@pytest.mark.parametrize("who", ["resident", "moderator elsewhere", "staff"])
def test_others_cannot_remove_check_ins(client, login, make_user, place, who):
    abused = make_user()
    services.check_in(abused, place.id, {"pleasant": 1, "welcome": 1, "open_to_me": 1})
    db.session.commit()
    actor = {"resident": lambda: make_user(),
             "moderator elsewhere": lambda: make_user(role="moderator", gemeente="GM0363"),
             "staff": lambda: make_user(role="staff", gemeente="GM0344")}[who]()
    login(client, actor)
    assert client.get("/inzicht/GM0344/antwoorden-verwijderen").status_code == 403
    assert client.post("/inzicht/GM0344/antwoorden-verwijderen", data={"email": abused.email}).status_code == 403
    assert _count(user_id=abused.id) == 1
    with pytest.raises(NotAllowed):
        services.remove_checkins_of(actor, abused, "GM0344")
    assert _count(user_id=abused.id) == 1


def test_moderator_gets_a_message_for_an_unknown_address(client, login, make_user):
    login(client, make_user(role="moderator", gemeente="GM0344"))
    response = client.post("/inzicht/GM0344/antwoorden-verwijderen", data={"email": "niemand@example.test"})
    assert response.status_code == 400 and "geen account met dit e-mailadres" in response.text
    response = client.post("/inzicht/GM0344/antwoorden-verwijderen", data={"email": "=cmd|' /C calc'!A0"})
    assert response.status_code == 400 and "geen account met dit e-mailadres" in response.text
    response = client.post("/inzicht/GM0344/antwoorden-verwijderen", data={"email": ""})
    assert response.status_code == 400 and "Vul het e-mailadres in" in response.text


def test_check_in_rules_raise_the_domain_error_family(make_user, make_place, place):
    """Without a login: 403; a place the public cannot see: 404; an answer out of range: 400 (a second
    answer this month is the 409 above). Nothing is saved."""
    from flask_login import AnonymousUserMixin

    from webapp.domain_errors import Invalid, NotFound

    user, fine = make_user(), {"pleasant": 3, "welcome": 3, "open_to_me": 3}
    with pytest.raises(NotAllowed):
        services.check_in(AnonymousUserMixin(), place.id, fine, now=JAN)
    with pytest.raises(NotFound):
        services.check_in(user, make_place(status="proposed").id, fine, now=JAN)
    with pytest.raises(Invalid) as info:
        services.check_in(user, place.id, {**fine, "welcome": 6}, now=JAN)
    assert info.value.status == 400 and "1 tot en met 5" in info.value.message
    assert _count() == 0


def test_deleting_an_account_unlinks_its_answers_at_once(make_user, place):
    """The answers stay (they count in the figures) but lose the account and the time straight away, as
    after a month; the guards stay."""
    from tests.fixtures.users import PASSWORD
    from webapp.accounts import services as accounts

    user, other = make_user(), make_user()
    services.check_in(user, place.id, {"pleasant": 2, "welcome": 3, "open_to_me": 4})
    services.check_in(other, place.id, {"pleasant": 5, "welcome": 5, "open_to_me": 5})
    accounts.delete_account(user, PASSWORD)
    db.session.flush()
    assert _count(user_id=user.id) == 0 and _count(user_id=other.id) == 1 and _count() == 2
    kept = db.session.scalars(sa.select(WelcomeCheckIn).where(WelcomeCheckIn.pleasant == 2)).one()
    assert (kept.user_id, kept.answered_at, kept.welcome) == (None, None, 3)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckInGuard)) == 2  # the guards stay
