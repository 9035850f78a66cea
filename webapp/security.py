"""Security headers on every response, with a per-request CSP nonce for our own inline scripts.

- Scripts: only our own files ('self') or an inline <script nonce="{{ csp_nonce() }}">; no eval, no
  inline event handlers, no third-party hosts.
- Styles: 'self' plus inline styles, because Leaflet/folium write style attributes and <style> blocks
  for map panes and popups. Style injection cannot run code, and every text is escaped anyway.
- Images: our own, data:/blob: (map markers) and the tile server of TILE_URL; nothing else is loaded
  from another host (no CDN, analytics or web fonts).
- Framing: nowhere (frame-ancestors 'none', and X-Frame-Options for old browsers).
- With SESSION_COOKIE_SECURE (production over HTTPS): HSTS, upgrade-insecure-requests, and the
  session and remember-me cookies get the __Host- prefix (Secure, path /, no Domain: a sub-domain
  cannot plant or read them).

Cheap on every request (the open-data API is a hot path): the policy text and the fixed headers are
built once at start-up, only the nonce is new per response; a request without a session cookie gets
an empty session without building the cookie signer.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _tile_origin(tile_url: str) -> str:
    parts = urlsplit(tile_url.replace("{s}", "a"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tile_url else parts.netloc
    return f"{parts.scheme}://{host}" if parts.scheme else ""


def content_security_policy(nonce: str, tile_origin: str, secure: bool) -> str:
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob: {tile_origin}".rstrip(),
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "frame-src 'none'",
        "manifest-src 'self'",
        "worker-src 'self'",
    ]
    if secure:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session; without a session cookie (anonymous visitors, API clients) the empty
    session is made at once: no signer is built, nothing is verified, and nothing is written back
    (Flask sets no cookie for an empty, unchanged session)."""

    def open_session(self, app, request):
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def _harden_cookie_names(app: Flask) -> None:
    if not app.config.get("SESSION_COOKIE_SECURE"):
        return
    if app.config.get("SESSION_COOKIE_NAME", "session") == "session" and not app.config.get("SESSION_COOKIE_DOMAIN"):
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
    if "REMEMBER_COOKIE_NAME" not in app.config and not app.config.get("REMEMBER_COOKIE_DOMAIN"):
        app.config["REMEMBER_COOKIE_NAME"] = "__Host-remember_token"
    app.config["REMEMBER_COOKIE_SECURE"] = True


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    # "Remember me" lasts 30 days (Flask-Login's default is a year).
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=30))
    tile_origin = _tile_origin(app.config["TILE_URL"])
    _harden_cookie_names(app)
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = SessionInterface()
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    # The policy around the nonce, written once: only the nonce changes per response.
    marker = "\x00nonce\x00"
    before, after = content_security_policy(marker, tile_origin, secure).split(marker)
    fixed = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=(), usb=()",
    }
    if secure:
        fixed["Strict-Transport-Security"] = "max-age=31536000"
    fixed_items = tuple(fixed.items())

    fixed_names = {name.lower() for name, _ in fixed_items}

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        if "content-security-policy" not in present:
            headers.add("Content-Security-Policy", before + csp_nonce() + after)
        if present.isdisjoint(fixed_names):
            headers.extend(fixed_items)
        else:   # a route set one of them itself: that one wins
            headers.extend([(name, value) for name, value in fixed_items if name.lower() not in present])
        return response
