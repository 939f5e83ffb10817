#!/usr/bin/env bash
# Regenerates topology-docs/ (topology.txt and topology.md from BatchTopology, reward-analytics.txt and
# reward-analytics.md from RewardAnalyticsTopology); commit the result.
# TopologyDocsTest fails while the committed files differ from the topology.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-jdk.sh

# package lays the sandbox's runtime classpath (the topology module among it) out in sandbox/target/lib
mvn -q -B -pl sandbox -am -DskipTests package
java -cp "sandbox/target/lib/*" io.ethproofmanager.topology.TopologyDocs topology-docs
echo "wrote topology-docs/topology.{txt,md} and topology-docs/reward-analytics.{txt,md}"
