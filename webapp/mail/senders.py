"""Mail senders, chosen by MAIL_BACKEND: "log" (development: the mail goes to the log) or "smtp"."""
from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from webapp.mail.models import OutboxMail

log = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, mail: OutboxMail) -> None: ...

    def close(self) -> None: ...


def build_message(mail: OutboxMail, sender_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender_address
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(sender_address)[1].rpartition("@")[2] or "buurtplek.example"
    message["Message-ID"] = make_msgid(idstring=f"outbox{mail.id}", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    return message


class LogSender:
    """Development: write the whole mail to the log instead of sending it."""

    def __init__(self, sender_address: str):
        self.sender_address = sender_address

    def send(self, mail: OutboxMail) -> None:
        log.info("mail %s to %s: %s\n%s", mail.id, mail.to_address, mail.subject, mail.body)

    def close(self) -> None:
        pass


class SmtpSender:
    """SMTP_URL: smtp://user:pass@host:587 (STARTTLS, required) or smtps://user:pass@host:465 (TLS)."""

    def __init__(self, url: str, sender_address: str, timeout: float = 30):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:587")
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender_address = sender_address
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.implicit_tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            connection.ehlo()
            connection.starttls(context=context)  # raises when the server offers no STARTTLS
            connection.ehlo()
        if self.username:
            connection.login(self.username, self.password or "")
        return connection

    def send(self, mail: OutboxMail) -> None:
        if self._connection is None:
            self._connection = self._connect()
        try:
            self._connection.send_message(build_message(mail, self.sender_address))
        except smtplib.SMTPServerDisconnected:
            self._connection = None
            raise

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(smtplib.SMTPException):
                self._connection.quit()
            self._connection = None


def make_sender(config: Mapping[str, Any]) -> Sender:
    backend = (config.get("MAIL_BACKEND") or "log").lower()
    sender_address = config.get("MAIL_SENDER", "Buurtplek <noreply@buurtplek.example>")
    if backend == "log":
        return LogSender(sender_address)
    if backend == "smtp":
        return SmtpSender(config.get("SMTP_URL", ""), sender_address)
    raise ValueError(f"unknown MAIL_BACKEND {backend!r}: use 'log' or 'smtp'")
