#!/usr/bin/env bash
# FerretDB v1.24.2 as the MongoDB-compatible server of the tests and benchmarks.
#   scripts/ferretdb.sh install                   build the binary into $(go env GOPATH)/bin when missing
#   scripts/ferretdb.sh start DIR PORT [BACKEND]  start it on 127.0.0.1:PORT with its state in DIR; prints its PID
#   scripts/ferretdb.sh stop DIR                  stop the one started with DIR, and drop its PostgreSQL database
# BACKEND is sqlite (the default: data in DIR) or postgresql: data in a database of its own,
# created on the server of $FERRETDB_POSTGRESQL_URL (default postgres://postgres@127.0.0.1:5432/)
# and named in DIR/postgresql-database; `stop` drops it. Needs psql. $FERRETDB_POSTGRESQL_OPTIONS
# (`name=value&…`) are run-time settings of FerretDB's PostgreSQL connections, e.g.
# plan_cache_mode=force_custom_plan (see scripts/ferretdb-postgresql-indexes.sql).
set -euo pipefail
VERSION=v1.24.2
GOBIN_DIR="$(go env GOPATH)/bin"
BIN="$GOBIN_DIR/ferretdb"

install() {
  # Not `--version | grep -q`: grep quits at the match, the binary gets SIGPIPE, and pipefail
  # then reports a failure (a needless rebuild).
  if [ -x "$BIN" ] && grep -q "version: $VERSION" <<<"$("$BIN" --version 2>/dev/null)"; then return; fi
  echo "ferretdb: building $VERSION with go (first run only)" >&2
  # `go install …/cmd/ferretdb@v1.24.2` builds a binary that panics at start: the module
  # ships without the generated build/version/version.txt. Build from a copy with that file.
  go mod download "github.com/FerretDB/FerretDB@$VERSION"
  local src work
  src="$(go env GOMODCACHE)/github.com/!ferret!d!b/!ferret!d!b@$VERSION"
  work="$(mktemp -d)"
  cp -r "$src/." "$work"
  chmod -R u+w "$work"
  echo "$VERSION" > "$work/build/version/version.txt"
  mkdir -p "$GOBIN_DIR"
  # Built beside the binary and renamed over it, so a server starting meanwhile never runs half a file.
  (cd "$work" && go build -o "$BIN.tmp.$$" ./cmd/ferretdb)
  mv -f "$BIN.tmp.$$" "$BIN"
  rm -rf "$work"
}

PG_SERVER="${FERRETDB_POSTGRESQL_URL:-postgres://postgres@127.0.0.1:5432/}"
PG_SERVER="${PG_SERVER%/}"

start() {
  local dir="$1" port="$2" backend="${3:-sqlite}"
  local storage
  case "$backend" in
    sqlite) storage=(--handler=sqlite --sqlite-url="file:$dir/") ;;
    postgresql)
      # A database per run, so runs never see each other's collections and one DROP cleans up.
      local db="ferretdb_${port}_$$"
      psql "$PG_SERVER/postgres" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" >/dev/null
      echo "$db" >"$dir/postgresql-database"
      storage=(--handler=postgresql --postgresql-url="$PG_SERVER/$db${FERRETDB_POSTGRESQL_OPTIONS:+?$FERRETDB_POSTGRESQL_OPTIONS}")
      ;;
    *) echo "ferretdb: unknown backend $backend (sqlite or postgresql)" >&2; exit 2 ;;
  esac
  "$BIN" "${storage[@]}" --state-dir="$dir" \
    --listen-addr="127.0.0.1:$port" --debug-addr=127.0.0.1:0 \
    --telemetry=disable --log-level=warn >"$dir/ferretdb.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/ferretdb.pid"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$pid"; return; fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$dir/ferretdb.log" >&2; stop "$dir"; exit 1; fi
    sleep 0.1
  done
  echo "ferretdb: no answer on port $port" >&2
  stop "$dir"
  exit 1
}

stop() {
  local dir="$1" pid
  if [ -f "$dir/ferretdb.pid" ]; then
    pid="$(cat "$dir/ferretdb.pid")"
    kill "$pid" 2>/dev/null || true
    # Its connections must be gone before the database can be dropped.
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/ferretdb.pid"
  fi
  if [ -f "$dir/postgresql-database" ]; then
    psql "$PG_SERVER/postgres" -qAt -c "DROP DATABASE IF EXISTS $(cat "$dir/postgresql-database") WITH (FORCE)" >/dev/null
    rm -f "$dir/postgresql-database"
  fi
}

case "${1:-}" in
  install) install ;;
  start) install; start "$2" "$3" "${4:-sqlite}" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 install | start DIR PORT [sqlite|postgresql] | stop DIR" >&2; exit 2 ;;
esac
