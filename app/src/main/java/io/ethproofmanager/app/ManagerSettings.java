package io.ethproofmanager.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.ethproofmanager.schemas.ProtocolVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Every setting of the manager, read once at start from {@code reference.conf} (the documented defaults), an optional
 * file, and environment variables; a bad value fails the start with the key's name.
 */
public record ManagerSettings(
        long chainId,
        ProtocolVersion protocolVersion,
        Kafka kafka,
        Database database,
        BlobStore rollupBlobs,
        BlobStore publicBlobs,
        String publicKeyTemplate,
        Readiness readiness,
        ProofRequest proofRequest,
        PostgresSink postgresSink,
        L1 l1,
        io.ethproofmanager.topology.DeadlinePolicy deadlines,
        int maxProofBytes,
        Proofs proofs,
        int httpPort,
        Optional<Path> dataDir) {

    /** Kafka; the service needs {@code bootstrapServers} ({@link Endpoints}). */
    public record Kafka(Optional<String> bootstrapServers, String applicationId, int partitions, short replicationFactor,
            Optional<Path> stateDir) {
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

    /** The readiness checker's pace, and the largest proof inputs it copies. */
    public record Readiness(Duration pollInterval, int batchLimit, Duration retryBackoffMin, Duration retryBackoffMax,
            long maxInputsBytes) {
    }

    /**
     * How received proofs are validated: the kind of the L1 verifier ({@code plain}: the 24 FFLONK words; {@code dual}:
     * the verifier type word first), the proof variants accepted, and the query of the rollup's batch commitments that
     * the public input must follow from (empty: the proof's own public input is used); and whether valid proofs and
     * fallbacks are handed back to the rollup (its blob store and {@code proof_generation_details}), valid proofs under
     * {@code handoffProofKeyTemplate}.
     */
    public record Proofs(io.ethproofmanager.connectors.proof.VerifierKind verifierKind, java.util.Set<String> acceptedVariants,
            Optional<String> commitmentsQuery, boolean handoff, String handoffProofKeyTemplate) {
    }

    /** The parameters of every proof request. */
    public record ProofRequest(Duration timeoutAfter, long maxRewardMicroUsdc) {
    }

    /** The Postgres sink's batching and retries. */
    public record PostgresSink(int maxBatchSize, Duration pollTimeout, Duration retryBackoffMin, Duration retryBackoffMax) {
    }

    /**
     * The settlement chain. The service needs every endpoint ({@link Endpoints}); with {@code rpcUrl}, the contract
     * addresses and the submitter key are required together. An empty {@code startBlock} means the contract's deployment
     * block, read from the node. The submitter key is kept out of {@link #toString()}.
     */
    public record L1(Optional<String> rpcUrl, Optional<String> contractAddress,
            Optional<String> verifierAddress, Optional<String> submitterPrivateKey, int confirmations, Duration pollInterval, int maxBlockRange,
            Optional<Long> startBlock, int reorgWindow, java.math.BigInteger maxFeePerGasCap, java.math.BigInteger priorityFee,
            long gasLimit, Duration receiptTimeout, int maxAttempts) {

        @Override
        public String toString() {
            return "L1[rpcUrl=" + rpcUrl.orElse("none") + ", contract=" + contractAddress.orElse("none")
                    + ", confirmations=" + confirmations + ", maxFeePerGasCap=" + maxFeePerGasCap + "]";
        }
    }

    /** These settings with another proving deadline for proof requests. */
    public ManagerSettings withProofTimeout(final Duration timeoutAfter) {
        return new ManagerSettings(chainId, protocolVersion, kafka, database, rollupBlobs, publicBlobs, publicKeyTemplate, readiness,
                new ProofRequest(timeoutAfter, proofRequest.maxRewardMicroUsdc()), postgresSink, l1, deadlines, maxProofBytes,
                proofs, httpPort, dataDir);
    }

    /** These settings with another port for the health, metrics and status endpoints (0: a free port). */
    public ManagerSettings withHttpPort(final int port) {
        return new ManagerSettings(chainId, protocolVersion, kafka, database, rollupBlobs, publicBlobs, publicKeyTemplate, readiness,
                proofRequest, postgresSink, l1, deadlines, maxProofBytes, proofs, port(port), dataDir);
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

    /** Reads the {@code epm} block of a resolved config. */
    public static ManagerSettings from(final Config root) {
        try {
            final Config c = root.getConfig("epm");
            return new ManagerSettings(
                    positive(c, "chain-id", c.getLong("chain-id")),
                    protocolVersion(c),
                    kafka(c.getConfig("kafka")),
                    database(c.getConfig("database")),
                    blobStore(c.getConfig("blob-stores.rollup"), "epm.blob-stores.rollup"),
                    blobStore(c.getConfig("blob-stores.public"), "epm.blob-stores.public"),
                    c.getString("blob-stores.public.key-template"),
                    readiness(c.getConfig("readiness")),
                    new ProofRequest(c.getDuration("proof-request.timeout-after"), c.getLong("proof-request.max-reward")),
                    postgresSink(c.getConfig("postgres-sink")),
                    l1(c.getConfig("l1")),
                    new io.ethproofmanager.topology.DeadlinePolicy(c.getDuration("deadlines.not-picked-up"),
                            c.getDuration("deadlines.acknowledge"), c.getDuration("deadlines.max-proving")),
                    maxProofBytes(c),
                    proofs(c),
                    port(c.getInt("http.port")),
                    optionalPath(c.getString("data-dir")));
        } catch (final ConfigException e) {
            throw new IllegalArgumentException("invalid configuration: " + e.getMessage(), e);
        }
    }

    private static ProtocolVersion protocolVersion(final Config c) {
        try {
            return ProtocolVersion.parse(c.getString("protocol-version"));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid configuration: epm.protocol-version: " + e.getMessage(), e);
        }
    }

    private static Kafka kafka(final Config c) {
        return new Kafka(
                optionalText(c.getString("bootstrap-servers")),
                c.getString("application-id"),
                (int) positive(c, "partitions", c.getInt("partitions")),
                (short) positive(c, "replication-factor", c.getInt("replication-factor")),
                optionalPath(c.getString("state-dir")));
    }

    private static Database database(final Config c) {
        return new Database(
                optionalText(c.getString("url")),
                c.getString("user"),
                c.getString("password"),
                (int) positive(c, "pool-size", c.getInt("pool-size")),
                c.getBoolean("create-rollup-tables"));
    }

    private static BlobStore blobStore(final Config c, final String where) {
        final String type = c.getString("type");
        if (!type.equals("filesystem") && !type.equals("gcs")) {
            throw new IllegalArgumentException("invalid configuration: " + where + ".type must be filesystem or gcs, was '" + type + "'");
        }
        final Optional<String> bucket = optionalText(c.getString("bucket"));
        if (type.equals("gcs") && bucket.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + where + ".bucket is required when type = gcs");
        }
        final Optional<String> urlBase = c.hasPath("public-url-base") ? optionalText(c.getString("public-url-base")) : Optional.empty();
        return new BlobStore(type, optionalPath(c.getString("path")), bucket, urlBase);
    }

    private static Readiness readiness(final Config c) {
        return new Readiness(c.getDuration("poll-interval"), (int) positive(c, "batch-limit", c.getInt("batch-limit")),
                c.getDuration("retry-backoff-min"), c.getDuration("retry-backoff-max"),
                positive(c, "max-inputs-bytes", c.getBytes("max-inputs-bytes")));
    }

    private static PostgresSink postgresSink(final Config c) {
        return new PostgresSink((int) positive(c, "max-batch-size", c.getInt("max-batch-size")), c.getDuration("poll-timeout"),
                c.getDuration("retry-backoff-min"), c.getDuration("retry-backoff-max"));
    }

    private static L1 l1(final Config c) {
        final Optional<String> rpcUrl = optionalText(c.getString("rpc-url"));
        final Optional<String> contract = optionalText(c.getString("contract-address"));
        final Optional<String> key = optionalText(c.getString("submitter-private-key"));
        final Optional<String> verifier = optionalText(c.getString("verifier-address"));
        if (rpcUrl.isPresent() && (contract.isEmpty() || key.isEmpty() || verifier.isEmpty())) {
            throw new IllegalArgumentException("invalid configuration: epm.l1.contract-address, epm.l1.verifier-address and"
                    + " epm.l1.submitter-private-key are required when epm.l1.rpc-url is set");
        }
        if (c.getInt("confirmations") < 0) {
            throw new IllegalArgumentException("invalid configuration: epm.l1.confirmations must not be negative");
        }
        return new L1(rpcUrl, contract, verifier, key, c.getInt("confirmations"),
                c.getDuration("poll-interval"), (int) positive(c, "max-block-range", c.getInt("max-block-range")),
                startBlock(c.getString("start-block")), (int) positive(c, "reorg-window", c.getInt("reorg-window")),
                new java.math.BigInteger(c.getString("max-fee-per-gas-cap")), new java.math.BigInteger(c.getString("priority-fee")),
                positive(c, "gas-limit", c.getLong("gas-limit")), c.getDuration("receipt-timeout"),
                (int) positive(c, "max-attempts", c.getInt("max-attempts")));
    }

    private static Optional<Long> startBlock(final String value) {
        final Optional<String> text = optionalText(value);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            final long block = Long.parseLong(text.get());
            if (block >= 0) {
                return Optional.of(block);
            }
        } catch (final NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid configuration: epm.l1.start-block (EPM_L1_START_BLOCK) must be a block number"
                + " (0 or more) or empty, was '" + text.get() + "'");
    }

    private static long positive(final Config c, final String key, final long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("invalid configuration: " + c.origin().description() + ": " + key + " must be positive, was " + value);
        }
        return value;
    }

    private static int maxProofBytes(final Config c) {
        final long bytes = positive(c, "proofs.max-bytes", c.getLong("proofs.max-bytes"));
        final int limit = io.ethproofmanager.connectors.source.l1.L1IngesterSettings.MAX_PROOF_BYTES_LIMIT;
        if (bytes > limit) {
            throw new IllegalArgumentException("invalid configuration: proofs.max-bytes must be at most " + limit
                    + " (a proof's hex must fit a 1 MiB Kafka record), was " + bytes);
        }
        return (int) bytes;
    }

    private static Proofs proofs(final Config c) {
        final io.ethproofmanager.connectors.proof.VerifierKind kind;
        try {
            kind = io.ethproofmanager.connectors.proof.VerifierKind.parse(c.getString("l1.verifier-kind"));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid configuration: epm.l1.verifier-kind (EPM_L1_VERIFIER_KIND): " + e.getMessage(), e);
        }
        final java.util.Set<String> variants = new java.util.LinkedHashSet<>();
        for (final String variant : c.getString("proofs.accepted-variants").split(",")) {
            if (variant.isBlank()) {
                continue;
            }
            if (!io.ethproofmanager.contract.proof.L1BatchProofCodec.VARIANTS.contains(variant.trim())) {
                throw new IllegalArgumentException("invalid configuration: epm.proofs.accepted-variants: unknown proof variant '"
                        + variant.trim() + "' (known: " + String.join(", ", io.ethproofmanager.contract.proof.L1BatchProofCodec.VARIANTS) + ")");
            }
            variants.add(variant.trim());
        }
        final String proofKeyTemplate = c.getString("proofs.handoff.proof-key-template");
        if (!proofKeyTemplate.contains("{batch}")) {
            throw new IllegalArgumentException("invalid configuration: epm.proofs.handoff.proof-key-template must contain {batch}, was '"
                    + proofKeyTemplate + "'");
        }
        return new Proofs(kind, java.util.Collections.unmodifiableSet(variants), optionalText(c.getString("proofs.commitments-query")),
                c.getBoolean("proofs.handoff.enabled"), proofKeyTemplate);
    }

    private static int port(final int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("invalid configuration: port must be 0..65535, was " + port);
        }
        return port;
    }

    private static Optional<String> optionalText(final String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static Optional<Path> optionalPath(final String value) {
        return optionalText(value).map(Path::of);
    }
}
