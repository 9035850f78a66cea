"""Roles: the admin page to grant/revoke moderator and staff roles per gemeente, and permissions."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.accounts.helpers import text
from webapp.accounts.models import Role, RoleGrant
from webapp.accounts.permissions import gemeenten_with_role, has_role, is_admin
from webapp.extensions import db


def grants_of(user):
    db.session.expire_all()
    return sorted((g.role, g.gemeente_code) for g in db.session.scalars(
        select(RoleGrant).where(RoleGrant.user_id == user.id)))


def all_grants():
    db.session.expire_all()
    return sorted((g.user_id, g.role, g.gemeente_code) for g in db.session.scalars(select(RoleGrant)))


def test_admin_sees_the_roles_page(client, make_user, login):
    admin = make_user(role="admin")
    make_user(name="Mirjam B.", role="moderator", gemeente="GM0344")
    login(client, admin)
    response = client.get("/beheer/rollen")
    assert response.status_code == 200
    assert "Mirjam B." in text(response) and "GM0344" in text(response)
    assert 'value="GM0363"' in text(response)  # the gemeente picker
    filtered = client.get("/beheer/rollen?gemeente=GM0363")
    assert "Mirjam B." not in text(filtered)


@pytest.mark.parametrize("role, gemeente", [("moderator", "GM0363"), ("staff", "GM0363"), (None, None)])
def test_others_get_403_on_the_roles_page(client, make_user, login, role, gemeente):
    login(client, make_user(role=role, gemeente=gemeente))
    assert client.get("/beheer/rollen").status_code == 403


def test_anonymous_is_sent_to_login(client, make_user):
    target = make_user()
    before = all_grants()
    for response in (client.get("/beheer/rollen"),
                     client.post("/beheer/rollen", data={"email": target.email, "role": "moderator",
                                                         "gemeente": "GM0363"})):
        assert response.status_code == 302 and "/inloggen" in response.location
    assert all_grants() == before


def test_admin_grants_a_moderator_role(client, make_user, login):
    admin, target = make_user(role="admin"), make_user()
    login(client, admin)
    response = client.post("/beheer/rollen", data={"email": target.email, "role": "moderator",
                                                   "gemeente": "GM0344"})
    assert response.status_code == 302
    assert grants_of(target) == [("moderator", "GM0344")]
    grant = db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == target.id)).one()
    assert grant.granted_by_id == admin.id
    # Granting twice changes nothing.
    client.post("/beheer/rollen", data={"email": target.email, "role": "moderator", "gemeente": "GM0344"})
    assert grants_of(target) == [("moderator", "GM0344")]


@pytest.mark.parametrize("role, gemeente", [("moderator", "GM0363"), ("staff", "GM0344"), (None, None)])
def test_non_admins_cannot_grant(client, make_user, login, role, gemeente):
    actor, target = make_user(role=role, gemeente=gemeente), make_user()
    login(client, actor)
    before = all_grants()
    response = client.post("/beheer/rollen", data={"email": target.email, "role": "moderator",
                                                   "gemeente": "GM0363"})
    assert response.status_code == 403
    assert all_grants() == before


@pytest.mark.parametrize("data, message", [
    ({"email": "niemand@example.org", "role": "staff", "gemeente": "GM0363"}, "Er is geen account"),
    ({"role": "admin", "gemeente": "GM0363"}, "Not a valid choice"),
    ({"role": "staff", "gemeente": "GM9999"}, "Not a valid choice"),
    ({"role": "staff", "gemeente": ""}, "Kies een gemeente"),
])
def test_grant_bad_input_is_400_and_changes_nothing(client, make_user, login, data, message):
    admin, target = make_user(role="admin"), make_user()
    login(client, admin)
    before = all_grants()
    response = client.post("/beheer/rollen", data={"email": target.email, **data})
    assert response.status_code == 400
    assert all_grants() == before
    if message != "Not a valid choice":
        assert message in text(response)


def test_admin_revokes_a_staff_role(client, make_user, login):
    admin, staff = make_user(role="admin"), make_user(role="staff", gemeente="GM0363")
    grant_id = db.session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == staff.id)).one()
    login(client, admin)
    response = client.post(f"/beheer/rollen/{grant_id}/intrekken")
    assert response.status_code == 302
    assert grants_of(staff) == []


@pytest.mark.parametrize("role, gemeente", [("moderator", "GM0363"), ("staff", "GM0363"), (None, None)])
def test_non_admins_cannot_revoke(client, make_user, login, role, gemeente):
    staff = make_user(role="staff", gemeente="GM0363")
    grant_id = db.session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == staff.id)).one()
    login(client, make_user(role=role, gemeente=gemeente))
    before = all_grants()
    assert client.post(f"/beheer/rollen/{grant_id}/intrekken").status_code == 403
    assert all_grants() == before


def test_admin_role_is_not_revoked_from_the_web(client, make_user, login):
    admin, other_admin = make_user(role="admin"), make_user(role="admin")
    grant_id = db.session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == other_admin.id)).one()
    login(client, admin)
    response = client.post(f"/beheer/rollen/{grant_id}/intrekken", follow_redirects=True)
    assert "opdrachtregel" in text(response)
    assert grants_of(other_admin) == [("admin", None)]


def test_revoking_a_missing_grant_is_not_an_error_page(client, make_user, login):
    login(client, make_user(role="admin"))
    response = client.post("/beheer/rollen/999999/intrekken", follow_redirects=True)
    assert response.status_code == 200
    assert "bestaat niet" in text(response)


def test_xss_in_names_on_the_roles_page(client, make_user, login):
    make_user(name="<script>alert(1)</script>", role="moderator", gemeente="GM0363")
    login(client, make_user(role="admin"))
    body = text(client.get("/beheer/rollen"))
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_a_moderator_of_utrecht_can_do_nothing_in_amsterdam(make_user):
    utrecht = make_user(role="moderator", gemeente="GM0344")
    assert has_role(utrecht, Role.MODERATOR, "GM0344")
    assert not has_role(utrecht, Role.MODERATOR, "GM0363")
    assert not has_role(utrecht, Role.STAFF, "GM0344")
    assert gemeenten_with_role(utrecht, Role.MODERATOR) == {"GM0344"}
    assert not is_admin(utrecht)
    admin = make_user(role="admin")
    assert has_role(admin, Role.MODERATOR, "GM0363") and gemeenten_with_role(admin, Role.STAFF) is None


def test_role_rules_raise_the_domain_error_family(make_user):
    """Someone who is not an admin: NotAllowed (403); a broken rule: an AccountError, which is Invalid (400)."""
    from webapp.accounts import services
    from webapp.domain_errors import Invalid, NotAllowed

    staff = make_user(role="staff", gemeente="GM0363")
    grant_id = db.session.scalars(select(RoleGrant.id).where(RoleGrant.user_id == staff.id)).one()
    with pytest.raises(NotAllowed) as refused:
        services.admin_revoke(staff, grant_id)
    assert refused.value.status == 403
    with pytest.raises(NotAllowed):
        services.admin_grant(make_user(), staff.email, Role.MODERATOR, "GM0363")
    with pytest.raises(services.AccountError) as invalid:
        services.admin_grant(make_user(role="admin"), staff.email, Role.ADMIN, "GM0363")
    assert isinstance(invalid.value, Invalid) and invalid.value.status == 400
    with pytest.raises(Invalid) as short:
        services.validate_password("kort")
    assert short.value.field == "password" and short.value.errors == {"password": short.value.message}
    assert grants_of(staff) == [("staff", "GM0363")]
