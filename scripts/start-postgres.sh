#!/usr/bin/env bash
# Start a throwaway PostgreSQL for the store tests and print its URL.
#
#   eval "export NEWSDESK_TEST_PG_URL=$(scripts/start-postgres.sh | tail -n 1)"
#
# Idempotent: installs Debian's postgresql only when missing, reuses a server
# already listening on the port, and creates the test database only once. Run as
# root. When it starts a server, the cluster is its own (data dir under /tmp,
# listening on 127.0.0.1 only, trust auth), so no Debian cluster config changes.
# The postgres role gets the password "postgres", so the printed URL also works
# against a reused server that asks for passwords.
set -euo pipefail

PORT="${NEWSDESK_PG_PORT:-5432}"
DATA="${NEWSDESK_PG_DATA:-/tmp/newsdesk-pg/data}"
DB="newsdesk_test"
URL="postgresql+psycopg://postgres:postgres@127.0.0.1:${PORT}/${DB}"

if [[ "$(id -u)" != 0 ]]; then
    echo "start-postgres.sh: run me as root" >&2
    exit 1
fi

pg_bindir() {
    # The newest installed major version, e.g. /usr/lib/postgresql/15/bin.
    find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1
}

if [[ -z "$(pg_bindir)" ]]; then
    echo "installing postgresql (Debian package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi
BIN="$(pg_bindir)"

as_pg() { runuser -u postgres -- "$@"; }

ready() { as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; }

if ! ready; then
    if [[ ! -s "$DATA/PG_VERSION" ]]; then
        mkdir -p "$DATA"
        chown -R postgres:postgres "$(dirname "$DATA")"
        chmod 700 "$DATA"
        # Trust auth, loopback only: a test server with no secrets in it.
        as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >&2
    fi
    # The socket dir lives beside the data so that we need no /var/run/postgresql.
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/../server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $(dirname "$DATA")" start >&2
fi

for _ in $(seq 1 60); do
    ready && break
    sleep 1
done
ready || { echo "start-postgres.sh: server on 127.0.0.1:$PORT did not come up" >&2; exit 1; }

# Administer over the unix socket, where the postgres OS user is trusted: ours
# (beside the data dir) when we started the server, else Debian's default one.
SOCK="$(dirname "$DATA")"
[[ -S "$SOCK/.s.PGSQL.$PORT" ]] || SOCK=/var/run/postgresql
psql_admin() { as_pg "$BIN/psql" -h "$SOCK" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -Atq "$@"; }

psql_admin -c "ALTER ROLE postgres PASSWORD 'postgres'"
exists="$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")"
if [[ "$exists" != 1 ]]; then
    psql_admin -c "CREATE DATABASE $DB"
fi

echo "$URL"
