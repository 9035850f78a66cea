/* Buurtplek service worker, served at /sw.js (scope /) by webapp/core.py, which fills in CONFIG:
   the fingerprinted app shell (CSS, JS, icons, the offline page), the logout URL and a version.

   - App shell and fingerprinted static files: cache first (their names change when they change).
   - Pages (navigations): network first; a good answer is kept (the last MAX_PAGES pages, e.g. the
     last search results); without network the kept copy is shown with an "offline" note, else /offline.
   - GET /api/...: network first, falling back to the last answer kept.
   - Pages marked `Cache-Control: private` or `no-store` (signed-in pages) are not kept among the recent
     pages, and logging out empties the kept pages, so a shared phone does not keep someone's personal pages.
   - Saved places ("Bewaard", webapp/static/js/saved.js sends {type: "keep-saved", urls}): kept in their
     own cache in this browser, also when `private` (never when `no-store`), and refreshed whenever they are
     opened online; shown offline like any kept page. Emptied at logout and on "forget-pages". */
"use strict";

const CONFIG = Object.assign(
  { version: "dev", shell: [], offline: "/offline", logout: "/uitloggen", maxPages: 20, maxApi: 30, maxStatic: 80 },
  /*CONFIG*/{}/*END*/
);
const SHELL = "buurtplek-shell-" + CONFIG.version;
const STATIC = "buurtplek-static";
const PAGES = "buurtplek-pages";
const API = "buurtplek-api";
const SAVED = "buurtplek-saved";
const MAX_SAVED = 100;

self.addEventListener("install", (event) => {
  // Without cookies: the kept offline page must not show whoever happened to be signed in.
  const requests = CONFIG.shell.map((url) => new Request(url, { credentials: "omit" }));
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith("buurtplek-shell-") && name !== SHELL)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "forget-pages") {
    event.waitUntil(forgetAll());
  } else if (event.data && event.data.type === "keep-saved" && Array.isArray(event.data.urls)) {
    event.waitUntil(keepSaved(event.data.urls));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return; // map tiles and anything else from elsewhere: not ours to keep
  }
  if (request.method === "POST" && url.pathname === CONFIG.logout) {
    event.waitUntil(forgetAll());
    return;
  }
  if (request.method !== "GET" || url.pathname === "/sw.js") {
    return;
  }
  if (url.pathname.startsWith("/vendor/") || (url.pathname.startsWith("/static/") && url.searchParams.has("v"))) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith("/api/")) {
    event.respondWith(networkFirst(request, API, CONFIG.maxApi, false));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, PAGES, CONFIG.maxPages, true));
  }
});

function forgetAll() {
  return Promise.all([caches.delete(PAGES), caches.delete(API), caches.delete(SAVED)]);
}

async function keepSaved(urls) {
  for (const path of urls.slice(0, MAX_SAVED)) {
    const url = new URL(path, self.location.origin);
    if (url.origin !== self.location.origin) {
      continue;
    }
    try {
      const response = await fetch(new Request(url.href, { credentials: "same-origin" }));
      if (savedKeepable(response)) {
        await keep(SAVED, new Request(url.href), response, MAX_SAVED, true);
      }
    } catch (error) {
      // offline now: the copy kept earlier stays
    }
  }
}

function savedKeepable(response) {
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  const type = response.headers.get("Content-Type") || "";
  return response.ok && response.type === "basic" && !control.includes("no-store") && type.startsWith("text/html");
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC);
    await cache.put(request, response.clone());
    await trim(cache, CONFIG.maxStatic);
  }
  return response;
}

function keepable(response) {
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return response.ok && response.type === "basic" && !control.includes("no-store") && !control.includes("private");
}

async function networkFirst(request, cacheName, max, isPage) {
  try {
    const response = await fetch(request);
    if (keepable(response)) {
      const type = response.headers.get("Content-Type") || "";
      if (!isPage || type.startsWith("text/html")) {
        await keep(cacheName, request, response.clone(), max, isPage);
      }
    }
    if (isPage && savedKeepable(response)) {
      const saved = await caches.open(SAVED);
      if (await saved.match(request, { ignoreVary: true })) {
        await keep(SAVED, request, response.clone(), MAX_SAVED, true);  // a saved page: keep the newest copy
      }
    }
    return response;
  } catch (error) {
    const cache = await caches.open(cacheName);
    let cached = await cache.match(request, { ignoreVary: true });
    if (!cached && isPage) {
      cached = await (await caches.open(SAVED)).match(request, { ignoreVary: true });
    }
    if (cached) {
      return isPage ? markOffline(cached) : cached;
    }
    if (isPage) {
      const offline = await caches.match(CONFIG.offline, { ignoreVary: true });
      if (offline) {
        return offline;
      }
    }
    return new Response(isPage ? "U bent offline. / You are offline." : JSON.stringify({ error: { code: "offline", message: "offline" } }), {
      status: 503,
      headers: { "Content-Type": isPage ? "text/plain; charset=utf-8" : "application/json" },
    });
  }
}

async function keep(cacheName, request, response, max, isPage) {
  const body = await response.text();
  const headers = {
    "Content-Type": response.headers.get("Content-Type") || "text/html; charset=utf-8",
    "X-Cached-At": new Date().toISOString(),
  };
  if (isPage) {
    const title = /<title>([\s\S]*?)<\/title>/i.exec(body);
    if (title) {
      headers["X-Page-Title"] = encodeURIComponent(decodeEntities(title[1].trim()));
    }
  }
  const cache = await caches.open(cacheName);
  await cache.delete(request, { ignoreVary: true }); // re-insert: the newest copy goes last
  await cache.put(request, new Response(body, { status: 200, headers }));
  await trim(cache, max);
}

async function trim(cache, max) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - max; i += 1) {
    await cache.delete(keys[i]);
  }
}

function decodeEntities(text) {
  return text.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&#39;|&#x27;/g, "'").replace(/&quot;|&#34;/g, '"');
}

async function markOffline(cached) {
  const savedAt = cached.headers.get("X-Cached-At") || "";
  let body = await cached.text();
  // Show the note that base.html keeps hidden in every page, with the time the copy was saved.
  body = body.replace(/(<p\b[^>]*\bdata-offline-note\b[^>]*?)\s+hidden(?=[\s>])/i, "$1");
  body = body.replace(/<span data-cached-at><\/span>/i, '<span data-cached-at="' + savedAt + '"></span>');
  return new Response(body, {
    status: 200,
    headers: { "Content-Type": cached.headers.get("Content-Type") || "text/html; charset=utf-8", "X-From-Cache": "1" },
  });
}
