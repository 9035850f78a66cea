#!/usr/bin/env bash
# The project's own PostgreSQL cluster under var/pg (or nothing when DATABASE_URL is set).
#   scripts/pg.sh start   create (once) and start the cluster, create the database, print nothing
#   scripts/pg.sh stop    stop it
#   scripts/pg.sh url     print the DATABASE_URL the app uses (role buurtplek_app: rows only, no DDL)
#   scripts/pg.sh owner-url  print the owner's URL (MIGRATION_DATABASE_URL: migrations and loaders)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN=/usr/lib/postgresql/15/bin
VAR="$ROOT/var"
DATA="$VAR/pg"
SOCK="$VAR/run"
# A port derived from the checkout's path, so two clones on one machine never collide
# (and never 5432, the system cluster's port).
PORT="${BUURTPLEK_PG_PORT:-$((54000 + $(printf '%s' "$ROOT" | cksum | cut -d' ' -f1) % 900))}"
DBNAME=buurtplek
DBUSER=buurtplek          # the owner: made by initdb, owns every table, runs the migrations
APPUSER=buurtplek_app     # the app: SELECT/INSERT/UPDATE/DELETE, never DDL, TRUNCATE or audit-log changes

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

private_url() {
  echo "postgresql+psycopg://$DBUSER:$(cat "$VAR/pg_password")@127.0.0.1:$PORT/$DBNAME"
}

private_app_url() {
  # Until `start` has made the app role (an older cluster), the owner's URL.
  if [ -f "$VAR/pg_app_password" ]; then
    echo "postgresql+psycopg://$APPUSER:$(cat "$VAR/pg_app_password")@127.0.0.1:$PORT/$DBNAME"
  else
    private_url
  fi
}

url() {
  if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; return; fi
  private_app_url
}

owner_url() {
  if [ -n "${MIGRATION_DATABASE_URL:-}" ]; then echo "$MIGRATION_DATABASE_URL"; return; fi
  # DATABASE_URL naming another server: it is the owner too (defaults to DATABASE_URL).
  if [ -n "${DATABASE_URL:-}" ] && { [ ! -f "$VAR/pg_password" ] || [ "$DATABASE_URL" != "$(private_app_url)" ]; }; then
    echo "$DATABASE_URL"; return
  fi
  private_url
}

start() {
  if [ -n "${DATABASE_URL:-}" ]; then return; fi
  mkdir -p "$VAR"
  if [ ! -f "$VAR/pg_password" ]; then
    (umask 077; python3 -c 'import secrets; print(secrets.token_hex(16))' > "$VAR/pg_password")
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "Creating the project's PostgreSQL cluster in var/pg (port $PORT)"
    mkdir -p "$DATA" "$SOCK"
    cp "$VAR/pg_password" "$VAR/pg_pwfile"
    if [ "$(id -u)" -eq 0 ]; then
      chown -R postgres:postgres "$DATA" "$SOCK" "$VAR/pg_pwfile"
      if ! runuser -u postgres -- test -w "$DATA"; then
        echo "The postgres user cannot reach $DATA (a parent folder is private)." >&2
        echo "Clone the project under a folder others can read, or set DATABASE_URL." >&2
        exit 1
      fi
    fi
    as_owner "$BIN/initdb" -D "$DATA" -U "$DBUSER" --pwfile="$VAR/pg_pwfile" \
      -A scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$VAR/initdb.log"
    rm -f "$VAR/pg_pwfile"
    cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK'
max_connections = 200
shared_buffers = 256MB
synchronous_commit = off
jit = off
CONF
  fi
  if [ "$(id -u)" -eq 0 ]; then touch "$VAR/pg.log"; chown postgres:postgres "$VAR/pg.log"; fi
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$VAR/pg.log" -w -t 60 start >/dev/null
  fi
  export PGPASSWORD; PGPASSWORD="$(cat "$VAR/pg_password")"
  if ! psql -h 127.0.0.1 -p "$PORT" -U "$DBUSER" -d postgres -tAc "select 1 from pg_database where datname='$DBNAME'" | grep -q 1; then
    psql -q -h 127.0.0.1 -p "$PORT" -U "$DBUSER" -d postgres -c "create database $DBNAME"
  fi
  psql -q -h 127.0.0.1 -p "$PORT" -U "$DBUSER" -d "$DBNAME" \
    -c "create extension if not exists postgis; create extension if not exists pg_trgm;" 2>&1 | grep -v NOTICE || true
  app_role
}

# The app's least-privilege role; its table rights are (re)granted after every `flask db upgrade`
# (migrations/env.py, webapp/db_roles.py). Safe to run again.
app_role() {
  if [ ! -f "$VAR/pg_app_password" ]; then
    (umask 077; python3 -c 'import secrets; print(secrets.token_hex(16))' > "$VAR/pg_app_password.new")
  fi
  local pw_file="$VAR/pg_app_password"; [ -f "$pw_file" ] || pw_file="$VAR/pg_app_password.new"
  psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$DBUSER" -d "$DBNAME" \
    -v app="$APPUSER" -v pw="$(cat "$pw_file")" -v db="$DBNAME" <<'SQL' | { grep -v NOTICE || true; }
SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', :'app', :'pw') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'app') \gexec
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', :'app') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', :'app') \gexec
SQL
  if [ -f "$VAR/pg_app_password.new" ]; then mv "$VAR/pg_app_password.new" "$VAR/pg_app_password"; fi
}

stop() {
  if [ -n "${DATABASE_URL:-}" ] || [ ! -f "$DATA/PG_VERSION" ]; then return; fi
  as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
  echo "PostgreSQL stopped."
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  owner-url) owner_url ;;
  *) echo "usage: $0 start|stop|url|owner-url" >&2; exit 2 ;;
esac
