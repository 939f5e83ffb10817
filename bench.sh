#!/usr/bin/env bash
# Benchmarks on the embedded broker and database; prints a table of figures. Not part of the tests.
# e.g. ./bench.sh --batches 20000 --rounds 2
set -euo pipefail
cd "$(dirname "$0")"
source scripts/find-jdk.sh
mvn -q -B -ntp -DskipTests package
exec java ${JAVA_OPTS:-} -Xmx4g --enable-native-access=ALL-UNNAMED \
  -cp "sandbox/target/eth-proof-manager-sandbox-0.1.0-SNAPSHOT.jar:sandbox/target/lib/*" \
  io.ethproofmanager.sandbox.SandboxMain bench "$@"
