import random

from webapp.accounts import demo, services
from webapp.accounts.models import Role
from webapp.accounts.permissions import has_role, is_admin


def test_demo_accounts(app):
    summary = demo.load(random.Random(2026))
    assert "buurtplek-demo" in summary
    admin = services.find_by_email("admin@demo.buurtplek.example")
    assert is_admin(admin)
    assert services.check_password(admin, "buurtplek-demo")
    assert has_role(services.find_by_email("moderator.utrecht@demo.buurtplek.example"), Role.MODERATOR, "GM0344")
    for local in ("medewerker.amsterdam", "medewerker2.amsterdam"):
        assert has_role(services.find_by_email(f"{local}@demo.buurtplek.example"), Role.STAFF, "GM0363")
    assert has_role(services.find_by_email("medewerker.utrecht@demo.buurtplek.example"), Role.STAFF, "GM0344")
    assert has_role(services.find_by_email("helper.amsterdam@demo.buurtplek.example"), Role.HELPER, "GM0363")
    residents = [services.find_by_email(f"bewoner{n:02d}@demo.buurtplek.example") for n in range(1, 31)]
    assert all(r is not None and not r.roles and r.email_confirmed_at for r in residents)
    assert services.find_by_email("bewoner31@demo.buurtplek.example") is None
    assert len({r.display_name for r in residents}) == 30


def test_demo_user_can_log_in_through_the_form(app, client):
    demo.load(random.Random(1))
    response = client.post("/inloggen", data={"email": "bewoner07@demo.buurtplek.example",
                                              "password": "buurtplek-demo"})
    assert response.status_code == 302
