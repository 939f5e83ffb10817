package io.ethproofmanager.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.app.Main;
import io.ethproofmanager.app.ManagerSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.devkit.chain.LocalChain;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is parsed and checked against what it refers to: the
 * Dockerfile's stages, the settings reference.conf declares, the real command line, and itself (services, volumes, the
 * RPC URL and the contracts file the services share). The last test breaks the file in typical ways and expects every
 * break to be reported.
 */
class DockerComposeFileTest {

    private static final Set<String> SERVICES = Set.of("kafka", "postgres", "anvil", "contracts", "manager", "manager-2");
    /** The instances of the one deployment: the sandbox with the demo, and the production service. */
    private static final List<String> INSTANCES = List.of("manager", "manager-2");
    private static final String DATA = "/var/lib/eth-proof-manager";
    private static final Set<String> CONDITIONS = Set.of("service_started", "service_healthy", "service_completed_successfully");
    private static final Pattern STAGE = Pattern.compile("(?im)^\\s*FROM\\s+(?:--\\S+\\s+)*\\S+\\s+AS\\s+(\\S+)\\s*$");
    private static final Pattern DECLARED_ENV = Pattern.compile("\\$\\{\\?(EPM_[A-Z0-9_]+)}");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");
    private static final int ANVIL_DEFAULT_PORT = 8545;

    private static JsonNode compose;
    private static Set<String> dockerfileStages;
    private static Set<String> declaredEnv;

