#!/usr/bin/env bash
# FerretDB v1.24.2 (SQLite backend) as the MongoDB-compatible server of the tests.
#   scripts/ferretdb.sh install        build the binary into $(go env GOPATH)/bin when missing
#   scripts/ferretdb.sh start DIR PORT start it on 127.0.0.1:PORT with its data in DIR; prints its PID
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

start() {
  local dir="$1" port="$2"
  "$BIN" --handler=sqlite --sqlite-url="file:$dir/" --state-dir="$dir" \
    --listen-addr="127.0.0.1:$port" --debug-addr=127.0.0.1:0 \
    --telemetry=disable --log-level=warn >"$dir/ferretdb.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$pid"; return; fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$dir/ferretdb.log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "ferretdb: no answer on port $port" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
}

case "${1:-}" in
  install) install ;;
  start) install; start "$2" "$3" ;;
  *) echo "usage: $0 install | start DIR PORT" >&2; exit 2 ;;
esac
