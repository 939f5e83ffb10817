#!/usr/bin/env bash
# Compiles contracts/src/*.sol with solc-js into contracts/build/<Name>.{abi,bin} and regenerates the
# web3j wrappers in the connectors module from them, with web3j codegen run from its own classpath.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-jdk.sh

scripts/ensure-node-tools.sh
node scripts/compile-contracts.mjs contracts/build

classpath_file=contracts/codegen/target/classpath.txt
mvn -q -B -f contracts/codegen/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
package=io.ethproofmanager.connectors.chain.contracts
for abi in contracts/build/*.abi; do
  name=$(basename "$abi" .abi)
  java -cp "$(cat "$classpath_file")" org.web3j.codegen.SolidityFunctionWrapperGenerator \
    -a "$abi" -b "contracts/build/$name.bin" -c "$name" -o connectors/src/main/java -p "$package"
done
echo "wrappers written to connectors/src/main/java/${package//.//}/"