    @BeforeAll
    static void readFiles() throws IOException {
        final Path root = repositoryRoot();
        compose = new YAMLMapper().readTree(root.resolve("docker-compose.yml").toFile());
        dockerfileStages = matches(STAGE, Files.readString(root.resolve("Dockerfile")));
        // the service's reference.conf and the sandbox's
        declaredEnv = new java.util.HashSet<>();
        for (final var url : java.util.Collections.list(DockerComposeFileTest.class.getClassLoader().getResources("reference.conf"))) {
            try (var in = url.openStream()) {
                declaredEnv.addAll(matches(DECLARED_ENV, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        assertThat(dockerfileStages).as("stages of the Dockerfile").contains("manager", "sandbox", "anvil");
        assertThat(declaredEnv).as("EPM_ variables of reference.conf").contains("EPM_L1_RPC_URL", "EPM_SANDBOX_DEVELOPMENT_NODE");
    }

    @Test
    void hasTheFiveServices() {
        assertThat(servicesMissing(compose)).as("services missing from docker-compose.yml").isEmpty();
    }

    @Test
    void everyImageHasAnExplicitTagThatIsNotLatest() {
        assertThat(unpinnedImages(compose)).as("images without an explicit, non-latest tag").isEmpty();
    }

    @Test
    void everyBuildTargetIsAStageOfTheDockerfile() {
        assertThat(unknownBuildTargets(compose)).as("build targets that are no stage of the Dockerfile %s", dockerfileStages).isEmpty();
    }

    @Test
    void everyDependencyIsAServiceWithAValidCondition() {
        assertThat(badDependencies(compose)).as("depends_on entries that name no service or no valid condition %s", CONDITIONS)
                .isEmpty();
        assertThat(compose.at("/services/manager/depends_on/contracts/condition").asText())
                .as("the manager starts once the contracts are deployed").isEqualTo("service_completed_successfully");
    }

    @Test
    void everyEpmVariableIsOneReferenceConfDeclares() {
        assertThat(undeclaredEpmVariables(compose)).as("EPM_ variables that reference.conf does not declare as ${?EPM_...}").isEmpty();
    }

    @Test
    void everyNamedVolumeIsDeclared() {
        assertThat(undeclaredVolumes(compose)).as("named volumes used by a service but not declared under volumes:").isEmpty();
    }

    @Test
    void theCommandsParseWithTheRealCommandLineAndShareTheContractsFile() {
        assertThat(commandProblems(compose)).as("problems of the manager's and the contracts service's commands").isEmpty();
    }

    @Test
    void theChainSettingsPointAtTheAnvilService() {
        assertThat(chainProblems(compose)).as("problems of the anvil service and the RPC URL and key that use it").isEmpty();
    }

    @Test
    void theManagersEnvironmentWithADeployOutputIsAValidConfiguration() {
        final Map<String, String> environment = environment(compose.at("/services/manager"));
        final var deployOutput = ConfigFactory.parseString("""
                epm.l1 { contract-address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
                         verifier-address = "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853" }""");

        final var config = deployOutput.withFallback(ConfigFactory.parseMap(environment))
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
        final ManagerSettings settings = ManagerSettings.from(config);

        assertThat(LocalInfrastructure.SandboxSettings.from(config).developmentNode())
                .as("EPM_SANDBOX_DEVELOPMENT_NODE: the demo needs the local chain").isTrue();
        assertThat(settings.l1().rpcUrl()).contains("http://anvil:8545");
        assertThat(settings.kafka().bootstrapServers()).as("Kafka is the kafka service").isPresent();
        assertThat(settings.database().url()).as("PostgreSQL is the postgres service").isPresent();
    }

    @Test
    void theTwoInstancesAreOneDeploymentEachWithItsOwnIdStateAndPort() {
        assertThat(instanceProblems(compose)).as("problems of the two manager instances").isEmpty();
        assertThat(compose.at("/services/manager-2/build/target").asText()).as("the second instance is the production service")
                .isEqualTo("manager");
    }

    @Test
    void theSecondInstancesEnvironmentWithADeployOutputIsAValidConfiguration() {
        final var deployOutput = ConfigFactory.parseString("""
                epm.l1 { contract-address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
                         verifier-address = "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853" }""");
        final var config = deployOutput.withFallback(ConfigFactory.parseMap(environment(compose.at("/services/manager-2"))))
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();

        final ManagerSettings settings = ManagerSettings.from(config);

        assertThat(settings.l1().rpcUrl()).contains("http://anvil:8545");
        assertThat(settings.kafka().bootstrapServers()).contains("kafka:9092");
        assertThat(settings.database().url()).contains("jdbc:postgresql://postgres:5432/postgres");
    }

    @Test
    void typicalBreaksOfTheFileAreReported() {
        final Map<String, Break> breaks = new LinkedHashMap<>();
        breaks.put("anvil service removed", new Break("service anvil is missing",
                c -> services(c).remove("anvil")));
        breaks.put("postgres:latest", new Break("postgres: image 'postgres:latest'",
                c -> service(c, "postgres").put("image", "postgres:latest")));
        breaks.put("kafka without a tag", new Break("kafka: image 'apache/kafka'",
                c -> service(c, "kafka").put("image", "apache/kafka")));
        breaks.put("build target misspelt", new Break("build target 'anvill'",
                c -> object(c, "anvil", "/build").put("target", "anvill")));
        breaks.put("depends_on an unknown service", new Break("'kafak', which is no service",
                c -> object(c, "manager", "/depends_on").set("kafak", object(c, "manager", "/depends_on/kafka"))));
        breaks.put("invalid condition", new Break("invalid condition 'service_completed'",
                c -> object(c, "manager", "/depends_on/contracts").put("condition", "service_completed")));
        breaks.put("undeclared EPM_ variable", new Break("EPM_L1_RPC_ULR is not declared",
                c -> object(c, "manager", "/environment").put("EPM_L1_RPC_ULR", "http://anvil:8545")));
        breaks.put("undeclared volume", new Break("undeclared volume chain-cfg",
                c -> array(c, "contracts", "/volumes").set(0, TextNode.valueOf("chain-cfg:/var/lib/eth-proof-manager/chain"))));
        breaks.put("contracts mounted elsewhere", new Break("not on one named volume",
                c -> array(c, "contracts", "/volumes").set(0, TextNode.valueOf("chain-config:/chain"))));
        breaks.put("other output path", new Break("but the manager reads --config",
                c -> array(c, "contracts", "/command").set(4, TextNode.valueOf("/var/lib/eth-proof-manager/chain/other.conf"))));
        breaks.put("unknown manager option", new Break("manager: the command does not parse",
                c -> array(c, "manager", "/command").set(2, TextNode.valueOf("--demo-batch"))));
        breaks.put("no default for an interpolated variable", new Break("${EPM_DEMO_BATCHES} has no default",
                c -> array(c, "manager", "/command").set(3, TextNode.valueOf("${EPM_DEMO_BATCHES}"))));
        breaks.put("RPC URL on another port", new Break("'http://anvil:8546' is not the anvil service",
                c -> object(c, "manager", "/environment").put("EPM_L1_RPC_URL", "http://anvil:8546")));
        breaks.put("contracts deployed to another host", new Break("'http://localhost:8545' is not the anvil service",
                c -> array(c, "contracts", "/command").set(2, TextNode.valueOf("http://localhost:8545"))));
        breaks.put("anvil on another chain id", new Break("anvil runs chain id 1,",
                c -> array(c, "anvil", "/command").set(5, TextNode.valueOf("1"))));
        breaks.put("both instances with one instance id", new Break("share the instance id manager-1",
                c -> object(c, "manager-2", "/environment").put("EPM_KAFKA_INSTANCE_ID", "manager-1")));
        breaks.put("another application id", new Break("application ids differ",
                c -> object(c, "manager-2", "/environment").put("EPM_KAFKA_APPLICATION_ID", "other")));
        breaks.put("blobs not shared", new Break("rollup blobs are not on one shared volume",
                c -> array(c, "manager-2", "/volumes").set(2, TextNode.valueOf("blobs-2:" + DATA + "/blobs"))));
        breaks.put("one Streams state volume", new Break("share the data volume manager-data",
                c -> array(c, "manager-2", "/volumes").set(0, TextNode.valueOf("manager-data:" + DATA))));
        breaks.put("one host port", new Break("both publish host port 8080",
                c -> array(c, "manager-2", "/ports").set(0, TextNode.valueOf("8080:8080"))));
        breaks.put("second instance's option misspelt", new Break("manager-2: the command does not parse",
                c -> array(c, "manager-2", "/command").set(0, TextNode.valueOf("--conf"))));
        breaks.put("second instance reads another file", new Break("manager-2 reads --config /elsewhere.conf",
                c -> array(c, "manager-2", "/command").set(1, TextNode.valueOf("/elsewhere.conf"))));
        breaks.put("submitter key of another account", new Break("EPM_L1_SUBMITTER_PRIVATE_KEY is not the key",
                c -> object(c, "manager", "/environment").put("EPM_L1_SUBMITTER_PRIVATE_KEY",
                        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")));

        assertThat(allProblems(compose)).as("the real file has no problem").isEmpty();
        breaks.forEach((name, fault) -> {
            final ObjectNode broken = compose.deepCopy();
            fault.change().accept(broken);
            assertThat(allProblems(broken)).as("problems reported for the break '%s'", name)
                    .anySatisfy(problem -> assertThat(problem).contains(fault.reported()));
        });
    }

    /** A change that breaks the file, and what the report of it contains. */
    private record Break(String reported, Consumer<ObjectNode> change) {
    }

    // ---- the checks, each a list of problems in words ----

    private static List<String> allProblems(final JsonNode c) {
        final List<String> problems = new ArrayList<>();
        problems.addAll(servicesMissing(c));
        problems.addAll(unpinnedImages(c));
        problems.addAll(unknownBuildTargets(c));
        problems.addAll(badDependencies(c));
        problems.addAll(undeclaredEpmVariables(c));
        problems.addAll(undeclaredVolumes(c));
        problems.addAll(commandProblems(c));
        problems.addAll(chainProblems(c));
        problems.addAll(instanceProblems(c));
        return problems;
    }

    private static List<String> servicesMissing(final JsonNode c) {
        final Set<String> missing = new TreeSet<>(SERVICES);
        c.path("services").fieldNames().forEachRemaining(missing::remove);
        return missing.stream().map(name -> "service " + name + " is missing").toList();
    }

    private static List<String> unpinnedImages(final JsonNode c) {
        final List<String> problems = new ArrayList<>();
        c.path("services").fields().forEachRemaining(service -> {
            final JsonNode image = service.getValue().get("image");
            if (image == null) {
                return;
            }
            final String reference = image.asText();
            final String lastPart = reference.substring(reference.lastIndexOf('/') + 1);
            final int colon = lastPart.indexOf(':');
            final String tag = colon < 0 ? "" : lastPart.substring(colon + 1);
            if (!reference.contains("@sha256:") && (tag.isEmpty() || tag.equals("latest"))) {
                problems.add(service.getKey() + ": image '" + reference + "' has no explicit tag other than latest");
            }
        });
        return problems;
    }

    private static List<String> unknownBuildTargets(final JsonNode c) {
        final List<String> problems = new ArrayList<>();
        c.path("services").fields().forEachRemaining(service -> {
            final JsonNode target = service.getValue().path("build").get("target");
            if (target != null && !dockerfileStages.contains(target.asText())) {
                problems.add(service.getKey() + ": build target '" + target.asText() + "' is no stage of the Dockerfile "
                        + dockerfileStages);
            }
        });
        return problems;
    }

    private static List<String> badDependencies(final JsonNode c) {
        final List<String> problems = new ArrayList<>();
        final Set<String> services = new TreeSet<>();
        c.path("services").fieldNames().forEachRemaining(services::add);
        c.path("services").fields().forEachRemaining(service -> {
            final JsonNode dependsOn = service.getValue().path("depends_on");
            final Map<String, String> conditions = new LinkedHashMap<>();
            if (dependsOn.isArray()) {
                dependsOn.forEach(name -> conditions.put(name.asText(), "service_started"));
            } else {
                dependsOn.fields().forEachRemaining(d -> conditions.put(d.getKey(), d.getValue().path("condition").asText("service_started")));
            }
            conditions.forEach((name, condition) -> {
                if (!services.contains(name)) {
                    problems.add(service.getKey() + " depends on '" + name + "', which is no service");
                }
                if (!CONDITIONS.contains(condition)) {
                    problems.add(service.getKey() + " depends on " + name + " with the invalid condition '" + condition + "'");
                }
            });
        });
        return problems;
    }

    private static List<String> undeclaredEpmVariables(final JsonNode c) {
        final List<String> problems = new ArrayList<>();
        c.path("services").fields().forEachRemaining(service -> environment(service.getValue()).keySet().stream()
                .filter(name -> name.startsWith("EPM_") && !declaredEnv.contains(name))
                .forEach(name -> problems.add(service.getKey() + ": " + name + " is not declared in reference.conf")));
        return problems;
    }

    private static List<String> undeclaredVolumes(final JsonNode c) {
        final Set<String> declared = new TreeSet<>();
        c.path("volumes").fieldNames().forEachRemaining(declared::add);
        final List<String> problems = new ArrayList<>();
        c.path("services").fields().forEachRemaining(service -> mounts(service.getValue()).values().stream()
                .filter(source -> !declared.contains(source))
                .forEach(source -> problems.add(service.getKey() + " mounts the undeclared volume " + source)));
        return problems;
    }

    private static List<String> commandProblems(final JsonNode c) {
        final List<String> problems = new ArrayList<>();
        final Optional<ParseResult> contracts = parse(c, "contracts", problems);
        final Optional<ParseResult> manager = parse(c, "manager", problems);
        if (contracts.isEmpty() || manager.isEmpty()) {
            return problems;
        }
        final ParseResult deploy = contracts.get().subcommand();
        if (deploy == null || !deploy.commandSpec().name().equals("deploy-contracts")) {
            problems.add("contracts: the command is not deploy-contracts");
            return problems;
        }
        final Path output = deploy.matchedOptionValue("--output", (Path) null);
        final Path config = manager.get().matchedOptionValue("--config", (Path) null);
        if (output == null || config == null) {
            problems.add("contracts needs --output and the manager --config (got " + output + " and " + config + ")");
            return problems;
        }
        if (!output.equals(config)) {
            problems.add("contracts writes " + output + " but the manager reads --config " + config);
        }
        final Optional<Map.Entry<String, String>> written = volumeHolding(c.at("/services/contracts"), output);
        final Optional<Map.Entry<String, String>> read = volumeHolding(c.at("/services/manager"), config);
        if (written.isEmpty() || read.isEmpty() || !written.equals(read)) {
            problems.add("the contracts file is not on one named volume both services mount at the same path: contracts "
                    + written.map(Object::toString).orElse("none") + ", manager " + read.map(Object::toString).orElse("none"));
        }
        return problems;
    }

    private static List<String> chainProblems(final JsonNode c) {
        final List<String> problems = new ArrayList<>();
        final JsonNode anvil = c.at("/services/anvil");
        if (anvil.isMissingNode()) {
            return List.of("no anvil service");
        }
        final List<String> command = command(anvil);
        final String chainId = option(command, "--chain-id").orElse("31337");
        if (!chainId.equals(Long.toString(LocalChain.DEFAULT_CHAIN_ID))) {
            problems.add("anvil runs chain id " + chainId + ", not the local chain's " + LocalChain.DEFAULT_CHAIN_ID
                    + " that the embedded chain and the `network` subcommand use");
        }
        if (!option(command, "--host").orElse("127.0.0.1").equals("0.0.0.0")) {
            problems.add("anvil does not listen on 0.0.0.0, so other containers cannot reach it");
        }
        final int port = Integer.parseInt(option(command, "--port").orElse(Integer.toString(ANVIL_DEFAULT_PORT)));
        final Map<String, String> managerEnv = environment(c.at("/services/manager"));
        final List<String> urls = new ArrayList<>();
        urls.add(managerEnv.getOrDefault("EPM_L1_RPC_URL", ""));
        urls.add(option(command(c.at("/services/contracts")), "--rpc-url").orElse(""));
        for (final String url : urls) {
            final URI uri = URI.create(interpolate(url));
            if (!"anvil".equals(uri.getHost()) || uri.getPort() != port) {
                problems.add("the RPC URL '" + url + "' is not the anvil service's anvil:" + port);
            }
        }
        final List<String> deploy = command(c.at("/services/contracts"));
        if (option(deploy, "--deployer-key").isEmpty() && option(deploy, "--submitter-address").isEmpty()) {
            final String key = managerEnv.getOrDefault("EPM_L1_SUBMITTER_PRIVATE_KEY", "");
            if (key.isEmpty() || !Credentials.create(key).getAddress().equals(LocalChain.submitterAccount().getAddress())) {
                problems.add("EPM_L1_SUBMITTER_PRIVATE_KEY is not the key of the submitter deploy-contracts sets"
                        + " (development account 0)");
            }
        }
        return problems;
    }

    /**
     * The instances are one deployment (same application id, Kafka, database and L1; the second instance's production
     * command line reads the contracts file the first one reads), each with its own instance id, data volume (Streams
     * state) and host port, and both see the blob stores on one shared volume at the same path.
     */
    private static List<String> instanceProblems(final JsonNode c) {
        final List<String> problems = new ArrayList<>();
        final Map<String, Map<String, String>> env = new LinkedHashMap<>();
        INSTANCES.forEach(name -> env.put(name, environment(c.at("/services/" + name))));
        for (final String key : List.of("EPM_KAFKA_APPLICATION_ID", "EPM_KAFKA_BOOTSTRAP_SERVERS", "EPM_DATABASE_URL",
                "EPM_L1_RPC_URL", "EPM_ROLLUP_BLOBS_PATH", "EPM_PUBLIC_BLOBS_PATH")) {
            final Set<String> values = new TreeSet<>();
            env.values().forEach(e -> values.add(e.getOrDefault(key, "")));
            if (values.size() != 1 || values.contains("")) {
                problems.add(key.equals("EPM_KAFKA_APPLICATION_ID") ? "the instances' application ids differ or are unset: " + values
                        : "the instances' " + key + " differ or are unset: " + values);
            }
        }
        final Map<String, String> instanceIds = new LinkedHashMap<>();
        final Map<String, String> dataVolumes = new LinkedHashMap<>();
        final Map<String, String> hostPorts = new LinkedHashMap<>();
        for (final String name : INSTANCES) {
            final JsonNode service = c.at("/services/" + name);
            final String id = env.get(name).getOrDefault("EPM_KAFKA_INSTANCE_ID", "");
            if (id.isBlank()) {
                problems.add(name + " has no EPM_KAFKA_INSTANCE_ID");
            } else if (instanceIds.containsKey(id)) {
                problems.add(instanceIds.get(id) + " and " + name + " share the instance id " + id);
            }
            instanceIds.putIfAbsent(id, name);
            final String data = mounts(service).getOrDefault(DATA, "");
            if (data.isEmpty()) {
                problems.add(name + " mounts no named volume at " + DATA);
            } else if (dataVolumes.containsKey(data)) {
                problems.add(dataVolumes.get(data) + " and " + name + " share the data volume " + data + " (Streams state)");
            }
            dataVolumes.putIfAbsent(data, name);
            service.path("ports").forEach(port -> {
                final String host = port.asText().split(":")[0];
                if (hostPorts.containsKey(host)) {
                    problems.add(hostPorts.get(host) + " and " + name + " both publish host port " + host);
                }
                hostPorts.putIfAbsent(host, name);
            });
        }
        final String rollupBlobs = env.get("manager").getOrDefault("EPM_ROLLUP_BLOBS_PATH", "");
        final Set<Optional<Map.Entry<String, String>>> blobVolumes = new java.util.HashSet<>();
        INSTANCES.forEach(name -> blobVolumes.add(volumeHolding(c.at("/services/" + name), Path.of(rollupBlobs))));
        if (blobVolumes.size() != 1 || blobVolumes.contains(Optional.empty())
                || blobVolumes.iterator().next().get().getKey().equals(dataVolumes.keySet().iterator().next())) {
            problems.add("the rollup blobs are not on one shared volume the instances mount at the same path: " + blobVolumes);
        }
        try {
            final ParseResult second = Main.commandLine(new Main()).parseArgs(
                    command(c.at("/services/manager-2")).stream().map(DockerComposeFileTest::interpolate).toArray(String[]::new));
            final Path config = second.matchedOptionValue("--config", (Path) null);
            final List<String> first = command(c.at("/services/manager"));
            final String firstConfig = option(first, "--config").orElse("");
            if (config == null || !config.equals(Path.of(firstConfig))) {
                problems.add("manager-2 reads --config " + config + ", not the contracts file " + firstConfig);
            } else if (!volumeHolding(c.at("/services/manager-2"), config).equals(volumeHolding(c.at("/services/manager"), config))) {
                problems.add("manager-2 does not mount the contracts file's volume where manager does");
            }
        } catch (final CommandLine.ParameterException | IllegalArgumentException e) {
            problems.add("manager-2: the command does not parse: " + e.getMessage());
        }
        return problems;
    }

    // ---- reading the file ----

    private static Optional<ParseResult> parse(final JsonNode c, final String service, final List<String> problems) {
        final JsonNode node = c.at("/services/" + service);
        if (!node.path("command").isArray()) {
            problems.add(service + ": command is not an array");
            return Optional.empty();
        }
        try {
            final String[] args = command(node).stream().map(DockerComposeFileTest::interpolate).toArray(String[]::new);
            return Optional.of(SandboxMain.commandLine().parseArgs(args));
        } catch (final CommandLine.ParameterException | IllegalArgumentException e) {
            problems.add(service + ": the command does not parse: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Compose's interpolation with every variable unset: {@code ${VAR:-default}} and {@code ${VAR-default}} give the default. */
    private static String interpolate(final String value) {
        final Matcher m = INTERPOLATION.matcher(value);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (m.group(2) == null) {
                throw new IllegalArgumentException("${" + m.group(1) + "} has no default, and is empty unless set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<String> command(final JsonNode service) {
        final List<String> args = new ArrayList<>();
        service.path("command").forEach(arg -> args.add(arg.asText()));
        return args;
    }

    private static Optional<String> option(final List<String> args, final String name) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(name) && i + 1 < args.size()) {
                return Optional.of(args.get(i + 1));
            }
            if (args.get(i).startsWith(name + "=")) {
                return Optional.of(args.get(i).substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> environment(final JsonNode service) {
        final Map<String, String> env = new LinkedHashMap<>();
        final JsonNode node = service.path("environment");
        if (node.isArray()) {
            node.forEach(entry -> {
                final String[] parts = entry.asText().split("=", 2);
                env.put(parts[0], parts.length > 1 ? parts[1] : "");
            });
        } else {
            node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        return env;
    }

    /** A service's named-volume mounts: container path to volume name (bind mounts left out). */
    private static Map<String, String> mounts(final JsonNode service) {
        final Map<String, String> mounts = new LinkedHashMap<>();
        service.path("volumes").forEach(volume -> {
            if (volume.isTextual()) {
                final String[] parts = volume.asText().split(":");
                if (parts.length >= 2 && !parts[0].startsWith(".") && !parts[0].startsWith("/") && !parts[0].startsWith("~")) {
                    mounts.put(parts[1], parts[0]);
                }
            } else if ("volume".equals(volume.path("type").asText("volume")) && volume.has("source")) {
                mounts.put(volume.path("target").asText(), volume.path("source").asText());
            }
        });
        return mounts;
    }

    /** The named volume (name to mount path) that holds {@code file} in the service: the mount with the longest path. */
    private static Optional<Map.Entry<String, String>> volumeHolding(final JsonNode service, final Path file) {
        return mounts(service).entrySet().stream()
                .filter(mount -> file.startsWith(Path.of(mount.getKey())))
                .max(java.util.Comparator.comparingInt(mount -> Path.of(mount.getKey()).getNameCount()))
                .map(mount -> Map.entry(mount.getValue(), mount.getKey()));
    }

    private static ObjectNode services(final ObjectNode c) {
        return (ObjectNode) c.get("services");
    }

    private static ObjectNode service(final ObjectNode c, final String name) {
        return (ObjectNode) services(c).get(name);
    }

    private static ObjectNode object(final ObjectNode c, final String service, final String pointer) {
        return (ObjectNode) service(c, service).at(pointer);
    }

    private static ArrayNode array(final ObjectNode c, final String service, final String pointer) {
        return (ArrayNode) service(c, service).at(pointer);
    }

    private static Set<String> matches(final Pattern pattern, final String text) {
        final Set<String> found = new TreeSet<>();
        final Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("Dockerfile"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docker-compose.yml with a Dockerfile in " + Path.of("").toAbsolutePath() + " or above");
    }
}
