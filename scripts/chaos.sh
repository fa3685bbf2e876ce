#!/usr/bin/env bash
# The pipeline under faults: installs what is missing, then runs the chaos harness (a scaled-out
# stack, a payment load, killed workers, renderer and broker, duplicate and garbage events) and
# checks that no invoice was lost, duplicated or misnumbered. Arguments go to the harness,
# e.g. `bash scripts/chaos.sh --payments 500 --seed 42`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec node --import tsx e2e/src/chaos/chaos-command.ts "$@"
