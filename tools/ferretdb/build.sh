#!/usr/bin/env bash
# Builds the test MongoDB-wire server (main.go, FerretDB embedded) into tools/ferretdb/bin/,
# gitignored. Does nothing when the binary is newer than every input, so the test command
# pays for the Go build once per checkout; Go's own build cache makes a rebuild in another
# checkout of the same go.sum mostly a link. Prints the binary's path on stdout.
set -euo pipefail
cd "$(dirname "$0")"

binary="$PWD/bin/ferretdb"
inputs=(go.mod go.sum main.go build.sh)

fresh=1
[ -x "$binary" ] || fresh=0
if ((fresh)); then
  for input in "${inputs[@]}"; do
    [ "$binary" -nt "$input" ] || fresh=0
  done
fi
if ((fresh)); then
  echo "$binary"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "tools/ferretdb/build.sh: go is not on PATH; it is needed to build the MongoDB-wire test server" >&2
  exit 1
fi

echo "ferretdb: building $binary" >&2
started=$SECONDS
mkdir -p bin
# GOTOOLCHAIN=local: the machine's Go is newer than go.mod asks, and no other toolchain may be
# downloaded. No PostgreSQL backend: the tests use SQLite only, and pgx is the bulk of the build.
# nice: a build must not slow tests or measurements running beside it on two cores.
# Build into a temporary name of this process's and rename, so an interrupted build never leaves
# a binary that looks fresh, and two test files starting servers at once never share a file.
GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -mod=readonly -buildvcs=false" \
  nice -n 19 go build -trimpath -tags ferretdb_no_postgresql -ldflags="-s -w" -o "$binary.$$.tmp" .
mv "$binary.$$.tmp" "$binary"
echo "ferretdb: built in $((SECONDS - started)) s" >&2
echo "$binary"
