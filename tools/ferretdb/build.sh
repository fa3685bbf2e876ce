#!/usr/bin/env bash
# Builds the test MongoDB-wire server (main.go, FerretDB embedded) into tools/ferretdb/bin/, once
# (tools/build-go-tool.sh). No PostgreSQL backend: the tests use SQLite only, and pgx is the bulk
# of the build. Prints the binary's path on stdout.
set -euo pipefail
exec bash "$(dirname "$0")/../build-go-tool.sh" "$(dirname "$0")" ferretdb . -tags ferretdb_no_postgresql
