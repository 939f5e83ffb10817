#!/usr/bin/env bash
# Compiles contracts/src/*.sol with solc-js into contracts/build/<Name>.{abi,bin} and regenerates the
# web3j wrappers from them, with web3j codegen run from its own classpath: the ProofManager's in the contract module
# (the service's binding), the test contracts' (TestUsdc, TestVerifier) in the devkit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-jdk.sh

scripts/ensure-node-tools.sh
node scripts/compile-contracts.mjs contracts/build

classpath_file=contracts/codegen/target/classpath.txt
mvn -q -B -f contracts/codegen/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
for abi in contracts/build/*.abi; do
  name=$(basename "$abi" .abi)
  if [ "$name" = ProofManager ]; then
    module=contract package=io.ethproofmanager.contract
  else
    module=devkit package=io.ethproofmanager.devkit.chain.contracts
  fi
  java -cp "$(cat "$classpath_file")" org.web3j.codegen.SolidityFunctionWrapperGenerator \
    -a "$abi" -b "contracts/build/$name.bin" -c "$name" -o "$module/src/main/java" -p "$package"
  echo "$name: $module/src/main/java/${package//.//}/$name.java"
done
