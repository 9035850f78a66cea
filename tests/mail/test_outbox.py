"""The outbox: queueing, sending (log and SMTP), retries with back-off, concurrency, /dev/outbox."""
from __future__ import annotations

import logging
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.accounts.helpers import text
from webapp.extensions import db
from webapp.mail import services
from webapp.mail.models import OutboxMail
from webapp.mail.senders import LogSender, SmtpSender, build_message, make_sender

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def queue(n=1, to="bewoner@example.org"):
    mails = [services.queue_mail(to, f"Onderwerp {i}", f"Tekst {i}", "test") for i in range(n)]
    db.session.commit()
    return mails


class Recording:
    """A sender that records what it sent. With meet=n, each thread's first send waits (holding its row lock)
    until n threads are sending at the same moment: the handshake proves the senders really overlap."""

    def __init__(self, fail=False, meet=0):
        self.sent: list[int] = []
        self.fail = fail
        self.lock = threading.Lock()
        self.meet = meet
        self.sending: set[int] = set()
        self.arrived = threading.Condition(self.lock)

    def send(self, mail):
        if self.meet:
            with self.arrived:
                self.sending.add(threading.get_ident())
                self.arrived.notify_all()
                if not self.arrived.wait_for(lambda: len(self.sending) >= self.meet, timeout=10):
                    raise AssertionError("the other sender never got a mail while this one held its lock")
        if self.fail:
            raise ConnectionRefusedError("server weg")
        with self.lock:
            self.sent.append(mail.id)

    def close(self):
        pass


def test_queue_mail_needs_an_address():
    assert services.queue_mail("", "x", "y") is None
    assert services.queue_mail_to_user(None, "x", "y") is None


def test_send_pending_with_the_log_sender(caplog):
    [mail] = queue(1)
    caplog.set_level(logging.INFO, logger="webapp.mail")
    sent, failed = services.send_pending(LogSender("Buurtplek <noreply@buurtplek.example>"), now=T0)
    assert (sent, failed) == (1, 0)
    db.session.refresh(mail)
    assert mail.sent_at == T0 and mail.attempts == 1 and mail.last_error == ""
    assert "Onderwerp 0" in caplog.text and "Tekst 0" in caplog.text
    # Nothing left: a second run sends nothing.
    assert services.send_pending(Recording(), now=T0) == (0, 0)


def test_failure_counts_attempts_keeps_the_error_and_backs_off():
    [mail] = queue(1)
    assert services.send_pending(Recording(fail=True), now=T0) == (0, 1)
    db.session.refresh(mail)
    assert mail.sent_at is None and mail.attempts == 1
    assert "ConnectionRefusedError: server weg" in mail.last_error
    assert mail.next_attempt_at == T0 + timedelta(minutes=2)
    # Too early: not tried again.
    assert services.send_pending(Recording(), now=T0 + timedelta(minutes=1)) == (0, 0)
    # Second failure waits twice as long.
    assert services.send_pending(Recording(fail=True), now=T0 + timedelta(minutes=2)) == (0, 1)
    db.session.refresh(mail)
    assert mail.attempts == 2 and mail.next_attempt_at == T0 + timedelta(minutes=6)
    ok = Recording()
    assert services.send_pending(ok, now=T0 + timedelta(minutes=6)) == (1, 0)
    db.session.refresh(mail)
    assert ok.sent == [mail.id] and mail.sent_at is not None and mail.last_error == "" and mail.attempts == 3


def test_gives_up_after_max_attempts():
    [mail] = queue(1)
    moment = T0
    for _ in range(services.MAX_ATTEMPTS):
        services.send_pending(Recording(fail=True), now=moment)
        moment += timedelta(days=1)
    db.session.refresh(mail)
    assert mail.attempts == services.MAX_ATTEMPTS
    assert services.send_pending(Recording(), now=moment) == (0, 0)
    assert services.counts()["failed"] == 1


def test_limit_per_run():
    queue(5)
    rec = Recording()
    assert services.send_pending(rec, limit=3, now=T0) == (3, 0)
    assert services.send_pending(rec, limit=10, now=T0) == (2, 0)
    assert rec.sent == sorted(rec.sent) and len(set(rec.sent)) == 5


@pytest.mark.committed
def test_two_senders_at_once_never_send_a_mail_twice(app):
    mails = queue(30)
    ids = {m.id for m in mails}
    recorder = Recording(meet=2)
    results, errors = [], []
    start = threading.Barrier(3)

    def worker():
        try:
            start.wait(timeout=10)
            with app.app_context():
                results.append(services.send_pending(recorder, now=T0))
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(recorder.sent) == sorted(ids)  # every mail exactly once
    assert sum(r[0] for r in results) == 30
    assert sum(1 for r in results if r[0] > 0) >= 2  # the work was really shared
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMail)).all()
    assert all(m.sent_at is not None and m.attempts == 1 for m in rows)


def test_cli_send_and_status(app):
    queue(2)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "2 sent, 0 failed" in result.output
    assert "0 waiting, 2 sent" in runner.invoke(args=["outbox", "status"]).output


