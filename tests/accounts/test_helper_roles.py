"""webapp/accounts/helper_roles.py: staff of a gemeente give and take the helper role there."""
import pytest

from webapp.accounts import helper_roles
from webapp.accounts.models import Role
from webapp.accounts.permissions import has_role
from webapp.domain_errors import Invalid, NotAllowed
from webapp.extensions import db


@pytest.fixture(autouse=True)
def _dutch_request(app):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        yield


@pytest.fixture
def changes():
    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender, kwargs))
    helper_roles.helper_role_changed.connect(receiver)
    yield seen
    helper_roles.helper_role_changed.disconnect(receiver)


def test_staff_grant_and_remove_and_the_signal_says_so(make_user, changes):
    staff = make_user("Medewerker", Role.STAFF, "GM0363")
    person = make_user("Opbouwwerker")
    assert helper_roles.grant_helper(staff, "GM0363", f"  {person.email.upper()} ").id == person.id
    db.session.commit()
    assert has_role(person, Role.HELPER, "GM0363") and not has_role(person, Role.HELPER, "GM0344")
    assert [u.id for u in helper_roles.helpers_of("GM0363")] == [person.id]
    assert helper_roles.helpers_of("GM0344") == []
    helper_roles.remove_helper(staff, "GM0363", person.id)
    db.session.commit()
    db.session.refresh(person)
    assert not has_role(person, Role.HELPER, "GM0363") and helper_roles.helpers_of("GM0363") == []
    assert [(sender.id, kw["gemeente_code"], kw["helper_id"], kw["granted"]) for sender, kw in changes] == [
        (staff.id, "GM0363", person.id, True), (staff.id, "GM0363", person.id, False)]


def test_only_staff_of_that_gemeente(make_user, changes):
    other_staff = make_user("Medewerker Utrecht", Role.STAFF, "GM0344")
    person = make_user("Opbouwwerker")
    with pytest.raises(NotAllowed):
        helper_roles.grant_helper(other_staff, "GM0363", person.email)
    with pytest.raises(NotAllowed):
        helper_roles.grant_helper(person, "GM0363", person.email)
    with pytest.raises(NotAllowed):
        helper_roles.remove_helper(other_staff, "GM0363", person.id)
    assert not has_role(person, Role.HELPER, "GM0363") and changes == []


@pytest.mark.parametrize("email, message", [
    ("", "Vul een e-mailadres in."),
    ("niemand@example.test", "Er is geen account met dit e-mailadres."),
])
def test_unknown_or_empty_email_is_invalid_on_the_field(make_user, email, message):
    staff = make_user("Medewerker", Role.STAFF, "GM0363")
    with pytest.raises(Invalid) as info:
        helper_roles.grant_helper(staff, "GM0363", email)
    assert info.value.field == "email" and info.value.message.startswith(message)


def test_twice_a_helper_or_removing_a_non_helper_is_invalid(make_user):
    staff = make_user("Medewerker", Role.STAFF, "GM0363")
    person = make_user("Opbouwwerker", Role.HELPER, "GM0363")
    with pytest.raises(Invalid, match="al helper"):
        helper_roles.grant_helper(staff, "GM0363", person.email)
    with pytest.raises(Invalid, match="geen helper"):
        helper_roles.remove_helper(staff, "GM0363", staff.id)
