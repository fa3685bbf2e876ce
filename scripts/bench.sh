#!/usr/bin/env bash
# The render farm benchmark (issue 4): installs what is missing, then measures the bare
# Playwright loop, a browser per PDF, RenderService over gRPC, the whole pipeline and the
# renderer's memory in one run, prints the figures and ratios and writes bench/RESULTS.md.
# About eight minutes; `--quick` is a one-minute smoke run whose figures are not for quoting.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec node --import tsx bench/src/bench-command.ts "$@"
