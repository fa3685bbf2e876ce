#!/bin/sh
# Used by the Dockerfile: replaces the build's node_modules with one service's production
# dependencies, from the pnpm store the build stage filled (no network). The workspace root is
# included for tsx, which is how the services run (node --import tsx).
set -eu
service=${1:?usage: install-production-deps.sh <order|invoice|renderer|notifier>}
find . -name node_modules -type d -prune -exec rm -rf {} +
pnpm install --frozen-lockfile --offline --prod \
  --filter "@invoicing/${service}..." --filter invoice-pipeline
# Tests are not part of a running service.
find packages "services/${service}" -name '*.test.ts' -delete
