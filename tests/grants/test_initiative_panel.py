"""The startbijdragen panel on the initiative page: granted ones for everyone, where to apply for owners."""
from webapp.extensions import db
from webapp.grants import services as svc


def _page(client, initiative):
    response = client.get(f"/initiatieven/{initiative.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_owner_sees_the_open_round_to_apply_for(client, login, owner, grant_round, initiative):
    login(client, owner)
    html = _page(client, initiative)
    assert f"/startbijdragen/regeling/{grant_round.id}/aanvragen?initiatief={initiative.id}" in html
    assert "Vraag aan bij" in html


def test_others_see_no_apply_link(client, login, resident, grant_round, initiative):
    html = _page(client, initiative)
    assert "/aanvragen?initiatief=" not in html
    login(client, resident)
    assert "/aanvragen?initiatief=" not in _page(client, initiative)


def test_round_with_an_open_application_is_not_offered_again(client, login, owner, grant_round, initiative,
                                                              make_application):
    application = make_application(owner, grant_round, initiative)
    login(client, owner)
    html = _page(client, initiative)
    assert f"/startbijdragen/aanvraag/{application.id}" in html
    assert "/aanvragen?initiatief=" not in html


def test_granted_startbijdrage_is_public(client, owner, staff, grant_round, initiative, make_application):
    application = make_application(owner, grant_round, initiative, amount=30_000)
    svc.decide(staff, application, "approve", "Past goed bij de regeling.")
    db.session.commit()
    html = _page(client, initiative)  # anonymous
    assert "300,00" in html and "Soepavond voor de buurt" in html
    assert f"/startbijdragen/aanvraag/{application.id}" not in html  # the application itself stays private
