#!/usr/bin/env bash
# Builds (when needed) and runs the ETH Proof Manager in the sandbox. With no settings it runs on embedded defaults:
# a Kafka broker (KRaft) and a PostgreSQL in its JVM, blobs in a directory. Arguments go to the manager,
# e.g. ./run.sh --demo-batches 5      (./run.sh --help lists them)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/find-jdk.sh
bash scripts/ensure-node-tools.sh
mvn -q -B -ntp -DskipTests package
exec java ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED \
  -cp "sandbox/target/eth-proof-manager-sandbox-0.1.0-SNAPSHOT.jar:sandbox/target/lib/*" \
  io.ethproofmanager.sandbox.SandboxMain "$@"
