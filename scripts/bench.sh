#!/usr/bin/env bash
# The render farm benchmark (issues 4 and 16): installs what is missing, then measures the bare
# Playwright loop, a browser per PDF, RenderService over gRPC, the whole pipeline one of each
# and scaled out, and the renderer's memory in one run, in interleaved rounds, prints the
# figures with their spread and the targets and writes bench/RESULTS.md. About twelve minutes
# on an idle machine; `--quick` is a two-minute smoke run whose figures are not for quoting.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec node --import tsx bench/src/bench-command.ts "$@"
