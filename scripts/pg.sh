#!/usr/bin/env bash
# The project's own PostgreSQL cluster under var/pg (or nothing when DATABASE_URL is set).
#   scripts/pg.sh start   create (once) and start the cluster, create the database, print nothing
#   scripts/pg.sh stop    stop it
#   scripts/pg.sh url     print the DATABASE_URL the app uses (role buurtplek_app: rows only, no DDL)
#   scripts/pg.sh owner-url  print the owner's URL (MIGRATION_DATABASE_URL: migrations and loaders)
#   scripts/pg.sh replica-start   make (once, pg_basebackup -R) and start a streaming replica of the cluster
#                                 in var/pg-replica on another port (DATABASE_REPLICA_URL: replica-url)
#   scripts/pg.sh replica-stop    stop it (its data stays);  replica-remove: stop it, delete it and its slot
#   scripts/pg.sh replica-url     print the replica's URL for the app's role
#   BUURTPLEK_REPLICA_DIR / BUURTPLEK_REPLICA_PORT choose another replica (the tests make one per run);
#   BUURTPLEK_REPLICA_THROWAWAY=1: no fsync (a test replica, removed at the end of the run).
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
# A streaming replica: its own folder and port (primary ports are 54000-54899, replicas 900 higher).
REPLICA_DIR="${BUURTPLEK_REPLICA_DIR:-$VAR/pg-replica}"
REPLICA_PORT="${BUURTPLEK_REPLICA_PORT:-$((PORT + 900))}"
slot_name() { printf 'buurtplek_%s' "$(basename "$1")" | tr -c 'a-z0-9_' '_'; }
REPLICA_SLOT="$(slot_name "$REPLICA_DIR")"

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
wal_level = replica
max_wal_senders = 10
max_slot_wal_keep_size = 2GB
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
  replication_allowed
}

owner_psql() {
  PGPASSWORD="$(cat "$VAR/pg_password")" psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$DBUSER" -d postgres "$@"
}

# Streaming replicas need wal_level replica (or logical), WAL senders and an hba `replication` line for the
# owner on 127.0.0.1. New clusters have them; an older one gets them here: a reload for pg_hba.conf and
# max_slot_wal_keep_size, a restart only when wal_level or max_wal_senders must change.
replication_allowed() {
  local restart="" reload=""
  if ! grep -Eq "^host[[:space:]]+replication[[:space:]]+(all|$DBUSER)[[:space:]]+127\.0\.0\.1/32" "$DATA/pg_hba.conf"; then
    echo "host    replication     $DBUSER       127.0.0.1/32            scram-sha-256" >> "$DATA/pg_hba.conf"
    reload=1
  fi
  case "$(owner_psql -tAc 'show wal_level')" in
    replica|logical) ;;
    *) owner_psql -c "alter system set wal_level = replica"; restart=1 ;;
  esac
  if [ "$(owner_psql -tAc 'show max_wal_senders')" -lt 4 ]; then
    owner_psql -c "alter system set max_wal_senders = 10"; restart=1
  fi
  # A slot left by a replica that was never removed keeps WAL for it: at most 2 GB, then the slot is given up.
  if [ "$(owner_psql -tAc "select setting from pg_settings where name = 'max_slot_wal_keep_size'")" = "-1" ]; then
    owner_psql -c "alter system set max_slot_wal_keep_size = '2GB'"; reload=1
  fi
  if [ -n "$restart" ]; then
    echo "Restarting the project's PostgreSQL cluster to allow streaming replicas"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$VAR/pg.log" -w -t 60 -m fast restart >/dev/null
  elif [ -n "$reload" ]; then
    owner_psql -tAc "select pg_reload_conf()" >/dev/null
  fi
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
  local replica
  for replica in "$VAR"/pg-replica*/; do
    if [ -f "$replica/PG_VERSION" ]; then as_owner "$BIN/pg_ctl" -D "$replica" -m fast stop >/dev/null 2>&1 || true; fi
  done
  as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
  echo "PostgreSQL stopped."
}

# --- the streaming replica -----------------------------------------------------------------------------
# Made from the server of owner-url (the private cluster, or DATABASE_URL's server when its owner may
# replicate) with pg_basebackup -R and a replication slot of its own; it receives every database by streaming.

