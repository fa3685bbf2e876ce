#!/usr/bin/env bash
# The MongoDB contract suites against a server of your own, e.g. a real replica set:
#   MONGODB_URL=mongodb://db-0,db-1,db-2/?replicaSet=rs0 pnpm test:mongodb
# Each suite makes its own database (contract_<time>_<random>) and drops it at the end; the
# SQLite runs in the same files run too. Without MONGODB_URL this refuses rather than skip.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MONGODB_URL:-}" ]; then
  echo "MONGODB_URL must name the MongoDB to run the contract suites against (the test command uses its own FerretDB)" >&2
  exit 2
fi
mapfile -t suites < <(grep -rl --include='*.test.ts' "mongoContract(" services | sort)
exec node --import tsx --test --test-timeout=600000 "${suites[@]}"
