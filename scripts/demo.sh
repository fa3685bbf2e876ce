#!/usr/bin/env bash
# The main job on one machine with the embedded defaults: installs what is missing, starts
# nats-server and the four services as processes, pays a sample order and writes its PDF.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec node --import tsx tools/local-stack/src/demo.ts "$@"
