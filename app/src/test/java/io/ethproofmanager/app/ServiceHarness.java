package io.ethproofmanager.app;

import com.typesafe.config.ConfigFactory;
import io.ethproofmanager.devkit.chain.LocalChain;
import io.ethproofmanager.contract.ProofManager;
import io.ethproofmanager.devkit.embedded.EmbeddedKafkaBroker;
import io.ethproofmanager.devkit.embedded.EmbeddedPostgresServer;
import io.ethproofmanager.schemas.FallbackRecord;
import io.ethproofmanager.schemas.Topic;
import io.ethproofmanager.schemas.Topics;
import io.ethproofmanager.schemas.TopicNames;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole manager run as in production, on a broker, a PostgreSQL and a chain that the test owns, so that they outlive
 * a stop and a start of the service: the same application id and data directory make the second start a real restart.
 */
final class ServiceHarness {

    /** The rollup's chain id the service runs with: not the L1's ({@link LocalChain#DEFAULT_CHAIN_ID}). */
    static final long ROLLUP_CHAIN_ID = 271;

    private final EmbeddedKafkaBroker kafka;
    private final EmbeddedPostgresServer postgres;
    private final LocalChain chain;
    private final Path dataDir;
    private final String applicationId = "faults-test-" + UUID.randomUUID();

    private final Map<String, String> extraSettings;

    ServiceHarness(final EmbeddedKafkaBroker kafka, final EmbeddedPostgresServer postgres, final LocalChain chain, final Path dataDir) {
        this(kafka, postgres, chain, dataDir, Map.of());
    }

