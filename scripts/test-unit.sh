#!/usr/bin/env bash
# The fast path: every unit test in the tree, with no browser, broker or service process.
# Unit tests are `*.test.ts` beside their code; a test that needs Chromium, nats-server or
# several processes is named `*.integration.test.ts`, and the e2e tests live in e2e/. Both
# run in `bash scripts/test.sh`. Assumes dependencies and generated code are installed
# (`bash scripts/install.sh` once).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d packages/contracts/gen ] || pnpm -s generate
mapfile -t tests < <(find packages tools services bench -name '*.test.ts' -not -name '*.integration.test.ts' -not -path '*/node_modules/*' | sort)
exec node --import tsx scripts/run-unit-tests.mjs "${tests[@]}"
