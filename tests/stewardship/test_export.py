"""Stewardship's part of the account data download, and what deleting an account does to join requests."""
from __future__ import annotations

import json

from tests.fixtures.users import PASSWORD
from webapp.accounts import services as accounts
from webapp.extensions import db
from webapp.stewardship import services
from webapp.stewardship.models import JoinRequest


def _make_one_of_each(user, place):
    services.report(user, place, "wrong_info", f"Fout adres ({user.display_name})")
    services.suggest_edit(user, place, {"name": f"Nieuwe naam {user.display_name}"}, note="Klopt beter")
    join = services.request_join(user, place, f"Ik help graag ({user.display_name})")
    db.session.commit()
    return join


def test_download_contains_my_reports_suggestions_and_join_requests(client, login, make_place, make_user,
                                                                    resident, other):
    place = make_place(name="Buurthuis De Linde", owner=make_user("Eigenaar"))
    _make_one_of_each(resident, place)
    _make_one_of_each(other, place)
    login(client, resident)
    data = json.loads(client.get("/account/download").get_data(as_text=True))["stewardship"]
    [report] = data["reports"]
    assert (report["category"], report["status"], report["subject_title"]) == ("wrong_info", "open",
                                                                               "Buurthuis De Linde")
    assert report["text"] == "Fout adres (Bewoner Een)" and report["date"]
    [suggestion] = data["suggestions"]
    assert suggestion["values"]["name"] == "Nieuwe naam Bewoner Een" and suggestion["note"] == "Klopt beter"
    [join] = data["join_requests"]
    assert join["motivation"] == "Ik help graag (Bewoner Een)" and join["status"] == "open"
    assert "Bewoner Twee" not in json.dumps(data)


def test_deleting_an_account_withdraws_its_open_join_requests(make_place, make_user, resident, other):
    place = make_place(owner=make_user("Eigenaar"))
    mine = _make_one_of_each(resident, place)
    theirs = _make_one_of_each(other, place)
    accounts.delete_account(resident, PASSWORD)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(JoinRequest, mine.id).status == "withdrawn"
    assert db.session.get(JoinRequest, theirs.id).status == "open"
