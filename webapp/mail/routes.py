"""/dev/outbox: the mails the app wrote, readable in the browser. Development mode only (404 otherwise)."""
from __future__ import annotations

import re

from flask import abort, current_app, render_template
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

from webapp.mail import services

_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str) -> Markup:
    """Plain text with its links made clickable; everything else escaped."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(escape(text[last:match.start()]))
        url = match.group(0)
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def dev_outbox() -> ResponseReturnValue:
    if not current_app.config.get("DEV_MODE"):
        abort(404)
    return render_template("mail/dev_outbox.html", mails=services.recent(100), counts=services.counts(),
                           linkify=linkify)
