#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the integration suite and the benchmarks, and prints its
# DATABASE_URL on stdout (everything else goes to stderr), so callers can do:
#
#   export IONFLUX_TEST_DATABASE_URL="$(server/scripts/start-test-postgres.sh /tmp/ionflux-pg)"
#   ...
#   server/scripts/start-test-postgres.sh --stop /tmp/ionflux-pg
#
# Usage: start-test-postgres.sh [DIR]        initdb DIR (a new temp dir when omitted), start, create a database
#        start-test-postgres.sh --stop DIR   stop the cluster in DIR and delete DIR
# Env:   PG_BIN (default: the newest /usr/lib/postgresql/*/bin), PG_PORT (default: a free port from 20000 up),
#        PG_DATABASE (default ionflux).
# PostgreSQL refuses to run as root, so when this script runs as root (.ci/run does) the server runs as `postgres`.
set -euo pipefail

if [ -z "${PG_BIN:-}" ]; then
  # The newest installed server (Debian layout), 15 on this project's machines.
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
fi
PG_DATABASE="${PG_DATABASE:-ionflux}"
PG_USER="ionflux"

log() { echo "[start-test-postgres] $*" >&2; }

as_cluster_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-}" = "--stop" ]; then
  dir="${2:?usage: start-test-postgres.sh --stop DIR}"
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_cluster_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >&2
  fi
  rm -rf "$dir"
  log "stopped and removed $dir"
  exit 0
fi

if [ ! -x "$PG_BIN/initdb" ]; then
  log "no PostgreSQL server binaries in $PG_BIN (set PG_BIN, or apt-get install postgresql)"
  exit 1
fi

dir="${1:-$(mktemp -d /tmp/ionflux-pg.XXXXXX)}"
mkdir -p "$dir"
if [ -e "$dir/data" ]; then
  log "$dir/data already exists: pass a new directory or stop the old cluster with --stop $dir"
  exit 1
fi

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${PG_PORT:-}"
if [ -z "$port" ]; then
  port=$((20000 + RANDOM % 20000))
  until port_is_free "$port"; do port=$((port + 1)); done
fi

password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
printf '%s\n' "$password" >"$dir/pwfile"
if [ "$(id -u)" = "0" ]; then chown -R postgres "$dir"; fi

log "initdb in $dir/data"
as_cluster_owner "$PG_BIN/initdb" -D "$dir/data" -U "$PG_USER" --pwfile="$dir/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"

# A throwaway cluster: durability settings off for speed, loopback only, socket in the cluster directory.
log "starting on 127.0.0.1:$port"
as_cluster_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2 ||
  { cat "$dir/server.log" >&2; exit 1; }

PGPASSWORD="$password" "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U "$PG_USER" "$PG_DATABASE"

url="postgres://$PG_USER:$password@127.0.0.1:$port/$PG_DATABASE"
printf '%s\n' "$url" >"$dir/database-url"
log "ready; stop with: $0 --stop $dir"
echo "$url"
