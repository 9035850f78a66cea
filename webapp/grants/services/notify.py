"""Mails about an application: to the person who applied and the initiative's co-owners."""
from __future__ import annotations

from webapp.accounts.models import User
from webapp.grants.models import GrantApplication
from webapp.mail.services import queue_mail_to_user
from webapp.stewardship import services as stewardship
from webapp.urls import absolute_url


def application_url(application: GrantApplication) -> str:
    return absolute_url("grants.application_page", application_id=application.id)


def notify_applicant(application: GrantApplication, subject: str, body: str, kind: str) -> None:
    """Mail the person who applied and the owners of the initiative (once each)."""
    people: dict[int, User] = {}
    if application.created_by is not None:
        people[application.created_by.id] = application.created_by
    for owner in stewardship.owners_of(application.initiative):
        people.setdefault(owner.user.id, owner.user)
    link = application_url(application)
    for person in people.values():
        if person.deleted_at is None:
            queue_mail_to_user(person, subject, f"{body}\n\n{link}", kind)


def mail_person(person: User, subject: str, body: str, kind: str) -> None:
    queue_mail_to_user(person, subject, body, kind)