def test_purge_removes_old_sent_mails_only():
    old, recent, waiting = queue(3)
    old.sent_at = T0 - timedelta(days=91)
    recent.sent_at = T0 - timedelta(days=10)
    db.session.commit()
    assert services.purge_sent(now=T0) == 1
    db.session.commit()
    remaining = {m.id for m in db.session.scalars(select(OutboxMail))}
    assert remaining == {recent.id, waiting.id}


def test_template_mail_in_the_users_language(app, make_user):
    user = make_user(name="Noor H.")
    user.preferred_locale = "en"
    assert services.mail_locale(user) == "en"
    user.preferred_locale = "xx"
    assert services.mail_locale(user) == "nl"
    user.preferred_locale = None
    mail = services.queue_template_mail(user, "Onderwerp", "accounts/mail/password_changed.txt", "t",
                                        reset_url="https://x.example/r")
    assert mail.body.startswith("Hallo Noor H.,") and "https://x.example/r" in mail.body


def test_public_link_works_without_a_request(app):
    app.config["PUBLIC_URL"], old = "https://buurtplek.example/", app.config["PUBLIC_URL"]
    try:
        assert services.public_link("accounts.login") == "https://buurtplek.example/inloggen"
    finally:
        app.config["PUBLIC_URL"] = old


def test_build_message_headers():
    mail = OutboxMail(id=7, to_address="a@example.org", subject="Hallo – één", body="Tekst met ë\n")
    message = build_message(mail, "Buurtplek <noreply@buurtplek.example>")
    assert message["To"] == "a@example.org" and message["Subject"] == "Hallo – één"
    assert message["Message-ID"].endswith("@buurtplek.example>")
    assert message.get_content().startswith("Tekst met ë")


def test_make_sender():
    assert isinstance(make_sender({"MAIL_BACKEND": "log"}), LogSender)
    smtp = make_sender({"MAIL_BACKEND": "smtp", "SMTP_URL": "smtp://user%40x:p%3Ass@mail.example:2525"})
    assert isinstance(smtp, SmtpSender)
    assert (smtp.host, smtp.port, smtp.username, smtp.password) == ("mail.example", 2525, "user@x", "p:ss")
    with pytest.raises(ValueError):
        make_sender({"MAIL_BACKEND": "pigeon"})
    with pytest.raises(ValueError):
        make_sender({"MAIL_BACKEND": "smtp", "SMTP_URL": "http://x"})


class PlainSmtpServer:
    """A tiny SMTP server without STARTTLS: our sender must refuse to send in plain text."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.received_data = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        conn, _ = self.sock.accept()
        f = conn.makefile("rwb")
        f.write(b"220 test ESMTP\r\n")
        f.flush()
        for line in f:
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO"):
                f.write(b"250-test\r\n250 8BITMIME\r\n")
            elif cmd.startswith(b"DATA") or cmd.startswith(b"MAIL"):
                self.received_data = True
                f.write(b"250 OK\r\n")
            elif cmd.startswith(b"QUIT"):
                f.write(b"221 bye\r\n")
                f.flush()
                break
            else:
                f.write(b"502 no\r\n")
            f.flush()
        conn.close()
        self.sock.close()


def test_smtp_sender_requires_starttls():
    server = PlainSmtpServer()
    [mail] = queue(1)
    sender = SmtpSender(f"smtp://127.0.0.1:{server.port}", "Buurtplek <noreply@buurtplek.example>", timeout=5)
    assert services.send_pending(sender, now=T0) == (0, 1)
    db.session.refresh(mail)
    assert mail.sent_at is None and "STARTTLS" in mail.last_error.upper()
    assert not server.received_data


def test_dev_outbox_is_404_unless_dev_mode(app, client):
    assert app.config["DEV_MODE"] is False
    assert client.get("/dev/outbox").status_code == 404


def test_dev_outbox_lists_mails_in_dev_mode(app, client):
    services.queue_mail("x@example.org", "<script>alert(1)</script>", "Klik: http://127.0.0.1:5000/account\n<b>", "t")
    db.session.commit()
    app.config["DEV_MODE"] = True
    try:
        response = client.get("/dev/outbox")
    finally:
        app.config["DEV_MODE"] = False
    assert response.status_code == 200
    body = text(response)
    assert "x@example.org" in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert '<a href="http://127.0.0.1:5000/account">' in body
    assert "&lt;b&gt;" in body


def test_mail_follows_the_recipients_language(app, make_user):
    """The reset mail (subject and text) is written in the recipient's language, not the request's.
    (It used the lock-out mail, which went with the lock-out: issue 10, finding 9.)"""
    from webapp.accounts import services as accounts

    dutch, english = make_user(), make_user()
    english.preferred_locale = "en"
    for user in (dutch, english):
        accounts.request_password_reset(user.email, now=T0)
    db.session.commit()
    [nl_mail] = [m for m in db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == dutch.email))]
    [en_mail] = [m for m in db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == english.email))]
    assert nl_mail.subject == "Nieuw wachtwoord kiezen" and "Hallo " in nl_mail.body
    assert en_mail.subject == "Choose a new password" and "Hallo " not in en_mail.body
