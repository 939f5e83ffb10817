#!/usr/bin/env bash
# Installs the pinned node tools (anvil, solc-js, OpenZeppelin contracts) from package-lock.json.
# Idempotent: runs `npm ci` only when node_modules is missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm not found on the PATH; install Node.js 20+ (with npm) to get anvil and solc-js for the chain side." >&2
  exit 1
fi

marker=node_modules/.package-lock.json
if [ -f "$marker" ] && [ ! package-lock.json -nt "$marker" ] && [ -x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil ]; then
  exit 0
fi

echo "installing node tools from package-lock.json (npm ci)..." >&2
npm ci --no-audit --no-fund
touch "$marker"
