#!/bin/sh
# First start: initdb as POSTGRES_USER with POSTGRES_PASSWORD, create POSTGRES_DB; then run the server.
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

chown postgres:postgres "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp) && printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile" && chown postgres "$pwfile"
  as_postgres initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  # Listen on the socket only while creating the database, so the healthcheck (TCP) waits for the real start.
  as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [ "$db" != postgres ]; then as_postgres psql -U "$user" -d postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" >/dev/null; fi
  as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "initialised $PGDATA for $user/$db"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$@" -D "$PGDATA" -c listen_addresses='*'
