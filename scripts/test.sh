#!/usr/bin/env bash
# The whole test suite from a fresh machine: install, contract checks, types, then every test
# (unit tests beside the code, contract suites per store adapter, integration tests with a real
# nats-server and Chromium, and the e2e test in e2e/) in one run of node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh
echo "== buf lint"
pnpm -s exec buf lint
echo "== typecheck"
bash scripts/typecheck.sh
echo "== lint and format (biome ci: fails on a lint error or an unformatted file; pnpm format fixes the latter)"
pnpm -s exec biome ci .

echo "== tests"
mapfile -t tests < <(find packages tools services e2e bench -name '*.test.ts' -not -path '*/node_modules/*' | sort)
tap=$(mktemp)
status=0
node --import tsx --test --test-timeout=600000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${tests[@]}" || status=$?
count() { grep -E "^# $1 [0-9]+$" "$tap" | tail -n 1 | awk '{print $3}'; }
# A test cancelled by a failing hook did not pass either.
echo "$(count pass) passed, $(( $(count fail) + $(count cancelled) )) failed, $(count skipped) skipped"
rm -f "$tap"
exit "$status"
