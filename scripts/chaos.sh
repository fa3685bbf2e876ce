#!/usr/bin/env bash
# The pipeline under faults: installs what is missing, then runs the chaos harness (a scaled-out
# stack, a payment load, every service killed while it holds work, nats-server killed and its
# store deleted, a store locked, the disk full, the mail server refusing, duplicate, garbage and
# forged events) and checks that no invoice was lost, duplicated, misnumbered or misdirected.
# Needs root for the small tmpfs the disk-full fault fills. Arguments go to the harness,
# e.g. `bash scripts/chaos.sh --payments 500 --seed 42`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec node --import tsx e2e/src/chaos/chaos-command.ts "$@"
