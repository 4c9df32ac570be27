#!/usr/bin/env bash
# Installs what b24hooks needs on a fresh Debian machine, then the workspace's packages:
# pnpm 12.4.2 (newer pnpm breaks --frozen-lockfile here), php-cli (the form codec is checked
# against PHP itself) and redis-server (the Redis token store example is tested against it).
# Used by the README's first command and by .ci/run, so both install the same things.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi

missing=()
command -v php >/dev/null 2>&1 || missing+=(php-cli)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
fi
echo "node $(node --version), pnpm $(pnpm --version), $(php --version | head -n 1), $(redis-server --version | cut -d' ' -f1-3)"

pnpm install --frozen-lockfile
