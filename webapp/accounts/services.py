"""The rules of accounts, one module per subject; this module names them all in one place, for the routes,
the command line and other domains (`from webapp.accounts import services`).

- `users`: finding users, their name and language;
- `passwords`: argon2, the length rule, reset by a link, change on the account page;
- `registration`: signing up and confirming the address; `login`: checking a login;
- `sessions`: server-side sessions (one row per logged-in browser);
- `email_change`: changing the address, and undoing that from the old address;
- `deletion`: deleting an account, the `on_account_deleted` hook, unconfirmed sign-ups;
- `roles`: granting and revoking roles; `tokens`: signed links for mails;
- `errors`: `AccountError` (400, with the form field) and `TokenError` (a link that does not work).

No Flask request inside: the acting user and the time (`now`) are passed in. Callers commit.
"""
from __future__ import annotations

from webapp.accounts.deletion import UNCONFIRMED_KEEP, delete_account, on_account_deleted, purge_unconfirmed
from webapp.accounts.email_change import (
    EMAIL_CHANGE_MAX_AGE,
    EMAIL_UNDO_MAX_AGE,
    _email_fingerprint,
    confirm_email_change,
    email_change_token,
    request_email_change,
    undo_email_change,
    user_for_email_undo,
)
from webapp.accounts.errors import AccountError, TokenError
from webapp.accounts.login import LoginResult, authenticate
from webapp.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    RESET_MAX_AGE,
    change_password,
    check_password,
    hash_password,
    request_password_reset,
    reset_password,
    reset_token,
    user_for_reset_token,
    validate_password,
)
from webapp.accounts.registration import (
    CONFIRM_MAX_AGE,
    confirm_email,
    confirmation_token,
    create_user,
    register,
    send_confirmation,
)
from webapp.accounts.roles import (
    ADMIN_GRANTABLE_ROLES,
    PER_GEMEENTE_ROLES,
    RevokedRole,
    admin_grant,
    admin_revoke,
    gemeente_exists,
    grant_role,
    list_grants,
    revoke_role,
)
from webapp.accounts.sessions import (
    SESSION_IDLE,
    SESSION_TOUCH_EVERY,
    end_all_sessions,
    end_session,
    list_sessions,
    load_user,
    start_session,
    summarize_user_agent,
)
from webapp.accounts.tokens import make_token, read_token
from webapp.accounts.users import clean_display_name, find_by_email, normalize_email, update_profile

__all__ = [
    "ADMIN_GRANTABLE_ROLES", "CONFIRM_MAX_AGE", "EMAIL_CHANGE_MAX_AGE", "EMAIL_UNDO_MAX_AGE", "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH", "PER_GEMEENTE_ROLES", "RESET_MAX_AGE", "SESSION_IDLE", "SESSION_TOUCH_EVERY",
    "UNCONFIRMED_KEEP", "AccountError", "LoginResult", "RevokedRole", "TokenError", "_email_fingerprint",
    "admin_grant", "admin_revoke", "authenticate", "change_password", "check_password", "clean_display_name",
    "confirm_email", "confirm_email_change", "confirmation_token", "create_user", "delete_account",
    "email_change_token", "end_all_sessions", "end_session", "find_by_email", "gemeente_exists", "grant_role",
    "hash_password", "list_grants", "list_sessions", "load_user", "make_token", "normalize_email",
    "on_account_deleted", "purge_unconfirmed", "read_token", "register", "request_email_change",
    "request_password_reset", "reset_password", "reset_token", "revoke_role", "send_confirmation",
    "start_session", "summarize_user_agent", "undo_email_change", "update_profile", "user_for_email_undo",
    "user_for_reset_token", "validate_password",
]
