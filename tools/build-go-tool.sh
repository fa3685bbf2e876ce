#!/usr/bin/env bash
# Builds the Go program of one tools/<name>/ folder (its own go.mod) into <name>/bin/<binary>,
# gitignored, and prints the binary's path on stdout. Does nothing when the binary is newer
# than every input (go.mod, go.sum, the folder's *.go and build.sh, this script), so the test
# command pays for a Go build once per checkout; Go's own build cache makes a rebuild in another
# checkout of the same go.sum mostly a link.
#   build-go-tool.sh DIR BINARY PACKAGE [go build flags...]
set -euo pipefail
dir=$(cd "$1" && pwd)
name=$2
package=$3
shift 3
cd "$dir"

binary="$dir/bin/$name"
inputs=(go.mod go.sum build.sh "${BASH_SOURCE[0]}")
for source in *.go; do [ -e "$source" ] && inputs+=("$source"); done

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
  echo "tools/$(basename "$dir")/build.sh: go is not on PATH; it is needed to build $name" >&2
  exit 1
fi

echo "$name: building $binary" >&2
started=$SECONDS
mkdir -p bin
# GOTOOLCHAIN=local: the machine's Go is newer than go.mod asks, and no other toolchain may be
# downloaded; everything else comes from the Go module proxy. nice: a build must not slow tests
# or measurements running beside it on two cores. Built into a temporary name of this process's
# and renamed, so an interrupted build never leaves a binary that looks fresh, and two test
# files starting servers at once never share a file.
GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -mod=readonly -buildvcs=false" \
  nice -n 19 go build -trimpath -ldflags="-s -w" "$@" -o "$binary.$$.tmp" "$package"
mv "$binary.$$.tmp" "$binary"
echo "$name: built in $((SECONDS - started)) s" >&2
echo "$binary"
