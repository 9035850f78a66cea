"""`make run` is the try-it-out command: BUURTPLEK_DEV shows a banner on every page, the outbox keeps moving
(`flask outbox send --loop`) and each mail is printed where the app runs."""
from __future__ import annotations

import logging

from tests.accounts.helpers import text
from webapp.extensions import db
from webapp.mail import services


def test_send_loop_delivers_waiting_mail_and_prints_it(app, caplog):
    services.queue_mail("nieuw@example.org", "Bevestig uw e-mailadres", "Klik: http://127.0.0.1:5000/x", "t")
    db.session.commit()
    caplog.set_level(logging.INFO, logger="webapp.mail")
    result = app.test_cli_runner().invoke(args=["outbox", "send", "--loop", "--interval", "0.1", "--rounds", "2"])
    assert result.exit_code == 0, result.output
    assert "sending every 0.1 s" in result.output
    assert "Bevestig uw e-mailadres" in caplog.text and "http://127.0.0.1:5000/x" in caplog.text
    assert services.counts() == {"waiting": 0, "sent": 1, "failed": 0}


def test_dev_banner_only_in_dev_mode(app, client):
    assert "Ontwikkelversie" not in text(client.get("/"))
    app.config["DEV_MODE"] = True
    try:
        body = text(client.get("/"))
    finally:
        app.config["DEV_MODE"] = False
    assert "Ontwikkelversie" in body and 'href="/dev/outbox"' in body


def test_start_an_initiative_is_in_the_menu(client):
    body = text(client.get("/"))
    assert 'href="/initiatieven/nieuw"' in body and "Initiatief starten" in body


def test_makefile_run_turns_dev_mode_on_and_keeps_the_outbox_moving():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "BUURTPLEK_DEV=1" in run and "outbox send --loop" in run and "gunicorn" in run
