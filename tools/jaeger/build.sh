#!/usr/bin/env bash
# Builds Jaeger v2 (github.com/jaegertracing/jaeger/cmd/jaeger, module v1.75.0, pinned in go.mod
# as a Go tool) into tools/jaeger/bin/, once (tools/build-go-tool.sh): the trace backend the e2e
# tests and the demo send their spans to. No `ui` build tag: the module carries no built UI
# assets (Jaeger builds them with npm in its own release), so the binary serves the query API
# and a placeholder page at the UI's address. Prints the binary's path on stdout.
set -euo pipefail
exec bash "$(dirname "$0")/../build-go-tool.sh" "$(dirname "$0")" jaeger github.com/jaegertracing/jaeger/cmd/jaeger
