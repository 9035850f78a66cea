#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Buurtplek needs, only when something is missing.
set -euo pipefail
need=()
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ -z "${DATABASE_URL:-}" ]; then
  [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || need+=(postgresql-15)
  [ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
  [ -f /usr/share/postgresql/15/extension/pg_trgm.control ] || need+=(postgresql-contrib-15)
fi
# Redis: the shared rate-limit store for several workers (production); the tests start their own.
command -v redis-server >/dev/null || need+=(redis-server)
# Node and npm: `npm ci` installs the official A11yJSON schema and opening_hours.js for the tests.
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ "${SKIP_BROWSER:-}" != "1" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# postgresql-contrib-15 is a virtual package on newer releases; ignore it if it is already provided.
$sudo apt-get install -y -q --no-install-recommends "${need[@]}" || $sudo apt-get install -y -q "${need[@]/postgresql-contrib-15/}"
