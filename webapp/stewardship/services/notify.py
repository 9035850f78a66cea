"""Who hears about what: mails to co-owners, moderators and residents (through the mail outbox)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import select

from webapp.accounts.models import Role, RoleGrant, User
from webapp.extensions import db
from webapp.mail.services import queue_mail_to_user
from webapp.stewardship import registry
from webapp.stewardship.services.base import active_owners, subject_type
from webapp.urls import absolute_path


def site_path(endpoint: str, **values: Any) -> str:
    """The site-relative path of an endpoint, also without a request (mails are written by commands too);
    a renamed endpoint fails loudly (BuildError)."""
    return current_app.url_map.bind("public.invalid").build(endpoint, values)


def moderation_path() -> str:
    return site_path("stewardship.moderation")


def notify(users: Iterable[Any], subject_line: str, body: str, kind: str, link: str | None = None) -> None:
    """Mail each user once; `link` (a site-relative path) is added as a full address on PUBLIC_URL."""
    if link:
        body = f"{body}\n\n{absolute_path(link)}"
    seen = set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        queue_mail_to_user(user, subject_line, body, kind)


def moderators_of(gemeente_code: str | None) -> list[User]:
    if not gemeente_code:
        return []
    stmt = (select(User).join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.MODERATOR.value, RoleGrant.gemeente_code == gemeente_code,
                   User.deleted_at.is_(None)).distinct())
    return list(db.session.scalars(stmt))


def moderators_of_subject(subject: Any) -> list[User]:
    return moderators_of(registry.of(subject).gemeente_code(subject))


def handlers_of(subject: Any) -> list[User]:
    """Who acts on join requests and suggestions: the co-owners, or the moderators when there are none."""
    return active_owners(subject) or moderators_of_subject(subject)


def manage_path(subject: Any) -> str:
    """The subject's management page, site-relative."""
    return site_path("stewardship.manage", subject_type=subject_type(subject), subject_id=subject.id)
