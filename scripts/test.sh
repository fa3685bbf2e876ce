#!/usr/bin/env bash
# The whole test suite from a fresh machine: install, contract checks, types, then every test
# (unit tests beside the code, contract suites per store adapter, integration tests with a real
# nats-server and Chromium, and the e2e test in e2e/) in one run of node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh
echo "== buf lint"
pnpm -s exec buf lint
echo "== buf breaking (against proto/ at the last commit on main that changed it)"
node --import tsx tools/contract-evolution/src/check-breaking.ts
echo "== typecheck"
bash scripts/typecheck.sh
echo "== lint and format (biome ci: fails on a lint error or an unformatted file; pnpm format fixes the latter)"
pnpm -s exec biome ci .

echo "== tests"
# Every test in the tree, in one run of node's test runner, with a private FerretDB
# (tools/ferretdb) as MONGODB_URL so every store's MongoDB contract suite runs beside its SQLite
# one. The services that e2e tests start stay on SQLite (tools/local-stack/src/stack-store-env.ts);
# then the pipeline e2e test goes once more with the services on MongoDB
# wire (STACK_MONGODB_URL). The short chaos run on MongoDB wire is a test file of its own
# (e2e/src/chaos-mongodb.e2e.test.ts), on a FerretDB it starts itself: it kills that server.
with_ferretdb=(node --import tsx tools/local-stack/src/with-ferretdb.ts)
runner=(node --import tsx --test --test-timeout=600000 --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap)
mapfile -t tests < <(find packages tools services e2e bench -name '*.test.ts' -not -path '*/node_modules/*' | sort)
sqlite_tap=$(mktemp)
mongo_tap=$(mktemp)
status=0
started=$SECONDS
"${with_ferretdb[@]}" "${runner[@]}" --test-reporter-destination="$sqlite_tap" "${tests[@]}" || status=$?
echo "== every test took $((SECONDS - started)) s"
echo "== the pipeline again, the services on MongoDB wire (FerretDB)"
started=$SECONDS
"${with_ferretdb[@]}" --as STACK_MONGODB_URL "${runner[@]}" --test-reporter-destination="$mongo_tap" \
  e2e/src/pipeline.e2e.test.ts || status=$?
echo "== the pipeline on MongoDB wire took $((SECONDS - started)) s"
count() { local sum=0 n; for tap in "$sqlite_tap" "$mongo_tap"; do n=$(grep -E "^# $1 [0-9]+$" "$tap" | tail -n 1 | awk '{print $3}'); sum=$((sum + ${n:-0})); done; echo "$sum"; }
# A test cancelled by a failing hook did not pass either.
echo "$(count pass) passed, $(( $(count fail) + $(count cancelled) )) failed, $(count skipped) skipped"
rm -f "$sqlite_tap" "$mongo_tap"
exit "$status"
