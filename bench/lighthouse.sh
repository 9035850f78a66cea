#!/usr/bin/env bash
# Lighthouse (mobile: Moto G Power screen, simulated slow 4G, 4x CPU slowdown) on the pages residents
# use most: the search results (by gemeente and by postcode), a place page, the propose form and one of its
# later steps (a proposal the demo resident makes in this database), and the grants public page.
# Prints each category's score per page. Targets (issue 7): performance >= 90, accessibility 100,
# best practices >= 95, SEO >= 90; issue 16: performance >= 95 on the place page and no render-blocking
# script on any page (each page's render-blocking resources are printed; the heading's first paint under
# Lighthouse's mobile throttling is its FCP/LCP, printed for the place page and the home page).
#
#   bench/lighthouse.sh              install lighthouse into bench/node_modules (once), make the database
#                                    buurtplek_lighthouse on the private cluster with the demo data, start
#                                    the app with gunicorn on 127.0.0.1, run, print, stop
#   LH_PORT=5090 bench/lighthouse.sh another port (default 5089)
#   LH_PAGES="place home" bench/lighthouse.sh   only these pages (names as printed)
#
# Nothing leaves the machine: map tiles come from a tiny local stub server (TILE_URL points at it), and
# Chromium is Debian's (/usr/bin/chromium). JSON/HTML reports go to bench/out/lighthouse/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BENCH="$ROOT/bench"
OUT="$BENCH/out/lighthouse"
PORT="${LH_PORT:-5089}"
TILE_PORT=$((PORT + 1))
# Lighthouse 12 runs on Node 18+ (13 needs Node 22.19+; Debian 12 ships Node 18/20).
LH_VERSION="${LH_VERSION:-12.8.2}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync"
mkdir -p "$OUT"

# 1. Lighthouse, locally (bench/node_modules is git-ignored).
if [ ! -x "$BENCH/node_modules/.bin/lighthouse" ] || ! "$BENCH/node_modules/.bin/lighthouse" --version | grep -qx "$LH_VERSION"; then
  echo "Installing lighthouse@$LH_VERSION into bench/node_modules ..."
  npm install --prefix "$BENCH" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "lighthouse@$LH_VERSION" >/dev/null
fi
LIGHTHOUSE="$BENCH/node_modules/.bin/lighthouse"

# 2. A database of its own on the private cluster (made anew each run, so the figures are always on
#    the same demo data, and the development database is left alone): migrations, gemeenten, demo.
scripts/pg.sh start
SERVER_URL="$(scripts/pg.sh owner-url)"
DATABASE_URL="$(.venv/bin/python - "$SERVER_URL" <<'PY'
import sys
import sqlalchemy as sa
from sqlalchemy.engine import make_url
server = make_url(sys.argv[1])
admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
with admin.connect() as conn:
    conn.execute(sa.text('DROP DATABASE IF EXISTS "buurtplek_lighthouse" WITH (FORCE)'))
    conn.execute(sa.text('CREATE DATABASE "buurtplek_lighthouse"'))
lh = server.set(database="buurtplek_lighthouse")
with sa.create_engine(lh, isolation_level="AUTOCOMMIT").connect() as conn:
    conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
    conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
print(lh.render_as_string(hide_password=False))
PY
)"
export DATABASE_URL
FLASK=".venv/bin/flask --app webapp"
echo "Preparing the database buurtplek_lighthouse (migrations, gemeenten, demo data; log in ${OUT#"$ROOT"/}/setup.log) ..."
: > "$OUT/setup.log"
$FLASK db upgrade heads >>"$OUT/setup.log" 2>&1 || { echo "database set-up failed: see $OUT/setup.log" >&2; exit 1; }
$FLASK areas load data/gemeenten-2023.geojson >>"$OUT/setup.log" 2>&1 || { echo "database set-up failed: see $OUT/setup.log" >&2; exit 1; }
$FLASK areas load-districts data/amsterdam-stadsdelen.geojson --gemeente GM0363 >>"$OUT/setup.log" 2>&1 || { echo "database set-up failed: see $OUT/setup.log" >&2; exit 1; }
$FLASK demo load >>"$OUT/setup.log" 2>&1 || { echo "database set-up failed: see $OUT/setup.log" >&2; exit 1; }
.venv/bin/pybabel compile -d webapp/translations >/dev/null 2>&1 || true

# 3. A stub tile server (one blank 256px PNG for every tile) and the app under gunicorn.
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
.venv/bin/python - "$TILE_PORT" <<'PY' &
import io, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from PIL import Image
buf = io.BytesIO(); Image.new("RGB", (256, 256), (234, 238, 235)).save(buf, "PNG"); TILE = buf.getvalue()
class Tiles(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Type", "image/png")
        self.send_header("Cache-Control", "max-age=86400"); self.send_header("Content-Length", str(len(TILE)))
        self.end_headers(); self.wfile.write(TILE)
    def log_message(self, *args): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Tiles).serve_forever()
PY
PIDS+=($!)
export TILE_URL="http://127.0.0.1:$TILE_PORT/{z}/{x}/{y}.png"
export RATELIMIT_ENABLED=0
.venv/bin/gunicorn --workers 2 --threads 4 --bind "127.0.0.1:$PORT" --log-level warning "webapp:create_app()" 2>>"$OUT/app.log" &
PIDS+=($!)
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 60); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$BASE/healthz" >/dev/null || { echo "the app did not start on $BASE" >&2; exit 1; }

