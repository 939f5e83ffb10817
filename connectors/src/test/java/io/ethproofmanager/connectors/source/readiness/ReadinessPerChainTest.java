package io.ethproofmanager.connectors.source.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.connectors.blob.FileSystemBlobStore;
import io.ethproofmanager.connectors.db.Database;
import io.ethproofmanager.connectors.db.ProofGenerationDetails;
import io.ethproofmanager.connectors.testing.SharedInfrastructure;
import io.ethproofmanager.connectors.testing.TestClock;
import io.ethproofmanager.connectors.testing.TestSettings;
import io.ethproofmanager.devkit.rollup.ReadyBatchSeeder;
import io.ethproofmanager.schemas.ProtocolVersion;
import io.ethproofmanager.schemas.ReadinessEvent;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One readiness checker per rollup chain, on real PostgreSQL and Kafka: a chain whose {@code proof_generation_details} is
 * in the manager's database (its search path, or a schema of its own) and one whose table is in a database of its own;
 * the same batch numbers on every chain, each chain's progress kept apart by (chain id, batch).
 */
class ReadinessPerChainTest {

    private static final ProtocolVersion VERSION = new ProtocolVersion(0, 28, 0);
    private static final long SEARCH_PATH_CHAIN = 5001;
    private static final long SCHEMA_CHAIN = 5002;
    private static final long OWN_DATABASE_CHAIN = 5003;
    private static Database manager;
    private static Database rollupDatabase;
    private static String bootstrapServers;

    @TempDir
    Path blobs;

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void infrastructure() {
        manager = SharedInfrastructure.freshDatabase("readiness_per_chain_test");
        Database.createRollupTables(manager.dataSource(), Optional.of("rollup_b"));
        rollupDatabase = SharedInfrastructure.emptyDatabase("readiness_per_chain_rollup_c");
        Database.createRollupTables(rollupDatabase.dataSource(), Optional.empty());
        bootstrapServers = SharedInfrastructure.kafka().bootstrapServers();
        SharedInfrastructure.createTopics(bootstrapServers, Topics.READINESS.name());
    }

    @AfterAll
    static void closeDatabases() {
        manager.close();
        rollupDatabase.close();
    }

    @Test
    void eachChainPublishesItsOwnBatchesUnderItsChainIdAndKeepsItsOwnProgress() {
        final List<ProofGenerationDetails> tables = List.of(ProofGenerationDetails.inManagerDatabase(manager.dataSource()),
                new ProofGenerationDetails(manager.dataSource(), Optional.of("rollup_b"), true),
                new ProofGenerationDetails(rollupDatabase.dataSource(), Optional.empty(), false));
        final List<Long> chains = List.of(SEARCH_PATH_CHAIN, SCHEMA_CHAIN, OWN_DATABASE_CHAIN);
        final List<ReadinessChecker> checkers = new ArrayList<>();
        try {
            for (int i = 0; i < chains.size(); i++) {
                final FileSystemBlobStore rollupStore = new FileSystemBlobStore(blobs.resolve("rollup-" + chains.get(i)));
                assertThat(ReadyBatchSeeder.seed(tables.get(i).dataSource(), tables.get(i).table(), rollupStore::write, 3,
                        new Random(i))).containsExactly(1L, 2L, 3L);
                checkers.add(new ReadinessChecker(settings(chains.get(i)), manager.dataSource(), tables.get(i), rollupStore,
                        new FileSystemBlobStore(blobs.resolve("public")), meters, clock));
            }

            for (final ReadinessChecker checker : checkers) {
                assertThat(checker.pollOnce()).as("batches 1-3 of its own chain").isEqualTo(3);
            }
            for (final ReadinessChecker checker : checkers) {
                assertThat(checker.pollOnce()).as("nothing twice").isZero();
            }
        } finally {
            checkers.forEach(ReadinessChecker::close);
        }

        for (final long chain : chains) {
            assertThat(ReadinessTopic.events(bootstrapServers, chain)).extracting(ReadinessEvent::batchNumber)
                    .as("events of chain %d", chain).containsExactly(1L, 2L, 3L);
            assertThat(ReadinessTopic.events(bootstrapServers, chain)).extracting(ReadinessEvent::proofGenDataBlobUrl)
                    .allSatisfy(url -> assertThat(url).endsWith("_" + chain + ".cbor"));
            assertThat(meters.counter("epm_readiness_published_total", "chain", Long.toString(chain)).count()).isEqualTo(3);
        }
        assertThat(publishedProgressRows()).containsExactlyInAnyOrder(
                SEARCH_PATH_CHAIN + ":1", SEARCH_PATH_CHAIN + ":2", SEARCH_PATH_CHAIN + ":3",
                SCHEMA_CHAIN + ":1", SCHEMA_CHAIN + ":2", SCHEMA_CHAIN + ":3",
                OWN_DATABASE_CHAIN + ":1", OWN_DATABASE_CHAIN + ":2", OWN_DATABASE_CHAIN + ":3");
    }

