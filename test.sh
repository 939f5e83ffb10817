#!/usr/bin/env bash
# Runs every test of the project (unit, topology, and integration tests on a real in-JVM Kafka broker,
# a real PostgreSQL and, where the chain is involved, a real anvil node). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/find-jdk.sh
if [ -f package.json ]; then
  bash scripts/ensure-node-tools.sh
fi
if [ -f scripts/ensure-browser.sh ]; then
  bash scripts/ensure-browser.sh
fi
exec mvn -B -ntp verify "$@"
