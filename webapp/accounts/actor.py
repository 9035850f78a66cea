"""The type of the acting user that every service takes as its first argument.

`Actor` is a logged-in `User` or Flask-Login's anonymous user (services that anyone may call, e.g. a
search or a public page, take it; services that need a login take `User`).
"""
from __future__ import annotations

from typing import TypeAlias

from flask_login import AnonymousUserMixin

from webapp.accounts.models import User

Actor: TypeAlias = User | AnonymousUserMixin