    /** A harness whose service runs with {@code extraSettings} (keys of reference.conf) over the harness's own. */
    ServiceHarness(final EmbeddedKafkaBroker kafka, final EmbeddedPostgresServer postgres, final LocalChain chain, final Path dataDir,
            final Map<String, String> extraSettings) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.chain = chain;
        this.dataDir = dataDir;
        this.extraSettings = Map.copyOf(extraSettings);
    }

    /** Starts the service on the harness's infrastructure (the chain as a configured, external one). */
    ProofManagerService start() {
        return ProofManagerService.start(settings());
    }

    /**
     * Starts another instance of the same deployment (same application id, database, chain and blob stores) with
     * {@code instanceSettings} over the harness's: e.g. a data directory and an instance id of its own.
     */
    ProofManagerService start(final Map<String, Object> instanceSettings) {
        final Map<String, Object> settings = new HashMap<>(overrides());
        settings.putAll(instanceSettings);
        return ProofManagerService.start(ManagerSettings.from(ConfigFactory.parseMap(settings)
                .withFallback(ConfigFactory.defaultReference()).resolve()));
    }

    LocalChain chain() {
        return chain;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /**
     * Writes the settings {@link #start()} runs with as a file for {@code --config}, so that the manager can run on the
     * harness's infrastructure in a JVM of its own.
     */
    Path writeConfig(final Path file) throws java.io.IOException {
        return writeConfig(file, Map.of());
    }

    /** {@link #writeConfig(Path)} with {@code instanceSettings} over the harness's (another instance of the deployment). */
    Path writeConfig(final Path file, final Map<String, Object> instanceSettings) throws java.io.IOException {
        final Map<String, Object> settings = new HashMap<>(overrides());
        settings.putAll(instanceSettings);
        settings.remove("epm.http.port"); // a file's key would win over EPM_HTTP_PORT, which the process is given
        java.nio.file.Files.writeString(file, ConfigFactory.parseMap(settings).root()
                .render(com.typesafe.config.ConfigRenderOptions.concise().setFormatted(true)));
        return file;
    }

    /** The harness's PostgreSQL, where the manager keeps its tables and the rollup's. */
    DataSource dataSource() {
        return postgres.dataSource();
    }

    /** The rollup's blob store the manager reads proof inputs from: its default directory under the data directory. */
    io.ethproofmanager.connectors.blob.BlobStore rollupBlobs() {
        return new io.ethproofmanager.connectors.blob.FileSystemBlobStore(dataDir.resolve("blobs/rollup"));
    }

    private ManagerSettings settings() {
        return ManagerSettings.from(ConfigFactory.parseMap(overrides()).withFallback(ConfigFactory.defaultReference()).resolve());
    }

    private Map<String, Object> overrides() {
        final Map<String, Object> overrides = new HashMap<>();
        overrides.put("epm.chain-id", ROLLUP_CHAIN_ID);
        overrides.put("epm.kafka.bootstrap-servers", kafka.bootstrapServers());
        overrides.put("epm.kafka.application-id", applicationId);
        // the tests read the topics under their default names
        overrides.put("epm.kafka.topic-prefix", TopicNames.DEFAULT_PREFIX);
        overrides.put("epm.database.url", postgres.jdbcUrl());
        overrides.put("epm.database.user", postgres.user());
        overrides.put("epm.database.password", postgres.password());
        overrides.put("epm.database.create-rollup-tables", true);
        overrides.put("epm.data-dir", dataDir.toString());
        // explicit, so that another instance with a data directory of its own shares them
        overrides.put("epm.blob-stores.rollup.path", dataDir.resolve("blobs/rollup").toString());
        overrides.put("epm.blob-stores.public.path", dataDir.resolve("blobs/public").toString());
        overrides.put("epm.http.port", 0);
        overrides.put("epm.l1.rpc-url", chain.rpcUrl());
        overrides.put("epm.l1.contract-address", chain.proofManagerAddress());
        overrides.put("epm.l1.verifier-address", chain.verifierAddress());
        overrides.put("epm.l1.submitter-private-key", LocalChain.submitterPrivateKey());
        overrides.put("epm.l1.poll-interval", "200ms");
        overrides.put("epm.readiness.poll-interval", "200ms");
        overrides.put("epm.readiness.retry-backoff-min", "200ms");
        overrides.put("epm.readiness.retry-backoff-max", "1s");
        overrides.put("epm.postgres-sink.retry-backoff-max", "1s");
        overrides.putAll(extraSettings);
        return overrides;
    }

    /** Sends {@code call} as {@code account} and waits for it to be mined. */
    void send(final org.web3j.crypto.Credentials account, final ContractCall call) {
        try {
            call.send(chain.proofManager(account));
        } catch (final Exception e) {
            throw new IllegalStateException("contract call failed", e);
        }
    }

    /** A transaction on the proof manager. */
    interface ContractCall {
        void send(ProofManager proofManager) throws Exception;
    }

    /** The on-chain request of {@code batch}. */
    ProofManager.ProofRequest request(final long batch) {
        try {
            return chain.proofManager(chain.submitter()).proofRequest(new ProofManager.ProofRequestIdentifier(
                    BigInteger.valueOf(ServiceHarness.ROLLUP_CHAIN_ID), BigInteger.valueOf(batch))).send();
        } catch (final Exception e) {
            throw new IllegalStateException("cannot read the request of batch " + batch, e);
        }
    }

    /** {@code status}, {@code assigned_to} and {@code fallback_reason} of a batch's row; empty when it has none. */
    static Map<String, String> row(final DataSource dataSource, final long batch) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status, assigned_to, fallback_reason FROM eth_proof_manager WHERE l1_batch_number = " + batch)) {
            final Map<String, String> row = new HashMap<>();
            if (rs.next()) {
                row.put("status", rs.getString(1));
                row.put("assigned_to", rs.getString(2));
                row.put("fallback_reason", rs.getString(3));
            }
            return row;
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot read the row of batch " + batch, e);
        }
    }

    /** Every record on the fallback topic now. */
    List<FallbackRecord> fallbacks() {
        return records(Topics.FALLBACK).stream().map(Map.Entry::getValue).toList();
    }

    /** Every committed record of a topic now (keys and values decoded with the topic's serdes), oldest first. */
    <K, V> List<Map.Entry<K, V>> records(final Topic<K, V> topic) {
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<Map.Entry<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(new java.util.AbstractMap.SimpleEntry<>(r.key(), r.value())));
            }
        }
        return records;
    }
}
