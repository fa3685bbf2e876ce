#!/usr/bin/env bash
# Builds Jaeger v2 (github.com/jaegertracing/jaeger/cmd/jaeger, module v1.75.0, pinned in go.mod
# as a Go tool) into tools/jaeger/bin/, gitignored: the trace backend the e2e tests send their
# spans to and read them back from. Does nothing when the binary is newer than every input, so
# the test command pays for the Go build once per checkout; Go's build cache makes a rebuild in
# another checkout mostly a link. Prints the binary's path on stdout.
set -euo pipefail
cd "$(dirname "$0")"

binary="$PWD/bin/jaeger"
inputs=(go.mod go.sum build.sh)

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
  echo "tools/jaeger/build.sh: go is not on PATH; it is needed to build the tests' Jaeger" >&2
  exit 1
fi

echo "jaeger: building $binary" >&2
started=$SECONDS
mkdir -p bin
# GOTOOLCHAIN=local: the machine's Go is newer than go.mod asks, and no other toolchain may be
# downloaded. Everything comes from the Go module proxy. No `ui` build tag: the module carries
# no built UI assets (they come from a separate npm build in Jaeger's own repository), so the
# binary serves the query API and a placeholder page at the UI's address.
# nice: a build must not slow tests or measurements running beside it on two cores. Built into
# a temporary name and renamed, so an interrupted build never leaves a binary that looks fresh.
GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -mod=readonly -buildvcs=false" \
  nice -n 19 go build -trimpath -ldflags="-s -w" -o "$binary.$$.tmp" github.com/jaegertracing/jaeger/cmd/jaeger
mv "$binary.$$.tmp" "$binary"
echo "jaeger: built in $((SECONDS - started)) s" >&2
echo "$binary"