# The owner's URL as libpq takes it, without the password (which goes in PGPASSWORD, not on a command line).
source_conninfo() {
  owner_url | python3 -c "import sys, urllib.parse as u
p = u.urlsplit(sys.stdin.read().strip())
print('host=%s port=%s user=%s' % (p.hostname or '127.0.0.1', p.port or 5432, u.unquote(p.username or '')))"
}

source_password() {
  owner_url | python3 -c 'import sys, urllib.parse as u; print(u.unquote(u.urlsplit(sys.stdin.read().strip()).password or ""))'
}

source_psql() { PGPASSWORD="$(source_password)" psql -q -v ON_ERROR_STOP=1 "$(source_conninfo) dbname=postgres" "$@"; }

replica_running() {
  [ -f "$REPLICA_DIR/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1
}

drop_slot() {  # $1: slot name; only when no replica streams through it
  source_psql -tAc "select pg_drop_replication_slot(slot_name) from pg_replication_slots
                    where slot_name = '$1' and not active" >/dev/null 2>&1 || true
}

# Replicas the tests made for a run whose process is gone (killed): stopped, deleted, their slots dropped.
remove_stale_replicas() {
  local dir pid
  for dir in "$VAR"/pg-replica-*; do
    [ -d "$dir" ] || continue
    pid="${dir##*-}"
    case "$pid" in ''|*[!0-9]*) continue ;; esac
    if kill -0 "$pid" 2>/dev/null; then continue; fi
    as_owner "$BIN/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
    drop_slot "$(slot_name "$dir")"
    rm -rf "$dir" "$dir.log"
  done
}

replica_start() {
  exec 9>>"$VAR/pg-replica.lock"
  flock 9
  if [ -z "${DATABASE_URL:-}" ] || [ "$(owner_url)" = "$(private_url 2>/dev/null)" ]; then
    replication_allowed
  fi
  remove_stale_replicas
  if replica_running; then return; fi
  if [ ! -f "$REPLICA_DIR/PG_VERSION" ]; then
    echo "Making a streaming replica in ${REPLICA_DIR#"$ROOT"/} (port $REPLICA_PORT)"
    rm -rf "$REPLICA_DIR"
    mkdir -p "$REPLICA_DIR"
    chmod 700 "$REPLICA_DIR"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$REPLICA_DIR"; fi
    drop_slot "$REPLICA_SLOT"
    # -R: standby.signal and primary_conninfo; -C -S: a slot, so the primary keeps the WAL the replica needs.
    local nosync=()
    if [ "${BUURTPLEK_REPLICA_THROWAWAY:-0}" = 1 ]; then nosync=(--no-sync); fi
    PGPASSWORD="$(source_password)" as_owner "$BIN/pg_basebackup" -d "$(source_conninfo)" -D "$REPLICA_DIR" \
      -R -C -S "$REPLICA_SLOT" -X stream --checkpoint=fast "${nosync[@]}"
    cat >> "$REPLICA_DIR/postgresql.auto.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
unix_socket_directories = '$SOCK'
hot_standby = on
CONF
    if [ "${BUURTPLEK_REPLICA_THROWAWAY:-0}" = 1 ]; then echo "fsync = off" >> "$REPLICA_DIR/postgresql.auto.conf"; fi
  fi
  if [ "$(id -u)" -eq 0 ]; then touch "$REPLICA_DIR.log"; chown postgres:postgres "$REPLICA_DIR.log"; fi
  # 9>&-: the server must not inherit (and hold) the lock.
  as_owner "$BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR.log" -w -t 120 start >/dev/null 9>&-
}

replica_stop() {
  if replica_running; then as_owner "$BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w -t 60 stop >/dev/null; fi
}

replica_remove() {
  replica_stop
  drop_slot "$REPLICA_SLOT"
  rm -rf "$REPLICA_DIR" "$REPLICA_DIR.log"
}

replica_url() {  # the app's URL (url) with the replica's host and port
  url | sed -E "s#@[^/@]*/#@127.0.0.1:$REPLICA_PORT/#"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  owner-url) owner_url ;;
  replica-start) replica_start ;;
  replica-stop) replica_stop ;;
  replica-remove) replica_remove ;;
  replica-url) replica_url ;;
  *) echo "usage: $0 start|stop|url|owner-url|replica-start|replica-stop|replica-remove|replica-url" >&2; exit 2 ;;
esac
