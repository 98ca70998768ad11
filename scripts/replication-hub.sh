#!/bin/bash
# replication-hub.sh: a research hub fed by PostgreSQL 15 logical replication
# of the clinical tables of a spinemets registry, without the identifiers
# (docs/sql.md, "Research hub"; tested by tests/ext/run.sh replication).
#
#   replication-hub.sh publish HOSPITAL_URL [PASSWORD]
#       On the hospital's registry database (wal_level = logical): create the
#       role spinemets_replicator (LOGIN REPLICATION, PASSWORD if given) that
#       may read only the published columns, and the two publications:
#         spinemets_research_cases     cases (id, site_id, latest_version,
#                                      deleted, created_at, updated_at)
#         spinemets_research_versions  case_versions (id, case_id, version,
#                                      created_at, document, assessment,
#                                      engine_version, definitions)
#                                      WHERE (deleted = 0), inserts only
#       Never published: case_identifiers (name, hospital number, phone),
#       case_versions.reason (free text, may name the patient) and .author_id
#       (the clinician), tombstones, users, tokens, sites, audit_log,
#       registry_secrets.
#   replication-hub.sh subscribe HUB_URL HOSPITAL_CONNINFO [NAME]
#       On an (empty) hub database, one per hospital: create the two tables with
#       the published columns only, the view research_versions (the versions of
#       cases not deleted since: what researchers should query) and the
#       subscription spinemets_NAME
#       (default: hub) to both publications. HOSPITAL_CONNINFO is a libpq
#       connection string the hub server uses, e.g.
#       "host=hospital.example port=5432 dbname=spinemets user=spinemets_replicator
#        password=... sslmode=verify-full".
#       Needs a superuser on the hub (PostgreSQL 15).
#   replication-hub.sh status HUB_URL
#       The subscription's state and the row counts on the hub.
#   replication-hub.sh check HUB_URL
#       Fails unless the hub's tables hold only the published columns (no
#       identifier table, no reason or author column).
#
# URLs are libpq connection strings or postgresql:// URIs, as psql takes them.
# The hub replicates changes as they commit; the hospital keeps a replication
# slot (and WAL) for the hub until the subscription is dropped: watch
# pg_replication_slots on the hospital if the hub is offline for long.
set -euo pipefail
PSQL=${PSQL:-psql}
psql_do() { # psql_do URL SQL...: run statements, stop at the first error
  local url=$1; shift
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"
}

CASES_COLS="id, site_id, latest_version, deleted, created_at, updated_at"
VERSIONS_COLS="id, case_id, version, created_at, document, assessment, engine_version, definitions"

cmd=${1:-}
case "$cmd" in
  publish)
    url=${2:?usage: replication-hub.sh publish HOSPITAL_URL [PASSWORD]}
    pw=${3:-}
    wal=$(psql_do "$url" -At -c "SHOW wal_level")
    if [ "$wal" != logical ]; then
      echo "replication-hub.sh: wal_level is '$wal' on the hospital; set wal_level = logical and restart it" >&2
      exit 1
    fi
    pwsql="NULL"
    [ -n "$pw" ] && pwsql=$(printf "'%s'" "${pw//\'/\'\'}")
    psql_do "$url" <<SQL
BEGIN;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spinemets_replicator') THEN
    CREATE ROLE spinemets_replicator LOGIN REPLICATION;
  END IF;
END \$\$;
ALTER ROLE spinemets_replicator PASSWORD $pwsql;
-- the replicator reads the published columns and nothing else
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM spinemets_replicator;
GRANT SELECT ($CASES_COLS) ON cases TO spinemets_replicator;
GRANT SELECT ($VERSIONS_COLS, deleted) ON case_versions TO spinemets_replicator;
DROP PUBLICATION IF EXISTS spinemets_research_cases;
DROP PUBLICATION IF EXISTS spinemets_research_versions;
CREATE PUBLICATION spinemets_research_cases FOR TABLE cases ($CASES_COLS);
-- versions are append-only: inserts only, tombstones (deleted = 1) never leave
CREATE PUBLICATION spinemets_research_versions
  FOR TABLE case_versions ($VERSIONS_COLS) WHERE (deleted = 0)
  WITH (publish = 'insert');
COMMIT;
SQL
    echo "replication-hub.sh: published cases and case_versions (clinical columns only) on the hospital"
    ;;
  subscribe)
    hub=${2:?usage: replication-hub.sh subscribe HUB_URL HOSPITAL_CONNINFO [NAME]}
    conn=${3:?usage: replication-hub.sh subscribe HUB_URL HOSPITAL_CONNINFO [NAME]}
    name=${4:-hub}
    [[ "$name" =~ ^[a-z0-9_]+$ ]] || { echo "replication-hub.sh: NAME must be [a-z0-9_]+" >&2; exit 2; }
    psql_do "$hub" <<SQL
CREATE TABLE IF NOT EXISTS cases (
  id BIGINT PRIMARY KEY,
  site_id BIGINT NOT NULL,
  latest_version INTEGER NOT NULL,
  deleted SMALLINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS case_versions (
  id BIGINT PRIMARY KEY,
  case_id BIGINT NOT NULL,
  version INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  document TEXT,
  assessment TEXT,
  engine_version TEXT,
  definitions TEXT,
  UNIQUE (case_id, version));
-- a deleted case's earlier versions stay on the hub (only its tombstone is
-- filtered out); cases.deleted = 1 arrives, and this view leaves them out
CREATE OR REPLACE VIEW research_versions AS
  SELECT v.* FROM case_versions v JOIN cases c ON c.id = v.case_id WHERE c.deleted = 0;
CREATE SUBSCRIPTION spinemets_$name
  CONNECTION '${conn//\'/\'\'}'
  PUBLICATION spinemets_research_cases, spinemets_research_versions;
SQL
    echo "replication-hub.sh: subscription spinemets_$name created; the first copy runs in the background (status: replication-hub.sh status)"
    ;;
  status)
    hub=${2:?usage: replication-hub.sh status HUB_URL}
    psql_do "$hub" -c "SELECT subname, pid IS NOT NULL AS running, received_lsn, latest_end_time FROM pg_stat_subscription" \
      -c "SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_versions) AS versions"
    ;;
  check)
    hub=${2:?usage: replication-hub.sh check HUB_URL}
    bad=$(psql_do "$hub" -At -c "SELECT table_name || '.' || column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND (table_name NOT IN ('cases', 'case_versions', 'research_versions')
        OR column_name NOT IN ('id', 'site_id', 'latest_version', 'deleted', 'created_at', 'updated_at',
                               'case_id', 'version', 'document', 'assessment', 'engine_version', 'definitions'))")
    if [ -n "$bad" ]; then
      echo "replication-hub.sh: the hub holds columns beyond the published ones:" >&2
      echo "$bad" >&2
      exit 1
    fi
    echo "replication-hub.sh: the hub holds the published clinical columns only"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2 ;;
esac
