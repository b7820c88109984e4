#!/usr/bin/env bash
# A throwaway PostgreSQL server for netpol-audit's tests, from the binaries of Debian's `postgresql` package.
#
#   scripts/test-postgres.sh up     start it (or reuse the running one); prints nothing else on success
#   scripts/test-postgres.sh url    print a postgres:// URL of the test database (starts the server if needed)
#   scripts/test-postgres.sh down   stop it and remove its data directory
#
# It listens on 127.0.0.1 only, on a free port chosen at first start, with password authentication over TCP
# (the test role may create databases and roles, so suites can use one fresh database each and test privileges). As root, the server runs as
# the `postgres` system user (created when missing), since initdb refuses to run as root.
#
# Environment: NETPOL_TEST_PG_DIR  state directory (default /tmp/netpol-audit-test-pg)
#              NETPOL_PG_BIN_DIR   directory holding initdb/pg_ctl/postgres (default: newest /usr/lib/postgresql/*/bin)
set -euo pipefail

DIR=${NETPOL_TEST_PG_DIR:-/tmp/netpol-audit-test-pg}
ROLE=netpol_test
PASSWORD=netpol-test-password
DATABASE=netpol_test

log() { printf '[test-postgres] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

find_bin_dir() {
  if [ -n "${NETPOL_PG_BIN_DIR:-}" ]; then
    [ -x "$NETPOL_PG_BIN_DIR/initdb" ] || die "NETPOL_PG_BIN_DIR=$NETPOL_PG_BIN_DIR holds no initdb"
    printf '%s\n' "$NETPOL_PG_BIN_DIR"; return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] || die "no PostgreSQL binaries under /usr/lib/postgresql/*/bin (install the Debian package 'postgresql')"
  printf '%s\n' "$d"
}

# Runs a command as the server's owner: the `postgres` user when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})'
}

running() {
  [ -f "$DIR/data/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

psql_admin() {
  as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/socket" -p "$(cat "$DIR/port")" -U postgres -d postgres "$@"
}

up() {
  BIN=$(find_bin_dir)
  mkdir -p "$DIR"
  exec 9>"$DIR.lock"
  flock -w 120 9 || die "timed out waiting for another test-postgres.sh on $DIR.lock"
  if ! running; then start; fi
  ensure_role_and_database
}

start() {
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    log "creating system user postgres"
    useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  fi
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    rm -rf "$DIR/data" "$DIR/socket"
    mkdir -p "$DIR/data" "$DIR/socket"
    [ "$(id -u)" = 0 ] && chown -R postgres "$DIR"
    chmod 700 "$DIR/data"
    local pwfile="$DIR/superuser-password"
    printf '%s\n' "$PASSWORD" >"$pwfile"
    [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    free_port >"$DIR/port"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR/port"
    log "initialised $DIR/data (port $(cat "$DIR/port"))"
  fi
  local port
  port=$(cat "$DIR/port")
  if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $DIR/socket -c fsync=off -c max_connections=200" start >/dev/null 9>&-; then
    # the port may have been taken since the first start: pick another one and retry once
    free_port >"$DIR/port"; port=$(cat "$DIR/port")
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $DIR/socket -c fsync=off -c max_connections=200" start >/dev/null 9>&- \
      || { tail -n 20 "$DIR/server.log" >&2; die "the server did not start"; }
  fi
  log "PostgreSQL is running on 127.0.0.1:$port"
}

ensure_role_and_database() {
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
    psql_admin -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'"
  fi
  psql_admin -c "ALTER ROLE $ROLE CREATEDB CREATEROLE"
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE"
  fi
}

down() {
  BIN=$(find_bin_dir)
  [ -d "$DIR" ] || return 0
  exec 9>"$DIR.lock"
  flock -w 120 9 || die "timed out waiting for another test-postgres.sh on $DIR.lock"
  if running; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null; fi
  rm -rf "$DIR" "$DIR.lock"
}

case "${1:-}" in
  up) up ;;
  url) up; printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$ROLE" "$PASSWORD" "$(cat "$DIR/port")" "$DATABASE" ;;
  down) down ;;
  *) echo "usage: $0 up|url|down" >&2; exit 2 ;;
esac
