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


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class LogSender:
    """Development: write the whole mail to the log instead of sending it (`make run` shows it in the
    terminal; /dev/outbox lists it too)."""

    def __init__(self, sender_address: str):
        self.sender_address = sender_address

    def send(self, mail: OutboxMail) -> None:
        log.info("mail %s to %s: %s\n%s", mail.id, mail.to_address, mail.subject, mail.body)

    def close(self) -> None:
        pass


class SmtpSender:
    """SMTP_URL: smtp://user:pass@host:587 (STARTTLS, required) or smtps://user:pass@host:465 (TLS).

    A plain local relay (smtp://localhost:25, no credentials, a server without STARTTLS) is used only when
    `allow_plain_local` is set (SMTP_ALLOW_PLAIN_LOCAL=1), and never for another host or with a password.
    """

    def __init__(self, url: str, sender_address: str, timeout: float = 30, *,
                 allow_plain_local: bool = False, ssl_context: ssl.SSLContext | None = None):
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
        self.ssl_context = ssl_context
        self.plain_allowed = (allow_plain_local and not self.implicit_tls and self.host.lower() in LOCAL_HOSTS
                              and not self.username and not self.password)
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = self.ssl_context or ssl.create_default_context()
        if self.implicit_tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            connection.ehlo()
            if self.plain_allowed and not connection.has_extn("starttls"):
                log.info("SMTP: plain local relay %s:%s (SMTP_ALLOW_PLAIN_LOCAL)", self.host, self.port)
            else:
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
        allow_plain = config.get("SMTP_ALLOW_PLAIN_LOCAL", "")
        return SmtpSender(config.get("SMTP_URL", ""), sender_address,
                          allow_plain_local=str(allow_plain).lower() in ("1", "true", "yes", "on"))
    raise ValueError(f"unknown MAIL_BACKEND {backend!r}: use 'log' or 'smtp'")