    @Test
    void aTableInADatabaseOfItsOwnHasItsLateAndFailedBatchesPublishedToo() {
        final long chain = 5004;
        execute(rollupDatabase.dataSource(), "CREATE SCHEMA IF NOT EXISTS rollup_d");
        Database.createRollupTables(rollupDatabase.dataSource(), Optional.of("rollup_d"));
        final ProofGenerationDetails table = new ProofGenerationDetails(rollupDatabase.dataSource(), Optional.of("rollup_d"), false);
        final FileSystemBlobStore rollupStore = new FileSystemBlobStore(blobs.resolve("rollup-d"));
        ReadyBatchSeeder.seed(table.dataSource(), table.table(), rollupStore::write, 3, new Random(4));
        // batch 2 not ready yet, batch 4 ready but its blob not there yet
        execute(table.dataSource(), "UPDATE " + table.table() + " SET proof_gen_data_blob_url = NULL WHERE l1_batch_number = 2");
        execute(table.dataSource(), "INSERT INTO " + table.table()
                + " (l1_batch_number, status, proof_gen_data_blob_url) VALUES (4, 'unpicked', 'proof_gen_data/4.bin')");

        try (ReadinessChecker checker = new ReadinessChecker(settings(chain), manager.dataSource(), table, rollupStore,
                new FileSystemBlobStore(blobs.resolve("public")), meters, clock)) {
            assertThat(checker.pollOnce()).as("1 and 3; 4 fails").isEqualTo(2);
            assertThat(meters.counter("epm_readiness_failures_total", "chain", Long.toString(chain), "reason", "blob_missing")
                    .count()).isEqualTo(1);

            execute(table.dataSource(), "UPDATE " + table.table()
                    + " SET proof_gen_data_blob_url = 'proof_gen_data/2.bin' WHERE l1_batch_number = 2");
            rollupStore.write("proof_gen_data/4.bin", new byte[] {4});
            assertThat(checker.pollOnce()).as("2, ready later below published batches; 4 still backing off").isEqualTo(1);
            clock.advance(Duration.ofMinutes(1));
            assertThat(checker.pollOnce()).as("4, after its backoff").isEqualTo(1);
            assertThat(checker.pollOnce()).isZero();
        }
        assertThat(ReadinessTopic.events(bootstrapServers, chain)).extracting(ReadinessEvent::batchNumber)
                .containsExactly(1L, 3L, 2L, 4L);
    }

    private static ReadinessSettings settings(final long chain) {
        return ReadinessSettings.from(TestSettings.with(Map.of("epm.readiness.retry-backoff-min", "10s",
                "epm.readiness.retry-backoff-max", "20s")), bootstrapServers, chain, VERSION);
    }

    private static List<String> publishedProgressRows() {
        final List<String> rows = new ArrayList<>();
        try (Connection c = manager.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT chain_id, l1_batch_number FROM eth_proof_manager_readiness"
                        + " WHERE published_at IS NOT NULL AND chain_id BETWEEN 5001 AND 5003")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + ":" + rs.getLong(2));
            }
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static void execute(final DataSource dataSource, final String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (final SQLException e) {
            throw new IllegalStateException("cannot run " + sql, e);
        }
    }
}
