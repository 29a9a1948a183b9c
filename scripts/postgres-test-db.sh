#!/usr/bin/env bash
# Starts Debian's PostgreSQL on 127.0.0.1 (creating the cluster when there is
# none), makes the role and database the tests use, and prints their DSN:
#   export KABINET_TEST_POSTGRES=$(scripts/postgres-test-db.sh)
# Needs root or sudo (the cluster belongs to the postgres user). Installs
# the postgresql package when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { run runuser -u postgres -- "$@"; }
scripts/ensure-deps.sh postgresql >&2

cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
	ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
	run pg_createcluster "$ver" main >&2
	cluster="$ver main"
fi
# shellcheck disable=SC2086
set -- $cluster
port=$(pg_lsclusters --no-header | awk -v v="$1" -v c="$2" '$1==v && $2==c {print $3}')
if ! pg_lsclusters --no-header | awk -v v="$1" -v c="$2" '$1==v && $2==c {print $4}' | grep -q online; then
	run pg_ctlcluster "$1" "$2" start >&2
fi
for _ in $(seq 1 50); do
	as_postgres psql -p "$port" -qAtc 'SELECT 1' >/dev/null 2>&1 && break
	sleep 0.2
done
if [ "$(as_postgres psql -p "$port" -qAtc "SELECT 1 FROM pg_roles WHERE rolname = 'kabinet'")" != 1 ]; then
	as_postgres psql -p "$port" -qc "CREATE ROLE kabinet LOGIN PASSWORD 'kabinet' CREATEDB" >&2
fi
if [ "$(as_postgres psql -p "$port" -qAtc "SELECT 1 FROM pg_database WHERE datname = 'kabinet_test'")" != 1 ]; then
	as_postgres createdb -p "$port" -O kabinet kabinet_test >&2
fi
echo "postgres://kabinet:kabinet@127.0.0.1:$port/kabinet_test?sslmode=disable"
