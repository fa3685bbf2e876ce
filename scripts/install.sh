#!/usr/bin/env bash
# Installs what this repository needs on a fresh Debian machine, skipping what is there:
# Debian packages (nats-server, Chromium's headless shell, fonts for every script the documents
# print (Noto CJK, Arabic, Hebrew, emoji), poppler and qpdf to read PDFs back, openssl
# for the tests' certificates), pnpm, the workspace dependencies, the code generated from
# proto/, the tests' MongoDB-wire server (tools/ferretdb) and Jaeger (tools/jaeger), built with
# the machine's Go, and the reference e-invoice validator (tools/einvoice-validator, Maven).
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(nats-server chromium-headless-shell poppler-utils qpdf fonts-dejavu-core fonts-liberation fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji openssl icc-profiles-free curl)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "install: apt packages ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "install: pnpm"
  # corepack's download fails its signature check on these machines; npm's registry works.
  npm install -g pnpm@10 >/dev/null
fi

pnpm install --frozen-lockfile --reporter=silent
if [ -d packages/contracts/gen ]; then
  node scripts/check-generated.mjs
else
  pnpm -s generate
fi

# Rebuilt only when its sources are newer than the binary, so this costs milliseconds after
# the first run (about a minute of Go build on two cores).
bash tools/ferretdb/build.sh >/dev/null
# The reference e-invoice validator (Mustang, from Maven Central), built the same way: once.
bash tools/einvoice-validator/build.sh >/dev/null
# The tests' trace backend, Jaeger v2 from the Go module proxy: once (about 3.5 minutes of Go
# build on two cores with an empty build cache), then milliseconds.
bash tools/jaeger/build.sh >/dev/null
