"""Small helpers for the accounts tests: mails from the outbox and the links in them."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from webapp.extensions import db
from webapp.mail.models import OutboxMail


def mails_to(address: str, kind: str | None = None) -> list[OutboxMail]:
    stmt = select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)
    if kind:
        stmt = stmt.where(OutboxMail.kind == kind)
    return list(db.session.scalars(stmt))


def link_in(mail: OutboxMail, contains: str) -> str:
    """The path of the first link in the mail whose URL contains `contains`."""
    for url in re.findall(r"https?://\S+", mail.body):
        if contains in url:
            return urlsplit(url).path
    raise AssertionError(f"no link with {contains!r} in mail:\n{mail.body}")


def text(response) -> str:
    return response.get_data(as_text=True)


def main_of(response) -> str:
    """Only the <main> element of a page (without the header's changing CSRF tokens)."""
    html = text(response)
    match = re.search(r"<main\b.*?</main>", html, re.S)
    assert match, html
    return match.group(0)
