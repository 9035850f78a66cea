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
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, g


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

    @app.after_request
    def set_security_headers(response):
        secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce(), tile_origin, secure))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        headers.setdefault("Permissions-Policy",
                           "geolocation=(self), camera=(), microphone=(), payment=(), usb=()")
        if secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
