"""Rules every template must follow, checked on the source (fast, no browser):
nothing from other hosts, nothing render-blocking in <head>, no inline script without the CSP nonce,
images sized (width/height) and lazy unless they say otherwise, with alt text."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in (ROOT / "webapp").rglob("*.html") if "templates" in p.parts)
TAG = re.compile(r"<(script|link|img|iframe|source|video|audio)\b([^>]*)>", re.I | re.S)
REMOTE = re.compile(r"""\b(?:src|href|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _head_block(source: str) -> str:
    match = re.search(r"{%-?\s*block head\s*-?%}(.*?){%-?\s*endblock", source, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_template_follows_the_speed_and_privacy_rules(path):
    source = path.read_text(encoding="utf-8")
    problems = []
    for tag, attrs in TAG.findall(source):
        tag = tag.lower()
        if REMOTE.search(attrs) and not (tag == "link" and "canonical" in attrs):
            problems.append(f"<{tag}{attrs[:80]}> loads from another host (no CDN, fonts or analytics)")
        if tag == "script" and "src=" not in attrs and "nonce=" not in attrs:
            problems.append("an inline <script> without nonce=\"{{ csp_nonce() }}\" (the CSP blocks it)")
        if tag == "img":
            if "alt=" not in attrs:
                problems.append(f"<img{attrs[:80]}> has no alt")
            if "loading=" not in attrs:
                problems.append(f"<img{attrs[:80]}> has no loading=\"lazy\""
                                " (or loading=\"eager\" for a first-screen image)")
            if not ("width=" in attrs and "height=" in attrs):
                problems.append(f"<img{attrs[:80]}> has no width and height (the page jumps while it loads)")
    head = _head_block(source) if path.name != "base.html" else source.split("</head>")[0]
    for attrs in re.findall(r"<script\b([^>]*)>", head, re.I):
        if "src=" in attrs and not re.search(r"\b(defer|async)\b|type=\"module\"", attrs):
            problems.append(f"<script{attrs[:80]}> in <head> blocks rendering: add defer")
    assert not problems, f"{_rel(path)}:\n" + "\n".join(problems)
