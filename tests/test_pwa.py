"""Installable and fast: web manifest and icons, the service worker (app shell, last pages, offline note),
compression, caching headers, and no personal pages in shared caches."""
from __future__ import annotations

import gzip
import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

STATIC = Path(__file__).resolve().parent.parent / "webapp" / "static"


def test_manifest_has_png_icons_of_the_right_sizes(client):
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200
    manifest = json.loads(response.data)
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["display"] == "standalone"
    assert manifest["lang"] == "nl" and manifest["name"] == "Buurtplek"
    pngs = {(i["sizes"], i.get("purpose", "any")): i["src"] for i in manifest["icons"] if i["type"] == "image/png"}
    assert set(pngs) >= {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), src in pngs.items():
        icon = client.get(src)
        assert icon.status_code == 200 and icon.mimetype == "image/png"
        width, height = Image.open(BytesIO(icon.data)).size
        assert f"{width}x{height}" == sizes


def test_maskable_icon_fills_the_whole_square():
    # A maskable icon must have no transparent corners: the platform cuts its own shape out of it.
    image = Image.open(STATIC / "icons" / "icon-maskable-512.png").convert("RGBA")
    for corner in ((0, 0), (511, 0), (0, 511), (511, 511)):
        assert image.getpixel(corner)[3] == 255


def test_base_layout_links_manifest_icons_and_a_deferred_script(client):
    html = client.get("/offline").get_data(as_text=True)
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in html
    assert re.search(r'<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon\.png\?v=\w+">', html)
    assert re.search(r'<script src="/static/js/app\.js\?v=\w{12}" defer></script>', html)
    assert "<script>" not in html  # no inline script (the CSP forbids them without a nonce)
    head = html.split("</head>")[0]
    assert "http://" not in head and "https://" not in head  # nothing from another host


def test_service_worker_is_served_from_the_root_with_the_app_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    config = json.loads(re.search(r"Object\.assign\(\s*\{.*?\},\s*(\{.*?\})\s*\);", body, re.S).group(1))
    assert config["offline"] == "/offline" and config["logout"] == "/uitloggen"
    assert len(config["version"]) == 12
    assert any(url.startswith("/static/css/app.css?v=") for url in config["shell"])
    assert any(url.startswith("/static/js/app.js?v=") for url in config["shell"])
    assert "/offline" in config["shell"]
    for url in config["shell"]:  # install fails as a whole if one of them is missing
        assert client.get(url).status_code == 200, url


def test_offline_page_says_so_in_plain_dutch(client):
    response = client.get("/offline")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>U bent offline</h1>" in html
    assert "data-saved-pages" in html


def test_text_is_compressed_and_images_are_not(client):
    response = client.get("/offline", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.headers.get("Vary", "")
    assert b"U bent offline" in gzip.decompress(response.data)
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "br, gzip"})
    assert css.headers.get("Content-Encoding") == "br"
    png = client.get("/static/icons/icon-192.png", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in png.headers
    plain = client.get("/offline")  # a client that does not ask for compression gets plain text
    assert "Content-Encoding" not in plain.headers and b"U bent offline" in plain.data


def test_fingerprinted_static_files_are_cached_for_a_year(client):
    html = client.get("/offline").get_data(as_text=True)
    for url in re.findall(r'(?:href|src)="(/static/[^"]+\?v=\w+)"', html):
        response = client.get(url)
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"], url
        assert "immutable" in response.headers["Cache-Control"], url


def test_signed_in_pages_are_private_anonymous_pages_are_not(client, make_user, login):
    assert "private" not in client.get("/offline").headers.get("Cache-Control", "")
    login(client, make_user())
    control = client.get("/offline").headers.get("Cache-Control", "")
    assert "private" in control and "no-cache" in control


# --- the service worker in Chromium ------------------------------------------------------------------

def _wait_for_worker(page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


@pytest.mark.browser
def test_last_pages_stay_readable_offline(new_page):
    page = new_page()
    context = page.context
    page.goto("/offline")
    _wait_for_worker(page)  # installed, app shell cached, controls this page from now on
    page.goto("/inloggen")  # a page the resident saw: kept by the worker
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggen"
    assert page.locator("[data-offline-note]").is_hidden()
    page.evaluate("fetch('/api/v1/openapi.json').then(r => r.json())")  # an API answer, kept as well
    try:
        context.set_offline(True)
        page.reload()
        # The kept copy, with the offline note and the time it was saved.
        assert page.get_by_role("heading", level=1).inner_text() == "Inloggen"
        note = page.locator("[data-offline-note]")
        assert note.is_visible()
        assert "U bent offline" in note.inner_text()
        assert re.search(r"\d", page.locator("[data-cached-at]").inner_text())
        assert page.locator("link[rel=stylesheet]").count() >= 1
        header_colour = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        assert header_colour == "rgb(11, 93, 75)"
        # The API answer from before.
        api = page.evaluate("fetch('/api/v1/openapi.json').then(r => r.json()).then(d => d.openapi)")
        assert api.startswith("3.")
        # A page never seen: the offline page, listing the pages that can still be opened.
        page.goto("/account/nieuw")
        assert page.get_by_role("heading", level=1).inner_text() == "U bent offline"
        saved = page.locator("[data-saved-pages]")
        saved.wait_for(state="visible")
        assert saved.get_by_role("link", name=re.compile("Inloggen")).count() == 1
        with page.expect_navigation():
            saved.get_by_role("link", name=re.compile("Inloggen")).click()
        assert page.get_by_role("heading", level=1).inner_text() == "Inloggen"
    finally:
        context.set_offline(False)


@pytest.mark.browser
def test_logging_out_forgets_the_kept_pages(new_page):
    page = new_page()
    page.goto("/offline")
    _wait_for_worker(page)
    page.goto("/inloggen")
    assert page.evaluate("caches.open('buurtplek-pages').then(c => c.keys()).then(k => k.length)") >= 1
    page.evaluate("fetch('/uitloggen', {method: 'POST', redirect: 'manual'}).then(() => true)")
    page.wait_for_function("caches.has('buurtplek-pages').then(has => !has)")


@pytest.mark.browser
def test_signed_in_pages_are_not_kept(new_page, make_user, browser_login):
    page = new_page()
    page.goto("/offline")
    _wait_for_worker(page)
    browser_login(page, make_user())
    page.goto("/offline")
    urls = page.evaluate("caches.open('buurtplek-pages').then(c => c.keys()).then(k => k.map(r => r.url))")
    assert not any("/offline" in url for url in urls)
