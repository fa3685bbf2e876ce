#!/usr/bin/env bash
# Type-checks every workspace package against its own tsconfig (strict, from tsconfig.base.json).
set -euo pipefail
cd "$(dirname "$0")/.."
for config in packages/*/tsconfig.json tools/*/tsconfig.json services/*/tsconfig.json e2e/tsconfig.json bench/tsconfig.json; do
  pnpm -s exec tsc -p "$config"
done
echo "types ok"
