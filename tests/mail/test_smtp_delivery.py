"""Mail really delivered over SMTP: a real server (aiosmtpd) with a self-signed certificate and STARTTLS
receives the confirmation mail of a new account. A plain local relay only when SMTP_ALLOW_PLAIN_LOCAL asks
for it, and never for another host."""
from __future__ import annotations

import re
import socket
import ssl
import subprocess
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from webapp.accounts import services as accounts
from webapp.extensions import db
from webapp.mail import services
from webapp.mail.models import OutboxMail
from webapp.mail.senders import SmtpSender, make_sender

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
SENDER = "Buurtplek <noreply@buurtplek.example>"


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for localhost / 127.0.0.1, made with openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(handler, tls_context=None):
    kwargs = {"tls_context": tls_context, "require_starttls": True} if tls_context else {}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller


def server_port(controller) -> int:
    return int(controller.port)


@pytest.fixture
def tls_server(certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    inbox = Inbox()
    controller = start_server(inbox, context)
    try:
        yield inbox, server_port(controller), cert
    finally:
        controller.stop()


@pytest.fixture
def plain_server():
    inbox = Inbox()
    controller = start_server(inbox)
    try:
        yield inbox, server_port(controller)
    finally:
        controller.stop()


def confirmation_mail(address: str) -> OutboxMail:
    [mail] = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == address,
                                                         OutboxMail.kind == "account.confirm"))
    return mail


@pytest.mark.parametrize(("locale", "subject", "greeting"), [
    ("nl", "Bevestig uw e-mailadres", "Hallo"),
    ("en", "Confirm your email address", "Hello"),
])
def test_confirmation_mail_is_delivered_over_starttls(app, tls_server, locale, subject, greeting):
    inbox, port, cert = tls_server
    address = f"nieuw-{locale}@example.org"
    user = accounts.register(address, "een lang wachtwoord", "Fatima K.", locale)
    db.session.commit()
    assert user is not None
    mail = confirmation_mail(address)
    trusting = ssl.create_default_context(cafile=str(cert))  # trusts the self-signed test certificate only
    sender = SmtpSender(f"smtp://127.0.0.1:{port}", SENDER, timeout=10, ssl_context=trusting)
    try:
        assert services.send_pending(sender, now=T0) == (1, 0)
    finally:
        sender.close()
    db.session.refresh(mail)
    assert mail.sent_at == T0 and mail.last_error == ""
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "noreply@buurtplek.example"
    assert envelope.rcpt_tos == [address]
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["From"] == SENDER and message["To"] == address
    assert message["Subject"] == subject
    body = message.get_content()
    assert body.startswith(f"{greeting} Fatima K.")
    links = re.findall(r"https?://\S+", body)
    confirm = [url for url in links if "/account/bevestigen/" in url or "bevestig" in url]
    assert confirm, body
    token = confirm[0].rstrip("/").rsplit("/", 1)[1]
    assert accounts.confirm_email(token).id == user.id


def test_a_server_with_a_certificate_we_do_not_trust_gets_nothing(app, tls_server):
    inbox, port, _cert = tls_server
    [mail] = [services.queue_mail("a@example.org", "Onderwerp", "Tekst", "test")]
    db.session.commit()
    sender = SmtpSender(f"smtp://127.0.0.1:{port}", SENDER, timeout=10)  # the system's trust store
    assert services.send_pending(sender, now=T0) == (0, 1)
    db.session.refresh(mail)
    assert mail.sent_at is None and "CERTIFICATE" in mail.last_error.upper()
    assert inbox.envelopes == []


def test_plain_local_relay_only_when_asked(app, plain_server):
    inbox, port = plain_server
    [mail] = [services.queue_mail("a@example.org", "Onderwerp", "Tekst", "test")]
    db.session.commit()
    refused = SmtpSender(f"smtp://localhost:{port}", SENDER, timeout=10)
    assert services.send_pending(refused, now=T0) == (0, 1)
    assert inbox.envelopes == []
    db.session.refresh(mail)
    assert "STARTTLS" in mail.last_error.upper()
    mail.next_attempt_at = None
    db.session.commit()
    allowed = make_sender({"MAIL_BACKEND": "smtp", "SMTP_URL": f"smtp://localhost:{port}",
                           "SMTP_ALLOW_PLAIN_LOCAL": "1", "MAIL_SENDER": SENDER})
    try:
        assert services.send_pending(allowed, now=T0) == (1, 0)
    finally:
        allowed.close()
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["a@example.org"]


def test_plain_relay_never_for_a_remote_host_or_with_a_password():
    remote = make_sender({"MAIL_BACKEND": "smtp", "SMTP_URL": "smtp://mail.example:25",
                          "SMTP_ALLOW_PLAIN_LOCAL": "1"})
    assert isinstance(remote, SmtpSender) and remote.plain_allowed is False
    with_password = make_sender({"MAIL_BACKEND": "smtp", "SMTP_URL": "smtp://user:pw@localhost:25",
                                 "SMTP_ALLOW_PLAIN_LOCAL": "1"})
    assert isinstance(with_password, SmtpSender) and with_password.plain_allowed is False
    not_asked = make_sender({"MAIL_BACKEND": "smtp", "SMTP_URL": "smtp://localhost:25"})
    assert isinstance(not_asked, SmtpSender) and not_asked.plain_allowed is False
    asked = make_sender({"MAIL_BACKEND": "smtp", "SMTP_URL": "smtp://localhost:25", "SMTP_ALLOW_PLAIN_LOCAL": True})
    assert isinstance(asked, SmtpSender) and asked.plain_allowed is True


def test_plain_relay_to_a_remote_host_is_refused_even_when_asked(app, plain_server, monkeypatch):
    """A remote name that resolves to our plain test server: still refused (no STARTTLS)."""
    inbox, port = plain_server
    [mail] = [services.queue_mail("a@example.org", "Onderwerp", "Tekst", "test")]
    db.session.commit()
    sender = make_sender({"MAIL_BACKEND": "smtp", "SMTP_URL": f"smtp://mail.example:{port}",
                          "SMTP_ALLOW_PLAIN_LOCAL": "1"})
    assert isinstance(sender, SmtpSender)
    sender.host = "127.0.0.1"  # connect to the test server, but the setting was judged on mail.example
    assert services.send_pending(sender, now=T0) == (0, 1)
    db.session.refresh(mail)
    assert "STARTTLS" in mail.last_error.upper() and inbox.envelopes == []
