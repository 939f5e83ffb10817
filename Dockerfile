# The manager's image, for docker-compose.yml and deployments. Builds with Maven on JDK 21, runs on a JRE 21.
# The pinned anvil binary (npm) is included so that, with no epm.l1.rpc-url, the manager runs its own local chain.
FROM node:20-bookworm-slim AS node-tools
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY connectors connectors
COPY app app
RUN mvn -q -B -ntp -DskipTests package

FROM eclipse-temurin:21-jre
WORKDIR /opt/eth-proof-manager
COPY package.json ./
COPY --from=node-tools /src/node_modules/@foundry-rs/anvil-linux-amd64 node_modules/@foundry-rs/anvil-linux-amd64
COPY --from=build /src/app/target/eth-proof-manager-app-0.1.0-SNAPSHOT.jar app.jar
COPY --from=build /src/app/target/lib lib
EXPOSE 8080
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-cp", "app.jar:lib/*", "io.ethproofmanager.app.Main"]
