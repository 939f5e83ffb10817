package io.ethproofmanager.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.ethproofmanager.connectors.settings.ReferenceSettings;
import io.ethproofmanager.connectors.settings.SettingsReader;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.TopicNames;
import io.ethproofmanager.topology.DeadlinePolicy;
import io.ethproofmanager.topology.ProofRequestPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The service's own settings, read once at start from every {@code reference.conf} on the class path (the documented
 * defaults: this module's for the service, connectors' for each component's block), an optional file, and environment
 * variables; a bad value fails the start with the key's path and environment variable ({@link SettingsReader}). The
 * components read their own blocks of {@link #config()} when the service starts them ({@code ReadinessSettings.from}, ...).
 *
 * @param config the resolved configuration the settings were read from, every component's block included
 */
public record ManagerSettings(
        List<RollupChain> chains,
        ProtocolVersion protocolVersion,
        Kafka kafka,
        Database database,
        ProofRequest proofRequest,
        L1 l1,
        DeadlinePolicy deadlines,
        int httpPort,
        Optional<Path> dataDir,
        Config config) {

    public ManagerSettings {
        chains = List.copyOf(chains);
        if (chains.isEmpty()) {
            throw new IllegalArgumentException("at least one rollup chain");
        }
    }

    /**
     * One rollup chain the deployment serves ({@code epm.chains}, or the single chain of {@code epm.chain-id}): its id,
     * where its {@code proof_generation_details} is, and its blob stores; a filesystem rollup store without a path is
     * {@code <data dir>/<defaultRollupDirectory>}.
     */
    public record RollupChain(long id, RollupDatabase proofGenerationDetails, BlobStore rollupBlobs, BlobStore publicBlobs,
            Path defaultRollupDirectory) {
    }

    /**
     * Where a chain's {@code proof_generation_details} is: the manager's database ({@code epm.database}) when {@code url}
     * is empty, else a database of its own; in {@code schema}, or the connection's search path when empty. The password
     * is kept out of {@link #toString()}.
     */
    public record RollupDatabase(Optional<String> url, String user, String password, Optional<String> schema) {

        @Override
        public String toString() {
            return "RollupDatabase[" + url.orElse("the manager's database") + ", schema " + schema.orElse("(search path)") + "]";
        }
    }

    /** The first configured chain's id: the single chain of a one-chain deployment. */
    public long chainId() {
        return chains.getFirst().id();
    }

    /** The first configured chain's rollup blob store. */
    public BlobStore rollupBlobs() {
        return chains.getFirst().rollupBlobs();
    }

    /** The first configured chain's public blob store. */
    public BlobStore publicBlobs() {
        return chains.getFirst().publicBlobs();
    }

    /**
     * Kafka; the service needs {@code bootstrapServers} ({@link Endpoints}). {@code topicPrefix} empty: the topics are
     * {@code epm.<kind>.v1} under the default application id, {@code <application-id>.<kind>.v1} under any other.
     */
    public record Kafka(Optional<String> bootstrapServers, String applicationId, int partitions, short replicationFactor,
            Optional<Path> stateDir, Optional<String> instanceId, int standbyReplicas, Duration roleSessionTimeout,
            Optional<String> topicPrefix) {

        /** The deployment's topic names: the prefix set, or the one its application id implies. */
        public TopicNames topics() {
            return new TopicNames(topicPrefix.orElseGet(() -> applicationId.equals(defaultApplicationId())
                    ? TopicNames.DEFAULT_PREFIX : applicationId));
        }

        private static String defaultApplicationId() {
            return ReferenceSettings.keys().get("epm.kafka.application-id").defaultValue();
        }
    }

    /** PostgreSQL; the service needs {@code url} ({@link Endpoints}). */
    public record Database(Optional<String> url, String user, String password, int poolSize, boolean createRollupTables) {
    }

    /** One blob store: a directory or a GCS bucket. */
    public record BlobStore(String type, Optional<Path> path, Optional<String> bucket, Optional<String> publicUrlBase) {

        public boolean isGcs() {
            return "gcs".equals(type);
        }
    }

    /** The parameters of every proof request. */
    public record ProofRequest(Duration timeoutAfter, long maxRewardMicroUsdc) {
    }

    /**
     * Where the settlement chain is ({@code epm.l1}'s endpoints; the L1 components read the rest of the block). The service
     * needs every endpoint ({@link Endpoints}); with {@code rpcUrl}, the contract addresses and the submitter key are
     * required together. An empty {@code startBlock} means the contract's deployment block, read from the node. The
     * submitter key is kept out of {@link #toString()}.
     */
    public record L1(Optional<String> rpcUrl, Optional<String> contractAddress, Optional<String> verifierAddress,
            Optional<String> submitterPrivateKey, Optional<Long> startBlock) {

        @Override
        public String toString() {
            return "L1[rpcUrl=" + rpcUrl.orElse("none") + ", contract=" + contractAddress.orElse("none") + ", startBlock="
                    + startBlock.map(String::valueOf).orElse("deployment block") + "]";
        }
    }

    /** The service's settings, without {@link #config()} (which holds the submitter key). */
    @Override
    public String toString() {
        return "ManagerSettings[chains=" + chains + ", protocolVersion=" + protocolVersion + ", kafka=" + kafka + ", database="
                + database.url().orElse("none") + ", proofRequest="
                + proofRequest + ", l1=" + l1 + ", deadlines=" + deadlines + ", httpPort=" + httpPort + ", dataDir="
                + dataDir.map(Path::toString).orElse("temporary") + "]";
    }

    /** These settings with another proving deadline for proof requests. */
    public ManagerSettings withProofTimeout(final Duration timeoutAfter) {
        return new ManagerSettings(chains, protocolVersion, kafka, database,
                new ProofRequest(timeoutAfter, proofRequest.maxRewardMicroUsdc()), l1, deadlines, httpPort, dataDir, config);
    }

    /** These settings with another port for the health, metrics and status endpoints (0: a free port). */
    public ManagerSettings withHttpPort(final int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        return new ManagerSettings(chains, protocolVersion, kafka, database, proofRequest, l1, deadlines, port, dataDir, config);
    }

    /** Loads the settings: {@code file} (when given) over environment variables over {@code reference.conf}. */
    public static ManagerSettings load(final Optional<Path> file) {
        return from(loadConfig(file));
    }

    /**
     * The resolved configuration behind {@link #load}: {@code file} (when given) over environment variables over every
     * {@code reference.conf} on the class path.
     */
    public static Config loadConfig(final Optional<Path> file) {
        ConfigFactory.invalidateCaches();
        Config config = ConfigFactory.defaultReference();
        if (file.isPresent()) {
            if (!Files.isReadable(file.get())) {
                throw new IllegalArgumentException("configuration file " + file.get() + " does not exist or is not readable");
            }
            config = ConfigFactory.parseFile(file.get().toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
                    .withFallback(config);
        }
        return config.resolve();
    }

    /** Reads the service's keys of a resolved config. */
    public static ManagerSettings from(final Config root) {
        final SettingsReader settings = SettingsReader.of(root);
        final Database database = new Database(
                settings.optionalText("epm.database.url"),
                settings.text("epm.database.user"),
                settings.text("epm.database.password"),
                settings.positiveInt("epm.database.pool-size"),
                settings.bool("epm.database.create-rollup-tables"));
        return new ManagerSettings(
                RollupChains.read(root, settings, database),
                settings.parsed("epm.protocol-version", "a version major.minor.patch (0.28.0)", false, ProtocolVersion::parse),
                new Kafka(
                        settings.optionalText("epm.kafka.bootstrap-servers"),
                        settings.requiredText("epm.kafka.application-id"),
                        settings.positiveInt("epm.kafka.partitions"),
                        (short) settings.intBetween("epm.kafka.replication-factor", 1, Short.MAX_VALUE),
                        settings.optionalText("epm.kafka.state-dir").map(Path::of),
                        settings.optionalText("epm.kafka.instance-id"),
                        settings.intBetween("epm.kafka.standby-replicas", 0, 10),
                        settings.durationBetween("epm.kafka.role-session-timeout", Duration.ofSeconds(1), Duration.ofMinutes(30)),
                        settings.optionalText("epm.kafka.topic-prefix").map(prefix -> settings.parsed("epm.kafka.topic-prefix",
                                "1 to 150 of a-z A-Z 0-9 . _ - not ending with '.'", false, TopicNames::new).prefix())),
                database,
                proofRequest(settings),
                l1(settings),
                new DeadlinePolicy(settings.positiveDuration("epm.deadlines.not-picked-up"),
                        settings.positiveDuration("epm.deadlines.acknowledge"),
                        settings.positiveDuration("epm.deadlines.max-proving")),
                settings.intBetween("epm.http.port", 0, 65_535),
                settings.optionalText("epm.data-dir").map(Path::of),
                root);
    }

    /** The proof requests' parameters, within the contract's bounds ({@link ProofRequestPolicy}). */
    private static ProofRequest proofRequest(final SettingsReader settings) {
        final Duration timeoutAfter = settings.durationBetween("epm.proof-request.timeout-after",
                ProofRequestPolicy.MIN_TIMEOUT_EXCLUSIVE.plusSeconds(1), ProofRequestPolicy.MAX_TIMEOUT);
        return new ProofRequest(timeoutAfter, settings.longBetween("epm.proof-request.max-reward",
                ProofRequestPolicy.MIN_REWARD_MICRO_USDC, ProofRequestPolicy.MAX_REWARD_MICRO_USDC));
    }

    /** The blob store of {@code block} ({@code type}, {@code path}, {@code bucket}, for public ones {@code public-url-base}). */
    static BlobStore blobStore(final SettingsReader settings, final String block) {
        final String type = settings.oneOf(block + ".type", "filesystem", "gcs");
        final Optional<String> bucket = settings.optionalText(block + ".bucket");
        if (type.equals("gcs") && bucket.isEmpty()) {
            throw SettingsReader.invalid(block + ".bucket", "is required when " + block + ".type = gcs");
        }
        final Optional<String> urlBase = block.endsWith(".public") ? settings.optionalText(block + ".public-url-base") : Optional.empty();
        return new BlobStore(type, settings.optionalText(block + ".path").map(Path::of), bucket, urlBase);
    }

    private static L1 l1(final SettingsReader settings) {
        final Optional<String> rpcUrl = settings.optionalText("epm.l1.rpc-url");
        final Optional<String> contract = settings.optionalText("epm.l1.contract-address");
        final Optional<String> verifier = settings.optionalText("epm.l1.verifier-address");
        final Optional<String> key = settings.optionalText("epm.l1.submitter-private-key")
                .or(() -> settings.textList("epm.l1.submitter-keys", true).stream().findFirst());
        if (rpcUrl.isPresent() && (contract.isEmpty() || key.isEmpty() || verifier.isEmpty())) {
            throw new IllegalArgumentException("invalid configuration: " + SettingsReader.describeAll(List.of(
                    "epm.l1.contract-address", "epm.l1.verifier-address", "epm.l1.submitter-private-key"))
                    + " are required when " + SettingsReader.describe("epm.l1.rpc-url") + " is set");
        }
        final Optional<Long> startBlock = settings.optionalText("epm.l1.start-block").isEmpty() ? Optional.empty()
                : Optional.of(settings.parsed("epm.l1.start-block", "a block number (0 or more) or empty", false,
                        ManagerSettings::blockNumber));
        return new L1(rpcUrl, contract, verifier, key, startBlock);
    }

    private static long blockNumber(final String text) {
        final long block = Long.parseLong(text);
        if (block < 0) {
            throw new IllegalArgumentException("negative block " + block);
        }
        return block;
    }
}
