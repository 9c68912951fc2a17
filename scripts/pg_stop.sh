#!/usr/bin/env bash
# Stop the throwaway PostgreSQL started by pg_start.sh and remove its data.
set -euo pipefail
export PGDATA=${PGDATA:-/tmp/thidua-pgdata}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] && [ -f "$PGDATA/postmaster.pid" ] || exit 0
if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null; else "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null; fi
rm -rf "$PGDATA"
