"""Thin controllers for the admins' roles page: who has which role; grant and revoke moderator and staff
roles per gemeente."""
from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.accounts import services
from webapp.accounts.forms import GrantRoleForm
from webapp.accounts.models import Role, RoleGrant
from webapp.accounts.permissions import is_admin
from webapp.accounts.web import no_store
from webapp.areas.services import list_gemeenten
from webapp.domain_errors import DomainError, NotAllowed
from webapp.transactions import commit_or_show


def role_label(role: str) -> str:
    return {
        "admin": _("beheerder"),
        "moderator": _("moderator"),
        "staff": _("medewerker gemeente"),
        "helper": _("helper"),
        "resident": _("bewoner"),
    }.get(role, role)


def _admin_only() -> None:
    if not is_admin(current_user):
        raise NotAllowed()


def _grant_form(formdata: bool = True) -> GrantRoleForm:
    form = GrantRoleForm() if formdata else GrantRoleForm(formdata=None)
    form.gemeente.choices = [("", _("Kies een gemeente"))] + [(code, name) for code, name in list_gemeenten()]
    return form


def _roles_page(form: GrantRoleForm, status: int = 200) -> ResponseReturnValue:
    gemeente = request.args.get("gemeente", "").strip() or None
    grants = services.list_grants(gemeente)
    return render_template("accounts/roles.html", form=form, grants=grants, gemeente=gemeente,
                           grantable={r.value for r in services.ADMIN_GRANTABLE_ROLES}), status


@login_required
@no_store
def roles() -> ResponseReturnValue:
    _admin_only()
    return _roles_page(_grant_form(formdata=False))


def _granted(grant: RoleGrant) -> str:
    flash(_("%(name)s is nu %(role)s in %(gemeente)s.", name=grant.user.display_name,
            role=role_label(grant.role), gemeente=grant.gemeente_code), "success")
    return url_for("accounts.roles")


@login_required
def grant_role() -> ResponseReturnValue:
    _admin_only()
    form = _grant_form()

    def show_again(exc: DomainError) -> ResponseReturnValue:
        form.email.errors = [*form.email.errors, exc.message]
        return _roles_page(form, status=400)

    if form.validate_on_submit():
        return commit_or_show(lambda: services.admin_grant(current_user._get_current_object(), form.email.data,
                                                           Role(form.role.data), form.gemeente.data),
                              then=_granted, show_again=show_again)
    return _roles_page(form, status=400)


def _revoked(revoked: services.RevokedRole | None) -> str:
    """After the commit: say what was taken away. (None: nothing was; the error is flashed already.)"""
    if revoked is not None:
        flash(_("De rol %(role)s in %(gemeente)s is afgenomen van %(name)s.", role=role_label(revoked["role"]),
                gemeente=revoked["gemeente"], name=revoked["name"]), "success")
    return url_for("accounts.roles")


@login_required
def revoke_role(grant_id: int) -> ResponseReturnValue:
    _admin_only()
    return commit_or_show(lambda: services.admin_revoke(current_user._get_current_object(), grant_id),
                          then=_revoked)
