"""Absolute links, always on PUBLIC_URL: never the request's Host header.

Whoever sends `Host: evil.example` must not get `http://evil.example/...` back in API output, feeds,
iCal, posters, QR codes or mails (a cache or a mail would spread that link). Every absolute link the
app writes comes from here; relative links (`url_for` without `_external`) are fine as they are.
"""
from __future__ import annotations

from flask import current_app


def public_base() -> str:
    """PUBLIC_URL without the trailing slash, e.g. https://buurtplek.example."""
    return str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")


def absolute_path(path: str) -> str:
    """A site-relative path ("/plekken/12") as an absolute link on PUBLIC_URL."""
    return public_base() + "/" + path.lstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) as an absolute PUBLIC_URL link; works with or without a request
    (mails are written by commands too), and never reads the request's host."""
    adapter = current_app.url_map.bind("public.invalid", url_scheme="https")
    return absolute_path(adapter.build(endpoint, values, force_external=False))
