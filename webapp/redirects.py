"""The one check for "where to go next" (`?next=`, a form's `next` field): only a path on this site.

Browsers are lenient when they read a Location header: they drop tabs and newlines, read a back-slash as
a slash and "//host" as another site, so "/\\tevil.example" or "/%09/evil.example" (decoded by the
framework before we see it) would send the user away. Anything that is not plainly a local path falls back
to `default`. Used by every redirect that takes a target from the request (login, language switch,
co-beheer actions).
"""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2000
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}  # controls, invisible, separators


def _has_unsafe_char(value: str, allow_space: bool = False) -> bool:
    for ch in value:
        if ch == "\\":
            return True
        if ch == " " and allow_space:
            continue
        if ch.isspace() or unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            return True
    return False


def _fully_unquoted(value: str) -> str:
    """Percent-decode until nothing changes (a few rounds at most): "%252F" is "/" after two."""
    for _ in range(5):
        decoded = unquote(value)
        if decoded == value:
            break
        value = decoded
    return value


def is_safe_local_path(target: object) -> bool:
    """True for a path on this site such as "/plekken?q=buurthuis"; False for everything else."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return False
    # As sent: no control characters, whitespace or back-slashes anywhere (CR/LF would also break the header).
    if _has_unsafe_char(target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. an unbalanced "[" that looks like an IPv6 host
        return False
    if parts.scheme or parts.netloc:
        return False
    path = parts.path
    if not path.startswith("/") or path.startswith("//"):
        return False
    # Decoded: the path still starts with exactly one slash and hides no tab, newline or back-slash.
    decoded_path = _fully_unquoted(path)
    if not decoded_path.startswith("/") or decoded_path.startswith("//") or _has_unsafe_char(decoded_path):
        return False
    # The query and fragment may hold an encoded space ("?q=buurt%20huis"), but no control characters.
    rest = _fully_unquoted(target[len(path):])
    return not _has_unsafe_char(rest, allow_space=True)


def safe_next_url(target: object, default: str) -> str:
    """`target` when it is a path on this site, else `default`."""
    return target if is_safe_local_path(target) else default  # type: ignore[return-value]
