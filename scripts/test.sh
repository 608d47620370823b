#!/usr/bin/env bash
# `make test`: the whole suite as CI runs it (.ci/run), PostgreSQL's tests included.
# Without NEWSDESK_TEST_PG_URL, a throwaway PostgreSQL is started as .ci/run does
# (scripts/start-postgres.sh, which needs root). When that cannot be done, the tests that
# need it skip, and the end of the run says how many and the one command that runs them.
set -u
cd "$(dirname "$0")/.."
if [ -z "${NEWSDESK_TEST_PG_URL:-}" ]; then
  if [ "$(id -u)" = 0 ] && url=$(bash scripts/start-postgres.sh) && [ -n "$url" ]; then
    export NEWSDESK_TEST_PG_URL="$url"
    echo "PostgreSQL ready for the store tests: $url"
  else
    echo "PostgreSQL not started (needs root): its tests will be skipped" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
