#!/bin/bash
# pg.sh: a throwaway PostgreSQL cluster for the store tests, on a unix socket
# in a private directory (no TCP, no systemd, no system cluster touched).
#
#   pg.sh start DIR        initdb (first time) and start; prints the URL of
#                          database "postgres"
#   pg.sh url DIR [DB]     the URL of database DB (default postgres)
#   pg.sh createdb DIR DB  create database DB ([a-z0-9_]+)
#   pg.sh crash DIR        kill the server with SIGKILL (postmaster and its
#                          children, by their process ids)
#   pg.sh restart DIR      start again after a crash (crash recovery)
#   pg.sh stop DIR         stop and remove DIR
#
# Uses Debian's /usr/lib/postgresql/<version>/bin (15 preferred; override with
# PGBIN). As root the cluster runs as the "postgres" user via runuser, since
# PostgreSQL refuses to run as root. PG_OPTS adds server options (e.g.
# "-c wal_level=logical" for the replication test).
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: pg.sh start|url|createdb|crash|restart|stop DIR [DB]" >&2; exit 2; }
if [ -z "${PGBIN:-}" ]; then
  if [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then PGBIN=/usr/lib/postgresql/15/bin
  else PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); fi
fi
[ -x "${PGBIN:-}/pg_ctl" ] || { echo "pg.sh: no PostgreSQL server found (apt-get install postgresql-15)" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then
  owner=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi
data=$dir/data
run=$dir/run
port=5432
url() { echo "postgresql:///${1:-postgres}?host=$run&port=$port&user=$owner"; }
server_start() {
  as_owner "$PGBIN/pg_ctl" -D "$data" -l "$run/log" -w -t 120 -s \
    -o "-k $run -c listen_addresses= -p $port -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=100 ${PG_OPTS:-}" \
    start >&2
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    chmod 755 "$dir"
    mkdir -p "$data" "$run"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$data" "$run"; fi
    chmod 700 "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$PGBIN/initdb" -D "$data" -U "$owner" --auth=trust -E UTF8 --locale=C -N >"$run/initdb.log" 2>&1 \
        || { cat "$run/initdb.log" >&2; exit 1; }
    fi
    server_start || { cat "$run/log" >&2; exit 1; }
    url postgres ;;
  url) url "${3:-postgres}" ;;
  createdb)
    db=${3:-}
    [[ "$db" =~ ^[a-z0-9_]+$ ]] || { echo "pg.sh: bad database name '$db'" >&2; exit 2; }
    as_owner "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$run" -p $port -U "$owner" -d postgres \
      -c "CREATE DATABASE $db" >&2 ;;
  crash)
    pm=$(head -n 1 "$data/postmaster.pid")
    pids="$pm"
    for f in /proc/[0-9]*/stat; do           # the postmaster's children, by parent id
      read -r s <"$f" 2>/dev/null || continue
      rest=${s##*) }
      set -- $rest
      [ "${2:-}" = "$pm" ] && { p=${f#/proc/}; pids="$pids ${p%/stat}"; }
    done
    kill -9 $pids 2>/dev/null || true
    for _ in $(seq 1 100); do                  # wait until every one is gone
      alive=0
      for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break
      sleep 0.1
    done
    [ $alive = 0 ] ;;
  restart) server_start || { tail -n 30 "$run/log" >&2; exit 1; } ;;
  stop)
    if [ -f "$data/postmaster.pid" ]; then
      as_owner "$PGBIN/pg_ctl" -D "$data" -m immediate -w -s stop >&2 || true
    fi
    rm -rf "$dir" ;;
  *) echo "pg.sh: unknown command '$cmd'" >&2; exit 2 ;;
esac