# 4. The pages (those that exist), and a session cookie of a demo resident for pages behind the login.
PAGES_FILE="$OUT/pages.tsv"
.venv/bin/python - > "$PAGES_FILE" <<'PY'
import os
import sys
from flask import url_for
from sqlalchemy import text
from webapp import create_app
from webapp.extensions import db

app = create_app()
with app.test_request_context():
    vf = app.view_functions
    one = lambda sql: db.session.execute(text(sql)).scalar()
    cookie = ""
    proposal = None
    resident = one("select id || ':' || session_version from users where email = 'bewoner01@demo.buurtplek.example'")
    if resident:
        cookie = app.session_interface.get_signing_serializer(app).dumps({"_user_id": resident, "_fresh": True})
        # A proposal of this resident (the database is made anew each run), for a propose step page.
        from webapp.accounts.models import User
        from webapp.places.services import propose_place
        user = db.session.get(User, int(resident.split(":")[0]))
        proposal = propose_place(user, {"name": "Buurttuin De Lantaarn", "category": "garden"}, 4.9, 52.36).id
        db.session.commit()
    pages = [
        ("home", "core.home", {}, False),
        ("search", "places.search", {"gemeente": "GM0363"}, False),
        ("search-q", "places.search", {"q": "3511"}, False),
        ("place", "places.detail", {"place_id": one("select id from places where status = 'published' and not hidden "
                                                    "and gemeente_code = 'GM0363' order by id limit 1")}, False),
        ("propose", "places.propose", {}, True),
        ("step-2", "places.propose", {"plek": proposal, "stap": 2}, True),
        ("grants", "grants.public_page", {"code": "GM0363"}, False),
    ]
    only = set(os.environ.get("LH_PAGES", "").split())
    for name, endpoint, args, signed_in in pages:
        if only and name not in only:
            continue
        if endpoint not in vf or any(v is None for v in args.values()):
            print(f"skip\t{name}\t{endpoint} does not exist (yet) or has no demo data", file=sys.stderr)
            continue
        print(f"{name}\t{url_for(endpoint, **args)}\t{cookie if signed_in else ''}")
PY

# 5. Lighthouse per page; the scores.
printf '%-8s %-42s %5s %5s %5s %5s\n' page url perf a11y bp seo
while IFS=$'\t' read -r name path cookie; do
  headers="{}"
  if [ -n "$cookie" ]; then headers="{\"Cookie\": \"session=$cookie\"}"; fi
  "$LIGHTHOUSE" "$BASE$path" --quiet --form-factor=mobile \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="$CHROME_FLAGS" --extra-headers="$headers" \
    --output=json --output=html --output-path="$OUT/$name" >/dev/null 2>"$OUT/$name.log" \
    || { echo "$name: lighthouse failed, see $OUT/$name.log" >&2; continue; }
  .venv/bin/python - "$OUT/$name.report.json" "$name" "$path" <<'PY'
import json, sys
from urllib.parse import urlsplit
report = json.load(open(sys.argv[1]))
c = report["categories"]
score = lambda k: "-" if c.get(k, {}).get("score") is None else str(round(c[k]["score"] * 100))
print(f"{sys.argv[2]:<8} {sys.argv[3][:42]:<42} {score('performance'):>5} {score('accessibility'):>5} "
      f"{score('best-practices'):>5} {score('seo'):>5}")
fails = [a["id"] for k in ("accessibility", "best-practices", "seo") for ref in c.get(k, {}).get("auditRefs", [])
         for a in [report["audits"][ref["id"]]] if ref.get("weight") and a.get("score") is not None and a["score"] < 1]
if fails:
    print(f"         audits below 100%: {', '.join(sorted(set(fails)))}")
m = report["audits"]
print(f"         FCP {m['first-contentful-paint']['displayValue']}, LCP {m['largest-contentful-paint']['displayValue']}, "
      f"TBT {m['total-blocking-time']['displayValue']}, CLS {m['cumulative-layout-shift']['displayValue']}, "
      f"bytes {round(m['total-byte-weight']['numericValue'] / 1024)} KiB")
blocking = [urlsplit(i["url"]).path.lstrip("/") for i in m["render-blocking-resources"].get("details", {}).get("items", [])]
scripts = [u for u in blocking if u.endswith(".js")]
print(f"         render-blocking: {', '.join(blocking) if blocking else 'none'}"
      f"{'  <- SCRIPT BLOCKS FIRST PAINT (target: none)' if scripts else ''}")
if sys.argv[2] == "place":
    perf = round(c["performance"]["score"] * 100)
    print(f"         target (issue 16): performance >= 95 on the place page: {perf} -> {'met' if perf >= 95 else 'MISSED'}; "
          f"heading painted (FCP) after {m['first-contentful-paint']['numericValue'] / 1000:.1f} s on slow 4G")
PY
done < "$PAGES_FILE"
echo "Lighthouse $("$LIGHTHOUSE" --version), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPU, $(uname -m); reports in ${OUT#"$ROOT"/}/"
