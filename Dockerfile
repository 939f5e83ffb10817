# The images. Target `manager` (the last stage, the default): the service alone (app/), for deployments on a Kafka
# cluster, PostgreSQL and L1 of their own; builds with Maven on JDK 21, runs on a JRE 21. Target `sandbox`: the sandbox's
# command line (./run.sh: deploy-contracts, the demo with simulated networks, embedded servers for what is not
# configured) with the pinned anvil binary (npm); docker-compose.yml's demo stack runs it. Target `anvil`: the same
# pinned anvil alone, as a separate local L1 node (docker-compose.yml's `anvil` service).
FROM node:20-bookworm-slim AS node-tools
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM debian:bookworm-slim AS anvil
COPY --from=node-tools /src/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil /usr/local/bin/anvil
EXPOSE 8545
ENTRYPOINT ["anvil"]

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY contract contract
COPY topology topology
COPY connectors connectors
COPY app app
COPY devkit devkit
COPY sandbox sandbox
RUN mvn -q -B -ntp -DskipTests package

FROM eclipse-temurin:21-jre AS sandbox
WORKDIR /opt/eth-proof-manager
COPY package.json ./
COPY --from=node-tools /src/node_modules/@foundry-rs/anvil-linux-amd64 node_modules/@foundry-rs/anvil-linux-amd64
COPY --from=build /src/sandbox/target/eth-proof-manager-sandbox-0.1.0-SNAPSHOT.jar sandbox.jar
COPY --from=build /src/sandbox/target/lib lib
EXPOSE 8080
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-cp", "sandbox.jar:lib/*", "io.ethproofmanager.sandbox.SandboxMain"]

FROM eclipse-temurin:21-jre AS manager
WORKDIR /opt/eth-proof-manager
COPY --from=build /src/app/target/eth-proof-manager-app-0.1.0-SNAPSHOT.jar app.jar
COPY --from=build /src/app/target/lib lib
EXPOSE 8080
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-cp", "app.jar:lib/*", "io.ethproofmanager.app.Main"]
